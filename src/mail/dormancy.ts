/**
 * The monthly dormancy notice: accounts that are dormant and accounts approaching dormancy,
 * so admins can ask people to log in or remove them before the quarterly review counts them.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Finding } from '../domain/findings.js';
import type { Snapshot } from '../domain/snapshot.js';
import { buildMessage } from './compose.js';
import { templatesForMail } from './templates.js';
import type { MailMessage } from './types.js';
import { findingItem } from './view.js';
import { localDateOf } from '../period.js';
import { TOOL_VERSION } from '../version.js';

export interface DormancyNoticeOptions {
  readonly snapshot: Snapshot;
  /** Findings of dormant-account and dormant-account-notice. */
  readonly findings: readonly Finding[];
  readonly mail: NonNullable<Config['mail']>;
  readonly clock: Clock;
  readonly dormantDays: number;
  readonly templatesDir?: string;
  /** Most people listed per section (the rest are counted). */
  readonly cap?: number;
}

/** Undefined when there is nothing to report (no dormant or approaching account, nothing undecided). */
export function composeDormancyNotice(o: DormancyNoticeOptions): MailMessage | undefined {
  const cap = o.cap ?? 200;
  // The month in the configured zone: it names the notice and makes its outbox id, so a notice
  // sent early on the 1st east of UTC must not take the previous month's (and be dropped as sent).
  const month = localDateOf(o.clock.now(), o.snapshot.timezone).slice(0, 7);
  const period = o.snapshot.period.label;
  const pick = (rule: string) => o.findings.filter((f) => f.ruleId === rule && f.status === 'open');
  const dormant = pick('dormant-account');
  const approaching = pick('dormant-account-notice');
  const unknown = o.findings.filter((f) => f.status === 'unknown');
  if (dormant.length + approaching.length + unknown.length === 0) return undefined;
  const templates = templatesForMail(o.mail, o.templatesDir);
  const org = o.snapshot.org.name;
  const subject = `[ampaudit] ${org} dormancy notice ${month}: ${dormant.length} dormant, ${approaching.length} approaching`;
  const section = (list: readonly Finding[]) => ({ items: list.slice(0, cap).map((f) => findingItem(f, period)), more: Math.max(0, list.length - cap) });
  const view = {
    kind: 'dormancy',
    subject,
    heading: 'Dormancy notice',
    title: `${org} · ${month}`,
    subtitle: `as of ${o.snapshot.at}`,
    preheader: `${dormant.length} dormant accounts, ${approaching.length} approaching dormancy`,
    toolVersion: TOOL_VERSION,
    intro: `${dormant.length} active account(s) have not logged in for ${o.dormantDays} days or more, and ${approaching.length} are approaching that limit. Dormant accounts are findings in the next quarterly review unless they are used again, removed, or excepted.`,
    dormantDays: o.dormantDays,
    dormant: section(dormant),
    approaching: section(approaching),
    undecided: unknown.map((f) => f.message).join(' '),
    advice: [
      'Ask the people listed whether they still need Amplitude; an account that is not needed is removed in Settings → Members & Groups.',
      'For someone on leave, record an exception with an expiry instead of leaving the account unexplained.',
      'Service or shared accounts should not log in interactively: move their work to API keys owned by a person.',
    ],
  };
  return buildMessage({
    kind: 'dormancy',
    ref: `${o.snapshot.org.id}/${month}`,
    from: o.mail.from,
    to: o.mail.alertsTo ?? o.mail.to,
    subject,
    html: templates.render('dormancy', 'html', view),
    text: templates.render('dormancy', 'txt', view),
    date: o.clock.now().toISOString(),
  });
}
