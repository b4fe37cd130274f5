import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import {
  addDaysToDate,
  calendarDaysBetween,
  checkPeriod,
  daysBetween,
  daysBetweenDates,
  endOfLocalDay,
  lastCompletedQuarter,
  localDateOf,
  nextQuarter,
  parsePeriodLabel,
  previousQuarters,
  quarterOf,
  startOfLocalDay,
} from './period.js';

const BER = 'Europe/Berlin';
const NY = 'America/New_York';

describe('quarterOf', () => {
  it.each([
    // Berlin: Q1 starts in winter time (UTC+1), Q2 in summer time (UTC+2).
    ['2026-03-31T21:59:59.999Z', BER, 1, '2026-Q1', '2025-12-31T23:00:00.000Z', '2026-03-31T22:00:00.000Z'],
    ['2026-03-31T22:00:00.000Z', BER, 1, '2026-Q2', '2026-03-31T22:00:00.000Z', '2026-06-30T22:00:00.000Z'],
    ['2026-12-31T22:59:59.999Z', BER, 1, '2026-Q4', '2026-09-30T22:00:00.000Z', '2026-12-31T23:00:00.000Z'],
    ['2026-12-31T23:00:00.000Z', BER, 1, '2027-Q1', '2026-12-31T23:00:00.000Z', '2027-03-31T22:00:00.000Z'],
    // New York: Q4 starts in EDT (UTC-4) and ends in EST (UTC-5).
    ['2026-11-15T12:00:00.000Z', NY, 1, '2026-Q4', '2026-10-01T04:00:00.000Z', '2027-01-01T05:00:00.000Z'],
    ['2026-10-01T03:59:59.999Z', NY, 1, '2026-Q3', '2026-07-01T04:00:00.000Z', '2026-10-01T04:00:00.000Z'],
    // Fiscal year from April: label year = calendar year the fiscal year starts.
    ['2026-04-01T00:00:00.000Z', 'UTC', 4, '2026-Q1', '2026-04-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'],
    ['2027-02-15T12:00:00.000Z', 'UTC', 4, '2026-Q4', '2027-01-01T00:00:00.000Z', '2027-04-01T00:00:00.000Z'],
    ['2026-03-31T23:59:59.999Z', 'UTC', 4, '2025-Q4', '2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
    // Fiscal year from November: quarters straddle calendar years.
    ['2026-11-01T00:00:00.000Z', 'UTC', 11, '2026-Q1', '2026-11-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z'],
    ['2026-10-31T23:59:59.999Z', 'UTC', 11, '2025-Q4', '2026-08-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
    ['2027-01-31T12:00:00.000Z', 'UTC', 11, '2026-Q1', '2026-11-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z'],
    // Fiscal year from July in Berlin.
    ['2026-06-30T22:00:00.000Z', BER, 7, '2026-Q1', '2026-06-30T22:00:00.000Z', '2026-09-30T22:00:00.000Z'],
  ])('%s in %s (FY from month %i) is %s', (at, tz, fy, label, start, end) => {
    expect(quarterOf(at, tz, fy)).toEqual({ label, start, end });
  });

  it('refuses an unknown time zone with a hint', () => {
    expect(() => quarterOf('2026-01-01T00:00:00Z', 'Mars/Olympus')).toThrow(InputError);
  });
});

describe('parsePeriodLabel', () => {
  it('gives the same span as quarterOf, and round-trips labels', () => {
    expect(parsePeriodLabel('2026-Q2', BER)).toEqual(quarterOf('2026-05-01T00:00:00Z', BER));
    expect(parsePeriodLabel('2026-q4', 'UTC', 4)).toEqual({ label: '2026-Q4', start: '2027-01-01T00:00:00.000Z', end: '2027-04-01T00:00:00.000Z' });
    for (const label of ['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']) {
      const p = parsePeriodLabel(label, NY, 10);
      expect(quarterOf(p.start, NY, 10).label).toBe(label);
      expect(quarterOf(new Date(Date.parse(p.end) - 1), NY, 10).label).toBe(label);
    }
  });

  it.each(['2026-Q5', '2026Q3', 'Q3-2026', '26-Q1', '', '2026-Q0'])('refuses %j with a hint', (label) => {
    let err: unknown;
    try {
      parsePeriodLabel(label, 'UTC');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).hint).toBe('write a quarter as YYYY-Qn, e.g. 2026-Q3 (n from 1 to 4)');
    expect((err as InputError).where.field).toBe('period');
  });
});

describe('lastCompletedQuarter, previousQuarters, nextQuarter', () => {
  it('the last completed quarter depends on the local time', () => {
    // 2026-04-01T03:59Z is still March 31 in New York.
    expect(lastCompletedQuarter('2026-04-01T03:59:00Z', NY).label).toBe('2025-Q4');
    expect(lastCompletedQuarter('2026-04-01T04:00:00Z', NY)).toEqual({ label: '2026-Q1', start: '2026-01-01T05:00:00.000Z', end: '2026-04-01T04:00:00.000Z' });
  });

  it('previous quarters are oldest first and cross fiscal years', () => {
    expect(previousQuarters('2026-Q2', 4, 'UTC').map((q) => q.label)).toEqual(['2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1']);
    expect(previousQuarters('2026-Q1', 2, 'UTC', 4)).toEqual([
      { label: '2025-Q3', start: '2025-10-01T00:00:00.000Z', end: '2026-01-01T00:00:00.000Z' },
      { label: '2025-Q4', start: '2026-01-01T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z' },
    ]);
    expect(nextQuarter('2026-Q4', BER).label).toBe('2027-Q1');
  });
});

describe('checkPeriod', () => {
  it('runs from the start of the quarter containing `at` up to `at`', () => {
    expect(checkPeriod(new Date('2026-05-15T10:00:00Z'), BER)).toEqual({
      label: '2026-Q2',
      start: '2026-03-31T22:00:00.000Z',
      end: '2026-05-15T10:00:00.000Z',
    });
  });
});

describe('local days', () => {
  it('a spring-forward day in Berlin is 23 hours long', () => {
    expect(startOfLocalDay('2026-03-29', BER)).toBe('2026-03-28T23:00:00.000Z');
    expect(endOfLocalDay('2026-03-29', BER)).toBe('2026-03-29T22:00:00.000Z');
  });

  it('a fall-back day in New York is 25 hours long', () => {
    expect(startOfLocalDay('2026-11-01', NY)).toBe('2026-11-01T04:00:00.000Z');
    expect(endOfLocalDay('2026-11-01', NY)).toBe('2026-11-02T05:00:00.000Z');
  });

  it('localDateOf reads the date in the zone', () => {
    expect(localDateOf('2026-03-31T22:30:00Z', BER)).toBe('2026-04-01');
    expect(localDateOf('2026-03-31T22:30:00Z', NY)).toBe('2026-03-31');
  });

  it('refuses an impossible date', () => {
    expect(() => endOfLocalDay('2026-02-30', 'UTC')).toThrow(InputError);
    expect(() => startOfLocalDay('30.06.2026', 'UTC')).toThrow(InputError);
  });
});

describe('day arithmetic', () => {
  it('daysBetween counts whole 24-hour days, rounding down', () => {
    expect(daysBetween('2026-03-01T00:00:00Z', '2026-04-30T00:00:00Z')).toBe(60);
    expect(daysBetween('2026-03-01T00:00:00Z', '2026-04-29T23:59:59.999Z')).toBe(59);
    expect(daysBetween('2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z')).toBe(-1);
  });

  it('calendar days between dates ignore DST', () => {
    expect(daysBetweenDates('2026-03-01', '2026-03-31')).toBe(30);
    expect(daysBetweenDates('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetweenDates('2026-12-31', '2027-01-01')).toBe(1);
    expect(addDaysToDate('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDaysToDate('2028-02-27', 2)).toBe('2028-02-29');
  });

  it('calendarDaysBetween tolerates missing or malformed dates', () => {
    expect(calendarDaysBetween('2026-07-02', '2026-10-01')).toBe(91);
    expect(calendarDaysBetween('2026-10-01', '2026-07-02')).toBe(-91);
    expect(calendarDaysBetween(undefined, '2026-10-01')).toBeUndefined();
    expect(calendarDaysBetween('2026-02-30', '2026-10-01')).toBeUndefined();
    expect(calendarDaysBetween('2026-10-01', 'soon')).toBeUndefined();
  });
});
