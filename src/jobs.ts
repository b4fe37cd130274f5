/**
 * The pipeline's jobs as the CLI and the daemon run them: collect (+ alerts), review (+ mail),
 * the dormancy notice, and delivery of the outbox. Each opens nothing it is not given except
 * mail transports, which are closed before returning.
 */
import type { Clock } from './clock.js';
import { runCollect } from './app.js';
import type { CollectReport } from './collect/collect.js';
import type { Config } from './config/schema.js';
import type { ResolvedPolicy } from './engine/policy.js';
import { evaluate } from './engine/evaluate.js';
import { runAlerts, type RunAlertsResult } from './alerts/index.js';
import type { Logger } from './log.js';
import { composeDormancyNotice } from './mail/dormancy.js';
import { deliverPending, Outbox, outboxDirFor, packFilesOf, queueReviewMail, transportFromConfig, type DeliverResult } from './mail/index.js';
import { checkPeriod } from './period.js';
import { runReview, type ReviewResult } from './review/review.js';
import { RULES } from './rules/index.js';
import { buildSnapshot } from './snapshot/build.js';
import type { SigningKey } from './pack/signing.js';
import type { EvidenceStore } from './store/types.js';
import { failed, ok, type JobOutcome, type Jobs } from './schedule/types.js';

export interface MailReport {
  readonly lines: readonly string[];
  /** A message could not be sent and waits for a retry (or was refused). */
  readonly failed: boolean;
  readonly emlPaths: readonly string[];
}

function deliveryLines(d: DeliverResult): string[] {
  return [`mail: ${d.note}`];
}

/** Sends what is due in the outbox (everything pending with `retryNow`). */
export async function deliverOutbox(config: Config, clock: Clock, retryNow = false): Promise<DeliverResult> {
  const outbox = new Outbox(outboxDirFor(config));
  const transport = transportFromConfig(config);
  try {
    return await deliverPending({ outbox, clock, retryNow, ...(transport ? { transport } : {}) });
  } finally {
    transport?.close();
  }
}

/** Queues the review mail (and project digests) and sends it. A pack already mailed is not mailed again. */
export async function mailReview(config: Config, clock: Clock, result: ReviewResult): Promise<MailReport> {
  if (!config.mail) return { lines: ['mail: not configured (no `mail:` in the config); the pack is only archived'], failed: false, emlPaths: [] };
  const q = await queueReviewMail({ config, data: result.data, pack: packFilesOf(result), clock });
  const d = await deliverOutbox(config, clock);
  const lines = [`mail: ${q.review.note}`, ...q.digests.map((x) => `mail: digest ${x.note}`), ...deliveryLines(d), `eml: ${q.review.emlPath}`];
  return { lines, failed: d.retrying.length + d.failed.length > 0, emlPaths: [q.review.emlPath, ...q.digests.map((x) => x.emlPath)] };
}

/** High-risk events since the last alert run → one alert mail, sent at once. */
export async function alertsAndSend(args: { config: Config; store: EvidenceStore; policy: ResolvedPolicy; clock: Clock }): Promise<{ result: RunAlertsResult; delivery?: DeliverResult }> {
  const { config, store, policy, clock } = args;
  if (!config.mail) return { result: await runAlerts({ store, config, policy, clock, outbox: false }) };
  const result = await runAlerts({ store, config, policy, clock });
  const delivery = result.enqueued ? await deliverOutbox(config, clock) : undefined;
  return { result, ...(delivery ? { delivery } : {}) };
}

/** The monthly dormancy notice: dormant and approaching-dormant accounts to the security list. */
export async function dormancyNotice(args: { config: Config; store: EvidenceStore; policy: ResolvedPolicy; clock: Clock }): Promise<JobOutcome> {
  const { config, store, policy, clock } = args;
  if (!config.mail) return ok('skipped: no `mail:` in the config');
  const now = clock.now();
  const snapshot = buildSnapshot({ store, config, at: now.toISOString(), period: checkPeriod(now, config.timezone, config.fiscalYearStartMonth) });
  const rules = RULES.filter((r) => r.meta.id === 'dormant-account' || r.meta.id === 'dormant-account-notice');
  const findings = evaluate({ snapshot, rules, policy });
  const days = (policy['dormant-account']?.options as { days?: number } | undefined)?.days ?? 60;
  const message = composeDormancyNotice({ snapshot, findings, mail: config.mail, clock, dormantDays: days });
  if (!message) return ok('no dormant or approaching accounts');
  const queued = await new Outbox(outboxDirFor(config)).enqueue(message, clock);
  const d = await deliverOutbox(config, clock);
  return ok(`dormancy notice: ${queued.note}; ${d.note}`, { eml: queued.emlPath });
}

function collectOutcome(r: CollectReport): JobOutcome {
  const summary = r.sources.map((s) => `${s.source} ${s.status}${s.count !== undefined ? ` ${s.count}` : ''}`).join(', ');
  const error = r.sources.filter((s) => s.status === 'failed').map((s) => `${s.source}: ${s.error ?? ''}`).join('; ');
  return { outcome: r.outcome, summary, runId: r.runId, ...(error ? { error } : {}) };
}

/** The daemon's jobs, wired to the real pipeline. */
export function daemonJobs(args: { config: Config; store: EvidenceStore; policy: ResolvedPolicy; clock: Clock; signingKey?: SigningKey; log?: Logger }): Jobs {
  const { config, store, policy, clock } = args;
  return {
    recordsOwnRuns: ['collect'],
    collect: async () => collectOutcome(await runCollect({ config, clock, store, ...(args.log ? { log: args.log } : {}) })),
    alerts: async () => {
      const { result, delivery } = await alertsAndSend({ config, store, policy, clock });
      const n = result.alerts.length;
      return ok(n ? `${n} alert(s)${delivery ? `; ${delivery.note}` : ''}` : 'no high-risk events', { alerts: n });
    },
    dormancyNotice: async () => dormancyNotice({ config, store, policy, clock }),
    review: async (period) => {
      const result = await runReview({ config, store, clock, policy, period, ...(args.signingKey ? { signingKey: args.signingKey } : {}) });
      const mail = await mailReview(config, clock, result);
      const open = result.data.findings.filter((f) => f.status === 'open').length;
      const summary = `${result.pack.dirName}: ${open} open findings; ${mail.lines.join('; ')}`;
      return mail.failed ? { outcome: 'partial', summary, error: 'the review mail is waiting in the outbox for a retry', details: { pack: result.pack.dir } } : ok(summary, { pack: result.pack.dir });
    },
    deliver: async () => {
      const d = await deliverOutbox(config, clock);
      if (d.failed.length) return failed(d.note, { sent: d.sent.length, failed: d.failed.length });
      return { outcome: d.retrying.length ? 'partial' : 'ok', summary: d.note };
    },
  };
}
