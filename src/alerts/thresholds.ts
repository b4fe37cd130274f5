/** Alert thresholds from the resolved policy: the same options (and defaults) the rules run with. */
import { ruleOptions } from '../engine/evaluate.js';
import type { ResolvedPolicy } from '../engine/policy.js';
import { findRule } from '../rules/index.js';
import type { AlertThresholds } from './types.js';

function optionsOf<T>(policy: ResolvedPolicy, id: string): { enabled: boolean; options: T } {
  const rule = findRule(id);
  if (!rule) throw new Error(`bug: rule ${id} is not in the registry`);
  const p = policy[id];
  return { enabled: p?.enabled ?? true, options: ruleOptions(rule, p?.options) as T };
}

/** A rule switched off in the policy switches its alert off too. */
export function alertThresholds(policy: ResolvedPolicy): AlertThresholds {
  const exp = optionsOf<{ maxExports: number; maxRows: number; maxUsers: number; largeCohortUsers: number }>(policy, 'excessive-export');
  const burst = optionsOf<{ threshold: number }>(policy, 'failed-login-burst');
  const sec = optionsOf<Record<string, never>>(policy, 'security-settings-changed');
  return {
    exports: {
      enabled: exp.enabled,
      maxExports: exp.options.maxExports,
      maxRows: exp.options.maxRows,
      maxUsers: exp.options.maxUsers,
      largeCohortUsers: exp.options.largeCohortUsers,
    },
    failedLogins: { enabled: burst.enabled, threshold: burst.options.threshold, windowMinutes: 60 },
    securitySettings: { enabled: sec.enabled },
  };
}
