/**
 * ampaudit's side of "ingest + aggregate": the quarter's NDJSON (raw Audit Logs API entries) is
 * read line by line, each entry normalized exactly as the audit-log connector does
 * (`normalizeEntry`: classification, content fingerprint), and appended to a new evidence store
 * file in 3-day windows (the connector's default window), each window one transaction with its
 * coverage (WAL, committed). Then `store.activity()` computes the per-member aggregation the
 * rules need for the quarter, and the store is closed (checkpointing the WAL).
 *
 * Timed: open → append → activity → close. Not timed: writing the facts for the cross-check.
 */
import type { Span } from '../../src/domain/common.js';
import type { AuditEvent } from '../../src/domain/events.js';
import type { Period } from '../../src/domain/snapshot.js';
import { normalizeEntry } from '../../src/sources/audit-logs/normalize.js';
import { openStore } from '../../src/store/sqlite.js';
import type { EvidenceStore } from '../../src/store/types.js';
import { previousQuarters } from '../../src/period.js';
import { factsFromActivity, type FactsByMember } from '../facts.js';
import { ndjsonLines } from '../ndjson.js';

const DAY_MS = 86_400_000;

export interface IngestArgs {
  readonly ndjson: string;
  readonly db: string;
  readonly period: Period;
  readonly timezone: string;
  readonly windowDays?: number;
}

export interface AppendStats {
  readonly lines: number;
  readonly inserted: number;
  readonly duplicates: number;
  readonly windows: number;
}

/**
 * Appends the file's entries to `store` in windows of `windowDays` from `period.start`, each with
 * its coverage. Entries must be in time order (the generator writes them so, as the API returns
 * them); the events of one window are streamed into `appendWindow`, never held in a list.
 */
export function appendNdjson(store: EvidenceStore, runId: number, ndjson: string, period: Span, windowDays = 3): AppendStats {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const lines = ndjsonLines(ndjson);
  let pending: { event: AuditEvent; t: number } | undefined;
  let done = false;
  let count = 0;
  const next = (): { event: AuditEvent; t: number } | undefined => {
    if (pending) {
      const p = pending;
      pending = undefined;
      return p;
    }
    if (done) return undefined;
    const r = lines.next();
    if (r.done) {
      done = true;
      return undefined;
    }
    count++;
    const n = normalizeEntry(JSON.parse(r.value) as unknown);
    if (!n.ok) throw new Error(`line ${count}: ${n.problem}`);
    if (n.t < from || n.t >= to) throw new Error(`line ${count}: ${n.event.time} is outside ${period.from} .. ${period.to}`);
    return { event: n.event, t: n.t };
  };
  let inserted = 0;
  let duplicates = 0;
  let windows = 0;
  for (let w = from; w < to; w += windowDays * DAY_MS) {
    const end = Math.min(to, w + windowDays * DAY_MS);
    function* windowEvents(): Generator<AuditEvent> {
      for (;;) {
        const x = next();
        if (!x) return;
        if (x.t < w) throw new Error(`entries are not in time order at ${x.event.time}`);
        if (x.t >= end) {
          pending = x;
          return;
        }
        yield x.event;
      }
    }
    const r = store.appendWindow(runId, windowEvents(), { from: new Date(w).toISOString(), to: new Date(end).toISOString() });
    inserted += r.inserted;
    duplicates += r.duplicates;
    windows++;
  }
  if (next()) throw new Error('entries left after the period');
  return { lines: count, inserted, duplicates, windows };
}

export interface IngestResult extends AppendStats {
  /** Open + read + normalize + append (committed). */
  readonly ingestMs: number;
  /** `activity()` for the quarter. */
  readonly aggregateMs: number;
  /** Closing the store (WAL checkpoint). */
  readonly closeMs: number;
  readonly totalMs: number;
  readonly members: number;
  readonly facts: FactsByMember;
}

export function ingestAmpaudit(args: IngestArgs): IngestResult {
  const t0 = performance.now();
  const store = openStore(args.db);
  let stats: AppendStats;
  let t1: number;
  let t2: number;
  let activity;
  try {
    const runId = store.startRun('collect', new Date(args.period.end));
    stats = appendNdjson(store, runId, args.ndjson, { from: args.period.start, to: args.period.end }, args.windowDays);
    store.finishRun(runId, new Date(args.period.end), 'ok');
    t1 = performance.now();
    activity = store.activity({
      at: args.period.end,
      period: { from: args.period.start, to: args.period.end },
      largeExportUsers: 1_000_000,
      baselineQuarters: previousQuarters(args.period.label, 4, args.timezone).map((q) => ({ from: q.start, to: q.end, label: q.label })),
      burstWindowMinutes: 60,
    });
    t2 = performance.now();
  } finally {
    store.close();
  }
  const t3 = performance.now();
  return {
    ...stats,
    ingestMs: t1 - t0,
    aggregateMs: t2 - t1,
    closeMs: t3 - t2,
    totalMs: t3 - t0,
    members: activity.activity.size,
    facts: factsFromActivity(activity.activity),
  };
}
