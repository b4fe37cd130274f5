import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../domain/events.js';
import type { RegisterPull, ScimPull } from '../domain/pulls.js';
import { InputError } from '../errors.js';
import { SCHEMA_VERSION } from './schema.js';
import { openStore } from './sqlite.js';
import { ev, tempStore, type TempStore } from './testing.js';

let t: TempStore;
afterEach(() => t?.cleanup());

const span = (from: string, to: string) => ({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });

function raw(path: string): Database.Database {
  return new Database(path);
}

describe('opening and migrations', () => {
  it('creates every table on an empty file and records the schema version', () => {
    t = tempStore();
    const db = raw(t.path);
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[]).sort();
    expect(tables).toEqual(['coverage', 'emails', 'event_blocks', 'meta', 'pulls', 'runs', 'schema_version', 'strings']);
    expect(db.prepare('SELECT version FROM schema_version').pluck().all()).toEqual([SCHEMA_VERSION]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('reopens a store and keeps its data, running no migration twice', () => {
    t = tempStore();
    const run = t.store.startRun('collect', new Date('2026-05-01T00:00:00Z'));
    t.store.appendWindow(run, [ev({ time: '2026-04-30T10:00:00Z', kind: 'login', actor: 'a@x.io' })], span('2026-04-01', '2026-05-01'));
    t.store.setMeta('cursor', '42');
    t.store.close();
    const again = t.reopen();
    expect(again.countEvents()).toBe(1);
    expect(again.getMeta('cursor')).toBe('42');
    expect(again.coverage()).toEqual([span('2026-04-01', '2026-05-01')]);
    const db = raw(t.path);
    expect(db.prepare('SELECT COUNT(*) FROM schema_version').pluck().get()).toBe(1);
    db.close();
  });

  it('refuses a store written by a newer ampaudit, naming the file', () => {
    t = tempStore();
    t.store.close();
    const db = raw(t.path);
    db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1);
    db.close();
    let err: unknown;
    try {
      openStore(t.path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).where.file).toBe(t.path);
    expect((err as InputError).message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
  });

  it('migrates a store from an older version (0: schema_version table but no tables)', () => {
    t = tempStore();
    t.store.close();
    // Simulate a version-0 file: drop everything, keep an empty schema_version.
    const db = raw(t.path);
    db.exec(`DROP TRIGGER event_blocks_no_update; DROP TRIGGER event_blocks_no_delete; DROP TRIGGER coverage_no_update; DROP TRIGGER coverage_no_delete;
      DROP TABLE event_blocks; DROP TABLE coverage; DROP TABLE runs; DROP TABLE pulls; DROP TABLE emails; DROP TABLE strings; DROP TABLE meta;
      DELETE FROM schema_version;`);
    db.close();
    const s = t.reopen();
    expect(s.countEvents()).toBe(0);
    const check = raw(t.path);
    expect(check.prepare('SELECT version FROM schema_version').pluck().get()).toBe(SCHEMA_VERSION);
    check.close();
  });
});

describe('audit events', () => {
  it('round-trips an event with every field', () => {
    t = tempStore();
    const e = ev({
      time: '2026-04-10T08:00:00.123Z',
      kind: 'role_change',
      actor: 'boss@x.io',
      target: 'Carol@X.io',
      targetEmail: 'carol@x.io',
      projectId: '101',
      ip: '10.0.0.1',
      userAgent: 'curl/8',
      error: 'denied',
      rows: 12,
      users: 34,
      role: { scope: 'project', from: 'viewer', to: 'admin' },
      props: { project_id: 101, nested: { a: [1, 2] } },
    });
    const plain = ev({ time: '2026-04-10T09:00:00Z', kind: 'other' });
    t.store.appendWindow(1, [e, plain], span('2026-04-01', '2026-05-01'));
    const back = [...t.store.iterateEvents(span('2026-04-01', '2026-05-01'))];
    expect(back).toEqual([e, plain]);
    expect(back[1]).toEqual({ fp: plain.fp, time: '2026-04-10T09:00:00.000Z', kind: 'other', domain: 'content', feature: 'chart', action: 'create_chart', props: {} });
  });

  it('streams in time order whatever the input order, half-open [from, to)', () => {
    t = tempStore();
    const events = ['2026-04-03', '2026-04-01', '2026-04-02', '2026-04-04'].map((d) => ev({ time: `${d}T00:00:00Z`, kind: 'login', actor: 'a@x.io' }));
    t.store.appendWindow(1, events, span('2026-04-01', '2026-04-05'));
    const times = [...t.store.iterateEvents(span('2026-04-01', '2026-04-04'))].map((e) => e.time.slice(0, 10));
    expect(times).toEqual(['2026-04-01', '2026-04-02', '2026-04-03']);
    expect(t.store.countEvents(span('2026-04-02', '2026-04-04'))).toBe(2);
  });

  it('spans several blocks, and merges blocks whose time ranges overlap', () => {
    t = tempStore();
    const base = Date.parse('2026-04-01T00:00:00Z');
    // Two windows whose events interleave in time: their blocks overlap.
    const a = Array.from({ length: 10_000 }, (_, i) => ev({ time: new Date(base + i * 2000).toISOString(), kind: 'other', target: `a${i}` }));
    const b = Array.from({ length: 9_000 }, (_, i) => ev({ time: new Date(base + i * 2000 + 1000).toISOString(), kind: 'login', actor: `u${i % 7}@x.io` }));
    expect(t.store.appendWindow(1, a, span('2026-04-01', '2026-04-02'))).toEqual({ inserted: 10_000, duplicates: 0 });
    // Newest first, with the first 100 of `a` repeated: duplicates across blocks are found.
    expect(t.store.appendWindow(2, [...b].reverse().concat(a.slice(0, 100)), span('2026-04-01', '2026-04-02'))).toEqual({ inserted: 9_000, duplicates: 100 });
    const times: number[] = [];
    for (const e of t.store.iterateEvents(span('2026-04-01', '2026-04-02'))) times.push(Date.parse(e.time));
    expect(times).toHaveLength(19_000);
    expect(times.every((x, i) => i === 0 || x > (times[i - 1] as number))).toBe(true);
    expect(t.store.countEvents(span('2026-04-01T00:00:00Z', '2026-04-01T01:00:00Z'))).toBe(3600);
    expect(t.store.countEvents()).toBe(19_000);
  });

  it.each([
    ['ASCII only', (i: number) => `target-${i}`],
    ['with non-ASCII text', (i: number) => (i % 97 === 0 ? `Zoë 😀 ${i}` : `t${i}`)],
  ])('streams every field of large blocks back exactly (%s)', (_name, target) => {
    t = tempStore();
    const base = Date.parse('2026-04-01T00:00:00Z');
    const events = Array.from({ length: 9_000 }, (_, i) =>
      ev({ time: new Date(base + i * 1000).toISOString(), kind: i % 5 === 0 ? 'export' : 'other', actor: `u${i % 13}@x.io`, target: target(i), rows: i, props: { i, note: target(i + 1) } }),
    );
    t.store.appendWindow(1, events, span('2026-04-01', '2026-04-02'));
    expect([...t.store.iterateEvents(span('2026-04-01', '2026-04-02'))]).toEqual(events);
    // From the middle of a block, across a batch boundary.
    expect([...t.store.iterateEvents({ from: events[300]!.time, to: events[800]!.time })]).toEqual(events.slice(300, 800));
  });

  it('de-duplicates by fingerprint across overlapping windows', () => {
    t = tempStore();
    const a = ev({ time: '2026-04-10T10:00:00Z', kind: 'login', actor: 'a@x.io' });
    const b = ev({ time: '2026-04-10T11:00:00Z', kind: 'login', actor: 'b@x.io' });
    const c = ev({ time: '2026-04-10T12:00:00Z', kind: 'login', actor: 'c@x.io' });
    expect(t.store.appendWindow(1, [a, b], span('2026-04-10T00:00Z', '2026-04-10T11:30Z'))).toEqual({ inserted: 2, duplicates: 0 });
    expect(t.store.appendWindow(2, [b, c], span('2026-04-10T11:00Z', '2026-04-10T13:00Z'))).toEqual({ inserted: 1, duplicates: 1 });
    // The same event twice in one window is one row too.
    expect(t.store.appendWindow(3, [c, c, a], span('2026-04-10T00:00Z', '2026-04-10T13:00Z'))).toEqual({ inserted: 0, duplicates: 3 });
    expect(t.store.countEvents()).toBe(3);
  });

  it('keeps different events that share a millisecond, and orders them by fingerprint', () => {
    t = tempStore();
    // Same time, fingerprints that share a prefix.
    const mk = (fp: string): AuditEvent => ({ fp, time: '2026-04-10T10:00:00.000Z', kind: 'other', domain: 'd', feature: 'f', action: 'a', props: {} });
    const x = mk(`abc${'0'.repeat(61)}`);
    const y = mk(`abd${'1'.repeat(61)}`);
    const z = mk(`abc${'2'.repeat(61)}`);
    expect(t.store.appendWindow(1, [x, y, z], span('2026-04-10', '2026-04-11'))).toEqual({ inserted: 3, duplicates: 0 });
    expect(t.store.appendWindow(2, [z, y, x], span('2026-04-10', '2026-04-11'))).toEqual({ inserted: 0, duplicates: 3 });
    expect([...t.store.iterateEvents(span('2026-04-10', '2026-04-11'))].map((e) => e.fp)).toEqual([x.fp, y.fp, z.fp].sort());
  });

  it('rejects UPDATE and DELETE of events and coverage (append-only)', () => {
    t = tempStore();
    t.store.appendWindow(1, [ev({ time: '2026-04-10T10:00:00Z', kind: 'login', actor: 'a@x.io' })], span('2026-04-10', '2026-04-11'));
    t.store.close();
    const db = raw(t.path);
    expect(() => db.prepare('UPDATE event_blocks SET n = 2').run()).toThrow(/append-only: UPDATE refused/);
    expect(() => db.prepare('DELETE FROM event_blocks').run()).toThrow(/append-only: DELETE refused/);
    expect(() => db.prepare('UPDATE coverage SET to_ms = 0').run()).toThrow(/append-only: UPDATE refused/);
    expect(() => db.prepare('DELETE FROM coverage').run()).toThrow(/append-only: DELETE refused/);
    expect(db.prepare('SELECT SUM(n) FROM event_blocks').pluck().get()).toBe(1);
    db.close();
  });

  it('a failed window leaves neither events nor coverage, and the store keeps working', () => {
    t = tempStore();
    function* failing(): Generator<AuditEvent> {
      yield ev({ time: '2026-04-10T10:00:00Z', kind: 'login', actor: 'new@x.io' });
      yield ev({ time: '2026-04-10T11:00:00Z', kind: 'other', userAgent: 'agent-1' });
      throw new Error('connection reset');
    }
    expect(() => t.store.appendWindow(1, failing(), span('2026-04-10', '2026-04-11'))).toThrow('connection reset');
    expect(t.store.countEvents()).toBe(0);
    expect(t.store.coverage()).toEqual([]);
    // A bad event is refused the same way.
    const bad = { ...ev({ time: '2026-04-10T10:00:00Z', kind: 'login' }), fp: 'not-a-hash' };
    expect(() => t.store.appendWindow(1, [bad], span('2026-04-10', '2026-04-11'))).toThrow(/fingerprint/);
    expect(t.store.coverage()).toEqual([]);
    // Dictionary ids from the rolled-back window must not leak into the next one.
    t.store.appendWindow(2, [ev({ time: '2026-04-10T12:00:00Z', kind: 'login', actor: 'new@x.io', userAgent: 'agent-1' })], span('2026-04-10', '2026-04-11'));
    const [back] = [...t.store.iterateEvents(span('2026-04-10', '2026-04-11'))];
    expect(back?.actor).toBe('new@x.io');
    expect(back?.userAgent).toBe('agent-1');
  });

  it('refuses a time without an offset (it would be read in the machine time zone)', () => {
    t = tempStore();
    const e = { ...ev({ time: '2026-04-10T10:00:00Z', kind: 'login' }), time: '2026-04-10T10:00:00' };
    expect(() => t.store.appendWindow(1, [e], span('2026-04-10', '2026-04-11'))).toThrow(/time/);
  });
});

describe('coverage', () => {
  it('merges overlapping and adjacent spans, keeps gaps', () => {
    t = tempStore();
    t.store.appendWindow(1, [], span('2026-03-01', '2026-03-31'));
    t.store.appendWindow(1, [], span('2026-03-31', '2026-04-15')); // adjacent
    t.store.appendWindow(1, [], span('2026-04-10', '2026-04-20')); // overlapping
    t.store.appendWindow(1, [], span('2026-05-01', '2026-05-02')); // after a gap
    t.store.appendWindow(1, [], span('2026-01-01', '2026-01-02')); // before, out of order
    expect(t.store.coverage()).toEqual([span('2026-01-01', '2026-01-02'), span('2026-03-01', '2026-04-20'), span('2026-05-01', '2026-05-02')]);
  });

  it('refuses a span that ends before it starts', () => {
    t = tempStore();
    expect(() => t.store.appendWindow(1, [], span('2026-03-02', '2026-03-01'))).toThrow(/ends before/);
  });
});

describe('state pulls and runs', () => {
  const scim = (pulledAt: string, emails: string[]): ScimPull => ({
    source: 'scim',
    pulledAt,
    users: emails.map((email) => ({ email, active: true })),
    groups: [],
  });
  const register = (pulledAt: string): RegisterPull => ({ source: 'register', pulledAt, file: '/r.csv', sha256: 'ab', entries: [] });

  it('returns, per source, the latest pull at or before the time', () => {
    t = tempStore();
    const run = t.store.startRun('collect', new Date('2026-04-01T00:00:00Z'));
    t.store.saveStatePull(run, scim('2026-04-01T02:00:00.000Z', ['a@x.io']));
    t.store.saveStatePull(run, scim('2026-04-02T02:00:00.000Z', ['a@x.io', 'b@x.io']));
    t.store.saveStatePull(run, scim('2026-04-03T02:00:00.000Z', ['c@x.io']));
    t.store.saveStatePull(run, register('2026-04-01T03:00:00.000Z'));

    const at2 = t.store.latestPulls('2026-04-02T02:00:00.000Z');
    expect([...at2.keys()].sort()).toEqual(['register', 'scim']);
    expect(at2.get('scim')).toEqual(scim('2026-04-02T02:00:00.000Z', ['a@x.io', 'b@x.io']));
    expect(t.store.latestPulls('2026-04-01T02:30:00.000Z').get('scim')).toEqual(scim('2026-04-01T02:00:00.000Z', ['a@x.io']));
    expect(t.store.latestPulls('2026-04-01T01:00:00.000Z').size).toBe(0);
    expect(t.store.listPulls({ source: 'scim', limit: 2 })).toEqual([
      { runId: run, source: 'scim', pulledAt: '2026-04-03T02:00:00.000Z', count: 1 },
      { runId: run, source: 'scim', pulledAt: '2026-04-02T02:00:00.000Z', count: 2 },
    ]);
  });

  it('stores payloads compressed', () => {
    t = tempStore();
    const big = scim('2026-04-01T02:00:00.000Z', Array.from({ length: 2000 }, (_, i) => `user${i}@example.com`));
    t.store.saveStatePull(1, big);
    t.store.close();
    const db = raw(t.path);
    const size = db.prepare('SELECT length(payload) FROM pulls').pluck().get() as number;
    db.close();
    expect(size).toBeLessThan(JSON.stringify(big).length / 4);
  });

  it('records runs with outcome, error and summary, newest first', () => {
    t = tempStore();
    const a = t.store.startRun('collect', new Date('2026-04-01T00:00:00Z'));
    const b = t.store.startRun('review', new Date('2026-04-01T01:00:00Z'));
    t.store.finishRun(a, new Date('2026-04-01T00:05:00Z'), 'failed', { error: 'scim: 500' });
    t.store.finishRun(b, new Date('2026-04-01T01:05:00Z'), 'ok', { summary: { findings: 3 } });
    expect(t.store.listRuns()).toEqual([
      { id: b, kind: 'review', startedAt: '2026-04-01T01:00:00.000Z', finishedAt: '2026-04-01T01:05:00.000Z', outcome: 'ok', summary: { findings: 3 } },
      { id: a, kind: 'collect', startedAt: '2026-04-01T00:00:00.000Z', finishedAt: '2026-04-01T00:05:00.000Z', outcome: 'failed', error: 'scim: 500' },
    ]);
    expect(t.store.listRuns({ kind: 'collect' }).map((r) => r.id)).toEqual([a]);
    expect(t.store.listRuns({ limit: 1 }).map((r) => r.id)).toEqual([b]);
  });

  it('meta is a key/value store with overwrite', () => {
    t = tempStore();
    expect(t.store.getMeta('k')).toBeUndefined();
    t.store.setMeta('k', '1');
    t.store.setMeta('k', '2');
    expect(t.store.getMeta('k')).toBe('2');
  });
});
