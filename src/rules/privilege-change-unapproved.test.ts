import { describe, expect, it } from 'vitest';
import type { PrivilegeGrantEvent } from '../domain/snapshot.js';
import rule from './privilege-change-unapproved.js';
import { brief, runRule, snapshotOf, type RegisterInput, type SnapshotInput } from './testing.js';

const A = 'ann@acme.example';
const ADMIN = 'root@acme.example';
const DAY = '2026-10-05';
const TIME = '2026-10-05T14:00:00.000Z';

let n = 0;
function grant(scope: 'org' | 'project', to: string, extra: Partial<PrivilegeGrantEvent> = {}): PrivilegeGrantEvent {
  n++;
  return {
    fp: `fp${String(n).padStart(4, '0')}`,
    time: TIME,
    actor: ADMIN,
    targetEmail: A,
    role: { scope, from: 'member', to },
    ...(scope === 'project' ? { projectId: '101' } : {}),
    ...extra,
  };
}

const projects = [
  { id: '101', name: 'Web Production' },
  { id: '102', name: 'Staging' },
];

function input(events: PrivilegeGrantEvent[], register?: RegisterInput[], extra: SnapshotInput = {}): SnapshotInput {
  return { projects, members: [A], privilegeGrants: events, ...(register ? { register } : {}), ...extra };
}

const entry = (scope: string, approvedOn: string | null = '2026-10-01', more: Partial<RegisterInput> = {}): RegisterInput => ({
  email: A,
  scope,
  ...(approvedOn ? { approvedOn } : {}),
  approver: 'ciso@acme.example',
  ...more,
});

interface Case {
  name: string;
  input: SnapshotInput;
  expect: [string, string][];
  message?: string;
}

const cases: Case[] = [
  {
    name: 'fires: org Admin granted, register approves only a project viewer role',
    input: input([grant('org', 'admin')], [entry('101:viewer')]),
    expect: [['open', A]],
    message: `${A} was granted organization Admin in the period without a matching approval in the access register (1 change).`,
  },
  { name: 'does not fire: org:admin approved before', input: input([grant('org', 'admin')], [entry('org:admin')]), expect: [] },
  { name: 'boundary: approved on the day of the change', input: input([grant('org', 'admin')], [entry('org:admin', DAY)]), expect: [] },
  { name: 'boundary: approved the day after the change', input: input([grant('org', 'admin')], [entry('org:admin', '2026-10-06')]), expect: [['open', A]] },
  { name: 'an Owner grant needs org:owner', input: input([grant('org', 'owner')], [entry('org:admin')]), expect: [['open', A]] },
  { name: 'org:owner approval covers an Admin grant', input: input([grant('org', 'admin')], [entry('org:owner')]), expect: [] },
  { name: 'project Admin approved by project name', input: input([grant('project', 'admin')], [entry('Web Production:admin')]), expect: [] },
  { name: 'project Admin approved by *', input: input([grant('project', 'admin')], [entry('*:admin')]), expect: [] },
  { name: 'project Admin approved only on another project', input: input([grant('project', 'admin')], [entry('102:admin')]), expect: [['open', A]] },
  { name: 'project Manager approval does not cover Admin', input: input([grant('project', 'admin')], [entry('101:manager')]), expect: [['open', A]] },
  {
    name: 'a temporary elevation covering the change approves it',
    input: input([grant('project', 'admin')], [entry('101:viewer', '2026-10-01', { elevation: { role: 'admin', project: '101', revertBy: '2026-10-31' } })]),
    expect: [],
  },
  {
    name: 'an elevation that ended before the change does not',
    input: input([grant('project', 'admin')], [entry('101:viewer', '2026-09-01', { elevation: { role: 'admin', project: '101', revertBy: '2026-10-04' } })]),
    expect: [['open', A]],
  },
  {
    name: 'an org elevation (no project) approves an org Admin grant',
    input: input([grant('org', 'admin')], [entry('', '2026-10-01', { elevation: { role: 'admin', revertBy: '2026-12-31' } })]),
    expect: [],
  },
  { name: 'no register entry at all', input: input([grant('org', 'admin')], []), expect: [['open', A]] },
  { name: 'register email in other case still matches', input: input([grant('org', 'admin')], [{ ...entry('org:admin'), email: 'ANN@acme.example' }]), expect: [] },
  {
    name: 'grants before the period are not this period\'s business',
    input: input([grant('org', 'admin', { time: '2026-09-20T10:00:00.000Z' })], []),
    expect: [],
  },
  {
    name: 'unknown: no register read',
    input: input([grant('org', 'admin')], undefined, { unknown: ['register'] }),
    expect: [['unknown', 'org']],
    message: 'Approval of privilege grants not decided for 1 member: no access register was read.',
  },
  {
    name: 'unknown: approval without a date',
    input: input([grant('org', 'admin')], [entry('org:admin', null)]),
    expect: [['unknown', 'org']],
  },
  {
    name: 'unknown: the log does not name a member',
    input: input([grant('org', 'admin', { targetEmail: '' })], []),
    expect: [['unknown', 'org']],
    message: 'Approval of privilege grants not decided for 1 member: the audit log does not say which member was granted the role.',
  },
  {
    name: 'unknown: audit log not collected',
    input: input([], [], { unknown: ['events'], coverageSince: null }),
    expect: [['unknown', 'org']],
    message: 'Grants of Admin and Owner roles are not checked: the audit log is not collected.',
  },
];

describe('privilege-change-unapproved', () => {
  it.each(cases)('$name', (c) => {
    const findings = runRule(rule, snapshotOf(c.input));
    expect(brief(findings)).toEqual(c.expect);
    if (c.message) expect(findings[0]!.message).toBe(c.message);
  });

  it('one finding per member lists every unapproved grant with actor and reason', () => {
    const events = [grant('project', 'admin', { time: '2026-10-07T09:00:00.000Z', projectId: '102' }), grant('org', 'admin')];
    const [f, ...rest] = runRule(rule, snapshotOf(input(events, [entry('101:admin')])));
    expect(rest).toEqual([]);
    expect(f!.projects).toEqual(['102']);
    expect(f!.message).toBe(`${A} was granted organization Admin, Admin on Staging (102) in the period without a matching approval in the access register (2 changes).`);
    expect(f!.evidence.map((e) => `${e.label}: ${e.value}`)).toEqual([
      `Granted: organization Admin on 2026-10-05 by ${ADMIN}: approved scope is 101:admin`,
      `Granted: Admin on Staging (102) on 2026-10-07 by ${ADMIN}: approved scope is 101:admin`,
      'Register entry: line 2; scope 101:admin; approved 2026-10-01 by ciso@acme.example',
    ]);
  });

  it.each([
    { expires: '2027-02-01', status: 'excepted' },
    { expires: '2026-11-10', status: 'open' },
  ])('exception expiring $expires → $status', ({ expires, status }) => {
    const [f] = runRule(rule, snapshotOf(input([grant('org', 'admin')], [])), { exceptions: [{ rule: 'privilege-change-unapproved', subject: A, expires }] });
    expect(f!.status).toBe(status);
    expect(f!.message.includes(`expired on ${expires}`)).toBe(status === 'open');
  });
});
