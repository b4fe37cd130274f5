/**
 * One alert run, after each collect: find the high-risk events since the previous run, compose
 * one short mail, put it in the outbox, then record the alerts in the ledger.
 *
 * The window: from the previous run's window end minus `amplitude.auditLogOverlapHours` (the
 * audit log is written asynchronously and collect re-reads that overlap, so late entries are
 * still seen; the ledger keeps them from being alerted twice) up to now. The first run (no
 * ledger yet) looks back 24 hours only, and records export limits already crossed before that
 * without mailing them: switching alerts on does not flood the list with old news (the quarterly
 * review reports those).
 *
 * Order: detect → compose → enqueue → ledger. A crash before the ledger write repeats the same
 * detection next time; the alert batch has the same outbox id, so nothing is mailed twice.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Span } from '../domain/common.js';
import type { ResolvedPolicy } from '../engine/policy.js';
import type { MailMessage } from '../mail/types.js';
import { Outbox, outboxDirFor, type EnqueueResult } from '../mail/outbox.js';
import type { EvidenceStore } from '../store/types.js';
import { composeAlertMail } from './compose.js';
import { detectAlerts } from './detect.js';
import { AlertLedger } from './ledger.js';
import { alertThresholds } from './thresholds.js';
import type { Alert } from './types.js';

const HOUR_MS = 3_600_000;
export const FIRST_RUN_LOOKBACK_HOURS = 24;

export interface RunAlertsOptions {
  readonly store: EvidenceStore;
  readonly config: Config;
  readonly policy: ResolvedPolicy;
  readonly clock: Clock;
  /**
   * Where the alert mail is queued before the ledger records the alerts (default: the configured
   * outbox). `false`: only return the message; the caller queues it, and an alert is lost if the
   * caller crashes before that.
   */
  readonly outbox?: Outbox | false;
  /** The shipped templates folder (tests). */
  readonly templatesDir?: string;
}

export interface RunAlertsResult {
  /** New alerts, oldest first (each alerted once, ever). */
  readonly alerts: readonly Alert[];
  /** The alert mail, when there are alerts and `mail:` is configured. */
  readonly message?: MailMessage;
  /** The outbox entry (unless `outbox: false`). */
  readonly enqueued?: EnqueueResult;
  readonly window: Span;
  readonly firstRun: boolean;
  /** First run: limits crossed before the window, recorded without an alert. */
  readonly primed: number;
  /** Audit events read. */
  readonly scanned: number;
}

/** The window of this run: since the last run (minus the collect overlap), or the last 24 h on the first run. */
export function alertWindow(cursor: string | undefined, now: Date, overlapHours: number): { window: Span; firstRun: boolean } {
  const nowMs = now.getTime();
  if (cursor === undefined) return { window: { from: new Date(nowMs - FIRST_RUN_LOOKBACK_HOURS * HOUR_MS).toISOString(), to: now.toISOString() }, firstRun: true };
  // A cursor in the future (the clock was set back) must not leave a blind spot.
  const base = Math.min(Date.parse(cursor), nowMs);
  return { window: { from: new Date(base - overlapHours * HOUR_MS).toISOString(), to: now.toISOString() }, firstRun: false };
}

export async function runAlerts(o: RunAlertsOptions): Promise<RunAlertsResult> {
  const { store, config, policy, clock } = o;
  const ledger = new AlertLedger(store);
  const now = clock.now();
  const { window, firstRun } = alertWindow(ledger.cursor(), now, config.amplitude.auditLogOverlapHours);
  const found = detectAlerts({
    store,
    ledger,
    window,
    firstRun,
    thresholds: alertThresholds(policy),
    timezone: config.timezone,
    fiscalYearStartMonth: config.fiscalYearStartMonth,
  });

  let message: MailMessage | undefined;
  let enqueued: EnqueueResult | undefined;
  if (found.alerts.length > 0 && config.mail) {
    message = composeAlertMail({
      alerts: found.alerts,
      org: config.org,
      timezone: config.timezone,
      mail: config.mail,
      clock,
      window,
      ...(o.templatesDir ? { templatesDir: o.templatesDir } : {}),
    });
    const outbox = o.outbox === undefined ? new Outbox(outboxDirFor(config)) : o.outbox;
    if (outbox) enqueued = await outbox.enqueue(message, clock);
  }

  ledger.commit({ keys: [...found.alerts.map((a) => a.key), ...found.primed], at: now.toISOString(), burstEnds: found.burstEnds, cursor: window.to });
  return {
    alerts: found.alerts,
    ...(message ? { message } : {}),
    ...(enqueued ? { enqueued } : {}),
    window,
    firstRun,
    primed: found.primed.length,
    scanned: found.scanned,
  };
}
