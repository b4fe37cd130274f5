import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { InputError } from '../src/errors.js';
import { scheduleSpecOf } from '../src/schedule/config.js';
import { CronSyntaxError, nextRuns, parseCron, previousRun } from '../src/schedule/cron.js';
import { formatLocalTime } from '../src/schedule/runs.js';

const local = (ds: Date[], tz: string): string[] => ds.map((d) => formatLocalTime(d.toISOString(), tz));

describe('nextRuns across daylight-saving changes (wall-clock times)', () => {
  it.each([
    {
      name: 'Berlin spring forward: a 02:30 job runs at 03:00 on the day 02:30 does not exist',
      expr: '30 2 * * *',
      tz: 'Europe/Berlin',
      after: '2026-03-27T12:00:00Z',
      want: ['2026-03-28 02:30:00 +01:00', '2026-03-29 03:00:00 +02:00', '2026-03-30 02:30:00 +02:00'],
    },
    {
      name: 'Berlin fall back: a 02:30 job runs once, in the first 02:30',
      expr: '30 2 * * *',
      tz: 'Europe/Berlin',
      after: '2026-10-24T12:00:00Z',
      want: ['2026-10-25 02:30:00 +02:00', '2026-10-26 02:30:00 +01:00', '2026-10-27 02:30:00 +01:00'],
    },
    {
      name: 'New York spring forward (2026-03-08)',
      expr: '30 2 * * *',
      tz: 'America/New_York',
      after: '2026-03-07T12:00:00Z',
      want: ['2026-03-08 03:00:00 -04:00', '2026-03-09 02:30:00 -04:00'],
    },
    {
      name: 'New York fall back (2026-11-01): 01:30 once, in EDT',
      expr: '30 1 * * *',
      tz: 'America/New_York',
      after: '2026-10-31T12:00:00Z',
      want: ['2026-11-01 01:30:00 -04:00', '2026-11-02 01:30:00 -05:00'],
    },
    {
      name: 'a wildcard-hour job runs in both copies of the repeated hour',
      expr: '0,30 * * * *',
      tz: 'Europe/Berlin',
      after: '2026-10-24T23:45:00Z',
      want: ['2026-10-25 02:00:00 +02:00', '2026-10-25 02:30:00 +02:00', '2026-10-25 02:00:00 +01:00', '2026-10-25 02:30:00 +01:00', '2026-10-25 03:00:00 +01:00'],
    },
    {
      name: 'a wildcard-hour job has no runs in the skipped hour',
      expr: '0,30 * * * *',
      tz: 'Europe/Berlin',
      after: '2026-03-29T00:15:00Z',
      want: ['2026-03-29 01:30:00 +01:00', '2026-03-29 03:00:00 +02:00', '2026-03-29 03:30:00 +02:00'],
    },
    {
      name: 'the quarterly review: 07:00 local on Jan/Apr/Jul/Oct 1, whatever the offset',
      expr: '0 7 1 1,4,7,10 *',
      tz: 'Europe/Berlin',
      after: '2026-01-01T00:00:00Z',
      want: ['2026-01-01 07:00:00 +01:00', '2026-04-01 07:00:00 +02:00', '2026-07-01 07:00:00 +02:00', '2026-10-01 07:00:00 +02:00', '2027-01-01 07:00:00 +01:00'],
    },
  ])('$name', ({ expr, tz, after, want }) => {
    expect(local(nextRuns(expr, tz, new Date(after), want.length), tz)).toEqual(want);
  });

  it('gives UTC instants one hour apart around the spring gap for the quarterly review', () => {
    expect(nextRuns('0 7 1 1,4 *', 'Europe/Berlin', new Date('2026-01-01T00:00:00Z'), 2).map((d) => d.toISOString())).toEqual([
      '2026-01-01T06:00:00.000Z',
      '2026-04-01T05:00:00.000Z',
    ]);
  });

  it('is strictly after `after`', () => {
    expect(nextRuns('0 2 * * *', 'UTC', new Date('2026-05-01T02:00:00Z'), 1)[0]?.toISOString()).toBe('2026-05-02T02:00:00.000Z');
  });
});

describe('previousRun', () => {
  it.each([
    { at: '2026-05-01T02:00:00Z', want: '2026-05-01T02:00:00.000Z', why: 'inclusive' },
    { at: '2026-05-01T01:59:59Z', want: '2026-04-30T02:00:00.000Z', why: 'before the slot' },
  ])('daily, $why', ({ at, want }) => {
    expect(previousRun('0 2 * * *', 'UTC', new Date(at))?.toISOString()).toBe(want);
  });

  it('on the spring-forward day finds the 03:00 replacement run', () => {
    expect(previousRun('30 2 * * *', 'Europe/Berlin', new Date('2026-03-29T05:00:00Z'))?.toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });

  it('finds the last quarterly slot', () => {
    expect(previousRun('0 7 1 1,4,7,10 *', 'Europe/Berlin', new Date('2026-06-15T12:00:00Z'))?.toISOString()).toBe('2026-04-01T05:00:00.000Z');
  });
});

describe('parseCron', () => {
  it('reads names, ranges, steps and Sunday as 7', () => {
    const s = parseCron('*/20 9-17/4 * JAN,jul mon-fri');
    expect(s.minutes).toEqual([0, 20, 40]);
    expect(s.hours).toEqual([9, 13, 17]);
    expect([...s.months].sort((a, b) => a - b)).toEqual([1, 7]);
    expect([...s.daysOfWeek].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(s.fixedTime).toBe(false);
    expect([...parseCron('0 0 * * 7').daysOfWeek]).toEqual([0]);
    expect(parseCron('5/15 2 * * *').minutes).toEqual([5, 20, 35, 50]);
    expect(parseCron('30 2 * * *').fixedTime).toBe(true);
  });

  it('matches either day field when both are restricted (Vixie cron)', () => {
    // The 1st of the month or any Monday, in June 2026 (June 1 is a Monday).
    expect(nextRuns('0 0 1 * 1', 'UTC', new Date('2026-05-31T00:00:00Z'), 3).map((d) => d.toISOString().slice(0, 10))).toEqual(['2026-06-01', '2026-06-08', '2026-06-15']);
    // Day of month only, weekday `*`: both must match, i.e. the 13th.
    expect(nextRuns('0 0 13 * *', 'UTC', new Date('2026-05-31T00:00:00Z'), 1)[0]?.toISOString().slice(0, 10)).toBe('2026-06-13');
  });

  it.each([
    ['0 2 * *', 'expected 5 fields (minute hour day-of-month month day-of-week), got 4'],
    ['0 0 2 * * *', 'expected 5 fields (minute hour day-of-month month day-of-week), got 6'],
    ['60 2 * * *', 'minute: 60 is outside 0-59'],
    ['0 2 * * 8', 'day of week: 8 is outside 0-7'],
    ['0 5-2 * * *', 'hour: range "5-2" runs backwards'],
    ['*/0 * * * *', 'minute: step "0" must be a whole number of at least 1'],
    ['0 2 * foo *', 'month: "foo" is not a number or a name'],
    ['0 2 1,,2 * *', 'day of month: empty list item in "1,,2"'],
    ['0 0 31 2,4 *', 'no day ever matches (day of month does not exist in the given months)'],
  ])('rejects %j', (expr, message) => {
    expect(() => parseCron(expr)).toThrow(new CronSyntaxError(message));
  });
});

describe('scheduleSpecOf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ampaudit-schedule-cron-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names schedule.<job>, the file and the line of every bad expression', () => {
    writeFileSync(
      join(dir, 'ampaudit.config.yaml'),
      ['org: { id: 1, name: Acme }', 'timezone: Europe/Berlin', 'policy: {}', 'schedule:', '  collect: "0 2 * *"', '  review: "0 7 31 2 *"', ''].join('\n'),
    );
    const config = loadConfig({ path: 'ampaudit.config.yaml', env: {}, cwd: dir });
    let err: unknown;
    try {
      scheduleSpecOf(config);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.where).toMatchObject({ file: join(dir, 'ampaudit.config.yaml'), line: 5, field: 'schedule.collect' });
    expect(e.problem).toBe('"0 2 * *" is not a usable cron expression: expected 5 fields (minute hour day-of-month month day-of-week), got 4');
    expect(e.more.map((m) => [m.where.field, m.where.line, m.problem])).toEqual([
      ['schedule.review', 6, '"0 7 31 2 *" is not a usable cron expression: no day ever matches (day of month does not exist in the given months)'],
    ]);
  });

  it('accepts the defaults', () => {
    writeFileSync(join(dir, 'ampaudit.config.yaml'), 'org: { id: 1, name: Acme }\ntimezone: Europe/Berlin\npolicy: {}\n');
    const spec = scheduleSpecOf(loadConfig({ path: 'ampaudit.config.yaml', env: {}, cwd: dir }));
    expect([spec.timeZone, spec.collect.source, spec.alerts, spec.dormancyNotice.source, spec.review.source]).toEqual([
      'Europe/Berlin',
      '0 2 * * *',
      undefined,
      '0 8 1 * *',
      '0 7 1 1,4,7,10 *',
    ]);
  });
});
