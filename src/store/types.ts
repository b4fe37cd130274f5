/**
 * The evidence store: what ampaudit has seen, kept beyond Amplitude's 90-day audit-log retention.
 * SQLite (better-sqlite3, WAL). Events are append-only and de-duplicated by content fingerprint;
 * state sources are kept as one pull per source per collect; coverage records which spans of
 * time the audit log is complete for.
 */
import type { Instant, Span } from '../domain/common.js';
import type { AuditEvent } from '../domain/events.js';
import type { SourcePull, StateSourceId } from '../domain/pulls.js';
import type { EventSummary, MemberActivity, PrivilegeGrantEvent } from '../domain/snapshot.js';

export type RunKind = 'collect' | 'check' | 'review' | 'alerts' | 'dormancy-notice' | 'deliver' | 'catch-up';
export type RunOutcome = 'running' | 'ok' | 'failed' | 'partial' | 'interrupted';

export interface RunRecord {
  readonly id: number;
  readonly kind: RunKind;
  readonly startedAt: Instant;
  readonly finishedAt?: Instant;
  readonly outcome: RunOutcome;
  readonly error?: string;
  /** Free-form JSON summary (counts per source, pack path, ...). */
  readonly summary?: unknown;
}

export interface SourcePullRecord {
  readonly runId: number;
  readonly source: StateSourceId;
  readonly pulledAt: Instant;
  readonly count: number;
}

export interface ActivityQuery {
  /** Evaluation time: nothing after it is read. */
  readonly at: Instant;
  /** The period whose events are counted (logins, failures, exports). */
  readonly period: Span;
  /** Single cohort exports of at least this many users are listed individually. */
  readonly largeExportUsers: number;
  /** Earlier quarters for the export baseline (at most 4), each with its label. */
  readonly baselineQuarters: readonly (Span & { readonly label: string })[];
  /** Failed-login burst window, minutes (60). */
  readonly burstWindowMinutes: number;
}

export interface ActivityResult {
  readonly activity: Map<string, MemberActivity>;
  readonly privilegeGrants: readonly PrivilegeGrantEvent[];
  readonly securityChanges: readonly EventSummary[];
  /** Events in the period. */
  readonly total: number;
}

export interface AppendResult {
  readonly inserted: number;
  readonly duplicates: number;
}

export interface EvidenceStore {
  readonly path: string;

  startRun(kind: RunKind, startedAt: Date): number;
  finishRun(id: number, finishedAt: Date, outcome: RunOutcome, details?: { error?: string; summary?: unknown }): void;
  listRuns(options?: { limit?: number; kind?: RunKind }): RunRecord[];

  /** Records a complete pull of a state source. Never call it for a pull that failed part-way. */
  saveStatePull(runId: number, pull: SourcePull): void;
  /** For each state source, the latest pull at or before `at`. */
  latestPulls(at: Instant): Map<StateSourceId, SourcePull>;
  listPulls(options?: { source?: StateSourceId; limit?: number }): SourcePullRecord[];

  /**
   * Appends events (duplicates by fingerprint are skipped) and records `covered` as complete,
   * in one transaction: a window is either fully stored and covered, or not at all.
   * An event is a duplicate when an event with the same time and the same `fp` is stored.
   */
  appendWindow(runId: number, events: Iterable<AuditEvent>, covered: Span): AppendResult;
  /** Merged spans for which the audit log is complete. */
  coverage(): Span[];
  /** Events with `from <= time < to`, oldest first, streamed. */
  iterateEvents(span: Span): IterableIterator<AuditEvent>;
  countEvents(span?: Span): number;
  /** Per-member aggregation for the snapshot; memory grows with members, not with events. */
  activity(query: ActivityQuery): ActivityResult;

  /** Generic small key/value state (alert ledger cursors, daemon bookkeeping). */
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;

  close(): void;
}
