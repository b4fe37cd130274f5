import { describe, expect, it } from 'vitest';
import rule from './dormant-account-notice.js';
import { brief, daysAgo, runRule, snapshotOf, type SnapshotInput } from './testing.js';

const A = 'ann@acme.example';

interface Case {
  name: string;
  input: SnapshotInput;
  options?: unknown;
  expect: [string, string][];
  message?: string;
}

const login = (days: number, extra: SnapshotInput = {}): SnapshotInput => ({ members: [A], activity: { [A]: { lastLogin: daysAgo(days) } }, ...extra });

const cases: Case[] = [
  {
    name: 'fires: last login 45 days ago',
    input: login(45),
    expect: [['open', A]],
    message: `${A} last logged in 45 days ago (2026-09-27); the account becomes dormant at 60 days.`,
  },
  { name: 'does not fire: last login 5 days ago', input: login(5), expect: [] },
  { name: 'boundary: exactly 30 days fires', input: login(30), expect: [['open', A]] },
  { name: 'boundary: 29 days does not fire', input: login(29), expect: [] },
  { name: 'boundary: 59 days still a notice', input: login(59), expect: [['open', A]] },
  { name: 'already dormant (60 days) is not repeated', input: login(60), expect: [] },
  { name: 'options: days 14, dormantDays 30', input: login(20), options: { days: 14, dormantDays: 30 }, expect: [['open', A]] },
  {
    name: 'never logged in, invited 40 days ago',
    input: { members: [{ email: A, invitedOn: daysAgo(40) }] },
    expect: [['open', A]],
    message: `${A} has not logged in since being invited on 2026-10-02 (40 days ago); the account becomes dormant at 60 days.`,
  },
  {
    name: 'login recorded before a 35-day coverage, 50 days ago: at least 35, at most 50 → notice',
    input: login(50, { coverageSince: daysAgo(35) }),
    expect: [['open', A]],
    message: `${A} has not logged in since at least 2026-10-07 (35 days); the account becomes dormant at 60 days.`,
  },
  {
    name: 'unknown: coverage 40 days and no login — maybe already dormant',
    input: { members: [A], coverageSince: daysAgo(40) },
    expect: [['unknown', 'org']],
    message: 'Approaching dormancy not decided for 1 active member: the audit log is complete only since 2026-10-02 (40 days), 60 days are needed.',
  },
  { name: 'unknown: coverage 10 days and no login', input: { members: [A], coverageSince: daysAgo(10) }, expect: [['unknown', 'org']] },
  { name: 'short coverage, recent login: decided', input: login(3, { coverageSince: daysAgo(10) }), expect: [] },
];

describe('dormant-account-notice', () => {
  it.each(cases)('$name', (c) => {
    const findings = runRule(rule, snapshotOf(c.input), { options: c.options });
    expect(brief(findings)).toEqual(c.expect);
    if (c.message) expect(findings[0]!.message).toBe(c.message);
    for (const f of findings) expect(f.severity).toBe('low');
  });

  it('rejects days not below dormantDays', () => {
    expect(() => runRule(rule, snapshotOf(login(45)), { options: { days: 60, dormantDays: 60 } })).toThrow(/days must be smaller than dormantDays/);
  });

  it.each([
    { name: 'valid exception → excepted', expires: '2027-01-01', status: 'excepted' },
    { name: 'expired exception → open with the expiry sentence', expires: '2026-11-01', status: 'open' },
  ])('$name', ({ expires, status }) => {
    const [f] = runRule(rule, snapshotOf(login(45)), { exceptions: [{ rule: 'dormant-account-notice', subject: A, expires }] });
    expect(f!.status).toBe(status);
    expect(f!.exception?.expires).toBe(expires);
    expect(f!.message.endsWith(`expired on ${expires}.`)).toBe(status === 'open');
  });
});
