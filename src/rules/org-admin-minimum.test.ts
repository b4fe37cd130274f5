import { describe, expect, it } from 'vitest';
import type { OrgRole } from '../domain/model.js';
import rule from './org-admin-minimum.js';
import { brief, runRule, snapshotOf, type MemberInput, type SnapshotInput } from './testing.js';

const m = (i: number, orgRole: OrgRole | null, extra: Partial<MemberInput> = {}): MemberInput => ({ email: `u${i}@acme.example`, orgRole, ...extra });
const roles = (...r: (OrgRole | null)[]): MemberInput[] => r.map((role, i) => m(i + 1, role));

interface Case {
  name: string;
  input: SnapshotInput;
  options?: unknown;
  expect: [string, string][];
  message?: string;
}

const cases: Case[] = [
  {
    name: 'fires: a single admin (owners do not count by default)',
    input: { members: roles('owner', 'owner', 'admin', 'member') },
    expect: [['open', 'org']],
    message: 'The organization has 1 active Admin; at least 2 are needed so that losing one account does not lock administration out.',
  },
  { name: 'does not fire: two admins', input: { members: roles('owner', 'admin', 'admin', 'member') }, expect: [] },
  { name: 'boundary: exactly 2 admins is enough', input: { members: roles('admin', 'admin') }, expect: [] },
  { name: 'boundary: min 3 with 2 fires', input: { members: roles('admin', 'admin') }, options: { min: 3 }, expect: [['open', 'org']] },
  { name: 'countOwners: owner + admin reach 2', input: { members: roles('owner', 'admin') }, options: { countOwners: true }, expect: [] },
  {
    name: 'countOwners: a single owner fires, message names owners',
    input: { members: roles('owner', 'member') },
    options: { countOwners: true },
    expect: [['open', 'org']],
    message: 'The organization has 1 active Admin or Owner; at least 2 are needed so that losing one account does not lock administration out.',
  },
  {
    name: 'a pending or deactivated admin does not help',
    input: { members: [m(1, 'admin'), m(2, 'admin', { status: 'invited' }), m(3, 'admin', { status: 'deactivated' })] },
    expect: [['open', 'org']],
  },
  {
    name: 'unknown: one known admin and members with unknown roles',
    input: { members: roles('admin', null, null) },
    expect: [['unknown', 'org']],
    message:
      'The number of active Admins is not decided: 1 known, below the minimum of 2, and the organization role of 2 active members is unknown (the members export gives no organization role for them).',
  },
  {
    name: 'unknown: no member source read at all',
    input: {
      members: [],
      sources: [
        { source: 'scim', configured: false, ok: false },
        { source: 'members-export', configured: false, ok: false },
      ],
    },
    expect: [['unknown', 'org']],
    message: 'The number of active Admins (at least 2 needed) is not decided: neither SCIM nor the members export was read.',
  },
];

describe('org-admin-minimum', () => {
  it.each(cases)('$name', (c) => {
    const findings = runRule(rule, snapshotOf(c.input), { options: c.options });
    expect(brief(findings)).toEqual(c.expect);
    if (c.message) expect(findings[0]!.message).toBe(c.message);
  });

  it('evidence lists the admins', () => {
    const [f] = runRule(rule, snapshotOf({ members: roles('owner', 'admin') }));
    expect(f!.evidence.map((e) => `${e.label}=${e.value}`)).toEqual(['Active Admins=1', 'Needed=2', 'Admin=u2@acme.example']);
  });

  it.each([
    { expires: '2027-02-01', status: 'excepted' },
    { expires: '2026-10-31', status: 'open' },
  ])('exception for subject org expiring $expires → $status', ({ expires, status }) => {
    const [f] = runRule(rule, snapshotOf({ members: roles('admin') }), { exceptions: [{ rule: 'org-admin-minimum', subject: 'org', expires }] });
    expect(f!.status).toBe(status);
    expect(f!.message.includes(`expired on ${expires}`)).toBe(status === 'open');
  });
});
