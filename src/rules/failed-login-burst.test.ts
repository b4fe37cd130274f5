import { describe, expect, it } from 'vitest';
import type { FailedBurst } from '../domain/snapshot.js';
import rule from './failed-login-burst.js';
import { brief, daysAgo, runRule, snapshotOf, type SnapshotInput } from './testing.js';

const A = 'ann@acme.example';
const X = 'stranger@evil.example';

const burst = (count: number): FailedBurst => ({ count, start: '2026-10-20T08:00:00.000Z', end: '2026-10-20T08:41:00.000Z' });

interface Case {
  name: string;
  input: SnapshotInput;
  options?: unknown;
  expect: [string, string][];
  message?: string;
}

const cases: Case[] = [
  {
    name: 'fires: 14 failures in one hour',
    input: { members: [A], activity: { [A]: { worstFailedBurst: burst(14), failedLoginsInPeriod: 20 } } },
    expect: [['open', A]],
    message: `${A} had 14 failed logins within 60 minutes (2026-10-20 08:00 to 2026-10-20 08:41); 10 or more are reported.`,
  },
  { name: 'does not fire: 3 failures', input: { members: [A], activity: { [A]: { worstFailedBurst: burst(3) } } }, expect: [] },
  { name: 'boundary: exactly 10 fires', input: { members: [A], activity: { [A]: { worstFailedBurst: burst(10) } } }, expect: [['open', A]] },
  { name: 'boundary: 9 does not fire', input: { members: [A], activity: { [A]: { worstFailedBurst: burst(9) } } }, expect: [] },
  { name: 'option threshold=5', input: { members: [A], activity: { [A]: { worstFailedBurst: burst(5) } } }, options: { threshold: 5 }, expect: [['open', A]] },
  { name: 'accounts that are not members are reported too', input: { activity: { [X]: { worstFailedBurst: burst(30) } } }, expect: [['open', X]] },
  {
    name: 'unknown: audit log not collected',
    input: { members: [A], coverageSince: null, unknown: ['events'] },
    expect: [['unknown', 'org']],
    message: 'Failed logins are not fully checked: the audit log is not collected.',
  },
  {
    name: 'unknown: part of the period is not covered, findings still reported',
    input: { members: [A], coverageSince: daysAgo(20), activity: { [A]: { worstFailedBurst: burst(12) } } },
    expect: [
      ['open', A],
      ['unknown', 'org'],
    ],
  },
];

describe('failed-login-burst', () => {
  it.each(cases)('$name', (c) => {
    const findings = runRule(rule, snapshotOf(c.input), { options: c.options });
    expect(brief(findings)).toEqual(c.expect);
    if (c.message) expect(findings[0]!.message).toBe(c.message);
  });

  it('gap sentence names the uncovered dates', () => {
    const findings = runRule(rule, snapshotOf({ coverageSince: daysAgo(20) }));
    expect(findings.map((f) => f.message)).toEqual([
      'Failed logins are not fully checked: the evidence store has no audit log for 2026-10-01 to 2026-10-22 of the period 2026-Q4.',
    ]);
  });

  it('evidence carries the window and the member flag', () => {
    const [f] = runRule(rule, snapshotOf({ activity: { [X]: { worstFailedBurst: burst(30), failedLoginsInPeriod: 31 } } }));
    expect(f!.subject).toEqual({ kind: 'member', id: X, label: X });
    expect(f!.evidence.map((e) => `${e.label}: ${e.value}`)).toEqual([
      'Failed logins in the window: 30',
      'Window start: 2026-10-20T08:00:00.000Z',
      'Window end: 2026-10-20T08:41:00.000Z',
      'Failed logins in the period: 31',
      'Successful logins in the period: 0',
      'Member of the organization: no',
    ]);
  });

  it.each([
    { expires: '2027-02-01', status: 'excepted' },
    { expires: '2026-11-10', status: 'open' },
  ])('exception expiring $expires → $status', ({ expires, status }) => {
    const snapshot = snapshotOf({ members: [A], activity: { [A]: { worstFailedBurst: burst(11) } } });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'failed-login-burst', subject: A, expires }] });
    expect(f!.status).toBe(status);
    expect(f!.message.includes(`expired on ${expires}`)).toBe(status === 'open');
  });
});
