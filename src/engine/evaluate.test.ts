import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Finding } from '../domain/findings.js';
import { InputError } from '../errors.js';
import dormantAccount from '../rules/dormant-account.js';
import orgOwnerCount from '../rules/org-owner-count.js';
import { AT, daysAgo, exceptionsOf, snapshotOf } from '../rules/testing.js';
import { defineRule, type AnyRule, type RuleResult } from '../rules/types.js';
import { defaultPolicy, evaluate, findingId, renderMessage } from './evaluate.js';

/** A toy rule: one open result per subject id in `subjects`, data from `data`. */
function toy(id: string, results: RuleResult[], severity: 'high' | 'medium' | 'low' | 'info' = 'medium', messages: Record<string, string> = { m: 'Hello {who}.' }): AnyRule {
  return defineRule({
    meta: {
      id,
      title: 'Toy rule title for tests',
      severity,
      description: 'A toy rule used by the engine tests.',
      risk: 'None; it exists for tests.',
      remediation: ['Nothing to do in tests.'],
      messages,
      options: z.object({ n: z.number().int().default(1) }),
      needs: ['nothing'],
    },
    check: () => results,
  });
}

const member = (email: string, extra: Partial<RuleResult> = {}): RuleResult => ({
  subject: { kind: 'member', id: email, label: email },
  messageId: 'm',
  data: { who: email },
  evidence: [],
  ...extra,
});

const dormantSnapshot = () =>
  snapshotOf({
    members: ['ann@acme.example', { email: 'own@acme.example', orgRole: 'owner' }],
    activity: { 'ann@acme.example': { lastLogin: daysAgo(70) }, 'own@acme.example': { lastLogin: daysAgo(80) } },
  });

describe('evaluate', () => {
  it('gives a stable id: hex sha256 of rule|kind|subject, 16 characters, the same on every run', () => {
    const expected = createHash('sha256').update('dormant-account|member|ann@acme.example').digest('hex').slice(0, 16);
    expect(findingId('dormant-account', { kind: 'member', id: 'ann@acme.example' })).toBe(expected);
    const run = () => evaluate({ snapshot: dormantSnapshot(), rules: [dormantAccount], policy: defaultPolicy([dormantAccount]) });
    const first = run();
    expect(first.map((f) => f.id)).toContain(expected);
    expect(run()).toEqual(first);
  });

  it('unknown results get their own id, never an org finding\'s', () => {
    expect(findingId('org-owner-count', { kind: 'org', id: 'org' }, 'unknown')).not.toBe(findingId('org-owner-count', { kind: 'org', id: 'org' }));
  });

  it('fills messages, remediation and the per-result severity (dormant owner is high)', () => {
    const findings = evaluate({ snapshot: dormantSnapshot(), rules: [dormantAccount], policy: defaultPolicy([dormantAccount]) });
    expect(findings.map((f) => [f.severity, f.subject.id])).toEqual([
      ['high', 'own@acme.example'],
      ['medium', 'ann@acme.example'],
    ]);
    expect(findings[0]!.remediation).toEqual(dormantAccount.meta.remediation);
    expect(findings[1]!.message).toBe('ann@acme.example has not logged in for 70 days (last login 2026-09-02); accounts are dormant after 60 days.');
  });

  it('a severity override from the policy re-grades every result', () => {
    const policy = { 'dormant-account': { enabled: true, severity: 'low' as const, options: {} } };
    const findings = evaluate({ snapshot: dormantSnapshot(), rules: [dormantAccount], policy });
    expect(findings.map((f) => f.severity)).toEqual(['low', 'low']);
  });

  it('passes parsed options (defaults filled) to the rule', () => {
    const policy = { 'dormant-account': { enabled: true, severity: 'medium' as const, options: { days: 75 } } };
    const findings = evaluate({ snapshot: dormantSnapshot(), rules: [dormantAccount], policy });
    expect(findings.map((f) => f.subject.id)).toEqual(['own@acme.example']);
  });

  it('bad options are an InputError naming the policy field', () => {
    const policy = { 'dormant-account': { enabled: true, severity: 'medium' as const, options: { days: 0 } } };
    const run = () => evaluate({ snapshot: dormantSnapshot(), rules: [dormantAccount], policy });
    expect(run).toThrow(InputError);
    try {
      run();
    } catch (e) {
      expect((e as InputError).where.field).toBe('policy.dormant-account.days');
    }
  });

  it('skips disabled rules', () => {
    const policy = { ...defaultPolicy([dormantAccount, orgOwnerCount]), 'dormant-account': { enabled: false, severity: 'medium' as const, options: {} } };
    const findings = evaluate({ snapshot: dormantSnapshot(), rules: [dormantAccount, orgOwnerCount], policy });
    expect(findings).toEqual([]);
  });

  it('a rule missing from the policy runs with its defaults', () => {
    const findings = evaluate({ snapshot: dormantSnapshot(), rules: [dormantAccount], policy: {} });
    expect(findings).toHaveLength(2);
  });

  it('instances tell apart results about one subject; exceptions may name the instance', () => {
    const org = { kind: 'org' as const, id: 'org', label: 'Org' };
    const rule = toy('ev', [
      { subject: org, instance: 'event:1', messageId: 'm', data: { who: '1' }, evidence: [] },
      { subject: org, instance: 'event:2', messageId: 'm', data: { who: '2' }, evidence: [] },
    ]);
    const findings = evaluate({ snapshot: snapshotOf(), rules: [rule], policy: {}, exceptions: exceptionsOf([{ rule: 'ev', subject: 'EVENT:2' }]) });
    expect(findings.map((f) => [f.id, f.status])).toEqual([
      [findingId('ev', org, 'open', 'event:1'), 'open'],
      [findingId('ev', org, 'open', 'event:2'), 'excepted'],
    ]);
    const hash = createHash('sha256').update('ev|org|org|event:1').digest('hex').slice(0, 16);
    expect(findings[0]!.id).toBe(hash);
  });

  it('carries the projects a result concerns, sorted and unique', () => {
    const rule = toy('p', [member('a@x', { projects: ['102', '101', '102'] }), member('b@x', { projects: [] })]);
    const findings = evaluate({ snapshot: snapshotOf(), rules: [rule], policy: {} });
    expect(findings.map((f) => f.projects)).toEqual([['101', '102'], undefined]);
  });

  it('orders by severity, then rule id, then subject id', () => {
    const rules = [
      toy('zeta', [member('b@x'), member('a@x')], 'low'),
      toy('alpha', [member('c@x')], 'low'),
      toy('beta', [member('z@x', { severity: 'high' })], 'info'),
    ];
    const findings = evaluate({ snapshot: snapshotOf(), rules, policy: defaultPolicy(rules) });
    expect(findings.map((f) => `${f.severity} ${f.ruleId} ${f.subject.id}`)).toEqual(['high beta z@x', 'low alpha c@x', 'low zeta a@x', 'low zeta b@x']);
  });

  it('a missing placeholder is a bug: it throws', () => {
    const rule = toy('broken', [member('a@x', { data: {} })]);
    expect(() => evaluate({ snapshot: snapshotOf(), rules: [rule], policy: defaultPolicy([rule]) })).toThrow(/no value for placeholder \{who\}/);
    expect(() => renderMessage('{a} and {b}', { a: 1 })).toThrow(/\{b\}/);
    expect(renderMessage('{a} and {a}', { a: 'x' })).toBe('x and x');
  });

  it('an unknown message id or two results for one subject are bugs', () => {
    const a = toy('a', [member('a@x', { messageId: 'nope' })]);
    expect(() => evaluate({ snapshot: snapshotOf(), rules: [a], policy: {} })).toThrow(/no message template "nope"/);
    const b = toy('b', [member('a@x'), member('a@x')]);
    expect(() => evaluate({ snapshot: snapshotOf(), rules: [b], policy: {} })).toThrow(/two results for subject member a@x/);
  });

  describe('exceptions', () => {
    const rule = toy('r', [member('ann@acme.example'), member('bob@acme.example')]);
    const run = (exceptions: Parameters<typeof exceptionsOf>[0], at?: string): Finding[] =>
      evaluate({ snapshot: snapshotOf(), rules: [rule], policy: {}, exceptions: exceptionsOf(exceptions), ...(at ? { at } : {}) });

    it('matches rule and subject, email case-insensitively, and carries the details', () => {
      const [ann, bob] = run([{ rule: 'r', subject: ' ANN@Acme.Example ', reason: 'Break-glass', approvedBy: 'ciso@acme.example', ticket: 'SEC-1', expires: '2027-01-31' }]);
      expect(ann!.status).toBe('excepted');
      expect(ann!.exception).toEqual({ reason: 'Break-glass', approvedBy: 'ciso@acme.example', approvedOn: '2026-10-12', ticket: 'SEC-1', expires: '2027-01-31', expired: false });
      expect(ann!.message).toBe('Hello ann@acme.example.');
      expect(bob!.status).toBe('open');
      expect(bob!.exception).toBeUndefined();
    });

    it('does not match another rule', () => {
      expect(run([{ rule: 'other', subject: 'ann@acme.example' }]).map((f) => f.status)).toEqual(['open', 'open']);
    });

    it('an expired exception leaves the finding open and says when it expired', () => {
      const [ann] = run([{ rule: 'r', subject: 'ann@acme.example', expires: '2026-11-10', ticket: 'SEC-2' }]);
      expect(ann!.status).toBe('open');
      expect(ann!.exception?.expired).toBe(true);
      expect(ann!.message).toBe('Hello ann@acme.example. The exception for this finding (approved by ciso@example.com, SEC-2) expired on 2026-11-10.');
    });

    it('expiry is read as a local day in the configured zone', () => {
      // 2026-11-10T23:30Z is already 2026-11-11 in Berlin: an exception expiring 2026-11-10 has expired there, not in UTC.
      const at = '2026-11-10T23:30:00.000Z';
      const ex = exceptionsOf([{ rule: 'r', subject: 'ann@acme.example', expires: '2026-11-10' }]);
      const utc = evaluate({ snapshot: snapshotOf({ at }), rules: [rule], policy: {}, exceptions: ex });
      const berlin = evaluate({ snapshot: snapshotOf({ at, timezone: 'Europe/Berlin' }), rules: [rule], policy: {}, exceptions: ex });
      expect(utc[0]!.status).toBe('excepted');
      expect(berlin[0]!.status).toBe('open');
    });

    it('a valid exception wins over an expired one for the same subject', () => {
      const [ann] = run([
        { rule: 'r', subject: 'ann@acme.example', expires: '2026-11-01' },
        { rule: 'r', subject: 'ann@acme.example', expires: '2026-12-01' },
      ]);
      expect(ann!.status).toBe('excepted');
      expect(ann!.exception?.expires).toBe('2026-12-01');
    });

    it('an exception approved after the evaluation date does not apply yet', () => {
      const [ann] = run([{ rule: 'r', subject: 'ann@acme.example', approvedOn: '2026-11-12', expires: '2026-12-01' }]);
      expect(ann!.status).toBe('open');
    });

    it('defaults to the snapshot exceptions', () => {
      const snapshot = snapshotOf({ exceptions: [{ rule: 'r', subject: 'bob@acme.example' }] });
      const findings = evaluate({ snapshot, rules: [rule], policy: {} });
      expect(findings.map((f) => f.status)).toEqual(['open', 'excepted']);
    });

    it('keys match by id, ref or fingerprint', () => {
      const keyRule = toy('k', [{ subject: { kind: 'key', id: 'key-abc', label: 'Prod key' }, messageId: 'm', data: { who: 'key' }, evidence: [] }]);
      const snapshot = snapshotOf({ keys: [{ id: 'secret-value-pasted-as-id', ref: 'key-abc', fingerprint: '0123456789ab' }] });
      for (const subject of ['secret-value-pasted-as-id', 'key-abc', '0123456789AB']) {
        const [f] = evaluate({ snapshot, rules: [keyRule], policy: {}, exceptions: exceptionsOf([{ rule: 'k', subject }]) });
        expect(f!.status, subject).toBe('excepted');
      }
      const [f] = evaluate({ snapshot, rules: [keyRule], policy: {}, exceptions: exceptionsOf([{ rule: 'k', subject: 'other' }]) });
      expect(f!.status).toBe('open');
    });

    it('does not touch unknown results', () => {
      const u = toy('u', [{ subject: { kind: 'org', id: 'org', label: 'Org' }, messageId: 'm', data: { who: 'org' }, evidence: [], status: 'unknown' }]);
      const [f] = evaluate({ snapshot: snapshotOf(), rules: [u], policy: {}, exceptions: exceptionsOf([{ rule: 'u', subject: 'org' }]) });
      expect(f!.status).toBe('unknown');
      expect(f!.exception).toBeUndefined();
    });
  });

  it('`at` overrides the snapshot time for exception expiry', () => {
    const rule = toy('r', [member('ann@acme.example')]);
    const exceptions = exceptionsOf([{ rule: 'r', subject: 'ann@acme.example', expires: '2026-11-20' }]);
    const snapshot = snapshotOf();
    expect(snapshot.at).toBe(AT);
    expect(evaluate({ snapshot, rules: [rule], policy: {}, exceptions })[0]!.status).toBe('excepted');
    expect(evaluate({ snapshot, rules: [rule], policy: {}, exceptions, at: '2026-11-21T00:00:00.000Z' })[0]!.status).toBe('open');
  });
});
