import { describe, expect, it } from 'vitest';
import rule from './temporary-elevation-overdue.js';
import { checkRule, dateAgo, runRule, snapshotOf, type RegisterInput, type SnapshotInput } from './testing.js';

interface Row {
  readonly name: string;
  readonly input: SnapshotInput;
  /** `finding.projects` per finding (project digests), checked when given. */
  readonly projects?: readonly (readonly string[] | undefined)[];
  readonly expect: readonly [string, string, string, string][];
}

const A = 'ana@acme.example';
const elevated = (role: string, revertDaysAgo: number, project?: string, email = A): RegisterInput => ({
  email,
  kind: 'employee',
  elevation: { role, revertBy: dateAgo(revertDaysAgo), ...(project !== undefined ? { project } : {}) },
});
const msg = (elevation: string, days: number, held: string, who = A) =>
  `${who} was to give up the temporary elevation to ${elevation} by ${dateAgo(days)} (${days} days ago) but still holds ${held}.`;
const PROJECTS = [{ id: '101', name: 'Web Production' }, { id: '102', name: 'Staging' }];

const rows: Row[] = [
  {
    name: 'org admin elevation overdue, still admin',
    input: { members: [{ email: A, orgRole: 'admin' }], register: [elevated('admin', 3)] },
    expect: [['open', A, 'high', msg('organization Admin', 3, 'the organization role Admin')]],
    projects: [undefined],
  },
  {
    name: 'a higher role counts: elevated to admin, now owner',
    input: { members: [{ email: A, orgRole: 'owner' }], register: [elevated('Admin', 3, 'org')] },
    expect: [['open', A, 'high', msg('organization Admin', 3, 'the organization role Owner')]],
  },
  {
    name: 'reverted: back to member',
    input: { members: [{ email: A, orgRole: 'member' }], register: [elevated('admin', 3)] },
    expect: [],
  },
  {
    name: 'revert-by today has not passed; yesterday has',
    input: {
      members: [{ email: A, orgRole: 'admin' }, { email: 'bo@acme.example', orgRole: 'admin' }],
      register: [elevated('admin', 0), elevated('admin', 1, undefined, 'bo@acme.example')],
    },
    expect: [['open', 'bo@acme.example', 'high', msg('organization Admin', 1, 'the organization role Admin', 'bo@acme.example')]],
  },
  {
    name: 'project elevation by name, held through a group',
    input: {
      projects: PROJECTS,
      members: [A],
      register: [elevated('admin', 10, 'web production')],
      grants: [
        { email: A, projectId: '101', level: 'admin', group: 'Release Admins' },
        { email: A, projectId: '102', level: 'admin' },
      ],
    },
    expect: [['open', A, 'high', msg('Admin on Web Production (101)', 10, 'Admin on Web Production (101) through group "Release Admins"')]],
    projects: [['101']],
  },
  {
    name: 'project elevation reverted to manager on that project (admin elsewhere does not count)',
    input: {
      projects: PROJECTS,
      members: [A],
      register: [elevated('admin', 10, '101')],
      grants: [
        { email: A, projectId: '101', level: 'manager' },
        { email: A, projectId: '102', level: 'admin' },
      ],
    },
    expect: [],
  },
  {
    name: 'deactivated member: nothing held',
    input: { members: [{ email: A, status: 'deactivated', orgRole: 'admin' }], register: [elevated('admin', 5)] },
    expect: [],
  },
  {
    name: 'org role unknown',
    input: { members: [{ email: A, orgRole: null }], register: [elevated('admin', 5)] },
    expect: [['unknown', 'org', 'high', 'Overdue elevations are not decided for 1 register row(s): organization role unknown (the members export gives no organization role for them).']],
  },
  {
    name: 'unmapped custom role, unknown project, unknown project roles',
    input: {
      projects: PROJECTS,
      members: [A, 'b@acme.example'],
      register: [elevated('admin', 5, '101'), elevated('manager', 5, 'Nowhere', 'b@acme.example')],
      grants: [{ email: A, projectId: '101', level: 'unknown', roleName: 'Power Analyst' }],
    },
    expect: [['unknown', 'org', 'high', 'Overdue elevations are not decided for 2 register row(s): custom role "Power Analyst" is not mapped to a level (policy.customRoles); project "Nowhere" is not known.']],
  },
  {
    name: 'no register',
    input: { unknown: ['register'] },
    expect: [['unknown', 'org', 'high', 'Temporary elevations could not be checked: no access register was read (set sources.register to the register file).']],
  },
];

describe('temporary-elevation-overdue', () => {
  it.each(rows)('$name', (row) => {
    const findings = runRule(rule, snapshotOf(row.input));
    expect(findings.map((f) => [f.status, f.subject.id, f.severity, f.message])).toEqual(row.expect);
    if (row.projects) expect(findings.map((f) => f.projects)).toEqual(row.projects);
  });

  it('project roles unknown → unknown; `*` means any project', () => {
    const reg = [elevated('manager', 2, '*')];
    expect(runRule(rule, snapshotOf({ members: [A], register: reg, unknown: ['grants'] })).map((f) => [f.status, f.message])).toEqual([
      ['unknown', 'Overdue elevations are not decided for 1 register row(s): project roles unknown (no role source was read).'],
    ]);
    const r = checkRule(rule, snapshotOf({ members: [A], register: reg, grants: [{ email: A, projectId: '7', level: 'admin' }] }));
    expect(r.map((x) => x.data.held)).toEqual(['Admin on Project 7 directly']);
    expect(r[0]!.evidence.map((e) => [e.label, e.value]).slice(1)).toEqual([
      ['Elevation', `Manager on every project, revert by ${dateAgo(2)}`],
      ['Evaluated at', '2026-11-11T10:00:00.000Z'],
      ['Project role', 'Project 7: Admin, directly'],
    ]);
  });

  it.each([
    { name: 'valid exception → excepted', expires: dateAgo(-7), status: 'excepted', suffix: '' },
    { name: 'expired exception → open and says so', expires: dateAgo(1), status: 'open', suffix: ` The exception for this finding (approved by ciso@example.com) expired on ${dateAgo(1)}.` },
  ])('$name', ({ expires, status, suffix }) => {
    const snapshot = snapshotOf({ members: [{ email: A, orgRole: 'admin' }], register: [elevated('admin', 3)] });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'temporary-elevation-overdue', subject: A, expires }] });
    expect([f!.status, f!.message]).toEqual([status, msg('organization Admin', 3, 'the organization role Admin') + suffix]);
  });
});
