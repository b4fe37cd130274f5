/**
 * Maps a raw audit-log entry (domain, feature, action) to a normalized kind.
 *
 * Amplitude does not publish its action names, so the mapping is a list of keyword rules tried
 * in order, not a lookup table: a name it has never seen still lands in the right family
 * (`saml_login` → login, `download_cohort` → cohort_export). Order matters where names overlap:
 * failed logins before logins, invite acceptance before invites, the specific exports before
 * the generic one, SCIM keys before API keys, role changes before other permission changes.
 */
import type { EventKind } from '../../domain/events.js';

export interface ClassifyRule {
  readonly kind: EventKind;
  /** Every given pattern must match its field. */
  readonly domain?: RegExp;
  readonly feature?: RegExp;
  readonly action?: RegExp;
  /** Matched against `domain/feature/action` joined. */
  readonly any?: RegExp;
}

export const CLASSIFY_RULES: readonly ClassifyRule[] = [
  { kind: 'login_failed', action: /(login|log_in|sign_?in|auth\w*)_?(fail|error|denied|reject)|fail\w*_?(login|log_in|sign_?in)/ },
  { kind: 'logout', action: /log_?out|sign_?out/ },
  { kind: 'password_reset', any: /password_?reset|reset_?password|forgot_?password/ },
  { kind: 'login', action: /login|log_in|sign_?in|magic_?link|authenticate/ },
  { kind: 'registration', action: /regist|sign_?up|create_account/ },
  { kind: 'invite_accepted', action: /accept\w*invit|invit\w*accept|join_org|joined/ },
  { kind: 'invite', action: /invit/ },
  { kind: 'scim_change', any: /scim/ },
  { kind: 'sso_change', any: /\bsso\b|_sso|sso_|saml|oidc|identity_provider/ },
  { kind: 'api_key_change', any: /api_?keys?|secret_?keys?|api_?tokens?|access_?tokens?|deployment_?keys?/ },
  { kind: 'role_change', action: /role/ },
  { kind: 'permission_change', any: /permission|addon|add_on|access_?grant/ },
  { kind: 'group_change', any: /group/ },
  { kind: 'member_removed', action: /(remove|delete|deactivate|revoke)\w*_(user|member)s?\b|(user|member)s?_(removed|deleted|deactivated)/ },
  { kind: 'cohort_export', domain: /cohort/, action: /export|sync|send|download|push/ },
  { kind: 'cohort_export', feature: /cohort/, action: /export|sync|send|download|push/ },
  { kind: 'user_export', action: /export_?users|users?_?export|export_?user_?(list|data)/ },
  { kind: 'user_export', feature: /^users?$/, action: /export|download/ },
  { kind: 'export', action: /export|download/ },
  { kind: 'security_change', any: /security|mfa|2fa|two_factor|ip_?allow|session_timeout|password_policy/ },
  { kind: 'project_change', domain: /project/, action: /^(create|update|delete|rename|archive|restore)_?(project|app)?/ },
  { kind: 'project_change', action: /(create|update|delete|rename|archive|restore)_(project|app)s?\b/ },
];

function matches(rule: ClassifyRule, domain: string, feature: string, action: string): boolean {
  if (rule.domain && !rule.domain.test(domain)) return false;
  if (rule.feature && !rule.feature.test(feature)) return false;
  if (rule.action && !rule.action.test(action)) return false;
  if (rule.any && !rule.any.test(`${domain}/${feature}/${action}`)) return false;
  return true;
}

function norm(s: string): string {
  // `Update Org Role`, `update-org-role` and `updateOrgRole` all read as update_org_role.
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The kind of an entry; a login that carries an error is a failed login. */
export function classify(domain: string, feature: string, action: string, error?: string, rules: readonly ClassifyRule[] = CLASSIFY_RULES): EventKind {
  const d = norm(domain);
  const f = norm(feature);
  const a = norm(action);
  const rule = rules.find((r) => matches(r, d, f, a));
  const kind = rule?.kind ?? 'other';
  if (kind === 'login' && error !== undefined && error.trim() !== '') return 'login_failed';
  return kind;
}
