import { describe, expect, it } from 'vitest';
import { parseCron } from '../src/schedule/cron.js';
import { planCatchUp, reviewPeriodsDue } from '../src/schedule/plan.js';

const TZ = 'Europe/Berlin';
const APR1_REVIEW = new Date('2026-04-01T05:00:00Z'); // 07:00 CEST

describe('reviewPeriodsDue', () => {
  it.each([
    { name: 'the quarter after the newest pack', packs: { '2025-Q4': '/r/2025-Q4' }, want: ['2026-Q1'] },
    { name: 'every quarter after the newest pack, oldest first', packs: { '2025-Q1': 'x', '2025-Q2': 'y' }, want: ['2025-Q3', '2025-Q4', '2026-Q1'] },
    { name: 'no pack, nothing collected: the last completed quarter', packs: {}, want: ['2026-Q1'] },
    { name: 'no pack: from the quarter of the first collect', packs: {}, first: '2025-08-10T00:00:00Z', want: ['2025-Q3', '2025-Q4', '2026-Q1'] },
    { name: 'no pack, first collect after the quarter: still the last completed one', packs: {}, first: '2026-04-01T01:00:00Z', want: ['2026-Q1'] },
  ])('$name', ({ packs, first, want }) => {
    const plan = reviewPeriodsDue({
      ref: APR1_REVIEW,
      timeZone: TZ,
      fiscalYearStartMonth: 1,
      packs: new Map(Object.entries(packs)),
      ...(first ? { firstCollectAt: new Date(first) } : {}),
    });
    expect(plan).toEqual({ due: want });
  });

  it('a quarter that ended before ampaudit first collected was never missed', () => {
    // Started mid-Q1 (the Q4 review slot of Jan 1 had passed long before): nothing to catch up.
    expect(reviewPeriodsDue({ ref: new Date('2026-01-01T06:00:00Z'), timeZone: TZ, fiscalYearStartMonth: 1, packs: new Map(), firstCollectAt: new Date('2026-02-10T00:00:00Z') })).toEqual({ due: [] });
  });

  it('skips, with the reason, a period that has a pack', () => {
    expect(reviewPeriodsDue({ ref: APR1_REVIEW, timeZone: TZ, fiscalYearStartMonth: 1, packs: new Map([['2026-Q1', '/r/acme/2026-Q1']]) })).toEqual({
      due: [],
      reason: '2026-Q1 already has a pack (/r/acme/2026-Q1); a period is reviewed once',
    });
    expect(reviewPeriodsDue({ ref: APR1_REVIEW, timeZone: TZ, fiscalYearStartMonth: 1, packs: new Map([['2026-Q2', 'x']]) })).toEqual({
      due: [],
      reason: 'the archive already holds a later period (2026-Q2) than 2026-Q1',
    });
  });

  it('labels fiscal quarters (year from April: January-March 2026 is 2025-Q4)', () => {
    expect(reviewPeriodsDue({ ref: APR1_REVIEW, timeZone: TZ, fiscalYearStartMonth: 4, packs: new Map([['2025-Q3', 'x']]) })).toEqual({ due: ['2025-Q4'] });
  });

  it('uses local quarter boundaries: 00:30 on April 1 in Berlin is already Q2', () => {
    // 2026-03-31T22:30Z is 00:30 CEST on April 1.
    expect(reviewPeriodsDue({ ref: new Date('2026-03-31T22:30:00Z'), timeZone: TZ, fiscalYearStartMonth: 1, packs: new Map() })).toEqual({ due: ['2026-Q1'] });
    expect(reviewPeriodsDue({ ref: new Date('2026-03-31T22:30:00Z'), timeZone: 'UTC', fiscalYearStartMonth: 1, packs: new Map() })).toEqual({ due: ['2025-Q4'] });
  });
});

describe('planCatchUp', () => {
  const schedules = {
    collect: parseCron('0 2 * * *'),
    dormancyNotice: parseCron('0 8 1 * *'),
    review: parseCron('0 7 1 1,4,7,10 *'),
  };
  const base = { timeZone: TZ, fiscalYearStartMonth: 1, schedules };

  it('after three weeks down across a quarter end: collect, the missed quarter, one dormancy notice', () => {
    const plan = planCatchUp({
      ...base,
      now: new Date('2026-04-10T10:00:00Z'),
      lastDone: { collect: new Date('2026-03-20T01:00:00Z'), dormancyNotice: new Date('2026-03-01T07:00:00Z') },
      firstCollectAt: new Date('2026-01-05T01:00:00Z'),
      packs: new Map([['2025-Q4', 'x']]),
    });
    expect(plan).toEqual({
      collect: 'no collect since the slot at 2026-04-10T00:00:00.000Z (last: 2026-03-20T01:00:00.000Z)',
      dormancyNotice: 'no dormancy notice since the slot at 2026-04-01T06:00:00.000Z (last: 2026-03-01T07:00:00.000Z)',
      reviews: ['2026-Q1'],
    });
  });

  it('nothing missed after a restart that lost no slot', () => {
    const plan = planCatchUp({
      ...base,
      now: new Date('2026-04-10T10:00:00Z'),
      lastDone: { collect: new Date('2026-04-10T00:00:02Z'), dormancyNotice: new Date('2026-04-01T06:00:01Z') },
      firstCollectAt: new Date('2026-01-05T01:00:00Z'),
      packs: new Map([['2026-Q1', '/r/2026-Q1']]),
    });
    expect(plan).toEqual({ reviews: [], reviewNote: '2026-Q1 already has a pack (/r/2026-Q1); a period is reviewed once' });
  });

  it('a start before the 07:00 review slot of the first day leaves that review to the schedule', () => {
    const plan = planCatchUp({
      ...base,
      now: new Date('2026-03-31T23:00:00Z'), // 01:00 CEST, April 1
      lastDone: { collect: new Date('2026-03-31T00:00:01Z'), dormancyNotice: new Date('2026-03-01T07:00:00Z') },
      firstCollectAt: new Date('2026-01-05T01:00:00Z'),
      packs: new Map([['2025-Q4', 'x']]),
    });
    expect(plan).toEqual({ reviews: [], reviewNote: '2025-Q4 already has a pack (x); a period is reviewed once' });
  });

  it('a fresh store: collect, review the last completed quarter, no dormancy notice for a month it did not exist', () => {
    const plan = planCatchUp({ ...base, now: new Date('2026-04-10T10:00:00Z'), lastDone: {}, packs: new Map() });
    expect(plan).toEqual({ collect: 'no collect since the slot at 2026-04-10T00:00:00.000Z (last: never)', reviews: ['2026-Q1'] });
  });

  it('alerts on their own schedule are caught up once', () => {
    const plan = planCatchUp({
      ...base,
      schedules: { ...schedules, alerts: parseCron('0 */6 * * *') },
      now: new Date('2026-04-10T10:00:00Z'),
      lastDone: { collect: new Date('2026-04-10T00:00:02Z'), alerts: new Date('2026-04-09T22:00:00Z'), dormancyNotice: new Date('2026-04-01T06:00:01Z') },
      firstCollectAt: new Date('2026-01-05T01:00:00Z'),
      packs: new Map([['2026-Q1', 'x']]),
    });
    // 12:00 CEST is 10:00Z, exactly now: a slot at the start instant counts as passed.
    expect(plan.alerts).toBe('no alerts run since the slot at 2026-04-10T10:00:00.000Z (last: 2026-04-09T22:00:00.000Z)');
    expect(plan.collect).toBeUndefined();
  });
});
