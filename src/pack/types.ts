/**
 * Everything a review pack is rendered from. Built once per review by the review pipeline
 * (snapshot → evaluate → compare) and handed to the CSV writers, the PDF renderer and the
 * manifest. Renderers are pure with respect to it: no store, no clock, no network.
 */
import type { Instant, Severity, Span } from '../domain/common.js';
import type { AuditEvent } from '../domain/events.js';
import type { Finding, FindingChange } from '../domain/findings.js';
import type { Snapshot } from '../domain/snapshot.js';

export type SeverityCounts = Readonly<Record<Severity, number>>;

export interface ControlOutcome {
  /** e.g. `SOC 2`, `ISO/IEC 27001:2022`, `NIST SP 800-53`. */
  readonly framework: string;
  /** e.g. `CC6.2`, `A.5.18`, `AC-2(3)`. */
  readonly control: string;
  readonly title: string;
  readonly rules: readonly {
    readonly ruleId: string;
    readonly open: number;
    readonly excepted: number;
    readonly unknown: number;
    readonly enabled: boolean;
  }[];
  /** fail: an open finding; unknown: no open finding but a rule could not decide; pass otherwise. */
  readonly outcome: 'pass' | 'fail' | 'unknown' | 'not-evaluated';
}

export interface TrendPoint {
  readonly period: string;
  /** Open findings by severity in that quarter's pack. */
  readonly counts: SeverityCounts;
}

export interface PreviousPackRef {
  readonly period: string;
  /** Directory name in the archive, e.g. `2026-Q2` or `2026-Q2-r2`. */
  readonly dir: string;
  readonly manifestSha256: string;
  readonly generatedAt: Instant;
}

export interface ReviewData {
  readonly toolVersion: string;
  readonly generatedAt: Instant;
  /** `2026-Q3`; the pack directory may add a revision suffix. */
  readonly periodLabel: string;
  readonly revision: number;
  readonly snapshot: Snapshot;
  /** Current findings (open, excepted, unknown), firstSeen filled. */
  readonly findings: readonly Finding[];
  /** new / persisting / resolved against the previous pack. */
  readonly changes: readonly FindingChange[];
  readonly previous?: PreviousPackRef;
  /** Past packs' counts plus this one, oldest first. */
  readonly trend: readonly TrendPoint[];
  readonly controls: readonly ControlOutcome[];
  /** Rule metadata needed to render findings grouped by rule. */
  readonly rules: readonly {
    readonly id: string;
    readonly title: string;
    readonly severity: Severity;
    readonly description: string;
    readonly risk: string;
    readonly remediation: readonly string[];
    readonly enabled: boolean;
    readonly controls: readonly string[];
  }[];
  /** Pack files too large to embed in the PDF (kept beside it in the pack, hashed in the manifest). */
  readonly notEmbedded?: readonly { readonly name: string; readonly bytes: number; readonly sha256: string }[];
  /** Streams the period's audit events, oldest first (the quarterly log archive). Called once per writer. */
  readonly events: (span: Span) => Iterable<AuditEvent>;
}
