import { describe, expect, it } from 'vitest';
import rule from './contractor-expiring.js';
import { dateAgo, runRule, snapshotOf, type SnapshotInput } from './testing.js';

interface Row {
  readonly name: string;
  readonly input: SnapshotInput;
  readonly options?: unknown;
  /** `finding.projects` per finding (project digests), checked when given. */
  readonly projects?: readonly (readonly string[] | undefined)[];
  readonly expect: readonly [string, string, string, string][];
}

const EXT = 'ext@agency.example';
const contractor = (endDate?: string, email = EXT) => ({ email, kind: 'contractor' as const, ...(endDate ? { endDate } : {}) });
const msg = (endIn: number, when: string, held = 'account active', who = EXT) =>
  `The engagement of ${who} ends on ${dateAgo(-endIn)} (${when}); plan the removal of their access (${held}).`;

const rows: Row[] = [
  {
    name: 'ends in 5 days',
    input: { members: [EXT], register: [contractor(dateAgo(-5))] },
    expect: [['open', EXT, 'info', msg(5, 'in 5 days')]],
    projects: [undefined],
  },
  {
    name: 'ends in 3 days with project roles: their projects are named',
    input: {
      members: [EXT],
      register: [contractor(dateAgo(-3))],
      grants: [
        { email: EXT, projectId: '102', level: 'viewer', group: 'Agency' },
        { email: EXT, projectId: '101', level: 'admin' },
        { email: EXT, projectId: '101', level: 'member', group: 'Agency' },
      ],
    },
    expect: [['open', EXT, 'info', msg(3, 'in 3 days', 'account active, 3 project roles')]],
    projects: [['101', '102']],
  },
  {
    name: 'boundary: 14 days fires, 15 does not; today fires, yesterday (passed) does not',
    input: {
      members: ['a@x.example', 'b@x.example', 'c@x.example', 'd@x.example'],
      register: [contractor(dateAgo(-14), 'a@x.example'), contractor(dateAgo(-15), 'b@x.example'), contractor(dateAgo(0), 'c@x.example'), contractor(dateAgo(1), 'd@x.example')],
    },
    expect: [
      ['open', 'a@x.example', 'info', msg(14, 'in 14 days', 'account active', 'a@x.example')],
      ['open', 'c@x.example', 'info', msg(0, 'today', 'account active', 'c@x.example')],
    ],
  },
  {
    name: 'configured window 30 days',
    input: { members: [EXT], register: [contractor(dateAgo(-30))] },
    options: { days: 30 },
    expect: [['open', EXT, 'info', msg(30, 'in 30 days')]],
  },
  {
    name: 'already without access and keys: not repeated',
    input: { members: [{ email: EXT, status: 'deactivated' }], register: [contractor(dateAgo(-3))] },
    expect: [],
  },
  {
    name: 'employees, and contractors without end date, are not reported',
    input: { members: [EXT, 'e@acme.example'], register: [contractor(), { email: 'e@acme.example', kind: 'employee', endDate: dateAgo(-3) }] },
    expect: [],
  },
  {
    name: 'access not fully known still gets the notice',
    input: { members: [{ email: EXT, status: 'deactivated' }], register: [contractor(dateAgo(-2))], unknown: ['keys'] },
    expect: [['open', EXT, 'info', msg(2, 'in 2 days', 'what they hold is not fully known')]],
  },
  {
    name: 'no register',
    input: { unknown: ['register'] },
    expect: [['unknown', 'org', 'info', 'Contractor end dates could not be checked: no access register was read (set sources.register to the register file).']],
  },
];

describe('contractor-expiring', () => {
  it.each(rows)('$name', (row) => {
    const findings = runRule(rule, snapshotOf(row.input), { options: row.options });
    expect(findings.map((f) => [f.status, f.subject.id, f.severity, f.message])).toEqual(row.expect);
    if (row.projects) expect(findings.map((f) => f.projects)).toEqual(row.projects);
  });

  it.each([
    { name: 'valid exception → excepted', expires: dateAgo(-7), status: 'excepted', suffix: '' },
    { name: 'expired exception → open and says so', expires: dateAgo(1), status: 'open', suffix: ` The exception for this finding (approved by ciso@example.com) expired on ${dateAgo(1)}.` },
  ])('$name', ({ expires, status, suffix }) => {
    const snapshot = snapshotOf({ members: [EXT], register: [contractor(dateAgo(-5))] });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'contractor-expiring', subject: EXT, expires }] });
    expect([f!.status, f!.message]).toEqual([status, msg(5, 'in 5 days') + suffix]);
  });
});
