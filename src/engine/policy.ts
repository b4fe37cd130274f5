/**
 * The policy as the engine uses it: for every rule, whether it runs, at which severity, and its
 * options. The config loader builds it from the file's `policy:` section (`resolvePolicy`); tests
 * and the demo use `defaultPolicy`.
 */
import type { Severity } from '../domain/common.js';
import type { AnyRule } from '../rules/types.js';

export interface RulePolicy {
  readonly enabled: boolean;
  /** The rule's severity; when it differs from the rule's default it overrides every result's severity. */
  readonly severity: Severity;
  /** Raw options; the engine parses them with the rule's schema (defaults filled). */
  readonly options: unknown;
}

/** Rule id → its policy. A rule missing from the record runs with its defaults. */
export type ResolvedPolicy = Readonly<Record<string, RulePolicy>>;

/** Every rule enabled, at its default severity, with its default options. */
export function defaultPolicy(rules: readonly AnyRule[]): ResolvedPolicy {
  const policy: Record<string, RulePolicy> = {};
  for (const r of rules) policy[r.meta.id] = { enabled: true, severity: r.meta.severity, options: r.meta.options.parse({}) };
  return policy;
}
