/** Snapshot + rules for one evaluation time: shared by `check`, `review` and the alerts. */
import type { Config } from '../config/schema.js';
import type { Instant } from '../domain/common.js';
import type { Finding } from '../domain/findings.js';
import type { Period, Snapshot } from '../domain/snapshot.js';
import { releaseMemory } from '../memory.js';
import { evaluate } from '../engine/evaluate.js';
import type { ResolvedPolicy } from '../engine/policy.js';
import { RULES } from '../rules/index.js';
import { buildSnapshot } from '../snapshot/build.js';
import type { EvidenceStore } from '../store/types.js';

export interface Evaluation {
  readonly snapshot: Snapshot;
  readonly findings: Finding[];
}

export function evaluateAt(args: { config: Config; store: EvidenceStore; policy: ResolvedPolicy; at: Instant; period: Period; trailingSlackMs?: number }): Evaluation {
  const { config, store, policy, at, period } = args;
  const snapshot = buildSnapshot({ store, config, at, period, largeExportUsers: largeExportUsers(policy), trailingSlackMs: args.trailingSlackMs ?? 0 });
  // The pulls the snapshot was built from are dead now (see memory.ts).
  releaseMemory();
  const findings = evaluate({ snapshot, rules: RULES, policy });
  return { snapshot, findings };
}

/** The store lists single cohort exports from this size, so the rule sees every one above its limit. */
function largeExportUsers(policy: ResolvedPolicy): number {
  const o = policy['excessive-export']?.options as { largeCohortUsers?: unknown } | undefined;
  return typeof o?.largeCohortUsers === 'number' ? o.largeCohortUsers : 1_000_000;
}
