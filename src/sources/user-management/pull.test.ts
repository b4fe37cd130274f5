import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../clock.js';
import { SourceError } from '../../errors.js';
import { generateOrg } from '../../simulator/generator.js';
import type { SimOrg } from '../../simulator/org.js';
import { startSimulator } from '../../simulator/server.js';
import { computeState } from '../../simulator/state.js';
import type { RunningSimulator } from '../../simulator/types.js';
import { scriptedServer, simClients } from '../testing.js';
import { pullUserManagement } from './pull.js';

const NOW = '2026-10-01T06:00:00.000Z';
const clock = fixedClock(NOW);

async function failure(p: Promise<unknown>): Promise<SourceError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SourceError);
  return err as SourceError;
}

describe('pullUserManagement against the simulator', () => {
  let sim: RunningSimulator;
  let org: SimOrg;
  beforeAll(async () => {
    org = generateOrg({ members: 600, seed: 11, anchor: NOW, orgId: '4242' });
    sim = await startSimulator({ clock, simOrg: org });
  });
  afterAll(() => sim.close());

  it('pulls every role and assignment across cursor pages', async () => {
    const { userManagement } = simClients(sim);
    const pull = await pullUserManagement({ http: userManagement, clock, orgId: sim.orgId });
    const state = computeState(org, clock.now().getTime());
    expect(pull.source).toBe('user-management');
    expect(pull.pulledAt).toBe(NOW);
    expect(pull.roles).toHaveLength(sim.stats().roles);
    expect(pull.assignments).toHaveLength(sim.stats().assignments);
    expect(pull.assignments.length).toBeGreaterThan(200);
    expect(pull.roles).toEqual(org.roles.map((r) => (r.custom ? { id: r.uuid, name: r.name, custom: true } : { id: r.uuid, name: r.name, custom: false, level: r.level })));
    expect(pull.assignments).toEqual(
      state.assignments.map((a) => ({
        id: a.id,
        principalType: a.principalType,
        principalId: a.principalType === 'user' ? a.principalId.toLowerCase() : a.principalId,
        projectId: String(a.projectId),
        roleId: a.roleId,
      })),
    );
    expect(pull.assignments.some((a) => a.principalType === 'group')).toBe(true);
  });

  it('sends orgId and limit=200 on every call', async () => {
    const { userManagement } = simClients(sim);
    const seen: string[] = [];
    const http = { ...userManagement, get: (path: string, query?: Record<string, string | number | boolean | undefined>) => {
      seen.push(`${path} ${String(query?.['orgId'])} ${String(query?.['limit'])} ${query?.['cursor'] === undefined ? 'first' : 'cursor'}`);
      return userManagement.get(path, query);
    } };
    await pullUserManagement({ http, clock, orgId: sim.orgId });
    expect(seen[0]).toBe('roles 4242 200 first');
    expect(seen[1]).toBe('project-role-assignments 4242 200 first');
    expect(seen[2]).toBe('project-role-assignments 4242 200 cursor');
  });

  it('fails with a SourceError on a repeated cursor instead of looping', async () => {
    const { userManagement } = simClients(sim);
    sim.setFaults({ repeatCursor: { count: 1000, pathPrefix: '/user-management/1/project-role-assignments' } });
    try {
      const err = await failure(pullUserManagement({ http: userManagement, clock, orgId: sim.orgId }));
      expect(err.code).toBe('E_SOURCE_PROTOCOL');
      expect(err.message).toBe('user-management: GET /project-role-assignments returned a cursor it had already given (after 400 entries): stopped instead of looping; the pull is incomplete and was not recorded');
      expect(userManagement.stats().requests).toBe(3);
    } finally {
      sim.setFaults({});
    }
  });

  it('maps an org_id_mismatch problem to a clear auth failure', async () => {
    const { userManagement } = simClients(sim);
    const err = await failure(pullUserManagement({ http: userManagement, clock, orgId: '999' }));
    expect(err.code).toBe('E_SOURCE_AUTH');
    expect(err.details.status).toBe(403);
    expect(err.message).toMatch(/^user-management: GET http:\/\/127\.0\.0\.1:\d+\/user-management\/1\/roles\?orgId=999&limit=200 was refused \(HTTP 403, org_id_mismatch\): orgId does not match the organization of the API key\. \(check org\.id in the config/);
  });

  it('honours retry_after_seconds of a rate_limited problem body', async () => {
    const { userManagement, sleeps } = simClients(sim);
    sim.setFaults({ burst429: { count: 2, retryAfterSeconds: 4, pathPrefix: '/user-management/' } });
    const pull = await pullUserManagement({ http: userManagement, clock, orgId: sim.orgId });
    expect(sleeps).toEqual([4_000, 4_000]);
    expect(pull.assignments).toHaveLength(sim.stats().assignments);
  });
});

describe('pullUserManagement: shapes', () => {
  it('reads ids as strings, snake-case cursors, role levels by name, and custom tags', async () => {
    const roles = [
      { uuid: 'r1', name: 'ADMIN', tags: {} },
      { uuid: 'r2', name: 'viewer' },
      { uuid: 'r3', name: 'Admin', tags: { type: 'custom' } },
      { id: 'r4', name: 'Data Steward', tags: { type: 'custom', product: ['analytics'] }, orgId: 5 },
    ];
    const assignments = [
      { id: 1, principalType: 'USER', principalId: 'Bo@Example.com', projectId: 101, roleId: 'r1', createdAt: 'x' },
      { id: 'a2', principalType: 'group', principalId: 77, projectId: '102', roleId: 'r4' },
    ];
    const srv = await scriptedServer((req) => {
      const cursor = req.query.get('cursor');
      if (req.path === '/roles') return cursor ? { data: roles.slice(2), pagination: { next_cursor: null } } : { data: roles.slice(0, 2), pagination: { next_cursor: 'p2' } };
      return { data: assignments };
    });
    try {
      const pull = await pullUserManagement({ http: srv.client('user-management'), clock, orgId: '5' });
      expect(pull.roles).toEqual([
        { id: 'r1', name: 'ADMIN', custom: false, level: 'admin' },
        { id: 'r2', name: 'viewer', custom: false, level: 'viewer' },
        { id: 'r3', name: 'Admin', custom: true },
        { id: 'r4', name: 'Data Steward', custom: true },
      ]);
      expect(pull.assignments).toEqual([
        { id: '1', principalType: 'user', principalId: 'bo@example.com', projectId: '101', roleId: 'r1' },
        { id: 'a2', principalType: 'group', principalId: '77', projectId: '102', roleId: 'r4' },
      ]);
      expect(srv.requests.map((r) => r.query.toString())).toEqual(['orgId=5&limit=200', 'orgId=5&limit=200&cursor=p2', 'orgId=5&limit=200']);
    } finally {
      await srv.close();
    }
  });

  it.each([
    ['an unknown principal type', { data: [{ id: 1, principalType: 'team', principalId: 'x', projectId: 1, roleId: 'r' }] }, 'user-management: GET /project-role-assignments: unexpected response shape: data.0.principalType: Invalid option: expected one of "user"|"group"'],
    ['a repeated entry', { data: [{ id: 1, principalType: 'user', principalId: 'x', projectId: 1, roleId: 'r' }, { id: 1, principalType: 'user', principalId: 'x', projectId: 1, roleId: 'r' }] }, 'user-management: GET /project-role-assignments repeated an entry already received (id 1): paging is broken; run the collect again'],
    ['no data list', { items: [] }, 'user-management: GET /project-role-assignments: unexpected response shape: data: Invalid input: expected array, received undefined'],
  ] as const)('fails on %s', async (_name, body, message) => {
    const srv = await scriptedServer((req) => (req.path === '/roles' ? { data: [] } : body));
    try {
      const err = await failure(pullUserManagement({ http: srv.client('user-management'), clock, orgId: '5' }));
      expect(err.message).toBe(message);
    } finally {
      await srv.close();
    }
  });
});
