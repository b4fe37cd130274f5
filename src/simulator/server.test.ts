import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, manualClock } from '../clock.js';
import { countEvents } from './events.js';
import { generateOrg } from './generator.js';
import { DAY_MS } from './org.js';
import { fixedWindowLimiter } from './rate-limit.js';
import { startSimulator } from './server.js';
import { arr, auditPost, basic, obj, scimGet, umGet } from './testing.js';
import type { RunningSimulator, SimulatorStats } from './types.js';

const NOW = '2026-11-15T10:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const ORG_OPTS = { members: 250, seed: 7, anchor: NOW };
const org = generateOrg(ORG_OPTS);
const UNLIMITED = { scimPerMinute: Infinity };

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ simOrg: org, clock: fixedClock(NOW), rateLimits: UNLIMITED });
});
afterAll(async () => {
  await sim.close();
});

describe('SCIM', () => {
  it.each([
    ['a wrong token', 'wrong-token'],
    ['an empty token', ''],
  ])('answers 401 with a SCIM error for %s', async (_name, token) => {
    const r = await scimGet(sim, '/Users', token);
    expect(r.status).toBe(401);
    expect(obj(r.json).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(obj(r.json).status).toBe('401');
  });

  it('caps the page size at 100 and reports totalResults', async () => {
    const r = await scimGet(sim, '/Users?startIndex=1&itemsPerPage=500');
    expect(r.status).toBe(200);
    const body = obj(r.json);
    expect(body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    expect(body.totalResults).toBe(250);
    expect(body.itemsPerPage).toBe(100);
    expect(body.startIndex).toBe(1);
    expect(arr(body.Resources)).toHaveLength(100);
  });

  it('pages with a 1-based startIndex to the last, partial page', async () => {
    const emails: string[] = [];
    for (let start = 1; ; start += 100) {
      const body = obj((await scimGet(sim, `/Users?startIndex=${start}&itemsPerPage=100`)).json);
      const page = arr(body.Resources).map((u) => obj(u).userName as string);
      emails.push(...page);
      if (page.length < 100) break;
    }
    expect(emails).toHaveLength(250);
    expect(new Set(emails).size).toBe(250);
    expect(emails).toEqual(org.members.map((m) => m.email));
  });

  it('gives invited users active=true and placeholder names', async () => {
    const invited = org.members.find((m) => m.status === 'invited');
    const deactivated = org.members.find((m) => m.status === 'deactivated');
    if (!invited || !deactivated) throw new Error('fixture has no invited/deactivated member');
    const u = obj((await scimGet(sim, `/Users/${encodeURIComponent(invited.email)}`)).json);
    expect(u.active).toBe(true);
    expect(u.name).toEqual({ givenName: 'NO_GIVEN_NAME', familyName: 'NO_FAMILY_NAME' });
    expect(u.meta).toEqual({ resourceType: 'User' });
    expect(u.emails).toEqual([{ value: invited.email, primary: true }]);
    const d = obj((await scimGet(sim, `/Users/${encodeURIComponent(deactivated.email)}`)).json);
    expect(d.active).toBe(false);
  });

  it('filters by userName case-insensitively and rejects other filters', async () => {
    const target = (org.members[10] as { email: string }).email;
    const r = await scimGet(sim, `/Users?filter=${encodeURIComponent(`userName eq "${target.toUpperCase()}"`)}`);
    const body = obj(r.json);
    expect(body.totalResults).toBe(1);
    expect(obj(arr(body.Resources)[0]).userName).toBe(target);
    const bad = await scimGet(sim, `/Users?filter=${encodeURIComponent('name.familyName co "x"')}`);
    expect(bad.status).toBe(400);
    expect(obj(bad.json).scimType).toBe('invalidFilter');
  });

  it('answers 404 for an unknown user', async () => {
    const r = await scimGet(sim, '/Users/nobody%40example.com');
    expect(r.status).toBe(404);
  });

  it('lists groups with numeric and string ids and their members', async () => {
    const body = obj((await scimGet(sim, '/Groups?startIndex=1&itemsPerPage=100')).json);
    const groups = arr(body.Resources).map(obj);
    expect(body.totalResults).toBe(org.groups.length);
    expect(groups.map((g) => typeof g.id).sort()).toContain('number');
    expect(groups.map((g) => typeof g.id)).toContain('string');
    const first = groups[0] as Record<string, unknown>;
    expect(first.displayName).toBe(org.groups[0]?.name);
    expect(arr(first.members).map((m) => obj(m).value)).toEqual(org.groups[0]?.members);
    expect(obj(first.meta).resourceType).toBe('Group');
  });
});

describe('User Management', () => {
  it('checks auth and orgId with RFC 7807-like bodies', async () => {
    const cases: [string, Record<string, string>, string | undefined, number, string][] = [
      ['wrong secret', {}, basic(sim.credentials.orgApiKey, 'nope'), 401, 'authentication_required'],
      ['missing orgId', { orgId: '<omit>' }, undefined, 400, 'invalid_request'],
      ['wrong orgId', { orgId: '999' }, undefined, 403, 'org_id_mismatch'],
    ];
    for (const [name, params, auth, status, code] of cases) {
      const r = await umGet(sim, '/roles', params, auth);
      expect(r.status, name).toBe(status);
      const body = obj(r.json);
      expect(Object.keys(body).sort(), name).toEqual(
        ['detail', 'error_code', 'instance', 'retry_after_seconds', 'retryable', 'status', 'title', 'type'].sort(),
      );
      expect(body.error_code, name).toBe(code);
      expect(body.status, name).toBe(status);
    }
  });

  it.each(['0', '201', 'abc', '-5'])('rejects limit=%s with 400 invalid_request', async (limit) => {
    const r = await umGet(sim, '/project-role-assignments', { limit });
    expect(r.status).toBe(400);
    expect(obj(r.json).error_code).toBe('invalid_request');
  });

  it('pages assignments with opaque cursors (default 50, at most 200)', async () => {
    const first = obj((await umGet(sim, '/project-role-assignments')).json);
    expect(arr(first.data)).toHaveLength(50);
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const params: Record<string, string> = { limit: '200' };
      if (cursor) params.cursor = cursor;
      const body = obj((await umGet(sim, '/project-role-assignments', params)).json);
      const data = arr(body.data).map(obj);
      expect(data.length).toBeLessThanOrEqual(200);
      ids.push(...data.map((a) => a.id as string));
      cursor = obj(body.pagination).nextCursor as string | null;
      pages++;
    } while (cursor);
    expect(ids).toHaveLength(org.assignments.length);
    expect(new Set(ids).size).toBe(org.assignments.length);
    expect(pages).toBe(Math.ceil(org.assignments.length / 200));
  });

  it('filters assignments by projectId and principalId', async () => {
    const body = obj((await umGet(sim, '/project-role-assignments', { projectId: '101', limit: '200' })).json);
    const data = arr(body.data).map(obj);
    expect(data.length).toBe(org.assignments.filter((a) => a.projectId === 101).length);
    expect(data.every((a) => a.projectId === 101)).toBe(true);
    const someone = org.assignments.find((a) => a.principalType === 'user');
    if (!someone) throw new Error('no user assignment');
    const mine = arr(obj((await umGet(sim, '/project-role-assignments', { principalId: someone.principalId.toUpperCase() })).json).data);
    expect(mine.length).toBe(org.assignments.filter((a) => a.principalId === someone.principalId).length);
  });

  it('rejects a cursor it did not issue', async () => {
    const r = await umGet(sim, '/project-role-assignments', { cursor: 'not-a-cursor' });
    expect(r.status).toBe(400);
  });

  it('serves the four default roles and the custom ones', async () => {
    const roles = arr(obj((await umGet(sim, '/roles')).json).data).map(obj);
    expect(roles.map((r) => r.name)).toEqual(['Viewer', 'Member', 'Manager', 'Admin', 'Data Steward', 'Read-only Auditor', 'Growth Analyst']);
    expect(roles.filter((r) => obj(r.tags).type === 'custom')).toHaveLength(3);
    const one = await umGet(sim, `/roles/${roles[4]?.uuid as string}`);
    expect(obj(one.json).name).toBe('Data Steward');
    expect((await umGet(sim, '/roles/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('resolves group grants in a project’s effective access', async () => {
    const groupAssignment = org.assignments.find((a) => a.principalType === 'group');
    if (!groupAssignment) throw new Error('no group assignment');
    const pid = groupAssignment.projectId;
    const entries: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const params: Record<string, string> = { limit: '200' };
      if (cursor) params.cursor = cursor;
      const body = obj((await umGet(sim, `/projects/${pid}/access`, params)).json);
      entries.push(...arr(body.data).map(obj));
      cursor = obj(body.pagination).nextCursor as string | null;
    } while (cursor);
    const group = org.groups.find((g) => String(g.id) === groupAssignment.principalId);
    const viaGroup = entries.filter((x) => x.accessType === 'group' && String(x.groupId) === groupAssignment.principalId);
    expect(viaGroup.map((x) => x.principalId).sort()).toEqual([...(group?.members ?? [])].sort());
    const direct = entries.filter((x) => x.accessType === 'direct');
    expect(direct).toHaveLength(org.assignments.filter((a) => a.projectId === pid && a.principalType === 'user').length);
    expect(obj(direct[0]?.role).name).toBeTypeOf('string');
    expect(direct[0]?.appId).toBe(pid);
    expect((await umGet(sim, '/projects/99999/access')).status).toBe(404);
  });
});

describe('Audit Logs', () => {
  const day = (n: number): string => new Date(NOW_MS - n * DAY_MS).toISOString();

  it('checks auth and the org id in the path', async () => {
    expect((await auditPost(sim, { start_date: day(2), end_date: day(1) }, { auth: basic('x', 'y') })).status).toBe(401);
    expect((await auditPost(sim, { start_date: day(2), end_date: day(1) }, { orgId: '1' })).status).toBe(403);
  });

  it('refuses a window longer than 30 days and accepts exactly 30', async () => {
    const long = await auditPost(sim, { start_date: day(40), end_date: day(9) });
    expect(long.status).toBe(400);
    expect(String(obj(long.json).message)).toContain('30 days');
    const ok = await auditPost(sim, { start_date: day(40), end_date: day(10), pagination: { limit: 1 } });
    expect(ok.status).toBe(200);
  });

  it('refuses a start older than the 90-day retention and says so', async () => {
    const r = await auditPost(sim, { start_date: day(91), end_date: day(80) });
    expect(r.status).toBe(400);
    const body = obj(r.json);
    expect(body.error).toBe('retention_exceeded');
    expect(String(body.message)).toContain('retention of 90 days');
    expect(String(body.message)).toContain(day(90));
  });

  it.each([
    [{ end_date: day(1) }, 'start_date'],
    [{ start_date: 'yesterday', end_date: day(1) }, 'start_date'],
    [{ start_date: day(1), end_date: day(2) }, 'after'],
    [{ start_date: day(2), end_date: day(1), pagination: { limit: 1001 } }, 'limit'],
    [{ start_date: day(2), end_date: day(1), filters: 'auth' }, 'filters'],
  ])('rejects a bad body %j', async (body, word) => {
    const r = await auditPost(sim, body);
    expect(r.status).toBe(400);
    expect(String(obj(r.json).message)).toContain(word);
  });

  it('pages through a window with cursors: every event once, in order, nothing after now', async () => {
    const from = NOW_MS - 2 * DAY_MS - 3_600_000;
    const to = NOW_MS + 5 * DAY_MS;
    const seen: string[] = [];
    let cursor: string | undefined;
    let last = '';
    do {
      const r = await auditPost(sim, { start_date: new Date(from).toISOString(), end_date: new Date(to).toISOString(), pagination: { limit: 1000, ...(cursor ? { cursor } : {}) } });
      expect(r.status).toBe(200);
      const body = obj(r.json);
      for (const raw of arr(body.data)) {
        const entry = obj(raw);
        const ts = entry.timestamp as string;
        expect(ts >= last).toBe(true);
        last = ts;
        seen.push(JSON.stringify(entry));
      }
      cursor = (obj(body.pagination).next_cursor as string | null) ?? undefined;
    } while (cursor);
    expect(seen.length).toBe(countEvents(org, from, NOW_MS));
    expect(last < NOW).toBe(true);
    const first = JSON.parse(seen[0] as string) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['timestamp', 'domain', 'feature', 'action', 'target', 'user_email', 'org_id', 'app_id', 'ip_address', 'user_agent', 'event_properties', 'error']);
  });

  it('applies filters', async () => {
    const r = await auditPost(sim, { start_date: day(10), end_date: day(0), filters: { domain: 'auth', feature: 'auth', action: 'login_failed' } });
    const data = arr(obj(r.json).data).map(obj);
    expect(data.length).toBeGreaterThan(0);
    expect(data.every((x) => x.action === 'login_failed' && typeof x.error === 'string')).toBe(true);
  });

  it('can answer in the other envelope shapes and key names', async () => {
    const body = { start_date: day(1), end_date: day(0), pagination: { limit: 5 } };
    const ev = await startSimulator({ simOrg: org, clock: fixedClock(NOW), auditLogShape: 'events', auditLogKeyVariant: 'alternate' });
    const bare = await startSimulator({ simOrg: org, clock: fixedClock(NOW), auditLogShape: 'bare' });
    try {
      const a = obj((await auditPost(ev, body)).json);
      expect(arr(a.events)).toHaveLength(5);
      expect(typeof obj(a.pagination).nextCursor).toBe('string');
      expect(Object.keys(obj(arr(a.events)[0]))).toEqual(['event_time', 'domain', 'feature', 'action', 'target', 'user', 'org_id', 'project_id', 'ip', 'user_agent', 'properties', 'error']);
      const b = (await auditPost(bare, body)).json;
      expect(arr(b)).toHaveLength(5);
    } finally {
      await ev.close();
      await bare.close();
    }
  });

  it('serves the state and events as of its clock, re-read per request', async () => {
    const clock = manualClock(NOW);
    const moving = await startSimulator({ simOrg: org, clock });
    try {
      const q = { start_date: new Date(NOW_MS - DAY_MS).toISOString(), end_date: new Date(NOW_MS + DAY_MS).toISOString() };
      const before = arr(obj((await auditPost(moving, q)).json).data).length;
      clock.advance(6 * 3_600_000);
      const after = arr(obj((await auditPost(moving, q)).json).data).length;
      expect(before).toBe(countEvents(org, NOW_MS - DAY_MS, NOW_MS));
      expect(after).toBe(countEvents(org, NOW_MS - DAY_MS, NOW_MS + 6 * 3_600_000));
      expect(after).toBeGreaterThan(before);
    } finally {
      await moving.close();
    }
  });
});

describe('stats', () => {
  it('serves /__sim/stats without auth, matching stats()', async () => {
    const r = await fetch(`${sim.url}/__sim/stats`);
    const body = (await r.json()) as SimulatorStats;
    expect(body.users).toBe(250);
    expect(body.groups).toBe(org.groups.length);
    expect(body.assignments).toBe(org.assignments.length);
    expect(body.roles).toBe(7);
    expect(body.eventsInRetention).toBe(countEvents(org, NOW_MS - 90 * DAY_MS, NOW_MS));
    expect(body.requests).toBe(sim.stats().requests);
  });
});

describe('rate limits', () => {
  it('counts a fixed one-minute window exactly', () => {
    let t = 1_000;
    const rl = fixedWindowLimiter(2, () => t);
    expect(rl.check()).toBeUndefined();
    t += 10_000;
    expect(rl.check()).toBeUndefined();
    t += 5_500;
    expect(rl.check()).toBe(45); // 60 s window started at 1,000 ms: 44.5 s left, rounded up
    t = 61_000;
    expect(rl.check()).toBeUndefined(); // a new window
    expect(fixedWindowLimiter(undefined, () => t).check()).toBeUndefined();
    expect(fixedWindowLimiter(Infinity, () => t).check()).toBeUndefined();
  });

  it('answers 429 with Retry-After over the configured rate, per API', async () => {
    const limited = await startSimulator({
      simOrg: org,
      clock: fixedClock(NOW),
      rateLimits: { scimPerMinute: 3, userManagementPerMinute: 2, auditLogsPerMinute: 1 },
    });
    try {
      for (let i = 0; i < 3; i++) expect((await scimGet(limited, '/Users?itemsPerPage=1')).status).toBe(200);
      const s = await scimGet(limited, '/Users?itemsPerPage=1');
      expect(s.status).toBe(429);
      const retry = Number(s.headers.get('retry-after'));
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      expect(obj(s.json).status).toBe('429');

      for (let i = 0; i < 2; i++) expect((await umGet(limited, '/roles')).status).toBe(200);
      const u = await umGet(limited, '/roles');
      expect(u.status).toBe(429);
      expect(obj(u.json).error_code).toBe('rate_limited');
      expect(obj(u.json).retry_after_seconds).toBeGreaterThanOrEqual(1);

      const body = { start_date: new Date(NOW_MS - DAY_MS).toISOString(), end_date: NOW, pagination: { limit: 1 } };
      expect((await auditPost(limited, body)).status).toBe(200);
      const a = await auditPost(limited, body);
      expect(a.status).toBe(429);
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.stats().answered429).toBe(3);
    } finally {
      await limited.close();
    }
  });

  it('limits SCIM to 100 a minute by default', async () => {
    const dflt = await startSimulator({ simOrg: org, clock: fixedClock(NOW) });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 101; i++) statuses.push((await scimGet(dflt, '/Groups?itemsPerPage=1')).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(100);
      expect(statuses[100]).toBe(429);
    } finally {
      await dflt.close();
    }
  });
});
