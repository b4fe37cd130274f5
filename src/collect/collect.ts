/**
 * `collect`: pull every configured source and append it to the evidence store.
 *
 * File sources are read and validated first, before the store is opened by the caller: a bad
 * register or config must leave the store untouched. Then the three APIs are pulled side by side
 * (each has its own rate limit). A source that fails is reported and not recorded; what the
 * others pulled is kept, and the run is recorded as `partial`. The audit log is stored window
 * by window, each window together with the coverage it proves, so an interrupted pull never
 * claims more coverage than it stored.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Instant, SourceId, Span } from '../domain/common.js';
import { pullCount, type SourcePull } from '../domain/pulls.js';
import { AmpauditError, SourceError, formatLocation } from '../errors.js';
import type { HttpStats } from '../http/types.js';
import { pullAuditLogs } from '../sources/audit-logs/index.js';
import type { FileSources } from '../sources/files/index.js';
import { pullScim } from '../sources/scim/index.js';
import type { AmplitudeClients } from '../sources/types.js';
import { pullUserManagement } from '../sources/user-management/index.js';
import { releaseMemory } from '../memory.js';
import type { EvidenceStore } from '../store/types.js';
import { silentProgress, type CollectProgress } from './progress.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface SourceOutcome {
  readonly source: SourceId;
  readonly status: 'ok' | 'failed' | 'skipped';
  /** Records pulled (users, assignments, rows, keys, events...). */
  readonly count?: number;
  readonly detail: string;
  readonly error?: string;
  readonly ms: number;
}

export interface CollectReport {
  readonly runId: number;
  readonly startedAt: Instant;
  readonly finishedAt: Instant;
  readonly outcome: 'ok' | 'partial' | 'failed';
  readonly sources: readonly SourceOutcome[];
  readonly events?: {
    readonly requested?: Span;
    readonly windows: number;
    readonly inserted: number;
    readonly duplicates: number;
    readonly clampedFrom?: Instant;
  };
  /** Audit-log coverage in the store after this collect. */
  readonly coverage: readonly Span[];
  readonly http: Readonly<Partial<Record<SourceId, HttpStats>>>;
  readonly warnings: readonly string[];
}

export interface CollectDeps {
  readonly config: Config;
  readonly store: EvidenceStore;
  readonly clock: Clock;
  /** Already read and validated (see `readConfiguredFileSources`). */
  readonly files: FileSources;
  readonly clients: AmplitudeClients;
  readonly progress?: CollectProgress;
}

export async function collect(deps: CollectDeps): Promise<CollectReport> {
  const { config, store, clock, files, clients } = deps;
  const progress = deps.progress ?? silentProgress;
  const startedAt = clock.now();
  const runId = store.startRun('collect', startedAt);
  const outcomes: SourceOutcome[] = [];
  const warnings = files.warnings.map((w) => {
    const place = formatLocation(w.where);
    return place ? `${place}: ${w.message}` : w.message;
  });
  let events: CollectReport['events'];

  try {
    for (const pull of [files.membersExport, files.register, files.apiKeys, files.exceptions]) {
      if (!pull) continue;
      store.saveStatePull(runId, pull);
      outcomes.push({ source: pull.source, status: 'ok', count: pullCount(pull), detail: `${pullCount(pull)} ${unitOf(pull)} from ${pull.file}`, ms: 0 });
    }

    const tasks: Promise<void>[] = [];
    const a = config.amplitude;
    if (clients.scim) {
      const http = clients.scim;
      tasks.push(
        timed('scim', progress, outcomes, async () => {
          const pull = await pullScim({
            http,
            clock,
            onPage: (what, received, total) => progress.advance('scim', received, `${what} ${received}${total !== undefined ? `/${total}` : ''}`),
          });
          store.saveStatePull(runId, pull);
          return { count: pull.users.length, detail: `${pull.users.length} users, ${pull.groups.length} groups` };
        }),
      );
    } else outcomes.push(skipped('scim', a.scim ? 'no client' : 'switched off (amplitude.scim: false)'));

    if (clients.userManagement) {
      const http = clients.userManagement;
      tasks.push(
        timed('user-management', progress, outcomes, async () => {
          const pull = await pullUserManagement({ http, clock, orgId: config.org.id });
          store.saveStatePull(runId, pull);
          return { count: pull.assignments.length, detail: `${pull.assignments.length} role assignments, ${pull.roles.length} roles` };
        }),
      );
    } else outcomes.push(skipped('user-management', 'switched off (amplitude.userManagement: false)'));

    if (clients.auditLogs) {
      const http = clients.auditLogs;
      tasks.push(
        timed('audit-logs', progress, outcomes, async () => {
          const now = clock.now();
          const before = store.coverage();
          const from = auditLogStart(before, now, a.auditLogLookbackDays, a.auditLogOverlapHours);
          let inserted = 0;
          let duplicates = 0;
          let windows = 0;
          const totalWindows = Math.max(1, Math.ceil((now.getTime() - from.getTime()) / (a.auditLogWindowDays * DAY_MS)));
          progress.start('audit-logs', totalWindows);
          const result = await pullAuditLogs({
            http,
            clock,
            orgId: config.org.id,
            from,
            to: now,
            windowDays: a.auditLogWindowDays,
            onWindow: (batch, covered) => {
              const r = store.appendWindow(runId, batch, covered);
              inserted += r.inserted;
              duplicates += r.duplicates;
              windows += 1;
              progress.advance('audit-logs', windows, `${covered.from.slice(0, 10)} → ${covered.to.slice(0, 10)}: ${batch.length} events`);
              // A first collect of a large org appends dozens of windows of ~100k events each;
              // without this V8 keeps several windows' garbage (see memory.ts).
              releaseMemory();
            },
          });
          events = {
            requested: result.requested,
            windows,
            inserted,
            duplicates,
            ...(result.clampedFrom ? { clampedFrom: result.clampedFrom } : {}),
          };
          // Only a gap between what was stored and what Amplitude still keeps is worth a warning.
          const lastStored = before.at(-1)?.to;
          if (result.clampedFrom && lastStored && lastStored < result.clampedFrom) {
            warnings.push(
              `the audit log from ${lastStored} to ${result.clampedFrom} is lost: the last collect was more than 90 days ago and Amplitude keeps 90 days; checks that need that time will say "unknown"`,
            );
          }
          return { count: inserted, detail: `${inserted} new events (${duplicates} already stored) in ${windows} windows` };
        }),
      );
    } else outcomes.push(skipped('audit-logs', 'switched off (amplitude.auditLogs: false)'));

    // Wait for every source before judging: a bug in one must not close the store under the others.
    const settled = await Promise.allSettled(tasks);
    const crashed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (crashed) throw crashed.reason;
  } catch (err) {
    // Only a bug or the store itself failing gets here: sources record their own failures.
    store.finishRun(runId, clock.now(), 'failed', { error: errorText(err) });
    throw err;
  }

  const failed = outcomes.filter((o) => o.status === 'failed');
  const ok = outcomes.filter((o) => o.status === 'ok');
  const outcome = failed.length === 0 ? 'ok' : ok.length > 0 ? 'partial' : 'failed';
  const finishedAt = clock.now();
  const http: Partial<Record<SourceId, HttpStats>> = {};
  if (clients.scim) http.scim = clients.scim.stats();
  if (clients.userManagement) http['user-management'] = clients.userManagement.stats();
  if (clients.auditLogs) http['audit-logs'] = clients.auditLogs.stats();
  const report: CollectReport = {
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    outcome,
    sources: sortOutcomes(outcomes),
    ...(events ? { events } : {}),
    coverage: store.coverage(),
    http,
    warnings,
  };
  store.finishRun(runId, finishedAt, outcome, {
    ...(failed.length ? { error: failed.map((f) => `${f.source}: ${f.error}`).join('; ') } : {}),
    summary: {
      text: report.sources.map((o) => `${o.source} ${o.status === 'ok' ? (o.count ?? '') : o.status}`.trim()).join(', '),
      sources: report.sources.map(({ source, status, count }) => ({ source, status, count })),
      events: report.events,
    },
  });
  return report;
}

/**
 * Where the next audit-log pull starts: a short overlap before the end of what is already
 * stored (logging is asynchronous), but never before Amplitude's retention.
 */
export function auditLogStart(coverage: readonly Span[], now: Date, lookbackDays: number, overlapHours: number): Date {
  const earliest = now.getTime() - lookbackDays * DAY_MS;
  const last = coverage.at(-1);
  if (!last) return new Date(earliest);
  const resume = new Date(last.to).getTime() - overlapHours * HOUR_MS;
  return new Date(Math.max(earliest, Math.min(resume, now.getTime())));
}

async function timed(
  source: SourceId,
  progress: CollectProgress,
  outcomes: SourceOutcome[],
  work: () => Promise<{ count: number; detail: string }>,
): Promise<void> {
  const t0 = performance.now();
  progress.start(source);
  try {
    const { count, detail } = await work();
    outcomes.push({ source, status: 'ok', count, detail, ms: Math.round(performance.now() - t0) });
    progress.finish(source, 'ok', detail);
  } catch (err) {
    if (!(err instanceof SourceError) && !(err instanceof AmpauditError)) throw err;
    const error = errorText(err);
    outcomes.push({ source, status: 'failed', detail: 'not recorded: the pull did not complete', error, ms: Math.round(performance.now() - t0) });
    progress.finish(source, 'failed', error);
  }
}

function skipped(source: SourceId, detail: string): SourceOutcome {
  return { source, status: 'skipped', detail, ms: 0 };
}

function unitOf(pull: SourcePull): string {
  return { scim: 'users', 'user-management': 'assignments', 'members-export': 'rows', register: 'entries', 'api-keys': 'keys', exceptions: 'exceptions' }[pull.source];
}

const ORDER: readonly SourceId[] = ['scim', 'user-management', 'audit-logs', 'members-export', 'register', 'api-keys', 'exceptions'];
function sortOutcomes(o: SourceOutcome[]): SourceOutcome[] {
  return [...o].sort((x, y) => ORDER.indexOf(x.source) - ORDER.indexOf(y.source));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
