import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../domain/common.js';
import { defaultPolicy, evaluate, placeholders, ruleTitle } from '../engine/evaluate.js';
import { CONTROLS, RULE_CONTROLS, controlIdsFor } from './controls.js';
import { RULES, RULE_IDS } from './index.js';
import { daysAgo, snapshotOf } from './testing.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Modules in src/rules that are not rules. */
const NOT_RULES = new Set(['controls', 'docs', 'explain', 'index', 'lib', 'testing', 'types', 'write-docs']);

const ruleFiles = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.test.ts'))
  .map((d) => d.name.slice(0, -3))
  .filter((n) => !NOT_RULES.has(n))
  .sort();

/** SPEC §5: the 21 rules. */
const SPEC_RULES = [
  'addon-undocumented',
  'collaborator-org-admin',
  'collaborator-production-admin',
  'contractor-expired',
  'contractor-expiring',
  'dormant-account',
  'dormant-account-notice',
  'excessive-export',
  'failed-login-burst',
  'key-orphaned',
  'key-rotation-overdue',
  'key-unused',
  'org-admin-count',
  'org-admin-minimum',
  'org-owner-count',
  'pending-invite',
  'privilege-change-unapproved',
  'project-without-admin',
  'security-settings-changed',
  'temporary-elevation-overdue',
  'unregistered-account',
];

describe('rule registry', () => {
  it('registers every rule file in this folder', () => {
    const unregistered = ruleFiles.filter((f) => !RULE_IDS.includes(f));
    expect(unregistered, 'rule files missing from src/rules/index.ts').toEqual([]);
  });

  it('holds exactly the 21 rules of SPEC §5', () => {
    expect([...RULE_IDS]).toEqual(SPEC_RULES);
  });

  it('is sorted by id, ids are unique and equal the file names', () => {
    expect([...RULE_IDS]).toEqual([...RULE_IDS].sort());
    expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
    for (const id of RULE_IDS) expect(existsSync(join(here, `${id}.ts`)), `${id}.ts`).toBe(true);
  });

  it('every rule has its own test file', () => {
    for (const id of RULE_IDS) expect(existsSync(join(here, `${id}.test.ts`)), `${id}.test.ts`).toBe(true);
  });

  describe.each(RULES.map((r) => [r.meta.id, r] as const))('%s metadata', (_id, rule) => {
    const m = rule.meta;
    it('has an id in kebab-case, a severity and texts', () => {
      expect(m.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(SEVERITIES).toContain(m.severity);
      for (const text of [m.title, m.description, m.risk]) expect(text.trim().length).toBeGreaterThan(20);
      expect(m.title).not.toMatch(/\.$/);
      expect(m.remediation.length).toBeGreaterThanOrEqual(1);
      for (const step of m.remediation) expect(step.trim().length).toBeGreaterThan(10);
      expect(m.needs.length).toBeGreaterThanOrEqual(1);
    });

    it('message templates parse: placeholders are {name} and no stray braces remain', () => {
      const ids = Object.keys(m.messages);
      expect(ids.length).toBeGreaterThanOrEqual(1);
      for (const id of ids) {
        const t = m.messages[id]!;
        expect(t.trim().length, id).toBeGreaterThan(0);
        expect(t.replace(/\{[A-Za-z0-9_]+\}/g, ''), `stray brace in ${id}`).not.toMatch(/[{}]/);
        expect(placeholders(t).length + t.length).toBeGreaterThan(0);
      }
    });

    it('{} parses the options schema (every option has a default)', () => {
      expect(() => m.options.parse({})).not.toThrow();
    });

    it('evidences at least one control, all of them known', () => {
      const ids = RULE_CONTROLS[m.id] ?? [];
      expect(ids.length).toBeGreaterThanOrEqual(1);
      for (const c of ids) expect(CONTROLS.map((x) => x.id)).toContain(c);
    });

    it('runs through the engine on an empty and on a busy snapshot without a rendering error', () => {
      const empty = snapshotOf({ coverageSince: null, unknown: ['grants', 'register', 'keys', 'addons', 'groups', 'events'] });
      const busy = snapshotOf({
        coverageSince: daysAgo(20),
        members: [{ email: 'a@x.example', orgRole: 'owner' }, { email: 'b@x.example', orgRole: null, status: null }],
        grants: [{ email: 'a@x.example', projectId: '101', level: 'unknown' }],
        keys: [{ id: 'k1', type: 'org', owner: 'c@x.example' }],
        register: [{ email: 'a@x.example', kind: 'contractor', endDate: '2026-10-01' }],
      });
      for (const snapshot of [empty, busy]) {
        const findings = evaluate({ snapshot, rules: [rule], policy: defaultPolicy([rule]) });
        for (const f of findings) expect(f.message).not.toMatch(/\{[A-Za-z0-9_]+\}/);
        expect(findings.filter((f) => f.status === 'unknown').length).toBeLessThanOrEqual(1);
      }
    });
  });
});

describe('controls mapping', () => {
  it('maps only registered rule ids (of SPEC §5)', () => {
    expect(Object.keys(RULE_CONTROLS).sort()).toEqual(SPEC_RULES);
  });

  it('every control is evidenced by at least one rule', () => {
    const used = new Set(Object.values(RULE_CONTROLS).flat());
    for (const c of CONTROLS) expect(used.has(c.id), c.id).toBe(true);
  });

  it('lists the frameworks and controls of SPEC §5', () => {
    expect(CONTROLS.map((c) => `${c.framework} ${c.id}`)).toEqual([
      'SOC 2 CC6.1',
      'SOC 2 CC6.2',
      'SOC 2 CC6.3',
      'SOC 2 CC7.2',
      'ISO/IEC 27001:2022 A.5.15',
      'ISO/IEC 27001:2022 A.5.16',
      'ISO/IEC 27001:2022 A.5.17',
      'ISO/IEC 27001:2022 A.5.18',
      'ISO/IEC 27001:2022 A.8.2',
      'ISO/IEC 27001:2022 A.8.15',
      'ISO/IEC 27001:2022 A.8.16',
      'NIST SP 800-53 AC-2',
      'NIST SP 800-53 AC-2(3)',
      'NIST SP 800-53 AC-6',
      'NIST SP 800-53 AC-6(7)',
      'NIST SP 800-53 IA-5',
      'NIST SP 800-53 AU-6',
    ]);
  });

  it.each([
    ['dormant-account', ['CC6.2', 'A.5.18', 'AC-2(3)']],
    ['key-rotation-overdue', ['CC6.1', 'A.5.17', 'IA-5']],
    ['excessive-export', ['CC7.2', 'A.8.16', 'AU-6']],
  ])('the spec example %s → %j', (rule, controls) => {
    expect(controlIdsFor(rule)).toEqual(controls);
  });
});

describe('rule titles', () => {
  it.each(RULES.map((r) => [r.meta.id, r] as const))('%s: every placeholder is a default option', (_id, rule) => {
    const title = ruleTitle(rule);
    expect(title).not.toMatch(/[{}]/);
    expect(title.length).toBeGreaterThan(10);
  });

  it('state the configured threshold, not the default', () => {
    const byId = new Map(RULES.map((r) => [r.meta.id, r]));
    expect(ruleTitle(byId.get('dormant-account')!, { days: 30 })).toBe('Active members have logged in within the last 30 days');
    expect(ruleTitle(byId.get('dormant-account')!)).toBe('Active members have logged in within the last 60 days');
    expect(ruleTitle(byId.get('org-owner-count')!, { max: 3 })).toBe('The organization has at most 3 Owners');
    expect(ruleTitle(byId.get('failed-login-burst')!, { threshold: 5 })).toBe('No account has 5 or more failed logins within 60 minutes');
  });
});
