/** The short alert mail: the high-risk events of one alert run, each listed once. */
import type { Clock } from '../clock.js';
import type { Span } from '../domain/common.js';
import { sha256Hex } from '../fsutil.js';
import { buildMessage } from '../mail/compose.js';
import { templatesForMail, type TemplateSet } from '../mail/templates.js';
import type { MailMessage, MailSettings } from '../mail/types.js';
import { clean, dateTime } from '../pack/pdf/format.js';
import { TOOL_VERSION } from '../version.js';
import type { Alert, AlertKind } from './types.js';

const KIND_LABELS: Readonly<Record<AlertKind, string>> = {
  'org-admin': 'new org admin',
  'security-settings': 'security settings',
  'large-export': 'large export',
  'export-volume': 'export limit',
  'failed-login-burst': 'failed logins',
};

const KIND_PHRASES: Readonly<Record<AlertKind, string>> = {
  'org-admin': 'new org admin or owner',
  'security-settings': 'SSO/SCIM/security settings changed',
  'large-export': 'large cohort export',
  'export-volume': 'export limit crossed',
  'failed-login-burst': 'failed-login burst',
};

const KIND_COLORS: Readonly<Record<AlertKind, string>> = {
  'org-admin': '#b42318',
  'security-settings': '#b54708',
  'large-export': '#b42318',
  'export-volume': '#b42318',
  'failed-login-burst': '#b54708',
};

const ADVICE: Readonly<Record<AlertKind, string>> = {
  'org-admin':
    'New org admin or owner: confirm the change with the person who made it; if it was not approved, lower the role in Settings → Members & Groups and record the approval (or its absence) in the access register.',
  'security-settings':
    'Settings change: check SSO, SCIM and security settings in Settings → Organization Settings; revert what was not planned and rotate the SCIM key if it was regenerated.',
  'large-export': 'Large export: ask the person what was exported, why and where the file is now; if it is not legitimate, suspend the account and open a security incident.',
  'export-volume': 'Export volume: ask the person for the business reason; if it is not legitimate, remove their export capability and open a security incident.',
  'failed-login-burst':
    'Failed logins: contact the account holder through a known channel; if the attempts were not theirs, reset the password, end their sessions and check for successful logins and exports afterwards.',
};

const ORDER: readonly AlertKind[] = ['org-admin', 'security-settings', 'large-export', 'export-volume', 'failed-login-burst'];

/** The alert batch's identity: the same alerts give the same outbox id (a retried run enqueues nothing new). */
export function alertRef(alerts: readonly Alert[]): string {
  return `alerts:${sha256Hex([...alerts.map((a) => a.key)].sort().join('\n')).slice(0, 24)}`;
}

export interface ComposeAlertOptions {
  readonly alerts: readonly Alert[];
  readonly org: { readonly name: string };
  readonly timezone: string;
  readonly mail: MailSettings;
  readonly clock: Clock;
  /** The window the alerts were found in. */
  readonly window: Span;
  readonly templatesDir?: string;
  readonly templates?: TemplateSet;
  /** Alerts listed in full; the rest are counted (all of them are in the ledger). Default 50. */
  readonly maxListed?: number;
}

export function composeAlertMail(o: ComposeAlertOptions): MailMessage {
  if (o.alerts.length === 0) throw new Error('bug: an alert mail needs at least one alert');
  const templates =
    o.templates ?? templatesForMail(o.mail, o.templatesDir);
  const tz = o.timezone;
  const org = clean(o.org.name);
  const n = o.alerts.length;
  const kinds = ORDER.filter((k) => o.alerts.some((a) => a.kind === k));
  const cap = o.maxListed ?? 50;
  const listed = o.alerts.slice(0, cap);
  const subject = `[ampaudit] ${org} alert: ${n} high-risk ${n === 1 ? 'event' : 'events'} (${kinds.map((k) => KIND_PHRASES[k]).join(', ')})`;
  const since = `${dateTime(o.window.from, tz)} (${tz})`;
  const view = {
    kind: 'alert',
    subject,
    preheader: `${kinds.map((k) => KIND_PHRASES[k]).join(', ')} since ${since}`,
    heading: 'Security alert',
    title: `${org}: ${n} high-risk ${n === 1 ? 'event' : 'events'}`,
    subtitle: `Found ${dateTime(o.clock.now().toISOString(), tz)} (${tz}) in the audit log since ${dateTime(o.window.from, tz)}`,
    intro: `ampaudit found ${n === 1 ? 'one high-risk event' : `${n} high-risk events`} in the Amplitude audit log of ${org} since ${since}. ${n > cap ? `The first ${cap} are listed; the quarterly review lists all of them.` : ''}`.trim(),
    alerts: listed.map((a) => ({
      kindLabel: KIND_LABELS[a.kind],
      color: KIND_COLORS[a.kind],
      when: `${dateTime(a.time, tz)} (${tz})`,
      summary: clean(a.summary),
      details: a.details.map((d) => ({ label: clean(d.label), value: clean(d.value) })),
    })),
    more: Math.max(0, n - cap),
    advice: kinds.map((k) => ADVICE[k]),
    note: 'Each event is reported once. The next quarterly review lists these events again with their full context.',
    toolVersion: TOOL_VERSION,
  };
  return buildMessage({
    kind: 'alert',
    ref: alertRef(o.alerts),
    from: o.mail.from,
    to: o.mail.alertsTo ?? o.mail.to,
    subject,
    html: templates.render('alert', 'html', view),
    text: templates.render('alert', 'txt', view),
    headers: { Importance: 'high', 'X-Priority': '1' },
    date: o.clock.now().toISOString(),
  });
}
