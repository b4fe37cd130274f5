import { describe, expect, it } from 'vitest';
import rule from './pending-invite.js';
import { brief, daysAgo, runRule, snapshotOf, type SnapshotInput } from './testing.js';

const A = 'ann@acme.example';
const B = 'bob@acme.example';

interface Case {
  name: string;
  input: SnapshotInput;
  options?: unknown;
  expect: [string, string][];
  message?: string;
}

const invited = (days: number): SnapshotInput => ({ members: [{ email: A, status: 'invited', invitedOn: daysAgo(days) }] });

const cases: Case[] = [
  {
    name: 'fires: invited 20 days ago, still pending',
    input: invited(20),
    expect: [['open', A]],
    message: `${A} was invited on 2026-10-22 (20 days ago) and has not accepted; invitations should be accepted within 14 days.`,
  },
  { name: 'does not fire: invited 3 days ago', input: invited(3), expect: [] },
  { name: 'boundary: exactly 14 days fires', input: invited(14), expect: [['open', A]] },
  { name: 'boundary: 13 days does not fire', input: invited(13), expect: [] },
  { name: 'option days=30', input: invited(20), options: { days: 30 }, expect: [] },
  { name: 'joined members are not pending', input: { members: [{ email: A, invitedOn: daysAgo(100) }] }, expect: [] },
  {
    name: 'invite date from the audit log when the export has none',
    input: { members: [{ email: A, status: 'invited' }], activity: { [A]: { invitedAt: daysAgo(15) } } },
    expect: [['open', A]],
  },
  {
    name: 'without the members export: invited inside the covered log and never logged in → pending',
    input: { members: [{ email: A, status: null, orgRole: null }], activity: { [A]: { invitedAt: daysAgo(30) } } },
    expect: [['open', A]],
  },
  {
    name: 'without the members export: a recorded login means the invite was accepted',
    input: { members: [{ email: A, status: null, orgRole: null }], activity: { [A]: { invitedAt: daysAgo(30), lastLogin: daysAgo(29) } } },
    expect: [],
  },
  {
    name: 'unknown: without the members export, no login and no invite recorded',
    input: { members: [{ email: A, status: null, orgRole: null }, { email: B, status: null, orgRole: null }], activity: { [B]: { lastLogin: daysAgo(1) } } },
    expect: [['unknown', 'org']],
  },
  {
    name: 'unknown: status invited but no invitation date anywhere',
    input: { members: [{ email: A, status: 'invited' }] },
    expect: [['unknown', 'org']],
  },
  {
    name: 'unknown: invited before the complete audit log began',
    input: { members: [{ email: A, status: null, orgRole: null }], coverageSince: daysAgo(10), activity: { [A]: { invitedAt: daysAgo(30) } } },
    expect: [['unknown', 'org']],
  },
];

describe('pending-invite', () => {
  it.each(cases)('$name', (c) => {
    const findings = runRule(rule, snapshotOf(c.input), { options: c.options });
    expect(brief(findings)).toEqual(c.expect);
    if (c.message) expect(findings[0]!.message).toBe(c.message);
    for (const f of findings) expect(f.severity).toBe('low');
  });

  it('unknown result names the members and why', () => {
    const [f] = runRule(rule, snapshotOf({ members: [{ email: A, status: null, orgRole: null }] }));
    expect(f!.message).toMatch(/^Invitation acceptance not decided for 1 member: SCIM does not tell/);
    expect(f!.evidence).toEqual([{ label: 'Not decided', value: `${A}: no login and no invitation recorded` }]);
  });

  it.each([
    { expires: '2027-02-01', status: 'excepted' },
    { expires: '2026-11-10', status: 'open' },
  ])('exception expiring $expires → $status', ({ expires, status }) => {
    const [f] = runRule(rule, snapshotOf(invited(20)), { exceptions: [{ rule: 'pending-invite', subject: A, expires }] });
    expect(f!.status).toBe(status);
    expect(f!.message.includes(`expired on ${expires}`)).toBe(status === 'open');
  });
});
