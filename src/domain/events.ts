/** Audit-log events, normalized. The raw fields are kept beside the normalized kind. */
import type { Instant } from './common.js';

export type EventKind =
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'invite'
  | 'invite_accepted'
  | 'registration'
  | 'member_removed'
  | 'role_change'
  | 'permission_change'
  | 'group_change'
  | 'export'
  | 'cohort_export'
  | 'user_export'
  | 'sso_change'
  | 'scim_change'
  | 'security_change'
  | 'project_change'
  | 'password_reset'
  | 'api_key_change'
  | 'other';

export const EXPORT_KINDS: readonly EventKind[] = ['export', 'cohort_export', 'user_export'];
export const SECURITY_KINDS: readonly EventKind[] = ['sso_change', 'scim_change', 'security_change'];

export interface RoleChange {
  /** `org` for the organization role, `project` for a project role. */
  readonly scope: 'org' | 'project';
  readonly from?: string;
  /** The role after the change, lower-cased (owner, admin, manager, member, viewer, none, or a custom role name). */
  readonly to?: string;
}

export interface AuditEvent {
  /** Content fingerprint (hex), the de-duplication key. Same entry pulled twice → same fp. */
  readonly fp: string;
  readonly time: Instant;
  readonly kind: EventKind;
  readonly domain: string;
  readonly feature: string;
  readonly action: string;
  /** Lower-cased email of who acted. */
  readonly actor?: string;
  /** The raw target as the log gave it. */
  readonly target?: string;
  /** Lower-cased email when the target is a member. */
  readonly targetEmail?: string;
  readonly projectId?: string;
  readonly ip?: string;
  readonly userAgent?: string;
  /** Non-empty when the action failed; a login with an error is a failed login. */
  readonly error?: string;
  /** Exported rows when the log says. */
  readonly rows?: number;
  /** Users in an exported cohort when the log says. */
  readonly users?: number;
  readonly role?: RoleChange;
  /** Event properties as received. */
  readonly props: Readonly<Record<string, unknown>>;
}
