import { describe, expect, it } from 'vitest';
import type { Finding, FindingStatus } from '../domain/findings.js';
import type { Severity } from '../domain/common.js';
import { CONTROLS, RULE_CONTROLS } from '../rules/controls.js';
import { controlOutcomes } from './controls.js';

function f(ruleId: string, status: FindingStatus, severity: Severity = 'medium', id = `${ruleId}-${status}`): Finding {
  return { id, ruleId, severity, status, subject: { kind: 'org', id, label: id }, message: '', evidence: [], remediation: [] };
}

const allEnabled = Object.fromEntries(Object.keys(RULE_CONTROLS).map((id) => [id, true]));

describe('controlOutcomes', () => {
  it('one outcome per control, in order; pass when nothing is open', () => {
    const out = controlOutcomes([], allEnabled);
    expect(out.map((o) => o.control)).toEqual(CONTROLS.map((c) => c.id));
    expect(new Set(out.map((o) => o.outcome))).toEqual(new Set(['pass']));
    const ac23 = out.find((o) => o.control === 'AC-2(3)')!;
    expect(ac23.framework).toBe('NIST SP 800-53');
    expect(ac23.rules.map((r) => r.ruleId)).toEqual(['contractor-expired', 'dormant-account', 'dormant-account-notice']);
  });

  it('an open finding fails the controls of its rule; counts per rule', () => {
    const out = controlOutcomes([f('dormant-account', 'open', 'medium', '1'), f('dormant-account', 'open', 'high', '2'), f('dormant-account', 'excepted', 'medium', '3')], allEnabled);
    const cc62 = out.find((o) => o.control === 'CC6.2')!;
    expect(cc62.outcome).toBe('fail');
    expect(cc62.rules.find((r) => r.ruleId === 'dormant-account')).toEqual({ ruleId: 'dormant-account', open: 2, excepted: 1, unknown: 0, enabled: true });
    expect(out.find((o) => o.control === 'IA-5')!.outcome).toBe('pass');
  });

  it('excepted findings do not fail; unknown makes the control unknown; fail beats unknown', () => {
    const out = controlOutcomes([f('key-unused', 'excepted'), f('dormant-account', 'unknown'), f('unregistered-account', 'open')], allEnabled);
    expect(out.find((o) => o.control === 'IA-5')!.outcome).toBe('pass');
    expect(out.find((o) => o.control === 'AC-2(3)')!.outcome).toBe('unknown');
    expect(out.find((o) => o.control === 'CC6.2')!.outcome).toBe('fail');
  });

  it('info findings are notices and do not fail a control', () => {
    const out = controlOutcomes([f('security-settings-changed', 'open', 'info')], allEnabled);
    expect(out.find((o) => o.control === 'A.8.15')!.outcome).toBe('pass');
    expect(out.find((o) => o.control === 'A.8.15')!.rules[0]!.open).toBe(1);
  });

  it('a control whose rules are all disabled is not evaluated; disabled rules do not fail', () => {
    const enabled = { ...allEnabled, 'security-settings-changed': false };
    const out = controlOutcomes([f('security-settings-changed', 'open', 'high')], enabled);
    const a815 = out.find((o) => o.control === 'A.8.15')!;
    expect(a815.outcome).toBe('not-evaluated');
    expect(a815.rules).toEqual([{ ruleId: 'security-settings-changed', open: 1, excepted: 0, unknown: 0, enabled: false }]);
  });
});
