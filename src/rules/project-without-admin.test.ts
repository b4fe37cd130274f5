import { describe, expect, it } from 'vitest';
import rule from './project-without-admin.js';
import { brief, runRule, snapshotOf, type SnapshotInput } from './testing.js';

const A = 'ann@acme.example';
const B = 'bob@acme.example';
const projects = [
  { id: '101', name: 'Web Production' },
  { id: '102', name: 'Staging' },
];

interface Case {
  name: string;
  input: SnapshotInput;
  expect: [string, string][];
  message?: string;
}

const cases: Case[] = [
  {
    name: 'fires: 101 has only a viewer; 102 has an admin',
    input: {
      projects,
      members: [A, B],
      grants: [
        { email: A, projectId: '101', level: 'viewer' },
        { email: B, projectId: '102', level: 'admin' },
      ],
    },
    expect: [['open', '101']],
    message: 'Web Production (101) has no active project Admin.',
  },
  {
    name: 'does not fire: both projects have admins',
    input: { projects, members: [A], grants: [{ email: A, projectId: '101', level: 'admin' }, { email: A, projectId: '102', level: 'admin' }] },
    expect: [],
  },
  {
    name: 'group-granted admin counts like a direct one',
    input: { projects: ['101'], members: [A], grants: [{ email: A, projectId: '101', level: 'admin', group: 'Ops' }] },
    expect: [],
  },
  {
    name: 'boundary: Manager is one level short of Admin',
    input: { projects: ['101'], members: [A], grants: [{ email: A, projectId: '101', level: 'manager' }] },
    expect: [['open', '101']],
    message: 'Project 101 has no active project Admin.',
  },
  {
    name: 'an Admin who is deactivated does not count',
    input: { projects: ['101'], members: [{ email: A, status: 'deactivated' }], grants: [{ email: A, projectId: '101', level: 'admin' }] },
    expect: [['open', '101']],
  },
  {
    name: 'an Admin with a pending invitation does not count yet',
    input: { projects: ['101'], members: [{ email: A, status: 'invited' }], grants: [{ email: A, projectId: '101', level: 'admin' }] },
    expect: [['open', '101']],
  },
  { name: 'project with no grants at all fires', input: { projects: ['101'], members: [A] }, expect: [['open', '101']] },
  {
    name: 'unknown: no source gave project roles',
    input: { projects, members: [A], unknown: ['grants'] },
    expect: [['unknown', 'org']],
    message:
      'Project Admins not decided for 2 projects: no source gave project roles (neither the User Management API nor the members export was read).',
  },
  {
    name: 'unknown: an unmapped custom role may be an Admin',
    input: {
      projects,
      members: [A],
      grants: [
        { email: A, projectId: '101', level: 'unknown', roleName: 'Data Steward' },
        { email: A, projectId: '102', level: 'admin' },
      ],
    },
    expect: [['unknown', 'org']],
  },
];

describe('project-without-admin', () => {
  it.each(cases)('$name', (c) => {
    const findings = runRule(rule, snapshotOf(c.input));
    expect(brief(findings)).toEqual(c.expect);
    if (c.message) expect(findings[0]!.message).toBe(c.message);
  });

  it('evidence explains the highest role and the admin that does not count, naming the granting group', () => {
    const [f] = runRule(
      rule,
      snapshotOf({
        projects: ['101'],
        members: [A, { email: B, status: 'deactivated' }],
        grants: [
          { email: A, projectId: '101', level: 'manager', group: 'Analysts' },
          { email: B, projectId: '101', level: 'admin', group: 'Ops' },
        ],
      }),
    );
    expect(f!.projects).toEqual(['101']);
    expect(f!.evidence.map((e) => `${e.label}: ${e.value}`)).toEqual([
      'Active members with access: 1',
      `Highest role held: Manager (${A}, through group "Analysts")`,
      `Admin not counted: ${B} (deactivated): Project 101: Admin, through group "Ops"`,
    ]);
  });

  it.each([
    { expires: '2027-02-01', status: 'excepted' },
    { expires: '2026-11-10', status: 'open' },
  ])('exception for the project id expiring $expires → $status', ({ expires, status }) => {
    const [f] = runRule(rule, snapshotOf({ projects: ['101'], members: [A] }), { exceptions: [{ rule: 'project-without-admin', subject: '101', expires }] });
    expect(f!.status).toBe(status);
    expect(f!.message.includes(`expired on ${expires}`)).toBe(status === 'open');
  });
});
