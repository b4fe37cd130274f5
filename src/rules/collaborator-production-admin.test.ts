import { describe, expect, it } from 'vitest';
import rule from './collaborator-production-admin.js';
import { checkRule, dateAgo, runRule, snapshotOf, type SnapshotInput } from './testing.js';

interface Row {
  readonly name: string;
  readonly input: SnapshotInput;
  readonly options?: unknown;
  /** `finding.projects` per finding (project digests), checked when given. */
  readonly projects?: readonly (readonly string[] | undefined)[];
  readonly expect: readonly [string, string, string, string][];
}

const C = 'carl@agency.example';
const PROJECTS = [
  { id: '101', name: 'Web Production' },
  { id: '102', name: 'Web Staging' },
  { id: '103', name: 'Mobile', environment: 'production' as const },
];
const contractor = (email = C, kind: 'contractor' | 'vendor' | 'employee' = 'contractor') => ({ email, kind, company: 'Agency' });

const rows: Row[] = [
  {
    name: 'admin on two production projects (one through a group): one finding listing both',
    input: {
      projects: PROJECTS,
      members: [C],
      register: [contractor()],
      grants: [
        { email: C, projectId: '101', level: 'admin' },
        { email: C, projectId: '102', level: 'admin' },
        { email: C, projectId: '103', level: 'admin', group: 'Agency Admins' },
      ],
    },
    expect: [['open', C, 'medium', `${C}, a contractor (Agency), is Admin on 2 production project(s): Web Production (101) directly; Mobile (103) through group "Agency Admins".`]],
    projects: [['101', '103']],
  },
  {
    name: 'admin on staging only, manager on production: nothing',
    input: {
      projects: PROJECTS,
      members: [C],
      register: [contractor()],
      grants: [
        { email: C, projectId: '102', level: 'admin' },
        { email: C, projectId: '101', level: 'manager' },
      ],
    },
    expect: [],
  },
  {
    name: 'employees and vendors are not checked by default; deactivated contractors are skipped',
    input: {
      projects: PROJECTS,
      members: ['e@acme.example', 'v@vendor.example', { email: 'd@agency.example', status: 'deactivated' }],
      register: [contractor('e@acme.example', 'employee'), contractor('v@vendor.example', 'vendor'), contractor('d@agency.example')],
      grants: [
        { email: 'e@acme.example', projectId: '101', level: 'admin' },
        { email: 'v@vendor.example', projectId: '101', level: 'admin' },
        { email: 'd@agency.example', projectId: '101', level: 'admin' },
      ],
    },
    expect: [],
  },
  {
    name: 'vendors included by configuration',
    input: { projects: PROJECTS, members: ['v@vendor.example'], register: [contractor('v@vendor.example', 'vendor')], grants: [{ email: 'v@vendor.example', projectId: '101', level: 'admin' }] },
    options: { kinds: ['contractor', 'vendor'] },
    expect: [['open', 'v@vendor.example', 'medium', 'v@vendor.example, a vendor (Agency), is Admin on 1 production project(s): Web Production (101) directly.']],
  },
  {
    name: 'unmapped custom role on production is unknown',
    input: { projects: PROJECTS, members: [C], register: [contractor()], grants: [{ email: C, projectId: '101', level: 'unknown', roleName: 'Super Analyst' }] },
    expect: [['unknown', 'org', 'medium', 'Production Admin rights are not decided for 1 contractor(s): a custom role on a production project is not mapped to a level in policy.customRoles.']],
  },
  {
    name: 'project roles unknown',
    input: { members: [C], register: [contractor()], unknown: ['grants'] },
    expect: [['unknown', 'org', 'medium', 'Production Admin rights could not be checked: no source gave project roles (User Management API or members export).']],
  },
  {
    name: 'no register: production admins listed as not checked',
    input: { projects: PROJECTS, members: [C, 'x@acme.example'], grants: [{ email: C, projectId: '103', level: 'admin' }, { email: 'x@acme.example', projectId: '102', level: 'admin' }], unknown: ['register'] },
    expect: [['unknown', 'org', 'medium', 'Contractors could not be told apart from employees: no access register was read (set sources.register to the register file); 1 production project Admin(s) are listed as not checked.']],
  },
];

describe('collaborator-production-admin', () => {
  it.each(rows)('$name', (row) => {
    const findings = runRule(rule, snapshotOf(row.input), { options: row.options });
    expect(findings.map((f) => [f.status, f.subject.id, f.severity, f.message])).toEqual(row.expect);
    if (row.projects) expect(findings.map((f) => f.projects)).toEqual(row.projects);
  });

  it('evidence names each grant, its group and why the project is production', () => {
    const snapshot = snapshotOf({ projects: PROJECTS, members: [C], register: [contractor()], grants: [{ email: C, projectId: '103', level: 'admin', group: 'Agency Admins' }, { email: C, projectId: '101', level: 'admin' }] });
    const [r] = checkRule(rule, snapshot);
    expect(r!.evidence.map((e) => [e.label, e.value])).toEqual([
      ['Project role', 'Web Production (101): Admin, directly'],
      ['Project role', 'Mobile (103): Admin, through group "Agency Admins"'],
      ['Production project', 'Web Production (101): name matches /prod/i'],
      ['Production project', 'Mobile (103): listed in config'],
      ['Register entry', 'contractor at Agency (line 2)'],
    ]);
  });

  it.each([
    { name: 'valid exception → excepted', expires: dateAgo(-7), status: 'excepted', suffix: '' },
    { name: 'expired exception → open and says so', expires: dateAgo(1), status: 'open', suffix: ` The exception for this finding (approved by ciso@example.com) expired on ${dateAgo(1)}.` },
  ])('$name', ({ expires, status, suffix }) => {
    const snapshot = snapshotOf({ projects: PROJECTS, members: [C], register: [contractor()], grants: [{ email: C, projectId: '101', level: 'admin' }] });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'collaborator-production-admin', subject: C, expires }] });
    expect([f!.status, f!.message]).toEqual([status, `${C}, a contractor (Agency), is Admin on 1 production project(s): Web Production (101) directly.${suffix}`]);
  });
});
