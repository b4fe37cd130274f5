import { describe, expect, it } from 'vitest';
import { alertWindow } from './run.js';

describe('alertWindow', () => {
  const now = new Date('2026-08-15T12:00:00.000Z');
  it.each([
    ['first run: the last 24 hours', undefined, 6, { from: '2026-08-14T12:00:00.000Z', to: '2026-08-15T12:00:00.000Z' }, true],
    ['since the last run, minus the collect overlap', '2026-08-15T02:00:00.000Z', 6, { from: '2026-08-14T20:00:00.000Z', to: '2026-08-15T12:00:00.000Z' }, false],
    ['no overlap configured', '2026-08-15T02:00:00.000Z', 0, { from: '2026-08-15T02:00:00.000Z', to: '2026-08-15T12:00:00.000Z' }, false],
    ['a cursor in the future (clock set back) leaves no blind spot', '2026-08-16T00:00:00.000Z', 6, { from: '2026-08-15T06:00:00.000Z', to: '2026-08-15T12:00:00.000Z' }, false],
    ['a long outage: everything since the last run', '2026-08-01T12:00:00.000Z', 6, { from: '2026-08-01T06:00:00.000Z', to: '2026-08-15T12:00:00.000Z' }, false],
  ])('%s', (_name, cursor, overlap, window, firstRun) => {
    expect(alertWindow(cursor, now, overlap)).toEqual({ window, firstRun });
  });
});
