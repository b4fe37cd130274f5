import { describe, expect, it } from 'vitest';
import type { OrgRole } from '../domain/model.js';
import rule from './org-admin-count.js';
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
    name: 'fires: 2 owners + 3 admins = 5 > 4',
    input: { members: roles('owner', 'owner', 'admin', 'admin', 'admin', 'member') },
    expect: [['open', 'org']],
    message: 'The organization has 5 Admins and Owners; at most 4 are allowed.',
  },
  { name: 'does not fire: 1 owner + 1 admin', input: { members: roles('owner', 'admin', 'manager', 'member') }, expect: [] },
  { name: 'boundary: exactly 4 is allowed', input: { members: roles('owner', 'admin', 'admin', 'admin') }, expect: [] },
  { name: 'boundary: max 3 with 4 fires', input: { members: roles('owner', 'admin', 'admin', 'admin') }, options: { max: 3 }, expect: [['open', 'org']] },
  { name: 'managers do not count', input: { members: roles('owner', 'admin', 'manager', 'manager', 'manager') }, expect: [] },
  {
    name: 'deactivated admins do not count, invited do',
    input: { members: [...roles('owner', 'admin', 'admin', 'admin'), m(9, 'admin', { status: 'deactivated' }), m(10, 'admin', { status: 'invited' })] },
    expect: [['open', 'org']],
  },
  {
    name: 'unknown: 4 known and one unknown role',
    input: { members: roles('owner', 'admin', 'admin', 'admin', null) },
    expect: [['unknown', 'org']],
    message:
      'The number of Admins and Owners is not decided: 4 known, and the organization role of 1 member is unknown, which could bring the count above 4 (the members export gives no organization role for them).',
  },
  { name: 'unknown roles that cannot exceed the limit: decided', input: { members: roles('owner', null, null) }, expect: [] },
];

describe('org-admin-count', () => {
  it.each(cases)('$name', (c) => {
    const findings = runRule(rule, snapshotOf(c.input), { options: c.options });
    expect(brief(findings)).toEqual(c.expect);
    if (c.message) expect(findings[0]!.message).toBe(c.message);
    for (const f of findings) expect(f.severity).toBe('medium');
  });

  it.each([
    { expires: '2027-02-01', status: 'excepted' },
    { expires: '2026-10-31', status: 'open' },
  ])('exception for subject org expiring $expires → $status', ({ expires, status }) => {
    const snapshot = snapshotOf({ members: roles('owner', 'owner', 'admin', 'admin', 'admin') });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'org-admin-count', subject: 'ORG', expires }] });
    expect(f!.status).toBe(status);
    expect(f!.message.includes(`expired on ${expires}`)).toBe(status === 'open');
  });
});
