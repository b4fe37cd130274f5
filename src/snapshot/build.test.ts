import { afterEach, describe, expect, it } from 'vitest';
import type { Config, ConfigInput } from '../config/schema.js';
import { configSchema } from '../config/schema.js';
import type { Grant } from '../domain/model.js';
import type { MembersExportPull, MembersExportRow, RegisterPull, ScimPull, SourcePull, UserManagementPull } from '../domain/pulls.js';
import type { Snapshot } from '../domain/snapshot.js';
import { parsePeriodLabel } from '../period.js';
import { ev, tempStore, type TempStore } from '../store/testing.js';
import { buildSnapshot } from './build.js';

let t: TempStore;
afterEach(() => t?.cleanup());

const PULLED = '2026-06-30T02:00:00.000Z';
const AT = '2026-07-01T00:00:00.000Z';
const Q2 = parsePeriodLabel('2026-Q2', 'UTC');

function config(over: Partial<ConfigInput> = {}): Config {
  const parsed = configSchema.parse({
    org: { id: 42, name: 'Acme' },
    timezone: 'UTC',
    sources: { membersExport: '/data/members.csv', register: '/data/register.csv' },
    ...over,
  });
  return { ...parsed, baseDir: '/data', secrets: {} };
}

const scim = (over: Partial<ScimPull> = {}): ScimPull => ({ source: 'scim', pulledAt: PULLED, users: [], groups: [], ...over });
const um = (over: Partial<UserManagementPull> = {}): UserManagementPull => ({
  source: 'user-management',
  pulledAt: PULLED,
  roles: [
    { id: 'r-viewer', name: 'Viewer', custom: false, level: 'viewer' },
    { id: 'r-admin', name: 'Admin', custom: false, level: 'admin' },
  ],
  assignments: [],
  ...over,
});
let line = 2;
const row = (r: Partial<MembersExportRow> & { email: string }): MembersExportRow => ({ addons: [], line: line++, ...r });
const exportPull = (rows: MembersExportRow[]): MembersExportPull => ({ source: 'members-export', pulledAt: PULLED, file: '/data/members.csv', sha256: 'e'.repeat(64), rows });
const registerPull = (emails: string[]): RegisterPull => ({
  source: 'register',
  pulledAt: PULLED,
  file: '/data/register.csv',
  sha256: 'f'.repeat(64),
  entries: emails.map((email, i) => ({ email, kind: 'employee', scope: [], addons: [], line: i + 2, pulledAt: PULLED })),
});

function snapshotOf(pulls: SourcePull[], cfg: Config = config(), setup?: (t: TempStore) => void): Snapshot {
  t = tempStore();
  const run = t.store.startRun('collect', new Date(PULLED));
  for (const p of pulls) t.store.saveStatePull(run, p);
  // The audit log is complete for the period unless the test sets up its own coverage.
  if (setup) setup(t);
  else t.store.appendWindow(run, [], { from: Q2.start, to: Q2.end });
  return buildSnapshot({ store: t.store, config: cfg, at: AT, period: Q2 });
}

const grantsOf = (s: Snapshot, email: string): Grant[] => (s.grants ?? []).filter((g) => g.email === email);

describe('members', () => {
  it('matches a person across SCIM, the members export, User Management and the register case-insensitively', () => {
    const s = snapshotOf([
      scim({ users: [{ email: 'Alice@Example.COM', name: 'Alice A', active: true }] }),
      exportPull([row({ email: 'alice@example.com', orgRole: 'admin', status: 'active', joinedOn: '2025-01-02T00:00:00.000Z' })]),
      um({ assignments: [{ id: 'a1', principalType: 'user', principalId: 'ALICE@example.com', projectId: '101', roleId: 'r-viewer' }] }),
      registerPull(['alice@EXAMPLE.com']),
    ]);
    expect(s.members).toEqual([
      {
        email: 'alice@example.com',
        name: { value: 'Alice A', source: 'scim', pulledAt: PULLED },
        scimActive: { value: true, source: 'scim', pulledAt: PULLED },
        status: { value: 'active', source: 'members-export', pulledAt: PULLED },
        orgRole: { value: 'admin', source: 'members-export', pulledAt: PULLED },
        joinedOn: { value: '2025-01-02T00:00:00.000Z', source: 'members-export', pulledAt: PULLED },
        groups: { value: [], source: 'scim', pulledAt: PULLED },
        seenIn: ['scim', 'members-export', 'user-management'],
      },
    ]);
    expect(grantsOf(s, 'alice@example.com')).toHaveLength(1);
    expect(s.dataQuality).toEqual([]);
  });
});

describe('grants', () => {
  it('a group assignment becomes a grant per SCIM group member, saying which group granted it', () => {
    const s = snapshotOf([
      scim({
        users: [
          { email: 'bob@x.io', active: true },
          { email: 'cy@x.io', active: true },
        ],
        groups: [{ id: '77', name: 'Analysts', members: ['Bob@x.io', 'cy@x.io'] }],
      }),
      um({
        assignments: [
          { id: 'a1', principalType: 'group', principalId: '77', projectId: '101', roleId: 'r-admin' },
          { id: 'a2', principalType: 'user', principalId: 'bob@x.io', projectId: '101', roleId: 'r-viewer' },
        ],
      }),
    ]);
    expect(grantsOf(s, 'bob@x.io')).toEqual([
      { email: 'bob@x.io', projectId: '101', level: 'viewer', roleName: 'Viewer', roleId: 'r-viewer', via: { kind: 'direct' }, source: 'user-management', pulledAt: PULLED },
      {
        email: 'bob@x.io',
        projectId: '101',
        level: 'admin',
        roleName: 'Admin',
        roleId: 'r-admin',
        via: { kind: 'group', groupId: '77', groupName: 'Analysts' },
        source: 'user-management',
        pulledAt: PULLED,
      },
    ]);
    expect(grantsOf(s, 'cy@x.io').map((g) => g.via)).toEqual([{ kind: 'group', groupId: '77', groupName: 'Analysts' }]);
    expect(s.members.find((m) => m.email === 'bob@x.io')?.groups?.value).toEqual(['77']);
  });

  it('without SCIM, group members come from the export rows that name the group in access_via', () => {
    const s = snapshotOf(
      [
        exportPull([
          row({ email: 'dee@x.io', projectId: '101', project: 'Web', projectRole: 'Admin', accessVia: 'Analysts' }),
          row({ email: 'eve@x.io', projectId: '101', project: 'Web', projectRole: 'Viewer', accessVia: 'Direct' }),
        ]),
        um({
          assignments: [
            { id: 'a1', principalType: 'group', principalId: '77', projectId: '101', roleId: 'r-admin' },
            { id: 'a2', principalType: 'user', principalId: 'eve@x.io', projectId: '101', roleId: 'r-viewer' },
          ],
        }),
      ],
      config({ amplitude: { scim: false } }),
    );
    expect(grantsOf(s, 'dee@x.io').map((g) => [g.level, g.via])).toEqual([['admin', { kind: 'group', groupId: '77', groupName: 'Analysts' }]]);
    expect(s.groups).toEqual([{ id: 'Analysts', name: 'Analysts', members: ['dee@x.io'], source: 'members-export', pulledAt: PULLED }]);
    expect(s.members.find((m) => m.email === 'dee@x.io')?.groups).toEqual({ value: ['Analysts'], source: 'members-export', pulledAt: PULLED });
  });

  it('without User Management, project roles come from the export, group names resolved to SCIM ids', () => {
    const s = snapshotOf(
      [
        scim({ users: [{ email: 'f@x.io', active: true }], groups: [{ id: '9', name: 'Analysts', members: ['f@x.io'] }] }),
        exportPull([row({ email: 'F@x.io', projectId: '5', project: 'Shop', projectRole: 'Manager', accessVia: 'analysts' })]),
      ],
      config({ amplitude: { userManagement: false } }),
    );
    expect(s.grants).toEqual([
      { email: 'f@x.io', projectId: '5', level: 'manager', roleName: 'Manager', via: { kind: 'group', groupId: '9', groupName: 'analysts' }, source: 'members-export', pulledAt: PULLED },
    ]);
  });

  it('maps custom roles by name or id, case-insensitively; unmapped ones are unknown and noted', () => {
    const s = snapshotOf(
      [
        scim({ users: ['g@x.io'].map((email) => ({ email, active: true })) }),
        um({
          roles: [
            { id: 'r-steward', name: 'Data Steward', custom: true },
            { id: 'R-OPS', name: 'Ops', custom: true },
            { id: 'r-odd', name: 'Odd One', custom: true },
          ],
          assignments: [
            { id: 'a1', principalType: 'user', principalId: 'g@x.io', projectId: '1', roleId: 'r-steward' },
            { id: 'a2', principalType: 'user', principalId: 'g@x.io', projectId: '2', roleId: 'R-OPS' },
            { id: 'a3', principalType: 'user', principalId: 'g@x.io', projectId: '3', roleId: 'r-odd' },
          ],
        }),
      ],
      config({ policy: { customRoles: { 'DATA STEWARD': 'manager', 'r-ops': 'admin' } }, sources: {} }),
    );
    expect(grantsOf(s, 'g@x.io').map((g) => [g.projectId, g.roleName, g.level])).toEqual([
      ['1', 'Data Steward', 'manager'],
      ['2', 'Ops', 'admin'],
      ['3', 'Odd One', 'unknown'],
    ]);
    expect(s.dataQuality).toEqual(['Custom role "Odd One" (r-odd) is not mapped to a level in policy.customRoles; its grants have level unknown.']);
  });
});

describe('unknown, not empty', () => {
  it('leaves what a missing source would give undefined and says so in the source list', () => {
    const s = snapshotOf(
      [exportPull([row({ email: 'h@x.io', orgRole: 'member', status: 'active' })])],
      config({ amplitude: { userManagement: false, auditLogs: false }, sources: { membersExport: '/data/members.csv' } }),
    );
    expect(s.keys).toBeUndefined();
    expect(s.register).toBeUndefined();
    expect(s.exceptions).toBeUndefined();
    expect(s.events).toBeUndefined();
    expect(s.activity.size).toBe(0);
    expect(s.grants).toEqual([]); // the export was read and lists no project roles: known empty
    expect(s.addons).toEqual([]);
    const status = Object.fromEntries(s.sources.map((x) => [x.source, x]));
    expect(status.scim).toEqual({ source: 'scim', configured: true, ok: false, error: `never read at or before ${AT}` });
    expect(status['api-keys']).toEqual({ source: 'api-keys', configured: false, ok: false });
    expect(status['members-export']).toEqual({
      source: 'members-export',
      configured: true,
      pulledAt: PULLED,
      ok: true,
      count: 1,
      file: '/data/members.csv',
      sha256: 'e'.repeat(64),
    });
    expect(s.sources.map((x) => x.source)).toEqual(['scim', 'user-management', 'audit-logs', 'members-export', 'register', 'api-keys', 'exceptions', 'config']);
    expect(s.dataQuality).toContain('SCIM is configured but was never read at or before 2026-07-01T00:00:00.000Z: what it gives is unknown.');
  });

  it('no role source at all: grants, groups and add-ons are unknown', () => {
    const s = snapshotOf([scim({ users: [{ email: 'i@x.io', active: true }] })], config({ amplitude: { userManagement: false }, sources: {} }));
    expect(s.grants).toBeUndefined();
    expect(s.addons).toBeUndefined();
    expect(s.groups).toEqual([]);
  });

  it('ignores stored pulls of a source the config switched off', () => {
    const s = snapshotOf([scim({ users: [{ email: 'j@x.io', active: true }] })], config({ amplitude: { scim: false }, sources: {} }));
    expect(s.members).toEqual([]);
    expect(s.groups).toBeUndefined();
  });
});

describe('projects', () => {
  it('names from config, else the export, else "Project <id>"; production by list, by policy list and by pattern', () => {
    const s = snapshotOf(
      [
        exportPull([
          row({ email: 'k@x.io', projectId: '101', project: 'Ignored Name', projectRole: 'Viewer' }),
          row({ email: 'k@x.io', projectId: '202', project: 'Mobile', projectRole: 'Viewer' }),
          row({ email: 'k@x.io', projectId: '303', project: 'Prod Analytics', projectRole: 'Viewer' }),
          row({ email: 'k@x.io', projectId: '404', project: 'Sandbox', projectRole: 'Viewer' }),
          row({ email: 'k@x.io', projectId: '606', project: 'production-copy', projectRole: 'Viewer' }),
        ]),
        um({
          assignments: ['101', '202', '303', '404', '505', '606'].map((p, i) => ({ id: `a${i}`, principalType: 'user' as const, principalId: 'k@x.io', projectId: p, roleId: 'r-viewer' })),
        }),
      ],
      config({
        amplitude: { scim: false },
        projects: [
          { id: 101, name: 'Web', environment: 'production' },
          { id: 606, name: 'Staging Prod Copy', environment: 'staging' },
        ],
        policy: { production: { projects: ['202'] } },
      }),
    );
    expect(s.projects.map((p) => [p.id, p.name, p.nameSource, p.environment, p.environmentReason])).toEqual([
      ['101', 'Web', 'config', 'production', 'listed as production in the config'],
      ['202', 'Mobile', 'members-export', 'production', 'listed in policy.production.projects'],
      ['303', 'Prod Analytics', 'members-export', 'production', 'name matches /prod/i'],
      ['404', 'Sandbox', 'members-export', 'non-production', 'not listed as production and name does not match /prod/i'],
      ['505', 'Project 505', 'default', 'non-production', 'not listed as production and name does not match /prod/i'],
      ['606', 'Staging Prod Copy', 'config', 'non-production', 'listed as staging in the config'],
    ]);
  });
});

describe('data quality', () => {
  it('says where the sources disagree', () => {
    const s = snapshotOf([
      scim({
        users: [
          { email: 'gone@x.io', active: true },
          { email: 'onlyscim@x.io', active: true },
          { email: 'off@x.io', active: false },
        ],
      }),
      exportPull([
        row({ email: 'gone@x.io', status: 'deactivated' }),
        row({ email: 'off@x.io', status: 'active', projectId: '101', projectRole: 'Admin', accessVia: 'Direct' }),
        row({ email: 'onlyexport@x.io', status: 'active' }),
      ]),
      um(),
      registerPull(['gone@x.io', 'stranger@x.io']),
    ]);
    expect(s.dataQuality).toEqual([
      'gone@x.io is active in SCIM but deactivated in the members export.',
      'onlyscim@x.io is in SCIM but not in the members export.',
      'off@x.io is inactive in SCIM but active in the members export.',
      'onlyexport@x.io is in the members export but not in SCIM.',
      'The members export gives off@x.io Admin on project 101, but User Management has no role for them there.',
      'The access register lists stranger@x.io (line 3), who is not a member of the organization.',
    ]);
    // SCIM decides membership: the status follows it where the export disagrees.
    const status = (e: string) => s.members.find((m) => m.email === e)?.status;
    expect(status('gone@x.io')).toMatchObject({ value: 'active', source: 'scim' });
    expect(status('off@x.io')).toMatchObject({ value: 'deactivated', source: 'scim' });
    expect(status('onlyexport@x.io')).toMatchObject({ value: 'deactivated', source: 'scim' });
    expect(status('onlyscim@x.io')).toBeUndefined();
  });

  it('notes role assignments it cannot resolve, and roles the export and User Management disagree on', () => {
    const s = snapshotOf([
      scim({ users: [{ email: 'm@x.io', active: true }], groups: [] }),
      exportPull([row({ email: 'm@x.io', status: 'active', projectId: '101', projectRole: 'Admin', accessVia: 'Direct' })]),
      um({
        assignments: [
          { id: 'a1', principalType: 'user', principalId: 'm@x.io', projectId: '101', roleId: 'r-viewer' },
          { id: 'a2', principalType: 'group', principalId: '55', projectId: '202', roleId: 'r-admin' },
          { id: 'a3', principalType: 'user', principalId: 'm@x.io', projectId: '303', roleId: 'r-gone' },
        ],
      }),
      registerPull(['m@x.io']),
    ]);
    expect(s.dataQuality).toEqual([
      'Group 55 holds Admin on project 202 in User Management, but its members are unknown (SCIM has no such group and the members export does not name it).',
      'A User Management assignment on project 303 names role r-gone, which the role list does not have.',
      'The members export gives m@x.io Admin on project 101, but User Management gives viewer.',
    ]);
  });

  it('keeps ten examples of a kind and counts the rest', () => {
    const s = snapshotOf([
      scim({ users: Array.from({ length: 13 }, (_, i) => ({ email: `u${String(i).padStart(2, '0')}@x.io`, active: true })) }),
      exportPull([]),
    ]);
    const scimOnly = s.dataQuality.filter((n) => n.includes('is in SCIM but not in the members export'));
    expect(scimOnly).toHaveLength(10);
    expect(s.dataQuality[s.dataQuality.indexOf(scimOnly[9] as string) + 1]).toBe('…and 3 more like this.');
  });
});

describe('audit log', () => {
  it('coverage: merged spans, the period covered and its gaps, and continuousSince', () => {
    const s = snapshotOf([], config({ sources: {}, amplitude: { scim: false, userManagement: false } }), (ts) => {
      ts.store.appendWindow(1, [], { from: '2026-03-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' });
      ts.store.appendWindow(1, [], { from: '2026-05-10T00:00:00.000Z', to: '2026-06-30T12:00:00.000Z' });
    });
    expect(s.coverage).toEqual({
      auditLog: [
        { from: '2026-03-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' },
        { from: '2026-05-10T00:00:00.000Z', to: '2026-06-30T12:00:00.000Z' },
      ],
      periodCovered: [
        { from: '2026-04-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' },
        { from: '2026-05-10T00:00:00.000Z', to: '2026-06-30T12:00:00.000Z' },
      ],
      periodGaps: [
        { from: '2026-05-01T00:00:00.000Z', to: '2026-05-10T00:00:00.000Z' },
        { from: '2026-06-30T12:00:00.000Z', to: '2026-07-01T00:00:00.000Z' },
      ],
      // The last span ends 12 hours before `at`: within the day of slack.
      continuousSince: '2026-05-10T00:00:00.000Z',
    });
    // Only the real gap is a note; the last half day is the time since the last collect.
    expect(s.dataQuality).toEqual(['The audit log is missing from 2026-05-01T00:00:00.000Z to 2026-05-10T00:00:00.000Z: activity in that time is unknown.']);
    expect(s.sources.find((x) => x.source === 'audit-logs')).toEqual({
      source: 'audit-logs',
      configured: true,
      pulledAt: '2026-06-30T12:00:00.000Z',
      ok: false,
      count: 0,
      error: '1 gap(s) in the period',
    });
  });

  it('coverage after the evaluation time does not count', () => {
    const s = snapshotOf([], config({ sources: {}, amplitude: { scim: false, userManagement: false } }), (ts) => {
      ts.store.appendWindow(1, [], { from: '2026-03-01T00:00:00.000Z', to: '2026-09-01T00:00:00.000Z' });
    });
    expect(s.coverage.auditLog).toEqual([{ from: '2026-03-01T00:00:00.000Z', to: AT }]);
    expect(s.coverage.continuousSince).toBe('2026-03-01T00:00:00.000Z');
    expect(s.coverage.periodGaps).toEqual([]);
  });

  it('no continuousSince when the log stops more than a day before `at`', () => {
    const s = snapshotOf([], config({ sources: {} }), (ts) => {
      ts.store.appendWindow(1, [], { from: '2026-03-01T00:00:00.000Z', to: '2026-06-29T23:59:00.000Z' });
    });
    expect(s.coverage.continuousSince).toBeUndefined();
  });

  it('activity comes from the store, with the export baseline over earlier covered quarters', () => {
    const s = snapshotOf([], config({ sources: {} }), (ts) => {
      ts.store.appendWindow(
        1,
        [
          ev({ time: '2026-02-01T00:00:00Z', kind: 'export', actor: 'x@x.io', rows: 10 }),
          ev({ time: '2026-02-02T00:00:00Z', kind: 'export', actor: 'x@x.io', rows: 30 }),
          ev({ time: '2026-05-01T00:00:00Z', kind: 'export', actor: 'X@x.io', rows: 500 }),
          ev({ time: '2026-05-02T00:00:00Z', kind: 'role_change', actor: 'x@x.io', targetEmail: 'y@x.io', role: { scope: 'org', to: 'owner' } }),
        ],
        { from: '2026-01-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' },
      );
    });
    const x = s.activity.get('x@x.io');
    expect(x?.exports.count).toBe(1);
    expect(x?.exports.rows).toBe(500);
    expect(x?.baseline).toEqual({ quarters: ['2026-Q1'], meanCount: 2, meanRows: 40 });
    expect(s.events?.total).toBe(2);
    expect(s.events?.privilegeGrants.map((g) => g.targetEmail)).toEqual(['y@x.io']);
  });
});
