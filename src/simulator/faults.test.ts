import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { FaultState } from './faults.js';
import { generateOrg } from './generator.js';
import { DAY_MS } from './org.js';
import { startSimulator } from './server.js';
import { arr, auditPost, obj, scimGet, umGet } from './testing.js';
import type { RunningSimulator } from './types.js';

const NOW = '2026-11-15T10:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const org = generateOrg({ members: 250, seed: 11, anchor: NOW });
const AUDIT_BODY = { start_date: new Date(NOW_MS - 2 * DAY_MS).toISOString(), end_date: NOW, pagination: { limit: 100 } };

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ simOrg: org, clock: fixedClock(NOW), rateLimits: { scimPerMinute: Infinity } });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.setFaults({}));

describe('FaultState', () => {
  it('counts down and respects the path prefix', () => {
    const f = new FaultState({ serverErrors: { count: 2, status: 503, pathPrefix: '/scim' } });
    expect(f.take('serverErrors', '/api/2/audit-logs/1')).toBeUndefined();
    expect(f.take('serverErrors', '/scim/1/Users')).toEqual({ count: 2, status: 503, pathPrefix: '/scim' });
    expect(f.take('serverErrors', '/scim/1/Users')?.count).toBe(1);
    expect(f.take('serverErrors', '/scim/1/Users')).toBeUndefined();
  });

  it('does not share state with the object it was given', () => {
    const given = { resets: { count: 1 } };
    const f = new FaultState(given);
    f.take('resets', '/x');
    expect(given.resets.count).toBe(1);
  });
});

describe('fault switches on the wire', () => {
  it('adds latency', async () => {
    sim.setFaults({ latencyMs: 60 });
    const t0 = performance.now();
    expect((await scimGet(sim, '/Users?itemsPerPage=1')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it('answers a burst of 429 with Retry-After, then recovers', async () => {
    sim.setFaults({ burst429: { count: 2, retryAfterSeconds: 7 } });
    const a = await scimGet(sim, '/Users');
    const b = await auditPost(sim, AUDIT_BODY);
    const c = await scimGet(sim, '/Users');
    expect([a.status, b.status, c.status]).toEqual([429, 429, 200]);
    expect(a.headers.get('retry-after')).toBe('7');
    expect(b.headers.get('retry-after')).toBe('7');
  });

  it('answers 429 without Retry-After when none is set', async () => {
    sim.setFaults({ burst429: { count: 2 } });
    const a = await scimGet(sim, '/Users');
    const u = await umGet(sim, '/roles');
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBeNull();
    expect(u.status).toBe(429);
    expect(obj(u.json).retry_after_seconds).toBeNull();
    expect(obj(u.json).error_code).toBe('rate_limited');
  });

  it('gives User Management its retry_after_seconds in the body', async () => {
    sim.setFaults({ burst429: { count: 1, retryAfterSeconds: 3 } });
    const u = await umGet(sim, '/roles');
    expect(u.status).toBe(429);
    expect(obj(u.json).retry_after_seconds).toBe(3);
    expect(obj(u.json).retryable).toBe(true);
  });

  it('answers 5xx N times with the chosen status', async () => {
    sim.setFaults({ serverErrors: { count: 2, status: 503 } });
    const statuses = [(await umGet(sim, '/roles')).status, (await umGet(sim, '/roles')).status, (await umGet(sim, '/roles')).status];
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('resets the connection', async () => {
    sim.setFaults({ resets: { count: 1 } });
    await expect(scimGet(sim, '/Users')).rejects.toThrow();
    expect((await scimGet(sim, '/Users?itemsPerPage=1')).status).toBe(200);
  });

  it('truncates the JSON body in the middle', async () => {
    const full = await umGet(sim, '/roles');
    sim.setFaults({ truncated: { count: 1 } });
    const cut = await umGet(sim, '/roles');
    expect(cut.status).toBe(200);
    expect(cut.json).toBeUndefined();
    expect(cut.text.length).toBe(Math.floor(full.text.length / 2));
    expect(full.text.startsWith(cut.text)).toBe(true);
  });

  it('answers a short page although more remain', async () => {
    sim.setFaults({ shortPage: { count: 1, pathPrefix: '/scim/1/Users' } });
    const short = obj((await scimGet(sim, '/Users?startIndex=1&itemsPerPage=100')).json);
    expect(arr(short.Resources)).toHaveLength(50);
    expect(short.itemsPerPage).toBe(50);
    expect(short.totalResults).toBe(250);
    const next = obj((await scimGet(sim, '/Users?startIndex=51&itemsPerPage=100')).json);
    expect(arr(next.Resources)).toHaveLength(100);
  });

  it('answers short pages on cursor routes too, with a cursor', async () => {
    sim.setFaults({ shortPage: { count: 2 } });
    const um = obj((await umGet(sim, '/project-role-assignments', { limit: '100' })).json);
    expect(arr(um.data)).toHaveLength(50);
    expect(typeof obj(um.pagination).nextCursor).toBe('string');
    const audit = obj((await auditPost(sim, AUDIT_BODY)).json);
    expect(arr(audit.data)).toHaveLength(50);
    expect(typeof obj(audit.pagination).next_cursor).toBe('string');
  });

  it('hands back the same cursor again', async () => {
    const first = obj((await umGet(sim, '/project-role-assignments', { limit: '10' })).json);
    const cursor = obj(first.pagination).nextCursor as string;
    sim.setFaults({ repeatCursor: { count: 2 } });
    const second = obj((await umGet(sim, '/project-role-assignments', { limit: '10', cursor })).json);
    expect(obj(second.pagination).nextCursor).toBe(cursor);

    const a1 = obj((await auditPost(sim, AUDIT_BODY)).json);
    const c1 = obj(a1.pagination).next_cursor as string;
    const a2 = obj((await auditPost(sim, { ...AUDIT_BODY, pagination: { limit: 100, cursor: c1 } })).json);
    expect(obj(a2.pagination).next_cursor).toBe(c1);
    // Spent: the next answer moves on.
    const a3 = obj((await auditPost(sim, { ...AUDIT_BODY, pagination: { limit: 100, cursor: c1 } })).json);
    expect(obj(a3.pagination).next_cursor).not.toBe(c1);
  });

  it('limits a switch to its path prefix', async () => {
    sim.setFaults({ serverErrors: { count: 5, pathPrefix: '/api/2/audit-logs' } });
    expect((await scimGet(sim, '/Users?itemsPerPage=1')).status).toBe(200);
    expect((await umGet(sim, '/roles')).status).toBe(200);
    expect((await auditPost(sim, AUDIT_BODY)).status).toBe(500);
  });
});
