/**
 * The normalized organization: what the snapshot holds after merging every source.
 * Emails are the identity of a person and are always stored lower-cased.
 */
import type { Fact, Instant, LocalDate, SourceId } from './common.js';

export type OrgRole = 'owner' | 'admin' | 'manager' | 'member' | 'none';
export const ORG_ROLES: readonly OrgRole[] = ['owner', 'admin', 'manager', 'member', 'none'];

export type MemberStatus = 'active' | 'invited' | 'deactivated';
export const MEMBER_STATUSES: readonly MemberStatus[] = ['active', 'invited', 'deactivated'];

/** Amplitude's default project roles, lowest to highest. Custom roles map onto one by configuration. */
export type RoleLevel = 'viewer' | 'member' | 'manager' | 'admin';
export const ROLE_LEVELS: readonly RoleLevel[] = ['viewer', 'member', 'manager', 'admin'];

export type Environment = 'production' | 'non-production';

export type AddonKind = 'govern' | 'experiment' | 'accounts';
export const ADDON_KINDS: readonly AddonKind[] = ['govern', 'experiment', 'accounts'];

export type PersonKind = 'employee' | 'contractor' | 'service' | 'vendor';
export const PERSON_KINDS: readonly PersonKind[] = ['employee', 'contractor', 'service', 'vendor'];

export type KeyType =
  | 'project'
  | 'secret'
  | 'org'
  | 'scim'
  | 'data'
  | 'experiment-deployment'
  | 'experiment-management';
export const KEY_TYPES: readonly KeyType[] = [
  'project',
  'secret',
  'org',
  'scim',
  'data',
  'experiment-deployment',
  'experiment-management',
];

export interface Organization {
  readonly id: string;
  readonly name: string;
}

export interface Project {
  readonly id: string;
  readonly name: string;
  /** Where the name came from: the config's `projects:` list, the members export, or `Project <id>`. */
  readonly nameSource: 'config' | 'members-export' | 'default';
  readonly environment: Environment;
  /** Why it is (not) production, e.g. "listed in config" or "name matches /prod/i". */
  readonly environmentReason: string;
}

export interface Member {
  /** Lower-cased email: the identity across all sources. */
  readonly email: string;
  readonly name?: Fact<string>;
  /** SCIM `active`. True for invited-but-not-joined users too. */
  readonly scimActive?: Fact<boolean>;
  /** active | invited | deactivated, from the members export (SCIM cannot tell invited from joined). */
  readonly status?: Fact<MemberStatus>;
  /** Organization role; only the members export gives it. */
  readonly orgRole?: Fact<OrgRole>;
  readonly invitedOn?: Fact<Instant>;
  readonly joinedOn?: Fact<Instant>;
  /** Ids of the permission groups the member belongs to (SCIM). */
  readonly groups?: Fact<readonly string[]>;
  /** Every source that mentioned this member. */
  readonly seenIn: readonly SourceId[];
}

export interface Group {
  readonly id: string;
  readonly name: string;
  /** Lower-cased emails. */
  readonly members: readonly string[];
  readonly source: SourceId;
  readonly pulledAt: Instant;
}

export type GrantVia = { readonly kind: 'direct' } | { readonly kind: 'group'; readonly groupId: string; readonly groupName: string };

/** One member's effective role on one project. A role granted through a group appears once per group member. */
export interface Grant {
  readonly email: string;
  readonly projectId: string;
  /** `unknown` when a custom role is not mapped to a level in `policy.customRoles`. */
  readonly level: RoleLevel | 'unknown';
  readonly roleName: string;
  readonly roleId?: string;
  readonly via: GrantVia;
  readonly source: SourceId;
  readonly pulledAt: Instant;
}

export interface AddonGrant {
  readonly email: string;
  readonly addon: AddonKind;
  /** The project the add-on permission applies to, when the source says. */
  readonly projectId?: string;
  /** The source's own wording, e.g. "Govern: Data Manager". */
  readonly detail?: string;
  readonly source: SourceId;
  readonly pulledAt: Instant;
}

export interface ApiKey {
  /** The inventory's id; when that looked like the key itself, the `ref` instead (the secret is never kept). Print `ref`. */
  readonly id: string;
  /** Safe to display: the id when it does not look like a secret, else `key-<fingerprint>`. */
  readonly ref: string;
  /** First 12 hex characters of sha256(id). */
  readonly fingerprint: string;
  readonly label: string;
  readonly type: KeyType;
  readonly projectId?: string;
  /** Lower-cased email. */
  readonly owner?: string;
  readonly createdOn?: LocalDate;
  readonly rotatedOn?: LocalDate;
  readonly lastUsedOn?: LocalDate;
  readonly storedIn?: string;
  readonly line: number;
  readonly pulledAt: Instant;
}

/** One `project:role` item of a register entry's approved scope. */
export interface ScopeItem {
  /** A project id, a project name, `*` for every project, or `org` for the organization role. */
  readonly project: string;
  /** A project role level, or for `org`: owner | admin | manager | member. */
  readonly role: string;
}

export interface Elevation {
  readonly role: string;
  /** Project id or name; absent for an organization role. */
  readonly project?: string;
  readonly revertBy: LocalDate;
}

/** A row of the organization's own access register: what was approved. It never grants access. */
export interface RegisterEntry {
  readonly email: string;
  readonly name?: string;
  readonly kind: PersonKind;
  readonly company?: string;
  readonly approver?: string;
  readonly approvedOn?: LocalDate;
  readonly startDate?: LocalDate;
  readonly endDate?: LocalDate;
  readonly scope: readonly ScopeItem[];
  readonly addons: readonly AddonKind[];
  /** Undefined when the register leaves it blank. */
  readonly exportsAllowed?: boolean;
  readonly elevation?: Elevation;
  readonly ticket?: string;
  readonly line: number;
  readonly pulledAt: Instant;
}

/** An accepted risk. */
export interface ExceptionEntry {
  readonly rule: string;
  /** An email, a key id/ref, a project id, or `org`. */
  readonly subject: string;
  readonly reason: string;
  readonly approvedBy: string;
  readonly approvedOn: LocalDate;
  readonly ticket?: string;
  readonly expires: LocalDate;
  readonly line: number;
}
