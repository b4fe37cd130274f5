import { describe, expect, it } from 'vitest';
import rule from './collaborator-org-admin.js';
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
const V = 'vera@vendor.example';
const ext = (email: string, kind: 'contractor' | 'vendor' | 'employee' = 'contractor', company = 'Agency') => ({ email, kind, company });

const rows: Row[] = [
  {
    name: 'contractor admin and vendor owner fire; contractor member does not',
    input: {
      members: [{ email: C, orgRole: 'admin' }, { email: V, orgRole: 'owner' }, 'm@agency.example'],
      register: [ext(C), ext(V, 'vendor', 'Vendor Inc'), ext('m@agency.example')],
      grants: [
        { email: C, projectId: '102', level: 'viewer' },
        { email: C, projectId: '101', level: 'member', group: 'Agency' },
        { email: 'm@agency.example', projectId: '103', level: 'admin' },
      ],
    },
    expect: [
      ['open', C, 'high', `${C}, a contractor (Agency), holds the organization role Admin.`],
      ['open', V, 'high', `${V}, a vendor (Vendor Inc), holds the organization role Owner.`],
    ],
    projects: [['101', '102'], undefined],
  },
  {
    name: 'employee admins are not collaborators; manager role is not admin',
    input: { members: [{ email: 'e@acme.example', orgRole: 'admin' }, { email: C, orgRole: 'manager' }], register: [ext('e@acme.example', 'employee'), ext(C)] },
    expect: [],
  },
  {
    name: 'pending invitation as admin counts; deactivated admin does not',
    input: { members: [{ email: C, orgRole: 'admin', status: 'invited' }, { email: V, orgRole: 'admin', status: 'deactivated' }], register: [ext(C), ext(V, 'vendor')] },
    expect: [['open', C, 'high', `${C}, a contractor (Agency), holds the organization role Admin.`]],
  },
  {
    name: 'kinds configured to contractors only',
    input: { members: [{ email: V, orgRole: 'owner' }], register: [ext(V, 'vendor')] },
    options: { kinds: ['contractor'] },
    expect: [],
  },
  {
    name: 'org role unknown',
    input: { members: [{ email: C, orgRole: null }], register: [ext(C)] },
    expect: [['unknown', 'org', 'high', 'Organization roles of 1 external collaborator(s) are not decided: the members export gives no organization role for them.']],
  },
  {
    name: 'no register: org admins listed as not checked',
    input: { members: [{ email: C, orgRole: 'admin' }, 'x@acme.example'], unknown: ['register'] },
    expect: [['unknown', 'org', 'high', 'External collaborators could not be told apart from employees: no access register was read (set sources.register to the register file); 1 organization Admin(s)/Owner(s) are listed as not checked.']],
  },
];

describe('collaborator-org-admin', () => {
  it.each(rows)('$name', (row) => {
    const findings = runRule(rule, snapshotOf(row.input), { options: row.options });
    expect(findings.map((f) => [f.status, f.subject.id, f.severity, f.message])).toEqual(row.expect);
    if (row.projects) expect(findings.map((f) => f.projects)).toEqual(row.projects);
  });

  it('evidence shows the role, the register row and an approving scope', () => {
    const [r] = checkRule(rule, snapshotOf({ members: [{ email: C, orgRole: 'admin' }], register: [{ ...ext(C), scope: 'org:owner;101:admin' }] }));
    expect(r!.evidence.map((e) => [e.label, e.value])).toEqual([
      ['Organization role', 'Admin'],
      ['Account status', 'active'],
      ['Register entry', 'contractor at Agency (line 2)'],
      ['Approved scope', 'org:owner (the register approves the role)'],
    ]);
  });

  it.each([
    { name: 'valid exception → excepted', expires: dateAgo(-7), status: 'excepted', suffix: '' },
    { name: 'expired exception → open and says so', expires: dateAgo(1), status: 'open', suffix: ` The exception for this finding (approved by ciso@example.com) expired on ${dateAgo(1)}.` },
  ])('$name', ({ expires, status, suffix }) => {
    const snapshot = snapshotOf({ members: [{ email: C, orgRole: 'admin' }], register: [ext(C)] });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'collaborator-org-admin', subject: C, expires }] });
    expect([f!.status, f!.message]).toEqual([status, `${C}, a contractor (Agency), holds the organization role Admin.${suffix}`]);
  });
});
