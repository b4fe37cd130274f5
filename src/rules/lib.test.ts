import { describe, expect, it } from 'vitest';
import {
  datePassed,
  daysBetween,
  daysUntil,
  inactivityOf,
  isActiveMember,
  isPresentMember,
  localDate,
  localDateTime,
  localDayEnd,
  localDayStart,
  periodEventGap,
  registerEntry,
  scopeCovers,
  type AccessTarget,
} from './lib.js';
import { daysAgo, scopeOf, snapshotOf } from './testing.js';

const snap = snapshotOf({
  projects: [
    { id: '101', name: 'Web Production' },
    { id: '102', name: 'Staging' },
  ],
  members: [
    'ann@acme.example',
    { email: 'inv@acme.example', status: 'invited' },
    { email: 'off@acme.example', status: 'deactivated' },
    { email: 'scim@acme.example', status: null },
    { email: 'gone@acme.example', status: null, scimActive: false },
    { email: 'um@acme.example', status: null, scimActive: null, orgRole: null, seenIn: ['user-management'] },
    { email: 'reg@acme.example', status: null, scimActive: null, orgRole: null, seenIn: ['register'] },
  ],
  register: [{ email: 'Ann@Acme.Example', scope: 'org:admin;Web Production:manager' }],
});

describe('rules lib', () => {
  it.each([
    ['ann@acme.example', true, true],
    ['inv@acme.example', false, true],
    ['off@acme.example', false, false],
    ['scim@acme.example', true, true],
    ['gone@acme.example', false, false],
    ['um@acme.example', true, true],
    ['reg@acme.example', false, false],
  ])('%s: active %s, present %s', (email, active, present) => {
    const m = snap.members.find((x) => x.email === email)!;
    expect(isActiveMember(m)).toBe(active);
    expect(isPresentMember(m)).toBe(present);
  });

  it('finds register entries case-insensitively', () => {
    expect(registerEntry(snap, 'ANN@acme.example')?.line).toBe(2);
    expect(registerEntry(snap, 'bob@acme.example')).toBeUndefined();
  });

  it.each<[string, AccessTarget, string | undefined]>([
    ['org:admin', { kind: 'org', role: 'admin' }, 'org:admin'],
    ['org:admin', { kind: 'org', role: 'owner' }, undefined],
    ['org:owner', { kind: 'org', role: 'admin' }, 'org:owner'],
    ['101:admin', { kind: 'project', projectId: '101', role: 'admin' }, '101:admin'],
    ['web production:admin', { kind: 'project', projectId: '101', role: 'admin' }, 'web production:admin'],
    ['*:admin', { kind: 'project', projectId: '102', role: 'manager' }, '*:admin'],
    ['101:manager', { kind: 'project', projectId: '101', role: 'admin' }, undefined],
    ['102:admin', { kind: 'project', projectId: '101', role: 'admin' }, undefined],
    ['101:admin', { kind: 'org', role: 'admin' }, undefined],
    ['101:data steward', { kind: 'project', projectId: '101', role: 'Data Steward' }, '101:data steward'],
  ])('scope %s covers %j → %s', (scope, target, hit) => {
    const item = scopeCovers(snap, scopeOf(scope), target);
    expect(item ? `${item.project}:${item.role}` : undefined).toBe(hit);
  });

  it('local dates and day ends follow the configured zone, across DST', () => {
    expect(localDate('2026-10-24T22:30:00.000Z', 'Europe/Berlin')).toBe('2026-10-25');
    expect(localDayStart('2026-10-25', 'Europe/Berlin')).toBe('2026-10-24T22:00:00.000Z');
    // 25 October 2026 has 25 hours in Berlin (summer time ends).
    expect(localDayEnd('2026-10-25', 'Europe/Berlin')).toBe('2026-10-25T23:00:00.000Z');
    expect(datePassed('2026-10-25', '2026-10-25T22:59:59.999Z', 'Europe/Berlin')).toBe(false);
    expect(datePassed('2026-10-25', '2026-10-25T23:00:00.000Z', 'Europe/Berlin')).toBe(true);
    expect(daysUntil('2026-11-25', '2026-11-11T10:00:00.000Z', 'UTC')).toBe(14);
    expect(localDateTime('2026-10-05T14:03:00.000Z', 'Europe/Berlin')).toBe('2026-10-05 16:03');
  });

  it('counts calendar days, not 24-hour periods', () => {
    expect(daysBetween('2026-09-12T23:59:00.000Z', '2026-11-11T00:01:00.000Z', 'UTC')).toBe(60);
    expect(daysBetween('2026-03-28T12:00:00.000Z', '2026-03-30T12:00:00.000Z', 'Europe/Berlin')).toBe(2);
    expect(daysBetween('2026-11-11T10:00:00.000Z', '2026-11-11T10:00:00.000Z', 'Asia/Kathmandu')).toBe(0);
  });

  it('inactivity bounds: exact inside coverage, a range before it, open without coverage', () => {
    const s = (coverageSince: string | null, activity = {}) => snapshotOf({ members: ['a@x.example'], coverageSince, activity: { 'a@x.example': activity } });
    const m = (x: ReturnType<typeof s>) => x.members[0]!;
    let x = s(daysAgo(90), { lastLogin: daysAgo(10) });
    expect(inactivityOf(x, m(x))).toMatchObject({ lo: 10, hi: 10, basis: 'login' });
    x = s(daysAgo(40), { lastLogin: daysAgo(70) });
    expect(inactivityOf(x, m(x))).toMatchObject({ lo: 40, hi: 70, basis: 'coverage' });
    x = s(daysAgo(40), { invitedAt: daysAgo(20) });
    expect(inactivityOf(x, m(x))).toMatchObject({ lo: 20, hi: 20, basis: 'invite' });
    x = s(null, { lastLogin: daysAgo(5) });
    expect(inactivityOf(x, m(x))).toMatchObject({ lo: 0, hi: 5, basis: 'none' });
    x = s(null);
    expect(inactivityOf(x, m(x))).toMatchObject({ lo: 0, hi: Infinity, basis: 'none' });
  });

  it('names a gap by its dates, or by date and times when it lies within one day', () => {
    const base = snapshotOf({ at: '2026-11-25T18:40:00.000Z', timezone: 'Europe/Berlin' });
    const withGaps = (gaps: { from: string; to: string }[]) => ({ ...base, coverage: { ...base.coverage, periodGaps: gaps } });
    expect(periodEventGap(withGaps([]))).toBeUndefined();
    expect(periodEventGap(withGaps([{ from: '2026-10-01T00:00:00.000Z', to: '2026-10-22T00:00:00.000Z' }]))).toBe(
      'the evidence store has no audit log for 2026-10-01 to 2026-10-22 of the period 2026-Q4',
    );
    expect(periodEventGap(withGaps([{ from: '2026-11-25T06:00:00.000Z', to: '2026-11-25T18:40:00.000Z' }]))).toBe(
      'the evidence store has no audit log for 2026-11-25 07:00 to 19:40 of the period 2026-Q4',
    );
  });
});
