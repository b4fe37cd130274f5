import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../clock.js';
import { SourceError } from '../../errors.js';
import { generateOrg } from '../../simulator/generator.js';
import type { SimOrg } from '../../simulator/org.js';
import { startSimulator } from '../../simulator/server.js';
import { computeState } from '../../simulator/state.js';
import type { RunningSimulator } from '../../simulator/types.js';
import { scriptedServer, simClients, type ScriptedRequest } from '../testing.js';
import { pullScim } from './pull.js';

const NOW = '2026-10-01T06:00:00.000Z';
const clock = fixedClock(NOW);

describe('pullScim against the simulator', () => {
  let sim: RunningSimulator;
  let org: SimOrg;
  beforeAll(async () => {
    org = generateOrg({ members: 250, seed: 7, anchor: NOW, orgId: '777' });
    sim = await startSimulator({ clock, simOrg: org });
  });
  afterAll(() => sim.close());

  it('pulls every user and group, in the domain shape', async () => {
    const { scim } = simClients(sim);
    const pull = await pullScim({ http: scim, clock });
    const state = computeState(org, clock.now().getTime());
    const stats = sim.stats();
    expect(pull.source).toBe('scim');
    expect(pull.pulledAt).toBe(NOW);
    expect(pull.users).toHaveLength(stats.users);
    expect(pull.groups).toHaveLength(stats.groups);
    expect(pull.users.map((u) => u.email)).toEqual(state.users.map((m) => m.email.toLowerCase()));
    for (const [i, u] of pull.users.entries()) {
      const m = state.users[i]!;
      expect(u.active).toBe(m.status !== 'deactivated');
      expect(u.name).toBe(m.givenName === 'NO_GIVEN_NAME' ? undefined : `${m.givenName} ${m.familyName}`);
    }
    expect(pull.users.some((u) => u.name === undefined)).toBe(true);
    expect(pull.groups.map((g) => g.id)).toEqual(state.groups.map((g) => String(g.id)));
    for (const g of pull.groups) expect(g.members).toEqual((state.groupMembers.get(g.id) ?? []).map((e) => e.toLowerCase()));
    // 250 members at 100 a page: 3 pages of /Users.
    expect(scim.stats().requests).toBe(3 + Math.ceil(stats.groups / 100));
  });

  it('continues after a short page instead of stopping', async () => {
    const { scim } = simClients(sim);
    const starts: string[] = [];
    const http = { ...scim, get: (path: string, query?: Record<string, string | number | boolean | undefined>) => {
      if (path === 'Users') starts.push(String(query?.['startIndex']));
      return scim.get(path, query);
    } };
    sim.setFaults({ shortPage: { count: 1, pathPrefix: '/scim/1/Users' } });
    const pull = await pullScim({ http, clock });
    sim.setFaults({});
    const users = sim.stats().users;
    expect(pull.users).toHaveLength(users);
    expect(new Set(pull.users.map((u) => u.email)).size).toBe(users);
    // The first page came back with 50 users: the next page starts at 51.
    expect(starts.slice(0, 3)).toEqual(['1', '51', '151']);
  });

  it('pages with a smaller page size', async () => {
    const { scim } = simClients(sim);
    const pull = await pullScim({ http: scim, clock, pageSize: 40 });
    expect(pull.users).toHaveLength(sim.stats().users);
  });
});

/** A SCIM ListResponse page of `all` as a server would cut it. */
function listPage(all: readonly unknown[], req: ScriptedRequest, opts: { total?: number | string; cut?: number } = {}) {
  const start = Number(req.query.get('startIndex') ?? '1');
  const count = Number(req.query.get('itemsPerPage') ?? '100');
  const page = all.slice(start - 1, start - 1 + Math.min(count, opts.cut ?? count));
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], ...(opts.total !== undefined && { totalResults: opts.total }), startIndex: start, itemsPerPage: page.length, Resources: page };
}

const user = (email: string, extra: Record<string, unknown> = {}) => ({ id: email, userName: email, name: { givenName: 'A', familyName: 'B' }, active: true, emails: [{ value: email, primary: true }], ...extra });

describe('pullScim: shapes and failures', () => {
  it('normalizes emails, placeholder names, group ids and string booleans; ignores unknown fields', async () => {
    const users = [
      user('Ana.Ruiz@Example.COM', { name: { givenName: 'Ana', familyName: 'Ruiz' }, groups: [{ value: 12, display: 'x' }, { value: 'g-7' }], extra: { deep: 1 } }),
      user('new.hire@example.com', { name: { givenName: 'NO_GIVEN_NAME', familyName: 'NO_FAMILY_NAME' } }),
      user('half@example.com', { name: { givenName: 'NO_GIVEN_NAME', familyName: 'Half' }, active: 'False' }),
      { userName: 'nameless@example.com', active: true },
    ];
    const groups = [
      { id: 12, displayName: 'Analysts', members: [{ value: 'Ana.Ruiz@example.com', display: 'Ana' }] },
      { id: 'g-7', displayName: 'Empty' },
    ];
    const srv = await scriptedServer((req) => (req.path === '/Users' ? listPage(users, req, { total: '4' }) : listPage(groups, req, { total: 2 })));
    try {
      const pull = await pullScim({ http: srv.client('scim'), clock });
      expect(pull).toEqual({
        source: 'scim',
        pulledAt: NOW,
        users: [
          { email: 'ana.ruiz@example.com', name: 'Ana Ruiz', active: true, groupIds: ['12', 'g-7'] },
          { email: 'new.hire@example.com', active: true },
          { email: 'half@example.com', name: 'Half', active: false },
          { email: 'nameless@example.com', active: true },
        ],
        groups: [
          { id: '12', name: 'Analysts', members: ['ana.ruiz@example.com'] },
          { id: 'g-7', name: 'Empty', members: [] },
        ],
      });
    } finally {
      await srv.close();
    }
  });

  it('stops /Groups on a short page when no totalResults is given', async () => {
    const groups = Array.from({ length: 130 }, (_, i) => ({ id: i + 1, displayName: `G${i + 1}` }));
    const srv = await scriptedServer((req) => (req.path === '/Users' ? listPage([], req, { total: 0 }) : listPage(groups, req)));
    try {
      const pull = await pullScim({ http: srv.client('scim'), clock });
      expect(pull.groups).toHaveLength(130);
      expect(srv.requests.map((r) => `${r.path}?${r.query.toString()}`)).toEqual([
        '/Users?startIndex=1&itemsPerPage=100',
        '/Groups?startIndex=1&itemsPerPage=100',
        '/Groups?startIndex=101&itemsPerPage=100',
      ]);
    } finally {
      await srv.close();
    }
  });

  it.each([
    ['fewer users than totalResults', (req: ScriptedRequest) => listPage([user('a@x.io'), user('b@x.io')], req, { total: 3 }), 'scim: SCIM said 3 users, got 2; the pull is incomplete and was not recorded'],
    [
      'a page repeating earlier users',
      (req: ScriptedRequest) => ({ totalResults: 4, Resources: [user('a@x.io'), user('b@x.io')], startIndex: Number(req.query.get('startIndex')) }),
      'scim: GET /Users?startIndex=3 repeated a user already received (a@x.io): the listing changed during the pull or paging is broken; run the collect again',
    ],
    ['a user without active', () => ({ totalResults: 1, Resources: [{ userName: 'a@x.io' }] }), 'scim: GET /Users?startIndex=1: unexpected response shape: Resources.0.active: Invalid input'],
    ['not a list response', () => ({ Resources: 'nope' }), 'scim: GET /Users?startIndex=1: unexpected response shape: Resources: Invalid input: expected array, received string'],
  ] as const)('fails on %s', async (_name, users, message) => {
    const srv = await scriptedServer((req) => (req.path === '/Users' ? users(req) : listPage([], req, { total: 0 })));
    try {
      const err = await pullScim({ http: srv.client('scim'), clock }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).message).toBe(message);
      expect((err as SourceError).exitCode).toBe(3);
    } finally {
      await srv.close();
    }
  });

  it('fails when groups are fewer than totalResults', async () => {
    const srv = await scriptedServer((req) => (req.path === '/Users' ? listPage([], req, { total: 0 }) : listPage([{ id: 1, displayName: 'A' }], req, { total: 2 })));
    try {
      await expect(pullScim({ http: srv.client('scim'), clock })).rejects.toThrow('scim: SCIM said 2 groups, got 1; the pull is incomplete and was not recorded');
    } finally {
      await srv.close();
    }
  });
});
