import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { checkPeriod } from '../../period.js';
import { parseAt } from './check.js';

describe('check --at', () => {
  it.each([
    // A date is the last moment of that day in the configured zone, not in UTC.
    ['2026-09-30', 'Europe/Berlin', '2026-09-30T21:59:59.999Z'],
    ['2026-09-30', 'America/Los_Angeles', '2026-10-01T06:59:59.999Z'],
    ['2026-09-30', 'UTC', '2026-09-30T23:59:59.999Z'],
    // A date-time without an offset is local time in the configured zone (not the machine's).
    ['2026-09-30T12:00', 'Europe/Berlin', '2026-09-30T10:00:00.000Z'],
    ['2026-09-30T12:00:05.5', 'UTC', '2026-09-30T12:00:05.500Z'],
    ['2026-09-30T12:00:05.123456Z', 'Europe/Berlin', '2026-09-30T12:00:05.123Z'],
    // An explicit offset wins.
    ['2026-09-30T12:00:00Z', 'Europe/Berlin', '2026-09-30T12:00:00.000Z'],
    ['2026-09-30T12:00:00+0200', 'UTC', '2026-09-30T10:00:00.000Z'],
  ])('%s in %s is %s', (input, tz, want) => {
    expect(parseAt(input, tz).toISOString()).toBe(want);
  });

  it('a date evaluates the quarter it belongs to in the configured zone', () => {
    expect(checkPeriod(parseAt('2026-09-30', 'Europe/Berlin'), 'Europe/Berlin').label).toBe('2026-Q3');
  });

  it.each(['2026-02-30', '30.09.2026', '2026-09-30T24:00', 'yesterday', '2026-09-30Z'])('%s is bad input naming --at', (input) => {
    let err: unknown;
    try {
      parseAt(input, 'UTC');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).where.field).toBe('--at');
  });
});
