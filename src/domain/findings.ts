/** What the rules conclude. Shape fixed by SPEC §6. */
import type { Instant, LocalDate, Severity, SourceId } from './common.js';

export type FindingStatus = 'open' | 'excepted' | 'unknown';

export interface Subject {
  readonly kind: 'member' | 'key' | 'project' | 'org';
  /** Email, key ref, project id, or `org`. Never a secret. */
  readonly id: string;
  readonly label: string;
}

/** One line of proof: a labelled value and where it came from. */
export interface Evidence {
  readonly label: string;
  readonly value: string;
  readonly source?: SourceId;
  readonly at?: Instant;
}

export interface AppliedException {
  readonly reason: string;
  readonly approvedBy: string;
  readonly approvedOn: LocalDate;
  readonly ticket?: string;
  readonly expires: LocalDate;
  /** True when the exception has expired: the finding stays open and says so. */
  readonly expired: boolean;
}

export interface Finding {
  /** Stable fingerprint of rule + subject: the same violation has the same id every run. */
  readonly id: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly status: FindingStatus;
  readonly subject: Subject;
  readonly message: string;
  readonly evidence: readonly Evidence[];
  readonly remediation: readonly string[];
  /** Period label of the first pack that had this finding; set by the comparison. */
  readonly firstSeen?: string;
  readonly exception?: AppliedException;
  /** Project ids the finding concerns (for per-project digests to that project's admins). */
  readonly projects?: readonly string[];
}

export type ChangeKind = 'new' | 'persisting' | 'resolved';

export interface FindingChange {
  readonly kind: ChangeKind;
  readonly finding: Finding;
  /** For persisting findings, the period they were first seen. */
  readonly firstSeen?: string;
}
