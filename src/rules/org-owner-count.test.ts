import { describe, expect, it } from 'vitest';
import type { OrgRole } from '../domain/model.js';
import rule from './org-owner-count.js';
import { brief, runRule, snapshotOf, type MemberInput, type SnapshotInput } from './testing.js';

const m = (i: number, orgRole: OrgRole | null, extra: Partial<MemberInput> = {}): MemberInput => ({ email: `u${i}@acme.example`, orgRole, ...extra });

interface Case {
  name: string;
  input: SnapshotInput;
  options?: unknown;
  expect: [string, string][];
  message?: string;
}

const cases: Case[] = [
  {
    name: 'fires: 3 owners, 2 allowed',
    input: { members: [m(1, 'owner'), m(2, 'owner'), m(3, 'owner'), m(4, 'admin')] },
    expect: [['open', 'org']],
    message: 'The organization has 3 Owners; at most 2 are allowed.',
  },
  { name: 'does not fire: 1 owner', input: { members: [m(1, 'owner'), m(2, 'admin')] }, expect: [] },
  { name: 'boundary: exactly 2 owners is allowed', input: { members: [m(1, 'owner'), m(2, 'owner')] }, expect: [] },
  { name: 'boundary: max 1 with 2 owners fires', input: { members: [m(1, 'owner'), m(2, 'owner')] }, options: { max: 1 }, expect: [['open', 'org']] },
  {
    name: 'a pending invitation as Owner counts',
    input: { members: [m(1, 'owner'), m(2, 'owner'), m(3, 'owner', { status: 'invited' })] },
    expect: [['open', 'org']],
  },
  {
    name: 'a deactivated Owner does not count',
    input: { members: [m(1, 'owner'), m(2, 'owner'), m(3, 'owner', { status: 'deactivated' })] },
    expect: [],
  },
  {
    name: 'unknown: 2 owners and one member whose org role is unknown',
    input: { members: [m(1, 'owner'), m(2, 'owner'), m(3, null)] },
    expect: [['unknown', 'org']],
    message:
      'The number of Owners is not decided: 2 known, and the organization role of 1 member is unknown, which could bring the count above 2 (the members export gives no organization role for them).',
  },
  {
    name: 'unknown roles that cannot push the count over the limit: decided',
    input: { members: [m(1, 'owner'), m(2, null)] },
    expect: [],
  },
  {
    name: 'unknown: members export not configured',
    input: {
      members: [m(1, null), m(2, null), m(3, null)],
      sources: [{ source: 'scim', configured: true, ok: true }, { source: 'members-export', configured: false, ok: false }],
    },
    expect: [['unknown', 'org']],
    message:
      'The number of Owners is not decided: 0 known, and the organization role of 3 members is unknown, which could bring the count above 2 (organization roles come only from the members export, which is not configured).',
  },
  {
    name: 'known violation stands even with unknown roles',
    input: { members: [m(1, 'owner'), m(2, 'owner'), m(3, 'owner'), m(4, null)] },
    expect: [['open', 'org']],
  },
];

describe('org-owner-count', () => {
  it.each(cases)('$name', (c) => {
    const findings = runRule(rule, snapshotOf(c.input), { options: c.options });
    expect(brief(findings)).toEqual(c.expect);
    if (c.message) expect(findings[0]!.message).toBe(c.message);
  });

  it('evidence lists each owner with the source of the role', () => {
    const [f] = runRule(rule, snapshotOf({ members: [m(1, 'owner'), m(2, 'owner'), m(3, 'owner', { status: 'invited' })] }));
    expect(f!.severity).toBe('high');
    expect(f!.evidence.map((e) => `${e.label}=${e.value}`)).toEqual([
      'Owners=3',
      'Allowed=2',
      'Owner=u1@acme.example',
      'Owner=u2@acme.example',
      'Owner=u3@acme.example (invitation pending)',
    ]);
    expect(f!.evidence[2]!.source).toBe('members-export');
  });

  it.each([
    { expires: '2027-02-01', status: 'excepted' },
    { expires: '2026-10-31', status: 'open' },
  ])('exception for subject org expiring $expires → $status', ({ expires, status }) => {
    const snapshot = snapshotOf({ members: [m(1, 'owner'), m(2, 'owner'), m(3, 'owner')] });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'org-owner-count', subject: 'org', expires }] });
    expect(f!.status).toBe(status);
    expect(f!.exception?.expired).toBe(status === 'open');
    expect(f!.message.includes(`expired on ${expires}`)).toBe(status === 'open');
  });
});
