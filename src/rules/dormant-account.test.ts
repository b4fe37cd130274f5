import { describe, expect, it } from 'vitest';
import rule from './dormant-account.js';
import { AT, brief, daysAgo, runRule, snapshotOf, type SnapshotInput } from './testing.js';

const A = 'ann@acme.example';
const B = 'bob@acme.example';

interface Case {
  name: string;
  input: SnapshotInput;
  options?: unknown;
  expect: [string, string][];
  message?: string;
  severity?: string;
}

const cases: Case[] = [
  {
    name: 'fires: last login 70 days ago',
    input: { members: [A], activity: { [A]: { lastLogin: daysAgo(70) } } },
    expect: [['open', A]],
    message: `${A} has not logged in for 70 days (last login 2026-09-02); accounts are dormant after 60 days.`,
    severity: 'medium',
  },
  {
    name: 'does not fire: last login 10 days ago',
    input: { members: [A], activity: { [A]: { lastLogin: daysAgo(10) } } },
    expect: [],
  },
  {
    name: 'boundary: exactly 60 days fires',
    input: { members: [A], activity: { [A]: { lastLogin: daysAgo(60) } } },
    expect: [['open', A]],
  },
  {
    name: 'boundary: 59 days does not fire',
    input: { members: [A], activity: { [A]: { lastLogin: daysAgo(59) } } },
    expect: [],
  },
  {
    name: 'boundary counts calendar days: late on the 60th day before still fires',
    input: { members: [A], activity: { [A]: { lastLogin: '2026-09-12T23:59:00.000Z' } } },
    expect: [['open', A]],
  },
  {
    name: 'boundary counts calendar days in the configured zone (Berlin: 2026-09-13 00:30 local is 59 days)',
    input: { timezone: 'Europe/Berlin', members: [A], activity: { [A]: { lastLogin: '2026-09-12T22:30:00.000Z' } } },
    expect: [],
  },
  {
    name: 'custom option days=30',
    input: { members: [A], activity: { [A]: { lastLogin: daysAgo(30) } } },
    options: { days: 30 },
    expect: [['open', A]],
  },
  {
    name: 'never logged in, invited 60 days ago inside the covered span: fires on the invitation',
    input: { members: [{ email: A, invitedOn: daysAgo(60) }] },
    expect: [['open', A]],
    message: `${A} has never logged in since being invited on 2026-09-12 (60 days ago); accounts are dormant after 60 days.`,
  },
  {
    name: 'never logged in, invited 59 days ago: not yet',
    input: { members: [{ email: A, invitedOn: daysAgo(59) }] },
    expect: [],
  },
  {
    name: 'never logged in, invite date from the audit log',
    input: { members: [A], activity: { [A]: { invitedAt: daysAgo(61) } } },
    expect: [['open', A]],
  },
  {
    name: 'no login and no invite, coverage 365 days: dormant since at least the coverage start',
    input: { members: [A] },
    expect: [['open', A]],
    message: `${A} has not logged in since at least 2025-11-11 (365 days, as far back as the audit log is complete); accounts are dormant after 60 days.`,
  },
  {
    name: 'owner and admin are high',
    input: {
      members: [
        { email: A, orgRole: 'owner' },
        { email: B, orgRole: 'admin' },
      ],
      activity: { [A]: { lastLogin: daysAgo(90) }, [B]: { lastLogin: daysAgo(90) } },
    },
    expect: [
      ['open', A],
      ['open', B],
    ],
    severity: 'high',
  },
  {
    name: 'invited (pending) and deactivated members are not dormancy subjects',
    input: {
      members: [
        { email: A, status: 'invited', invitedOn: daysAgo(100) },
        { email: B, status: 'deactivated' },
      ],
    },
    expect: [],
  },
  {
    name: 'status unknown but SCIM active counts as an active member',
    input: { members: [{ email: A, status: null }], activity: { [A]: { lastLogin: daysAgo(80) } } },
    expect: [['open', A]],
  },
  {
    name: 'SCIM inactive and no status: not a member any more',
    input: { members: [{ email: A, status: null, scimActive: false }], activity: { [A]: { lastLogin: daysAgo(80) } } },
    expect: [],
  },
  {
    name: 'unknown: coverage 40 days and no login in it',
    input: { members: [A, B], coverageSince: daysAgo(40), activity: { [B]: { lastLogin: daysAgo(5) } } },
    expect: [['unknown', 'org']],
    message: 'Dormancy not decided for 1 active member: the audit log is complete only since 2026-10-02 (40 days), 60 days are needed.',
  },
  {
    name: 'unknown: last recorded login before the short coverage',
    input: { members: [A], coverageSince: daysAgo(40), activity: { [A]: { lastLogin: daysAgo(70) } } },
    expect: [['unknown', 'org']],
  },
  {
    name: 'short coverage but a login 50 days ago bounds it: decided, not dormant',
    input: { members: [A], coverageSince: daysAgo(40), activity: { [A]: { lastLogin: daysAgo(50) } } },
    expect: [],
  },
  {
    name: 'short coverage, never logged in, invited inside it: decided, not dormant',
    input: { members: [{ email: A, invitedOn: daysAgo(20) }], coverageSince: daysAgo(40) },
    expect: [],
  },
  {
    name: 'unknown: audit log not collected',
    input: { members: [A], coverageSince: null, unknown: ['events'] },
    expect: [['unknown', 'org']],
    message: 'Dormancy not decided for 1 active member: the audit log is not collected.',
  },
];

describe('dormant-account', () => {
  it.each(cases)('$name', (c) => {
    const findings = runRule(rule, snapshotOf(c.input), { options: c.options });
    expect(brief(findings)).toEqual(c.expect);
    if (c.message) expect(findings[0]!.message).toBe(c.message);
    if (c.severity) for (const f of findings) expect(f.severity).toBe(c.severity);
  });

  it('evidence names the last login, the coverage and the role with their sources', () => {
    const [f] = runRule(rule, snapshotOf({ members: [{ email: A, orgRole: 'admin' }], activity: { [A]: { lastLogin: daysAgo(61) } } }));
    expect(f!.evidence).toEqual([
      { label: 'Last login', value: '2026-09-11', source: 'audit-logs', at: daysAgo(61) },
      { label: 'Audit log complete since', value: '2025-11-11', source: 'audit-logs', at: daysAgo(365) },
      { label: 'Status', value: 'active', source: 'members-export', at: AT },
      { label: 'Organization role', value: 'Admin', source: 'members-export', at: AT },
      { label: 'Evaluated at', value: AT },
    ]);
  });

  it('names the projects the dormant member can reach (for project digests)', () => {
    const snapshot = snapshotOf({ members: [A], activity: { [A]: { lastLogin: daysAgo(70) } }, grants: [{ email: A, projectId: '102' }, { email: A, projectId: '101', group: 'G' }] });
    expect(runRule(rule, snapshot)[0]!.projects).toEqual(['101', '102']);
  });

  it('unknown result lists at most 20 subjects', () => {
    const members = Array.from({ length: 25 }, (_, i) => `m${String(i).padStart(2, '0')}@acme.example`);
    const [f] = runRule(rule, snapshotOf({ members, coverageSince: daysAgo(10) }));
    expect(f!.status).toBe('unknown');
    expect(f!.message).toContain('for 25 active members');
    expect(f!.evidence).toHaveLength(21);
    expect(f!.evidence[20]).toEqual({ label: 'Not decided', value: 'and 5 more' });
  });

  it.each([
    { name: 'valid exception → excepted', expires: '2026-12-31', status: 'excepted', expired: false },
    { name: 'exception expiring today still holds', expires: '2026-11-11', status: 'excepted', expired: false },
    { name: 'expired exception → open, says so', expires: '2026-11-10', status: 'open', expired: true },
  ])('$name', ({ expires, status, expired }) => {
    const snapshot = snapshotOf({ members: [A], activity: { [A]: { lastLogin: daysAgo(70) } } });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'dormant-account', subject: 'Ann@Acme.example', expires, ticket: 'SEC-12' }] });
    expect(f!.status).toBe(status);
    expect(f!.exception).toEqual({ reason: 'Accepted risk', approvedBy: 'ciso@example.com', approvedOn: '2026-10-12', ticket: 'SEC-12', expires, expired });
    if (expired) expect(f!.message).toMatch(/The exception for this finding \(approved by ciso@example.com, SEC-12\) expired on 2026-11-10\.$/);
    else expect(f!.message).not.toMatch(/expired/);
  });
});
