/**
 * What the scheduler is given: the jobs as functions (so it is testable without them), a
 * `setTimeout`-like timer source (so tests fast-forward without global fake time), and how a job
 * reports back.
 */
import type { RunKind, RunRecord } from '../store/types.js';

/** How a job went. `partial`: some of it worked (e.g. one source failed). */
export interface JobOutcome {
  readonly outcome: 'ok' | 'partial' | 'failed';
  /** One line for logs and `ampaudit runs`, e.g. "2026-Q1 pack written: 12 findings". */
  readonly summary: string;
  /** Why it failed (no secrets: the text is stored and logged). */
  readonly error?: string;
  /** Extra JSON-able facts stored with the run (counts, pack path, ...). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Set by a job that recorded its own run in the store (e.g. `collect`): its id. */
  readonly runId?: number;
}

export interface Jobs {
  collect(at: Date): Promise<JobOutcome>;
  /** Runs right after each collect unless `schedule.alerts` gives it its own times. */
  alerts(at: Date): Promise<JobOutcome>;
  /** Monthly. */
  dormancyNotice(at: Date): Promise<JobOutcome>;
  /** Quarterly, for the quarter that ended (`2026-Q1`). */
  review(periodLabel: string, at: Date): Promise<JobOutcome>;
  /** Sends what is pending in the outbox (retries with the outbox's own backoff). */
  deliver(at: Date): Promise<JobOutcome>;
  /**
   * Jobs that record their own run (startRun/finishRun) — e.g. `collect` through `runCollect`.
   * The scheduler then does not record a second one; it only records a failed run when the job
   * throws before recording anything, and marks the job's own run interrupted on a stop timeout.
   */
  readonly recordsOwnRuns?: readonly JobName[];
}

export type JobName = 'collect' | 'alerts' | 'dormancyNotice' | 'review' | 'deliver';

export const RUN_KIND: Readonly<Record<JobName, RunKind>> = {
  collect: 'collect',
  alerts: 'alerts',
  dormancyNotice: 'dormancy-notice',
  review: 'review',
  deliver: 'deliver',
};

/** The subset of Node's timers the daemon uses; tests pass a fake driven by a manual clock. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export function ok(summary: string, details?: Readonly<Record<string, unknown>>): JobOutcome {
  return { outcome: 'ok', summary, ...(details ? { details } : {}) };
}

export function failed(error: string, details?: Readonly<Record<string, unknown>>): JobOutcome {
  return { outcome: 'failed', summary: error, error, ...(details ? { details } : {}) };
}

/** A run the scheduler recorded as "nothing to do" (its summary carries `skipped`: why). */
export function isSkip(r: RunRecord): boolean {
  return typeof r.summary === 'object' && r.summary !== null && typeof (r.summary as { skipped?: unknown }).skipped === 'string';
}
