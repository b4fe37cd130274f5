import { describe, expect, it } from 'vitest';
import { keyAgeDays } from './keys.js';

describe('keyAgeDays', () => {
  it.each([
    // A review evaluates at the quarter end, local midnight: 2026-10-01 00:00 in Berlin is 2026-09-30T22:00Z.
    // The age counts to the local date 2026-10-01, as key-rotation-overdue and api-keys.csv do (not to the UTC date).
    [{ rotatedOn: '2026-07-02' }, '2026-09-30T22:00:00.000Z', 'Europe/Berlin', 91],
    [{ rotatedOn: '2026-07-02' }, '2026-09-30T22:00:00.000Z', 'UTC', 90],
    [{ rotatedOn: '2026-07-02' }, '2026-10-01T06:59:59.999Z', 'America/Los_Angeles', 90],
    [{ createdOn: '2026-01-01' }, '2026-01-01T12:00:00.000Z', 'UTC', 0],
    [{ createdOn: '2025-01-01', rotatedOn: '2026-09-01' }, '2026-09-30T22:00:00.000Z', 'Europe/Berlin', 30],
    [{}, '2026-09-30T22:00:00.000Z', 'Europe/Berlin', undefined],
  ])('%j at %s in %s is %s days', (key, at, tz, want) => {
    expect(keyAgeDays(key, at, tz)).toBe(want);
  });
});
