/**
 * The raw audit-log entries the simulator emits: (domain, feature, action) as Amplitude's
 * audit log records them, with the normalized kind the audit-log connector must give each.
 * Amplitude does not publish its action names; these follow its documented event families
 * (logins, invites, role changes, exports, SSO changes, ...). The connector's classifier is
 * tested against this table so the two cannot drift apart.
 */
import type { EventKind } from '../domain/events.js';

export interface RawAction {
  readonly domain: string;
  readonly feature: string;
  readonly action: string;
  readonly kind: EventKind;
  /** What `event_properties` usually carries for it. */
  readonly props?: readonly string[];
}

export const RAW_ACTIONS = {
  login: { domain: 'auth', feature: 'auth', action: 'login', kind: 'login', props: ['method'] },
  // A login entry with a non-empty `error` is a failed login (kind login_failed); so is this one.
  loginFailed: { domain: 'auth', feature: 'auth', action: 'login_failed', kind: 'login_failed', props: ['method', 'reason'] },
  logout: { domain: 'auth', feature: 'auth', action: 'logout', kind: 'logout' },
  passwordReset: { domain: 'auth', feature: 'password', action: 'password_reset', kind: 'password_reset' },
  registration: { domain: 'auth', feature: 'registration', action: 'register', kind: 'registration' },
  invite: { domain: 'org', feature: 'members', action: 'invite_user', kind: 'invite', props: ['role'] },
  inviteAccepted: { domain: 'org', feature: 'members', action: 'accept_invite', kind: 'invite_accepted' },
  memberRemoved: { domain: 'org', feature: 'members', action: 'remove_user', kind: 'member_removed' },
  orgRoleChange: { domain: 'org', feature: 'permissions', action: 'update_org_role', kind: 'role_change', props: ['old_role', 'new_role'] },
  projectRoleChange: {
    domain: 'org',
    feature: 'permissions',
    action: 'update_project_role',
    kind: 'role_change',
    props: ['project_id', 'old_role', 'new_role'],
  },
  addonPermissionChange: { domain: 'org', feature: 'permissions', action: 'update_addon_permission', kind: 'permission_change', props: ['addon'] },
  groupChange: { domain: 'org', feature: 'groups', action: 'update_group_members', kind: 'group_change' },
  projectCreate: { domain: 'project', feature: 'settings', action: 'create_project', kind: 'project_change' },
  projectUpdate: { domain: 'project', feature: 'settings', action: 'update_project', kind: 'project_change' },
  projectDelete: { domain: 'project', feature: 'settings', action: 'delete_project', kind: 'project_change' },
  dataExport: { domain: 'project', feature: 'export', action: 'export_data', kind: 'export', props: ['row_count'] },
  chartExport: { domain: 'content', feature: 'chart', action: 'export_csv', kind: 'export', props: ['row_count'] },
  dashboardExport: { domain: 'content', feature: 'dashboard', action: 'export_pdf', kind: 'export' },
  cohortExport: { domain: 'cohort', feature: 'cohort', action: 'export_cohort', kind: 'cohort_export', props: ['cohort_size', 'destination'] },
  cohortSync: { domain: 'cohort', feature: 'cohort_sync', action: 'sync_to_destination', kind: 'cohort_export', props: ['num_users', 'destination'] },
  userExport: { domain: 'project', feature: 'users', action: 'export_users', kind: 'user_export', props: ['num_users'] },
  ssoChange: { domain: 'org', feature: 'sso', action: 'update_sso_config', kind: 'sso_change' },
  scimKeyRegenerated: { domain: 'org', feature: 'scim', action: 'regenerate_scim_key', kind: 'scim_change' },
  securitySettings: { domain: 'org', feature: 'security', action: 'update_security_settings', kind: 'security_change', props: ['setting'] },
  apiKeyCreated: { domain: 'project', feature: 'api_keys', action: 'create_api_key', kind: 'api_key_change' },
  chartCreated: { domain: 'content', feature: 'chart', action: 'create_chart', kind: 'other' },
} as const satisfies Record<string, RawAction>;

export type RawActionName = keyof typeof RAW_ACTIONS;
