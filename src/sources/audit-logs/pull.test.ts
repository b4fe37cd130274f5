import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../clock.js';
import type { Span } from '../../domain/common.js';
import type { AuditEvent } from '../../domain/events.js';
import { SourceError } from '../../errors.js';
import { RAW_ACTIONS } from '../../simulator/actions.js';
import { eventsBetween } from '../../simulator/events.js';
import { generateOrg } from '../../simulator/generator.js';
import type { SimOrg } from '../../simulator/org.js';
import { startSimulator } from '../../simulator/server.js';
import type { RunningSimulator, SimulatorOptions } from '../../simulator/types.js';
import { scriptedServer, simClients } from '../testing.js';
import { pullAuditLogs, type AuditLogsPullOptions } from './pull.js';

const NOW = '2026-10-01T06:00:00.000Z';
const clock = fixedClock(NOW);
const DAY = 86_400_000;
const nowMs = Date.parse(NOW);

/** Records what onWindow is handed. */
function collector() {
  const windows: { events: AuditEvent[]; covered: Span }[] = [];
  const all: AuditEvent[] = [];
  const onWindow: AuditLogsPullOptions['onWindow'] = (events, covered) => {
    windows.push({ events, covered });
    all.push(...events);
  };
  return { windows, all, onWindow };
}

function kindCounts(kinds: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of kinds) out[k] = (out[k] ?? 0) + 1;
  return out;
}

/** What the connector must make of the simulator's events: the kinds of RAW_ACTIONS, failed logins by error. */
function expectedKinds(org: SimOrg, from: number, to: number): Record<string, number> {
  const kinds: string[] = [];
  for (const e of eventsBetween(org, from, to)) {
    const k = RAW_ACTIONS[e.action].kind;
    kinds.push(k === 'login' && e.error ? 'login_failed' : k);
  }
  return kindCounts(kinds);
}

describe('pullAuditLogs against the simulator', () => {
  let org: SimOrg;
  const sims: RunningSimulator[] = [];
  const start = async (extra: Partial<SimulatorOptions> = {}) => {
    const sim = await startSimulator({ clock, simOrg: org, ...extra });
    sims.push(sim);
    return sim;
  };
  beforeAll(() => {
    org = generateOrg({ members: 40, seed: 3, anchor: NOW, orgId: '555' });
  });
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()));
  });

  it('pulls 90 days in 30-day windows, clamped to the retention, with every event classified', async () => {
    const sim = await start();
    const { auditLogs } = simClients(sim);
    const c = collector();
    const result = await pullAuditLogs({ http: auditLogs, clock, orgId: sim.orgId, from: new Date('2026-01-01T00:00:00Z'), to: new Date(NOW), onWindow: c.onWindow, retentionMarginMs: 0 });
    const from = nowMs - 90 * DAY;
    expect(result).toMatchObject({
      requested: { from: '2026-01-01T00:00:00.000Z', to: NOW },
      covered: { from: new Date(from).toISOString(), to: NOW },
      clampedFrom: new Date(from).toISOString(),
      windows: 3,
      events: sim.stats().eventsInRetention,
      duplicates: 0,
      outside: 0,
      narrowed: 0,
    });
    expect(result.clampedTo).toBeUndefined();
    expect(c.windows.map((w) => w.covered)).toEqual([0, 1, 2].map((i) => ({ from: new Date(from + i * 30 * DAY).toISOString(), to: new Date(from + (i + 1) * 30 * DAY).toISOString() })));
    expect(c.all).toHaveLength(sim.stats().eventsInRetention);
    expect(new Set(c.all.map((e) => e.fp)).size).toBe(c.all.length);
    expect(kindCounts(c.all.map((e) => e.kind))).toEqual(expectedKinds(org, from, nowMs));
    for (const w of c.windows) {
      for (const e of w.events) expect(e.time >= w.covered.from && e.time < w.covered.to).toBe(true);
      expect(w.events.map((e) => e.time)).toEqual([...w.events.map((e) => e.time)].sort());
    }
  });

  it('gives the same fingerprints when the same span is pulled again', async () => {
    const sim = await start();
    const fps: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const c = collector();
      await pullAuditLogs({ http: simClients(sim).auditLogs, clock, orgId: sim.orgId, from: new Date(nowMs - 10 * DAY), to: new Date(nowMs), onWindow: c.onWindow });
      fps.push(c.all.map((e) => e.fp));
    }
    expect(fps[0]!.length).toBeGreaterThan(100);
    expect(fps[1]).toEqual(fps[0]);
  });

  it.each([
    ['an `events` list with nextCursor', { auditLogShape: 'events' }],
    ['a bare array without cursors (windows are narrowed)', { auditLogShape: 'bare' }],
    ['the alternate entry keys', { auditLogKeyVariant: 'alternate' }],
  ] as const)('accepts %s', async (_name, shape: Partial<SimulatorOptions>) => {
    const sim = await start(shape);
    const { auditLogs } = simClients(sim);
    const c = collector();
    const result = await pullAuditLogs({ http: auditLogs, clock, orgId: sim.orgId, from: new Date(nowMs - 90 * DAY), to: new Date(nowMs), onWindow: c.onWindow, retentionMarginMs: 0 });
    expect(c.all).toHaveLength(sim.stats().eventsInRetention);
    expect(kindCounts(c.all.map((e) => e.kind))).toEqual(expectedKinds(org, nowMs - 90 * DAY, nowMs));
    expect(c.windows).toHaveLength(3);
    if (shape.auditLogShape === 'bare') expect(result.narrowed).toBeGreaterThanOrEqual(3);
    else expect(result.narrowed).toBe(0);
  });

  it('uses smaller windows when asked, and moves a future end back to now', async () => {
    const sim = await start();
    const c = collector();
    const progress: string[] = [];
    const result = await pullAuditLogs({
      http: simClients(sim).auditLogs,
      clock,
      orgId: sim.orgId,
      from: new Date(nowMs - 20 * DAY),
      to: new Date(nowMs + DAY),
      windowDays: 7,
      onWindow: c.onWindow,
      onPage: (w, n) => progress.push(`${w.to} ${n}`),
    });
    expect(progress).toEqual(c.windows.map((w) => `${w.covered.to} ${w.events.length}`));
    expect(c.windows.map((w) => w.covered.to)).toEqual([nowMs - 13 * DAY, nowMs - 6 * DAY, nowMs].map((t) => new Date(t).toISOString()));
    expect(result.clampedTo).toBe(NOW);
    expect(result.clampedFrom).toBeUndefined();
  });

  it('does nothing for a span entirely outside the retention', async () => {
    const sim = await start();
    const c = collector();
    const result = await pullAuditLogs({ http: simClients(sim).auditLogs, clock, orgId: sim.orgId, from: new Date('2025-01-01'), to: new Date('2025-02-01'), onWindow: c.onWindow });
    expect(c.windows).toEqual([]);
    expect(result.covered).toBeUndefined();
    expect(result.windows).toBe(0);
    expect(sim.stats().requests).toBe(0);
  });

  it('stops at the first window whose onWindow fails, without pulling further', async () => {
    const sim = await start();
    const { auditLogs } = simClients(sim);
    let calls = 0;
    const err = await pullAuditLogs({
      http: auditLogs,
      clock,
      orgId: sim.orgId,
      from: new Date(nowMs - 90 * DAY),
      to: new Date(nowMs),
      onWindow: async () => {
        calls++;
        throw new Error('disk full');
      },
    }).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).toBe('disk full');
    expect(calls).toBe(1);
  });
});

describe('pullAuditLogs: continuation without cursors, odd shapes', () => {
  const base = Date.parse('2026-09-20T00:00:00Z');
  const entry = (i: number, t = base + i * 60_000) => ({ timestamp: new Date(t).toISOString(), domain: 'auth', feature: 'auth', action: 'login', user_email: `u${i}@x.io` });

  /** A server that ignores cursors and returns at most `limit` entries of the window (oldest first). */
  async function noCursorServer(all: readonly ReturnType<typeof entry>[], wrap: (list: unknown[]) => unknown = (l) => ({ data: l })) {
    return scriptedServer((req) => {
      const body = req.body as { start_date: string; end_date: string; pagination: { limit: number } };
      const a = Date.parse(body.start_date);
      const b = Date.parse(body.end_date);
      return wrap(all.filter((e) => Date.parse(e.timestamp) >= a && Date.parse(e.timestamp) < b).slice(0, body.pagination.limit));
    });
  }

  it('narrows a window whose page is full and has no cursor, and loses nothing', async () => {
    const all = Array.from({ length: 10 }, (_, i) => entry(i));
    const srv = await noCursorServer(all, (l) => l);
    try {
      const c = collector();
      const result = await pullAuditLogs({ http: srv.client('audit-logs'), clock, orgId: '9', from: new Date(base), to: new Date(base + DAY), pageLimit: 3, onWindow: c.onWindow });
      expect(c.all.map((e) => e.actor)).toEqual(all.map((e) => e.user_email));
      expect(c.windows).toHaveLength(1);
      expect(c.windows[0]!.covered).toEqual({ from: new Date(base).toISOString(), to: new Date(base + DAY).toISOString() });
      expect(result.narrowed).toBeGreaterThan(0);
      expect(srv.requests[0]!.path).toBe('/9');
      expect(srv.requests[0]!.body).toEqual({ start_date: new Date(base).toISOString(), end_date: new Date(base + DAY).toISOString(), pagination: { limit: 3 } });
    } finally {
      await srv.close();
    }
  });

  it('fails when even the narrowest window is full', async () => {
    const all = Array.from({ length: 5 }, (_, i) => entry(i, base));
    const srv = await noCursorServer(all);
    try {
      const c = collector();
      const err = await pullAuditLogs({ http: srv.client('audit-logs'), clock, orgId: '9', from: new Date(base), to: new Date(base + DAY), pageLimit: 3, onWindow: c.onWindow }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).message).toMatch(/still 3 entries \(a full page\) in a \d+ ms window and no cursor to continue; cannot pull it completely$/);
      expect(c.windows).toEqual([]);
    } finally {
      await srv.close();
    }
  });

  it.each([
    ['results + top-level nextCursor', (l: unknown[], next: string | null) => ({ results: l, nextCursor: next })],
    ['logs + pagination.nextCursor', (l: unknown[], next: string | null) => ({ logs: l, pagination: { nextCursor: next } })],
    ['data + pagination.next_cursor', (l: unknown[], next: string | null) => ({ data: l, pagination: { next_cursor: next } })],
  ] as const)('follows cursors in %s', async (_name, wrap) => {
    const all = Array.from({ length: 7 }, (_, i) => entry(i));
    const srv = await scriptedServer((req) => {
      const body = req.body as { pagination: { limit: number; cursor?: string } };
      const offset = body.pagination.cursor ? Number(body.pagination.cursor) : 0;
      const next = offset + body.pagination.limit < all.length ? String(offset + body.pagination.limit) : null;
      return wrap(all.slice(offset, offset + body.pagination.limit), next);
    });
    try {
      const c = collector();
      await pullAuditLogs({ http: srv.client('audit-logs'), clock, orgId: '9', from: new Date(base), to: new Date(base + DAY), pageLimit: 3, onWindow: c.onWindow });
      expect(c.all).toHaveLength(7);
      expect(srv.requests.map((r) => (r.body as { pagination: unknown }).pagination)).toEqual([{ limit: 3 }, { limit: 3, cursor: '3' }, { limit: 3, cursor: '6' }]);
    } finally {
      await srv.close();
    }
  });

  it('drops entries outside the window asked for and de-duplicates repeated ones', async () => {
    const inside = entry(1);
    const srv = await scriptedServer(() => ({ data: [entry(-60 * 24), inside, { ...inside }, entry(60 * 24)] }));
    try {
      const c = collector();
      const result = await pullAuditLogs({ http: srv.client('audit-logs'), clock, orgId: '9', from: new Date(base), to: new Date(base + DAY), onWindow: c.onWindow });
      expect(c.all.map((e) => e.actor)).toEqual(['u1@x.io']);
      expect(result).toMatchObject({ outside: 2, duplicates: 1, events: 1 });
    } finally {
      await srv.close();
    }
  });

  it.each([
    ['a repeated cursor', () => ({ data: [entry(1)], pagination: { next_cursor: 'same' } }), /the API returned a cursor it had already given; stopped instead of looping; the window .* was not handed on$/],
    ['an entry without a timestamp', () => ({ data: [{ action: 'login' }] }), /: an entry has no timestamp \(timestamp, event_time or created_at\)$/],
    ['a response without a list', () => ({ items: [] }), /unexpected response shape: no list of entries \(expected one of data, events, results, logs\)$/],
  ] as const)('fails on %s and hands on no window', async (_name, respond, message) => {
    const srv = await scriptedServer(respond);
    try {
      const c = collector();
      const err = await pullAuditLogs({ http: srv.client('audit-logs'), clock, orgId: '9', from: new Date(base), to: new Date(base + DAY), onWindow: c.onWindow }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).code).toBe('E_SOURCE_PROTOCOL');
      expect((err as SourceError).message).toMatch(message);
      expect(c.windows).toEqual([]);
    } finally {
      await srv.close();
    }
  });
});
