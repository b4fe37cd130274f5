import { describe, expect, it } from 'vitest';
import dormantAccount from './dormant-account.js';
import { optionDocs, ruleExplainText, rulesListText, wrap } from './explain.js';
import projectWithoutAdmin from './project-without-admin.js';

describe('rules list / explain', () => {
  it('lists id, severity and title, marking configured severity and disabled rules', () => {
    const text = rulesListText([dormantAccount, projectWithoutAdmin], { 'project-without-admin': { enabled: false, severity: 'low' } });
    expect(text.split('\n').slice(0, 3)).toEqual([
      'ID                     SEVERITY  TITLE',
      'dormant-account        medium    Active members have logged in within the last 60 days',
      'project-without-admin  low       Every project has at least one active project Admin (disabled)',
    ]);
    expect(text).toContain('2 rules.');
  });

  it('documents options from the zod schema', () => {
    expect(optionDocs(dormantAccount)).toEqual([
      { name: 'days', type: 'integer', default: '60', description: 'An active member is dormant after this many days without a login', range: 'at least 1' },
    ]);
    expect(optionDocs(projectWithoutAdmin)).toEqual([]);
  });

  it('explains description, risk, options, remediation and controls', () => {
    const text = ruleExplainText(dormantAccount, { enabled: true, severity: 'high' });
    expect(text.startsWith('dormant-account — Active members have logged in within the last 60 days\nSeverity: high (configured; default medium)\n')).toBe(true);
    for (const part of ['What it checks:', 'Why it matters:', 'Options (policy.dormant-account in the config file):', '  days (integer, at least 1, default 60)', 'How to fix a finding:', '  1. Ask the member', 'Controls evidenced:', '  SOC 2 CC6.2 — User registration, authorization and removal', '  NIST SP 800-53 AC-2(3) — Disable accounts']) {
      expect(text).toContain(part);
    }
    expect(ruleExplainText(projectWithoutAdmin)).toContain('  none (enabled and severity only)');
  });

  it('wraps with a hanging indent', () => {
    expect(wrap('aaa bbb ccc ddd', 10, '   ', ' 1. ')).toBe(' 1. aaa\n   bbb ccc\n   ddd');
  });
});
