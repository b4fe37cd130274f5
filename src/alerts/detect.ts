/**
 * Finding the high-risk events of one alert window in the evidence store.
 *
 * - New org admin or owner: an org-scope role change to admin or owner (a demotion from owner to
 *   admin is not one; a failed change is not one).
 * - SSO, SCIM or security settings changed (every such entry, a failed attempt included, as the
 *   security-settings-changed rule lists them).
 * - A single cohort export above the excessive-export rule's `largeCohortUsers`.
 * - A person's exports in the current quarter above `maxExports`, `maxRows` or `maxUsers`: once
 *   per person, quarter and limit.
 * - A failed-login burst: `threshold` failures for one account within 60 minutes (the rule's
 *   window, both ends inclusive). Failures that follow an alerted burst within 60 minutes of
 *   its last failure belong to it and raise no new alert; a new burst needs `threshold` fresh
 *   failures.
 *
 * Events are streamed (`iterateEvents`), so memory holds only the alerts found and, per account
 * with recent failures, at most one window of failure times. Quarter export totals come from the
 * store's indexed aggregation (`activity`), not from scanning the quarter.
 */
import type { Span } from '../domain/common.js';
import { SECURITY_KINDS, type AuditEvent } from '../domain/events.js';
import { dateTime } from '../pack/pdf/format.js';
import { nextQuarter, quarterOf } from '../period.js';
import type { EvidenceStore } from '../store/types.js';
import type { AlertLedger } from './ledger.js';
import type { Alert, AlertDetail, AlertThresholds } from './types.js';

export interface DetectInput {
  readonly store: Pick<EvidenceStore, 'iterateEvents' | 'activity'>;
  readonly ledger: Pick<AlertLedger, 'has' | 'burstEnd'>;
  /** Events with `from <= time < to` can raise alerts. */
  readonly window: Span;
  /**
   * First run (no cursor): export limits crossed before the window are recorded in the ledger
   * without an alert (`primed`), so switching alerts on does not mail old news.
   */
  readonly firstRun: boolean;
  readonly thresholds: AlertThresholds;
  readonly timezone: string;
  readonly fiscalYearStartMonth: number;
}

export interface Detection {
  readonly alerts: Alert[];
  /** Keys recorded without an alert (first run: limits crossed before the window; a cohort total already covered by a large-export alert). */
  readonly primed: string[];
  /** Account → last failed login now counted into an alerted burst. */
  readonly burstEnds: Map<string, number>;
  /** Events read from the store. */
  readonly scanned: number;
}

const PRIVILEGED = new Set(['admin', 'owner']);

const SECURITY_WHAT: Readonly<Record<string, string>> = {
  sso_change: 'SSO configuration changed',
  scim_change: 'SCIM provisioning settings changed',
  security_change: 'Security settings changed',
};

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function compact(details: (AlertDetail | undefined | false)[]): AlertDetail[] {
  return details.filter((d): d is AlertDetail => Boolean(d && d.value !== ''));
}

function eventDetails(e: AuditEvent): AlertDetail[] {
  return compact([
    e.actor !== undefined && { label: 'Actor', value: e.actor },
    { label: 'Action', value: `${e.domain} / ${e.feature} / ${e.action}` },
    e.target !== undefined && { label: 'Target', value: e.target },
    e.projectId !== undefined && { label: 'Project', value: e.projectId },
    e.ip !== undefined && { label: 'IP address', value: e.ip },
    e.error !== undefined && { label: 'Error', value: e.error },
    { label: 'Event fingerprint', value: e.fp.slice(0, 16) },
  ]);
}

function isFailedLogin(e: AuditEvent): boolean {
  return e.kind === 'login_failed' || (e.kind === 'login' && e.error !== undefined && e.error !== '');
}

interface OpenBurst {
  readonly account: string;
  readonly start: number;
  end: number;
  count: number;
  readonly ips: Set<string>;
}

interface BurstState {
  /** Last failure already counted into an alerted burst (from the ledger or this run). */
  end?: number;
  times: { t: number; ip?: string }[];
  current?: OpenBurst;
}

export function detectAlerts(input: DetectInput): Detection {
  const { store, ledger, thresholds: th, timezone: tz } = input;
  const fromMs = Date.parse(input.window.from);
  const toMs = Date.parse(input.window.to);
  if (Number.isNaN(fromMs) || Number.isNaN(toMs) || toMs < fromMs) throw new TypeError(`alerts: invalid window ${input.window.from} .. ${input.window.to}`);
  const windowMs = th.failedLogins.windowMinutes * 60_000;

  const alerts: Alert[] = [];
  const primed: string[] = [];
  const seen = new Set<string>();
  const add = (a: Alert): void => {
    if (seen.has(a.key) || ledger.has(a.key)) return;
    seen.add(a.key);
    alerts.push(a);
  };

  const bursts = new Map<string, BurstState>();
  const burstEnds = new Map<string, number>();
  const opened: OpenBurst[] = [];
  let scanned = 0;

  // Read from one burst window before `from`, so a burst that straddles the window start is seen whole.
  const scanFrom = th.failedLogins.enabled ? fromMs - windowMs : fromMs;
  for (const e of store.iterateEvents({ from: iso(scanFrom), to: input.window.to })) {
    scanned++;
    const t = Date.parse(e.time);
    const inWindow = t >= fromMs;

    if (th.failedLogins.enabled && isFailedLogin(e)) {
      const account = (e.actor ?? e.targetEmail ?? e.target ?? 'an unknown account').toLowerCase();
      let st = bursts.get(account);
      if (!st) {
        const end = ledger.burstEnd(account);
        st = { times: [], ...(end !== undefined ? { end } : {}) };
        bursts.set(account, st);
      }
      if (st.end !== undefined && t <= st.end) continue;
      if (st.end !== undefined && t - st.end <= windowMs) {
        // Continues a burst already alerted: counted into it, no new alert.
        st.end = t;
        burstEnds.set(account, t);
        if (st.current) {
          st.current.count++;
          st.current.end = t;
          if (e.ip && st.current.ips.size < 5) st.current.ips.add(e.ip);
        }
        continue;
      }
      st.current = undefined;
      st.times.push({ t, ...(e.ip ? { ip: e.ip } : {}) });
      while ((st.times[0]?.t ?? t) < t - windowMs) st.times.shift();
      if (inWindow && st.times.length >= th.failedLogins.threshold) {
        const first = st.times[0]?.t ?? t;
        const b: OpenBurst = { account, start: first, end: t, count: st.times.length, ips: new Set(st.times.flatMap((x) => (x.ip ? [x.ip] : [])).slice(0, 5)) };
        st.current = b;
        st.end = t;
        st.times = [];
        burstEnds.set(account, t);
        opened.push(b);
      }
      continue;
    }
    if (!inWindow) continue;

    if (e.kind === 'role_change' && e.role?.scope === 'org' && !e.error) {
      const to = e.role.to?.toLowerCase();
      const from = e.role.from?.toLowerCase();
      if (to && PRIVILEGED.has(to) && from !== to && !(from === 'owner' && to === 'admin')) {
        const who = e.targetEmail ?? e.target ?? 'an unknown member';
        add({
          key: `role:${e.fp}`,
          kind: 'org-admin',
          time: e.time,
          summary: `${who} became organization ${to}${from ? ` (was ${from})` : ''}, changed by ${e.actor ?? 'an unknown actor'}.`,
          details: eventDetails(e),
        });
      }
    } else if (th.securitySettings.enabled && SECURITY_KINDS.includes(e.kind)) {
      add({
        key: `security:${e.fp}`,
        kind: 'security-settings',
        time: e.time,
        summary: `${SECURITY_WHAT[e.kind] ?? 'Security setting changed'}${e.error ? ' (attempt failed)' : ''} by ${e.actor ?? 'an unknown actor'}.`,
        details: eventDetails(e),
      });
    } else if (th.exports.enabled && e.kind === 'cohort_export' && e.users !== undefined && e.users > th.exports.largeCohortUsers) {
      add({
        key: `cohort:${e.fp}`,
        kind: 'large-export',
        time: e.time,
        ...(e.actor ? { actor: e.actor } : {}),
        summary: `${e.actor ?? 'An unknown actor'} exported a cohort of ${fmt(e.users)} users, above the limit of ${fmt(th.exports.largeCohortUsers)}.`,
        details: eventDetails(e),
      });
    }
  }

  for (const b of opened) {
    add({
      key: `burst:${b.account}:${iso(b.start)}`,
      kind: 'failed-login-burst',
      time: iso(b.end),
      summary: `${fmt(b.count)} failed logins for ${b.account} between ${dateTime(iso(b.start), tz)} and ${dateTime(iso(b.end), tz)} (${th.failedLogins.threshold} or more within ${th.failedLogins.windowMinutes} minutes).`,
      details: compact([
        { label: 'First failure', value: `${dateTime(iso(b.start), tz)} (${tz})` },
        { label: 'Latest failure', value: `${dateTime(iso(b.end), tz)} (${tz})` },
        b.ips.size > 0 && { label: 'IP addresses', value: [...b.ips].join(', ') },
      ]),
    });
  }

  if (th.exports.enabled) {
    const cohortAlerted = new Set(alerts.filter((a) => a.kind === 'large-export').flatMap((a) => (a.actor ? [a.actor] : [])));
    exportVolume(input, fromMs, toMs, add, primed, cohortAlerted);
  }

  alerts.sort((a, b) => a.time.localeCompare(b.time) || a.key.localeCompare(b.key));
  return { alerts, primed, burstEnds, scanned };
}

type Metric = 'count' | 'rows' | 'users';

/** Per quarter the window touches: who is above an export limit now, and (first run) who already was before the window. */
function exportVolume(input: DetectInput, fromMs: number, toMs: number, add: (a: Alert) => void, primed: string[], cohortAlerted: ReadonlySet<string>): void {
  const { store, ledger, thresholds: th, timezone: tz, fiscalYearStartMonth: fy } = input;
  const limits: Record<Metric, number> = { count: th.exports.maxExports, rows: th.exports.maxRows, users: th.exports.maxUsers };
  const words: Record<Metric, string> = { count: 'exports', rows: 'exported rows', users: 'users in exported cohorts' };
  const totals = (at: number, q: { start: string }): Map<string, Record<Metric, number> & { last?: string }> => {
    const out = new Map<string, Record<Metric, number> & { last?: string }>();
    if (at <= Date.parse(q.start)) return out;
    const r = store.activity({
      at: iso(at),
      period: { from: q.start, to: iso(at) },
      largeExportUsers: Number.MAX_SAFE_INTEGER,
      baselineQuarters: [],
      burstWindowMinutes: th.failedLogins.windowMinutes,
    });
    for (const [email, a] of r.activity) {
      const x = a.exports;
      if (x.count > 0) out.set(email, { count: x.count, rows: x.rows, users: x.users, ...(x.last ? { last: x.last } : {}) });
    }
    return out;
  };

  let q = quarterOf(fromMs, tz, fy);
  while (Date.parse(q.start) < toMs) {
    const end = Math.min(Date.parse(q.end), toMs);
    const now = totals(end, q);
    let before: Map<string, Record<Metric, number>> | undefined;
    for (const [email, v] of [...now].sort(([a], [b]) => a.localeCompare(b))) {
      for (const m of ['count', 'rows', 'users'] as const) {
        if (!(v[m] > limits[m])) continue;
        const key = `export-${m}:${email}:${q.label}`;
        if (ledger.has(key)) continue;
        // The large cohort export already alerted in this run is what put them over: one alert, not two.
        if (m === 'users' && cohortAlerted.has(email)) {
          primed.push(key);
          continue;
        }
        if (input.firstRun) {
          before ??= totals(Math.max(fromMs, Date.parse(q.start)), q);
          if ((before.get(email)?.[m] ?? 0) > limits[m]) {
            primed.push(key);
            continue;
          }
        }
        add({
          key,
          kind: 'export-volume',
          time: v.last ?? iso(end),
          summary: `${email} is at ${fmt(v[m])} ${words[m]} in ${q.label}, above the limit of ${fmt(limits[m])}.`,
          details: compact([
            { label: 'Quarter', value: q.label },
            { label: 'Exports so far', value: fmt(v.count) },
            { label: 'Rows so far', value: fmt(v.rows) },
            v.users > 0 && { label: 'Cohort users so far', value: fmt(v.users) },
            v.last !== undefined && { label: 'Latest export', value: `${dateTime(v.last, tz)} (${tz})` },
          ]),
        });
      }
    }
    q = nextQuarter(q.label, tz, fy);
  }
}
