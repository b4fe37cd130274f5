/**
 * Control outcomes for the pack's controls page: for each framework control, the rules that
 * evidence it, their counts this period, and the outcome.
 */
import type { Finding } from '../domain/findings.js';
import type { ControlOutcome } from '../pack/types.js';
import { CONTROLS, RULE_CONTROLS } from '../rules/controls.js';

/**
 * `rulesEnabled`: rule id → enabled, for every registered rule. Outcome per control:
 * - `fail` when an enabled rule has an open finding above `info` severity (info findings are
 *   notices for the reviewer, such as a settings change to confirm, not control failures);
 * - `unknown` when none fails but an enabled rule could not decide;
 * - `not-evaluated` when no enabled rule evidences the control;
 * - `pass` otherwise.
 */
export function controlOutcomes(findings: readonly Finding[], rulesEnabled: Readonly<Record<string, boolean>>): ControlOutcome[] {
  const counts = new Map<string, { open: number; failing: number; excepted: number; unknown: number }>();
  for (const f of findings) {
    let c = counts.get(f.ruleId);
    if (!c) counts.set(f.ruleId, (c = { open: 0, failing: 0, excepted: 0, unknown: 0 }));
    if (f.status === 'open') {
      c.open++;
      if (f.severity !== 'info') c.failing++;
    } else if (f.status === 'excepted') c.excepted++;
    else c.unknown++;
  }
  return CONTROLS.map((control) => {
    const ruleIds = Object.keys(rulesEnabled)
      .filter((id) => (RULE_CONTROLS[id] ?? []).includes(control.id))
      .sort();
    const rules = ruleIds.map((ruleId) => {
      const c = counts.get(ruleId);
      return { ruleId, open: c?.open ?? 0, excepted: c?.excepted ?? 0, unknown: c?.unknown ?? 0, enabled: rulesEnabled[ruleId] === true };
    });
    const enabled = rules.filter((r) => r.enabled);
    let outcome: ControlOutcome['outcome'];
    if (enabled.length === 0) outcome = 'not-evaluated';
    else if (enabled.some((r) => (counts.get(r.ruleId)?.failing ?? 0) > 0)) outcome = 'fail';
    else if (enabled.some((r) => r.unknown > 0)) outcome = 'unknown';
    else outcome = 'pass';
    return { framework: control.framework, control: control.id, title: control.title, rules, outcome };
  });
}
