/**
 * The simulator's own model of an organization: what Amplitude holds, plus what the
 * organization's files say (register, key inventory, exceptions). Times are epoch ms.
 *
 * Things can appear and disappear over time (`from` / `until`), so a server whose clock moves
 * serves the state as of its clock: a member removed in the spring is gone in the summer.
 * Audit events are not stored here: they come from `events`, generated per day on demand.
 */
import type { AddonKind, KeyType, OrgRole, PersonKind, RoleLevel } from '../domain/model.js';
import type { RawActionName } from './actions.js';

/** A span of existence: present at t when from <= t < until (absent = unbounded). */
export interface Lifetime {
  readonly from?: number;
  readonly until?: number;
}

export interface SimProject {
  readonly id: number;
  readonly name: string;
  readonly production: boolean;
}

export interface SimRole {
  readonly uuid: string;
  readonly name: string;
  readonly custom: boolean;
  /** The level of a default role; for a custom role the level it is meant to be mapped to. */
  readonly level: RoleLevel;
  readonly description: string;
}

export interface SimMember extends Lifetime {
  /** The email as Amplitude holds it (SCIM). May differ in case from the register. */
  readonly email: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly status: 'active' | 'invited' | 'deactivated';
  readonly orgRole: OrgRole;
  readonly invitedAt: number;
  readonly joinedAt?: number;
  readonly addons: readonly AddonKind[];
  readonly kind: PersonKind;
  readonly company: string;
  /** Whether background activity includes logins by this member (false = dormant). */
  readonly logsIn: boolean;
}

export interface SimGroup {
  /** SCIM gives some ids as numbers and some as strings; the simulator does both. */
  readonly id: number | string;
  readonly name: string;
  /** Emails as in `SimMember.email`. */
  readonly members: readonly string[];
  readonly created: number;
  readonly lastModified: number;
}

export interface SimAssignment extends Lifetime {
  readonly id: string;
  readonly principalType: 'user' | 'group';
  /** Email for users, the group id (as a string) for groups. */
  readonly principalId: string;
  readonly projectId: number;
  readonly roleId: string;
}

export interface SimKey extends Lifetime {
  readonly id: string;
  readonly label: string;
  readonly type: KeyType;
  readonly projectId?: number;
  readonly owner: string;
  /** YYYY-MM-DD */
  readonly createdOn: string;
  /** Rotation dates (YYYY-MM-DD), oldest first; the inventory shows the last one on or before its date. */
  readonly rotations: readonly string[];
  readonly lastUsedOn?: string;
  readonly storedIn: string;
}

/** A register row, in the column names of SPEC §11 (values as written in the file). */
export interface SimRegisterRow extends Lifetime {
  readonly email: string;
  readonly name: string;
  readonly kind: PersonKind;
  readonly company: string;
  readonly approver: string;
  readonly approved_on: string;
  readonly start_date: string;
  readonly end_date: string;
  readonly scope: string;
  readonly addons: string;
  readonly exports_allowed: 'yes' | 'no' | '';
  readonly elevated_role: string;
  readonly elevated_project: string;
  readonly revert_by: string;
  readonly ticket: string;
}

export interface SimException {
  readonly rule: string;
  readonly subject: string;
  readonly reason: string;
  readonly approved_by: string;
  readonly approved_on: string;
  readonly ticket: string;
  readonly expires: string;
}

/** One audit-log entry before it is shaped into a response. */
export interface SimEvent {
  readonly t: number;
  readonly action: RawActionName;
  readonly actor: string;
  readonly target?: string;
  readonly projectId?: number;
  readonly ip: string;
  readonly userAgent: string;
  readonly props: Readonly<Record<string, string | number | boolean>>;
  readonly error?: string;
}

/** Lazily generated audit events, one UTC day at a time. */
export interface EventSource {
  /** Events of UTC day `day` (days since the epoch), sorted by time. Same day → same events. */
  day(day: number): readonly SimEvent[];
  /** How many events `day(day)` returns, without generating them when possible. */
  dayCount(day: number): number;
}

export interface SimOrg {
  readonly id: string;
  readonly name: string;
  readonly timezone: string;
  readonly projects: readonly SimProject[];
  readonly roles: readonly SimRole[];
  readonly members: readonly SimMember[];
  readonly groups: readonly SimGroup[];
  readonly assignments: readonly SimAssignment[];
  readonly keys: readonly SimKey[];
  readonly register: readonly SimRegisterRow[];
  readonly exceptions: readonly SimException[];
  readonly events: EventSource;
}

export const DAY_MS = 86_400_000;

export function alive(x: Lifetime, t: number): boolean {
  return (x.from === undefined || x.from <= t) && (x.until === undefined || t < x.until);
}

export function utcDay(t: number): number {
  return Math.floor(t / DAY_MS);
}

/** YYYY-MM-DD of an instant in UTC. */
export function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export type { RawActionName };
