/**
 * The organization at one point in time plus what happened in the period: the only input of
 * the rules. Built by `src/snapshot` from the evidence store; rules never see sources or the store.
 */
import type { Instant, SourceId, Span } from './common.js';
import type { AuditEvent, RoleChange } from './events.js';
import type {
  AddonGrant,
  ApiKey,
  ExceptionEntry,
  Grant,
  Group,
  Member,
  Organization,
  Project,
  RegisterEntry,
} from './model.js';

export interface Period {
  /** e.g. `2026-Q3`; for `check`, the quarter containing the evaluation time. */
  readonly label: string;
  readonly start: Instant;
  /** Exclusive. For a review: the end of the quarter. For `check`: the evaluation time. */
  readonly end: Instant;
}

export interface SourceStatus {
  readonly source: SourceId;
  /** False when the config switched the source off or gave no file for it. */
  readonly configured: boolean;
  /** The pull used for this snapshot, if any. */
  readonly pulledAt?: Instant;
  readonly ok: boolean;
  /** Records the pull gave (members, rows, keys, events...). */
  readonly count?: number;
  readonly file?: string;
  readonly sha256?: string;
  readonly error?: string;
}

export interface Coverage {
  /** Merged spans of time for which the evidence store holds the complete audit log. */
  readonly auditLog: readonly Span[];
  /** The parts of the period that are covered / not covered. */
  readonly periodCovered: readonly Span[];
  readonly periodGaps: readonly Span[];
  /**
   * The start of the covered span that reaches the evaluation time (within a day's slack), or
   * undefined when no covered span reaches it. "Logins are known since ..." for dormancy checks.
   */
  readonly continuousSince?: Instant;
}

export interface FailedBurst {
  /** Failed logins inside the worst 60-minute window. */
  readonly count: number;
  readonly start: Instant;
  readonly end: Instant;
}

export interface ExportSummary {
  readonly count: number;
  /** Sum of exported rows where the log gave a size. */
  readonly rows: number;
  /** Sum of users in exported cohorts where the log gave a size. */
  readonly users: number;
  /** Exports whose size the log did not give. */
  readonly unsized: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly first?: Instant;
  readonly last?: Instant;
  /** Single cohort exports at or above the snapshot's large-export threshold, largest first (at most 20). */
  readonly large: readonly { readonly time: Instant; readonly users: number; readonly projectId?: string; readonly fp: string }[];
}

export interface ExportBaseline {
  /** Earlier quarters (at most 4) with audit-log coverage that the mean is taken over. */
  readonly quarters: readonly string[];
  readonly meanCount: number;
  readonly meanRows: number;
}

/** Per-member facts derived from the audit log; built by aggregation, not by keeping events. */
export interface MemberActivity {
  /** Last successful login at or before the evaluation time, over the whole store (not only the period). */
  readonly lastLogin?: Instant;
  /** Earliest invite event seen for this member (as target). */
  readonly invitedAt?: Instant;
  readonly loginsInPeriod: number;
  readonly failedLoginsInPeriod: number;
  /** Worst 60-minute window of failed logins in the period. */
  readonly worstFailedBurst?: FailedBurst;
  readonly exports: ExportSummary;
  readonly baseline?: ExportBaseline;
}

/** A change that granted Admin or Owner (org or project), from the audit log. */
export interface PrivilegeGrantEvent {
  readonly fp: string;
  readonly time: Instant;
  readonly actor?: string;
  readonly targetEmail: string;
  readonly role: RoleChange;
  readonly projectId?: string;
}

/** An event summarized for evidence (no raw properties). */
export type EventSummary = Pick<AuditEvent, 'fp' | 'time' | 'kind' | 'domain' | 'feature' | 'action' | 'actor' | 'target' | 'projectId' | 'error'>;

export interface Snapshot {
  readonly org: Organization;
  /** Evaluation time. */
  readonly at: Instant;
  readonly timezone: string;
  readonly period: Period;
  /** Undefined arrays mean the source was not available: unknown, not empty. */
  readonly members: readonly Member[];
  readonly groups?: readonly Group[];
  readonly projects: readonly Project[];
  /** Effective project grants (direct and through groups); undefined when no source gave roles. */
  readonly grants?: readonly Grant[];
  readonly addons?: readonly AddonGrant[];
  readonly keys?: readonly ApiKey[];
  readonly register?: readonly RegisterEntry[];
  readonly exceptions?: readonly ExceptionEntry[];
  /** Keyed by lower-cased email. A member without audit-log activity has no entry. */
  readonly activity: ReadonlyMap<string, MemberActivity>;
  /** Undefined when the audit log is not collected at all. */
  readonly events?: {
    readonly privilegeGrants: readonly PrivilegeGrantEvent[];
    readonly securityChanges: readonly EventSummary[];
    /** Events in the period, for the provenance page. */
    readonly total: number;
  };
  readonly coverage: Coverage;
  readonly sources: readonly SourceStatus[];
  /** Disagreements between sources and other caveats, in plain sentences. */
  readonly dataQuality: readonly string[];
}

export type { Span };
