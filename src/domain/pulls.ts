/**
 * What one source gave in one collect, already parsed into domain terms but not yet merged
 * with the other sources. The evidence store keeps one `SourcePull` per source per collect;
 * the snapshot builder merges the latest of each into the organization's state.
 */
import type { Instant, LocalDate } from './common.js';
import type { AddonKind, ApiKey, ExceptionEntry, MemberStatus, OrgRole, RegisterEntry, RoleLevel } from './model.js';

export interface ScimUserRecord {
  /** Lower-cased. */
  readonly email: string;
  /** Undefined when SCIM had only the NO_GIVEN_NAME / NO_FAMILY_NAME placeholders. */
  readonly name?: string;
  readonly active: boolean;
  /** Group ids from the user resource, when SCIM included them. */
  readonly groupIds?: readonly string[];
}

export interface ScimGroupRecord {
  readonly id: string;
  readonly name: string;
  /** Lower-cased emails. */
  readonly members: readonly string[];
}

export interface RoleRecord {
  readonly id: string;
  readonly name: string;
  readonly custom: boolean;
  /** The default level when the role is one of Amplitude's defaults; undefined for custom roles. */
  readonly level?: RoleLevel;
}

export interface RoleAssignmentRecord {
  readonly id: string;
  readonly principalType: 'user' | 'group';
  /** Lower-cased email for users, group id for groups. */
  readonly principalId: string;
  readonly projectId: string;
  readonly roleId: string;
}

/** One row of the Members & Groups export. */
export interface MembersExportRow {
  readonly email: string;
  readonly name?: string;
  readonly orgRole?: OrgRole;
  readonly status?: MemberStatus;
  readonly invitedOn?: Instant;
  readonly joinedOn?: Instant;
  readonly projectId?: string;
  readonly project?: string;
  readonly projectRole?: string;
  /** `Direct`, or the name of the group that grants the role. */
  readonly accessVia?: string;
  readonly addons: readonly AddonKind[];
  readonly line: number;
}

interface PullBase {
  readonly pulledAt: Instant;
}

export interface ScimPull extends PullBase {
  readonly source: 'scim';
  readonly users: readonly ScimUserRecord[];
  readonly groups: readonly ScimGroupRecord[];
}

export interface UserManagementPull extends PullBase {
  readonly source: 'user-management';
  readonly roles: readonly RoleRecord[];
  readonly assignments: readonly RoleAssignmentRecord[];
}

export interface MembersExportPull extends PullBase {
  readonly source: 'members-export';
  readonly file: string;
  readonly sha256: string;
  readonly rows: readonly MembersExportRow[];
}

export interface RegisterPull extends PullBase {
  readonly source: 'register';
  readonly file: string;
  readonly sha256: string;
  readonly entries: readonly RegisterEntry[];
}

export interface ApiKeysPull extends PullBase {
  readonly source: 'api-keys';
  readonly file: string;
  readonly sha256: string;
  readonly keys: readonly ApiKey[];
}

export interface ExceptionsPull extends PullBase {
  readonly source: 'exceptions';
  readonly file: string;
  readonly sha256: string;
  readonly exceptions: readonly ExceptionEntry[];
}

/** State sources (everything but the audit log, whose events are appended separately). */
export type SourcePull = ScimPull | UserManagementPull | MembersExportPull | RegisterPull | ApiKeysPull | ExceptionsPull;
export type StateSourceId = SourcePull['source'];

export type { LocalDate };

/** How many records a pull holds (users, assignments, rows, entries, keys or exceptions). */
export function pullCount(pull: SourcePull): number {
  switch (pull.source) {
    case 'scim':
      return pull.users.length;
    case 'user-management':
      return pull.assignments.length;
    case 'members-export':
      return pull.rows.length;
    case 'register':
      return pull.entries.length;
    case 'api-keys':
      return pull.keys.length;
    case 'exceptions':
      return pull.exceptions.length;
  }
}
