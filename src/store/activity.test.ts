import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../domain/events.js';
import { ev, tempStore, type TempStore } from './testing.js';
import type { ActivityQuery } from './types.js';

let t: TempStore;
afterEach(() => t?.cleanup());

const iso = (s: string) => new Date(s).toISOString();
const span = (from: string, to: string) => ({ from: iso(from), to: iso(to) });
const MIN = 60_000;

/** Q2 2026 (UTC), evaluated at its end. */
function query(over: Partial<ActivityQuery> = {}): ActivityQuery {
  return {
    at: iso('2026-07-01'),
    period: span('2026-04-01', '2026-07-01'),
    largeExportUsers: 1_000_000,
    baselineQuarters: [],
    burstWindowMinutes: 60,
    ...over,
  };
}

/**
 * Every case runs with the events in one window (one block: read event by event) and with one
 * window per event (many small blocks: blocks wholly before the period are read through their
 * per-block rollup), newest first. Both must give the same answers.
 */
type Layout = 'one block' | 'a block per event';
let layout: Layout = 'one block';

function load(events: AuditEvent[], covered = span('2025-01-01', '2026-07-01')): void {
  t = tempStore();
  if (layout === 'one block') t.store.appendWindow(1, events, covered);
  else {
    for (const e of [...events].reverse()) t.store.appendWindow(1, [e], covered);
    if (events.length === 0) t.store.appendWindow(1, [], covered);
  }
}

describe.each(['one block', 'a block per event'] as const)('%s', (l) => {
  beforeEach(() => {
    layout = l;
  });

  describe('logins', () => {
    it('last successful login is taken over the whole store, not only the period, and not after `at`', () => {
      load([
        ev({ time: '2026-01-15T10:00:00Z', kind: 'login', actor: 'old@x.io' }),
        ev({ time: '2026-02-01T10:00:00Z', kind: 'login', actor: 'both@x.io' }),
        ev({ time: '2026-05-01T10:00:00Z', kind: 'login', actor: 'both@x.io' }),
        ev({ time: '2026-05-02T10:00:00Z', kind: 'login', actor: 'both@x.io' }),
        ev({ time: '2026-05-03T10:00:00Z', kind: 'login', actor: 'both@x.io', error: 'bad password' }), // a failure, not a login
        ev({ time: '2026-07-05T10:00:00Z', kind: 'login', actor: 'later@x.io' }), // after `at`
      ]);
      const r = t.store.activity(query());
      expect(r.activity.get('old@x.io')).toMatchObject({ lastLogin: '2026-01-15T10:00:00.000Z', loginsInPeriod: 0 });
      expect(r.activity.get('both@x.io')).toMatchObject({ lastLogin: '2026-05-02T10:00:00.000Z', loginsInPeriod: 2, failedLoginsInPeriod: 1 });
      expect(r.activity.has('later@x.io')).toBe(false);
      expect(r.total).toBe(3);
    });

    it('counts a login exactly at `at` as at or before it', () => {
      load([ev({ time: '2026-06-10T12:00:00Z', kind: 'login', actor: 'a@x.io' })]);
      const r = t.store.activity(query({ at: iso('2026-06-10T12:00:00Z'), period: span('2026-04-01', '2026-06-10T12:00:00Z') }));
      expect(r.activity.get('a@x.io')?.lastLogin).toBe('2026-06-10T12:00:00.000Z');
    });

    it('earliest invite per target email, across the store', () => {
      load([
        ev({ time: '2026-03-01T00:00:00Z', kind: 'invite', actor: 'admin@x.io', target: 'new@x.io', targetEmail: 'new@x.io' }),
        ev({ time: '2026-05-01T00:00:00Z', kind: 'invite', actor: 'admin@x.io', target: 'new@x.io', targetEmail: 'new@x.io' }),
      ]);
      const r = t.store.activity(query());
      expect(r.activity.get('new@x.io')).toMatchObject({ invitedAt: '2026-03-01T00:00:00.000Z', loginsInPeriod: 0 });
      expect(r.activity.get('new@x.io')?.lastLogin).toBeUndefined();
    });
  });

  describe('failed-login bursts (60-minute window, inclusive)', () => {
    const failures = (actor: string, start: string, count: number, stepMs: number) =>
      Array.from({ length: count }, (_, i) => ev({ time: new Date(Date.parse(start) + i * stepMs).toISOString(), kind: 'login_failed', actor, error: 'denied' }));

    it('10 failures spanning exactly 60 minutes are one window of 10', () => {
      // 10 failures, first and last exactly 60 minutes apart.
      load(failures('a@x.io', '2026-05-01T10:00:00Z', 10, (60 * MIN) / 9));
      const a = t.store.activity(query()).activity.get('a@x.io');
      expect(a?.failedLoginsInPeriod).toBe(10);
      expect(a?.worstFailedBurst).toEqual({ count: 10, start: '2026-05-01T10:00:00.000Z', end: '2026-05-01T11:00:00.000Z' });
    });

    it('10 failures spread over 61 minutes give a worst window of 9', () => {
      load(failures('a@x.io', '2026-05-01T10:00:00Z', 10, (61 * MIN) / 9));
      const a = t.store.activity(query()).activity.get('a@x.io');
      expect(a?.failedLoginsInPeriod).toBe(10);
      expect(a?.worstFailedBurst?.count).toBe(9);
    });

    it('keeps the worst window across several bursts and ignores failures outside the period', () => {
      load([
        ...failures('a@x.io', '2026-03-31T23:00:00Z', 20, MIN), // before the period: not counted
        ...failures('a@x.io', '2026-05-01T10:00:00Z', 3, MIN),
        ...failures('a@x.io', '2026-05-02T10:00:00Z', 5, MIN),
        ...failures('a@x.io', '2026-05-03T10:00:00Z', 4, MIN),
      ]);
      const a = t.store.activity(query()).activity.get('a@x.io');
      expect(a?.failedLoginsInPeriod).toBe(12);
      expect(a?.worstFailedBurst).toEqual({ count: 5, start: '2026-05-02T10:00:00.000Z', end: '2026-05-02T10:04:00.000Z' });
    });
  });

  describe('exports', () => {
    it('sums count, rows, users and unsized per member, by kind, with first and last', () => {
      load([
        ev({ time: '2026-04-02T00:00:00Z', kind: 'export', actor: 'e@x.io', rows: 100 }),
        ev({ time: '2026-04-03T00:00:00Z', kind: 'export', actor: 'e@x.io', rows: 250 }),
        ev({ time: '2026-04-04T00:00:00Z', kind: 'cohort_export', actor: 'e@x.io', users: 5000, projectId: '7' }),
        ev({ time: '2026-04-05T00:00:00Z', kind: 'user_export', actor: 'e@x.io' }), // no size
        ev({ time: '2026-03-05T00:00:00Z', kind: 'export', actor: 'e@x.io', rows: 999 }), // before the period
      ]);
      const a = t.store.activity(query()).activity.get('e@x.io');
      expect(a?.exports).toEqual({
        count: 4,
        rows: 350,
        users: 5000,
        unsized: 1,
        byKind: { export: 2, cohort_export: 1, user_export: 1 },
        first: '2026-04-02T00:00:00.000Z',
        last: '2026-04-05T00:00:00.000Z',
        large: [],
      });
    });

    it('lists single cohort exports at or above the threshold, largest first, at most 20', () => {
      const events = Array.from({ length: 25 }, (_, i) =>
        ev({ time: new Date(Date.parse('2026-05-01T00:00:00Z') + i * 3600_000).toISOString(), kind: 'cohort_export', actor: 'big@x.io', users: 1_000_000 + i, projectId: '9' }),
      );
      events.push(ev({ time: '2026-05-03T00:00:00Z', kind: 'cohort_export', actor: 'big@x.io', users: 999_999 }));
      load(events);
      const large = t.store.activity(query()).activity.get('big@x.io')?.exports.large ?? [];
      expect(large).toHaveLength(20);
      expect(large[0]).toEqual({ time: '2026-05-02T00:00:00.000Z', users: 1_000_024, projectId: '9', fp: (events[24] as AuditEvent).fp });
      expect(large[19]?.users).toBe(1_000_005);
      expect(large.every((l) => l.users >= 1_000_000)).toBe(true);
    });

    it('baseline: mean count and rows over the earlier quarters the coverage covers', () => {
      const q = (label: string, from: string, to: string) => ({ label, ...span(from, to) });
      load(
        [
          ev({ time: '2025-10-10T00:00:00Z', kind: 'export', actor: 'e@x.io', rows: 100 }),
          ev({ time: '2026-01-10T00:00:00Z', kind: 'export', actor: 'e@x.io', rows: 300 }),
          ev({ time: '2026-01-11T00:00:00Z', kind: 'export', actor: 'e@x.io', rows: 200 }),
          ev({ time: '2026-05-10T00:00:00Z', kind: 'export', actor: 'e@x.io', rows: 50 }),
        ],
        span('2025-10-01', '2026-07-01'),
      );
      const r = t.store.activity(
        query({
          baselineQuarters: [q('2025-Q3', '2025-07-01', '2025-10-01'), q('2025-Q4', '2025-10-01', '2026-01-01'), q('2026-Q1', '2026-01-01', '2026-04-01')],
        }),
      );
      // 2025-Q3 has no coverage: it does not count. Q4: 1 export / 100 rows; Q1: 2 / 500.
      expect(r.activity.get('e@x.io')?.baseline).toEqual({ quarters: ['2025-Q4', '2026-Q1'], meanCount: 1.5, meanRows: 300 });
      expect(r.activity.get('e@x.io')?.exports.count).toBe(1);
    });

    it('a quarter the log covers only in part does not count: its missing weeks are not "no exports"', () => {
      const q = (label: string, from: string, to: string) => ({ label, ...span(from, to) });
      // Coverage starts ten days before 2026-Q1 ends (as after a first collect).
      load(
        [
          ev({ time: '2026-03-25T00:00:00Z', kind: 'export', actor: 'e@x.io', rows: 10 }),
          ev({ time: '2026-04-10T00:00:00Z', kind: 'export', actor: 'e@x.io', rows: 20 }),
          ev({ time: '2026-05-10T00:00:00Z', kind: 'export', actor: 'e@x.io', rows: 30 }),
        ],
        span('2026-03-21', '2026-10-01'),
      );
      const r = t.store.activity(
        query({
          period: span('2026-07-01', '2026-10-01'),
          at: '2026-10-01T00:00:00.000Z',
          baselineQuarters: [q('2026-Q1', '2026-01-01', '2026-04-01'), q('2026-Q2', '2026-04-01', '2026-07-01')],
        }),
      );
      expect(r.activity.get('e@x.io')?.baseline).toEqual({ quarters: ['2026-Q2'], meanCount: 2, meanRows: 50 });
    });

    it('no baseline when no earlier quarter has coverage', () => {
      load([ev({ time: '2026-05-10T00:00:00Z', kind: 'export', actor: 'e@x.io', rows: 50 })], span('2026-04-01', '2026-07-01'));
      const r = t.store.activity(query({ baselineQuarters: [{ label: '2026-Q1', ...span('2026-01-01', '2026-04-01') }] }));
      expect(r.activity.get('e@x.io')?.baseline).toBeUndefined();
    });
  });

  describe('privilege grants and security changes', () => {
    it('lists role changes to admin or owner (org or project) and security kinds in the period', () => {
      load([
        ev({ time: '2026-04-10T00:00:00Z', kind: 'role_change', actor: 'boss@x.io', targetEmail: 'a@x.io', target: 'a@x.io', role: { scope: 'org', from: 'member', to: 'admin' } }),
        ev({ time: '2026-04-11T00:00:00Z', kind: 'role_change', actor: 'boss@x.io', targetEmail: 'b@x.io', role: { scope: 'project', from: 'viewer', to: 'member' }, projectId: '5' }),
        ev({ time: '2026-04-12T00:00:00Z', kind: 'role_change', actor: 'boss@x.io', targetEmail: 'c@x.io', role: { scope: 'project', to: 'Owner' }, projectId: '5' }),
        ev({ time: '2026-03-12T00:00:00Z', kind: 'role_change', actor: 'boss@x.io', targetEmail: 'd@x.io', role: { scope: 'org', to: 'owner' } }), // before
        ev({ time: '2026-04-13T00:00:00Z', kind: 'sso_change', actor: 'boss@x.io' }),
        ev({ time: '2026-04-14T00:00:00Z', kind: 'security_change', actor: 'boss@x.io', target: 'mfa' }),
        ev({ time: '2026-04-15T00:00:00Z', kind: 'scim_change', actor: 'boss@x.io' }),
      ]);
      const r = t.store.activity(query());
      expect(r.privilegeGrants.map((g) => [g.targetEmail, g.role.to, g.projectId])).toEqual([
        ['a@x.io', 'admin', undefined],
        ['c@x.io', 'Owner', '5'],
      ]);
      expect(r.privilegeGrants[0]).toMatchObject({ actor: 'boss@x.io', time: '2026-04-10T00:00:00.000Z', role: { scope: 'org', from: 'member', to: 'admin' } });
      expect(r.securityChanges.map((s) => [s.kind, s.action, s.target])).toEqual([
        ['sso_change', 'update_sso_config', undefined],
        ['security_change', 'update_security_settings', 'mfa'],
        ['scim_change', 'regenerate_scim_key', undefined],
      ]);
      expect(r.total).toBe(6);
    });
  });
});
