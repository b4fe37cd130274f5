/**
 * compare: this period's findings against the previous pack's → new / persisting / resolved, and
 * `firstSeen` on every current finding. Findings are matched by their stable id. Only open and
 * excepted findings count as present; `unknown` results carry their own id and are never
 * reported as new or resolved (an undecided check is not a change in the organization).
 *
 * Fail closed: a previous finding is only `resolved` when its rule ran this period and decided
 * every subject. A rule that reports `unknown` now (a source was not read, the audit log does
 * not reach far enough) or did not run (disabled) cannot show that the finding went away.
 */
import type { Finding, FindingChange } from '../domain/findings.js';
import { compareFindings } from './evaluate.js';

export interface PreviousFindings {
  readonly period: string;
  readonly findings: readonly Finding[];
}

export interface Comparison {
  /** The current findings with `firstSeen` set, in the same order. */
  readonly findings: Finding[];
  /** new and persisting (in finding order), then resolved (in the previous pack's order). */
  readonly changes: FindingChange[];
}

function present(f: Finding): boolean {
  return f.status === 'open' || f.status === 'excepted';
}

export interface CompareOptions {
  /** Rule ids evaluated this period; previous findings of other rules are not reported resolved. Default: every rule. */
  readonly evaluatedRules?: ReadonlySet<string>;
}

export function compare(current: readonly Finding[], previous: PreviousFindings | undefined, currentPeriod: string, options: CompareOptions = {}): Comparison {
  const prevById = new Map<string, Finding>();
  for (const f of previous?.findings ?? []) prevById.set(f.id, f);

  const findings: Finding[] = [];
  const newOnes: FindingChange[] = [];
  const persisting: FindingChange[] = [];
  const currentIds = new Set<string>();
  for (const f of current) {
    const prev = prevById.get(f.id);
    // Same id and both present (or both unknown): the same finding continues.
    const continues = previous !== undefined && prev !== undefined && present(prev) === present(f);
    const firstSeen = continues ? (prev.firstSeen ?? previous.period) : currentPeriod;
    const withFirst: Finding = { ...f, firstSeen };
    findings.push(withFirst);
    if (!present(f)) continue;
    currentIds.add(f.id);
    if (continues) persisting.push({ kind: 'persisting', finding: withFirst, firstSeen });
    else newOnes.push({ kind: 'new', finding: withFirst });
  }

  // Rules that could not decide everything this period: what they no longer report is not resolved.
  const undecided = new Set(current.filter((f) => f.status === 'unknown').map((f) => f.ruleId));
  const decides = (ruleId: string): boolean => !undecided.has(ruleId) && (options.evaluatedRules?.has(ruleId) ?? true);
  const resolved: FindingChange[] = (previous?.findings ?? [])
    .filter((f) => present(f) && !currentIds.has(f.id) && decides(f.ruleId))
    .map((f) => ({ kind: 'resolved' as const, finding: { ...f, firstSeen: f.firstSeen ?? previous!.period } }))
    .sort((a, b) => compareFindings(a.finding, b.finding));

  return { findings, changes: [...newOnes, ...persisting, ...resolved] };
}
