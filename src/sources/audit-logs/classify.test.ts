import { describe, expect, it } from 'vitest';
import type { EventKind } from '../../domain/events.js';
import { RAW_ACTIONS } from '../../simulator/actions.js';
import { classify } from './classify.js';

describe('classify', () => {
  it.each(Object.entries(RAW_ACTIONS))('maps the simulator action %s to its kind', (_name, raw) => {
    expect(classify(raw.domain, raw.feature, raw.action)).toBe(raw.kind);
  });

  it('turns a login with a non-empty error into login_failed, and only a login', () => {
    expect(classify('auth', 'auth', 'login', 'invalid password')).toBe('login_failed');
    expect(classify('auth', 'auth', 'login', '  ')).toBe('login');
    expect(classify('auth', 'auth', 'login', '')).toBe('login');
    expect(classify('project', 'export', 'export_data', 'timeout')).toBe('export');
  });

  it.each([
    ['auth', 'sso', 'sso_login', 'login'],
    ['auth', 'auth', 'magic_link_login', 'login'],
    ['auth', 'auth', 'Google Login', 'login'],
    ['auth', 'auth', 'signIn', 'login'],
    ['auth', 'saml', 'saml_login_failed', 'login_failed'],
    ['auth', 'auth', 'failed_login', 'login_failed'],
    ['auth', 'auth', 'sign_out', 'logout'],
    ['auth', 'auth', 'forgot_password', 'password_reset'],
    ['auth', 'auth', 'sign_up', 'registration'],
    ['org', 'members', 'resend_invite', 'invite'],
    ['org', 'members', 'invite_accepted', 'invite_accepted'],
    ['org', 'members', 'deactivate_user', 'member_removed'],
    ['org', 'members', 'change_role', 'role_change'],
    ['org', 'members', 'remove_user_from_group', 'group_change'],
    ['org', 'groups', 'create_group', 'group_change'],
    ['org', 'permissions', 'grant_addon', 'permission_change'],
    ['cohort', 'cohort', 'download_cohort', 'cohort_export'],
    ['cohort', 'destinations', 'send_cohort', 'cohort_export'],
    ['content', 'notebook', 'export_notebook', 'export'],
    ['content', 'chart', 'download_csv', 'export'],
    ['project', 'users', 'download_user_list', 'user_export'],
    ['org', 'saml', 'update_saml_settings', 'sso_change'],
    ['org', 'security', 'enable_2fa', 'security_change'],
    ['org', 'scim', 'enable_scim', 'scim_change'],
    ['project', 'api_keys', 'rotate_secret_key', 'api_key_change'],
    ['project', 'settings', 'rename_project', 'project_change'],
    ['org', 'projects', 'archive_project', 'project_change'],
    ['content', 'dashboard', 'create_dashboard', 'other'],
    ['content', 'chart', 'view_chart', 'other'],
    ['', '', 'something_new', 'other'],
  ] as const)('classifies the unseen %s/%s/%s as %s', (domain, feature, action, kind: EventKind) => {
    expect(classify(domain, feature, action)).toBe(kind);
  });
});
