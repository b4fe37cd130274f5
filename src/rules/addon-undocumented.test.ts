import { describe, expect, it } from 'vitest';
import rule from './addon-undocumented.js';
import { checkRule, dateAgo, runRule, snapshotOf, type SnapshotInput } from './testing.js';

interface Row {
  readonly name: string;
  readonly input: SnapshotInput;
  /** `finding.projects` per finding (project digests), checked when given. */
  readonly projects?: readonly (readonly string[] | undefined)[];
  readonly expect: readonly [string, string, string, string][];
}

const A = 'ana@acme.example';
const PROJECTS = [{ id: '101', name: 'Web Production' }];

const rows: Row[] = [
  {
    name: 'unapproved Govern and Experiment: one finding listing both',
    input: {
      projects: PROJECTS,
      members: [A],
      register: [{ email: A }],
      addons: [
        { email: A, addon: 'experiment' },
        { email: 'ANA@acme.example', addon: 'govern', projectId: '101', detail: 'Data Manager' },
      ],
    },
    expect: [['open', A, 'low', `${A} has Experiment; Govern (Data Manager) on Web Production (101) permission(s) that the access register does not approve (approved add-ons: none).`]],
    projects: [['101']],
  },
  {
    name: 'approved add-on passes; only the unapproved one is listed',
    input: { members: [A], register: [{ email: A, addons: ['govern'] }], addons: [{ email: A, addon: 'govern' }, { email: A, addon: 'experiment' }] },
    expect: [['open', A, 'low', `${A} has Experiment permission(s) that the access register does not approve (approved add-ons: Govern).`]],
    projects: [undefined],
  },
  {
    name: 'everything approved; Accounts add-on is out of scope',
    input: { members: [A], register: [{ email: A, addons: ['govern', 'experiment'] }], addons: [{ email: A, addon: 'govern' }, { email: A, addon: 'experiment' }, { email: A, addon: 'accounts' }] },
    expect: [],
  },
  {
    name: 'unregistered person left to unregistered-account; deactivated member skipped',
    input: {
      members: ['u@acme.example', { email: 'd@acme.example', status: 'deactivated' }],
      register: [{ email: 'd@acme.example' }],
      addons: [{ email: 'u@acme.example', addon: 'govern' }, { email: 'd@acme.example', addon: 'govern' }],
    },
    expect: [],
  },
  {
    name: 'add-ons unknown (no members export)',
    input: { members: [A], register: [{ email: A }], unknown: ['addons'] },
    expect: [['unknown', 'org', 'low', 'Add-on permissions could not be checked: add-on permissions come only from the members export, which was not read.']],
  },
  {
    name: 'no register: holders listed as not checked',
    input: { members: [A], addons: [{ email: A, addon: 'govern' }], unknown: ['register'] },
    expect: [['unknown', 'org', 'low', 'Add-on approvals could not be checked: no access register was read (set sources.register to the register file); 1 member(s) with Govern or Experiment permissions are listed as not checked.']],
  },
];

describe('addon-undocumented', () => {
  it.each(rows)('$name', (row) => {
    const findings = runRule(rule, snapshotOf(row.input));
    expect(findings.map((f) => [f.status, f.subject.id, f.severity, f.message])).toEqual(row.expect);
    if (row.projects) expect(findings.map((f) => f.projects)).toEqual(row.projects);
  });

  it('evidence lists each add-on with its source and the approved add-ons', () => {
    const [r] = checkRule(rule, snapshotOf({ members: [A], register: [{ email: A, addons: ['experiment'] }], addons: [{ email: A, addon: 'govern', detail: 'Data Manager' }] }));
    expect(r!.evidence.map((e) => [e.label, e.value, e.source])).toEqual([
      ['Add-on permission', 'Govern (Data Manager)', 'members-export'],
      ['Register entry', 'employee (line 2)', 'register'],
      ['Approved add-ons', 'experiment', 'register'],
      ['Account status', 'active', 'members-export'],
    ]);
  });

  it.each([
    { name: 'valid exception → excepted', expires: dateAgo(-7), status: 'excepted', suffix: '' },
    { name: 'expired exception → open and says so', expires: dateAgo(1), status: 'open', suffix: ` The exception for this finding (approved by ciso@example.com) expired on ${dateAgo(1)}.` },
  ])('$name', ({ expires, status, suffix }) => {
    const snapshot = snapshotOf({ members: [A], register: [{ email: A }], addons: [{ email: A, addon: 'govern' }] });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'addon-undocumented', subject: A, expires }] });
    expect([f!.status, f!.message]).toEqual([status, `${A} has Govern permission(s) that the access register does not approve (approved add-ons: none).${suffix}`]);
  });
});
