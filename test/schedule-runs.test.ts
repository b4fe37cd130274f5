import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDuration, formatLocalTime, formatRuns, runsText } from '../src/schedule/runs.js';
import { openStore } from '../src/store/sqlite.js';

describe('ampaudit runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ampaudit-schedule-runs-'));
  const store = openStore(join(dir, 'evidence.db'));
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists id, kind, local start, duration, outcome and error or summary, newest first', () => {
    const t = (iso: string) => new Date(iso);
    const c = store.startRun('collect', t('2026-03-29T01:00:00Z'));
    store.finishRun(c, t('2026-03-29T01:03:05Z'), 'partial', { error: 'scim: HTTP 503\nretry later', summary: { sources: [] } });
    const r = store.startRun('review', t('2026-04-01T05:00:00Z'));
    store.finishRun(r, t('2026-04-01T05:00:00.400Z'), 'ok', { summary: { skipped: '2026-Q1 already has a pack (/r/2026-Q1); a period is reviewed once', trigger: 'schedule' } });
    const d = store.startRun('deliver', t('2026-04-01T05:01:00Z'));
    store.finishRun(d, t('2026-04-01T07:08:00Z'), 'ok', { summary: { text: 'sent 2 messages', trigger: 'after-mail' } });
    store.startRun('catch-up', t('2026-04-01T08:00:00Z'));

    expect(runsText(store, { timeZone: 'Europe/Berlin', now: t('2026-04-01T08:00:30Z') })).toBe(
      [
        'ID  KIND      STARTED                     DURATION    OUTCOME  ERROR / SUMMARY',
        '4   catch-up  2026-04-01 10:00:00 +02:00  30.0 s      running',
        '3   deliver   2026-04-01 07:01:00 +02:00  2 h 07 min  ok       sent 2 messages',
        '2   review    2026-04-01 07:00:00 +02:00  0.4 s       skipped  skipped: 2026-Q1 already has a pack (/r/2026-Q1); a period is reviewed once',
        '1   collect   2026-03-29 03:00:00 +02:00  3 min 05 s  partial  scim: HTTP 503 retry later',
      ].join('\n'),
    );
    expect(runsText(store, { timeZone: 'UTC', kind: 'collect', limit: 5 })).toBe(
      ['ID  KIND     STARTED                     DURATION    OUTCOME  ERROR / SUMMARY', '1   collect  2026-03-29 01:00:00 +00:00  3 min 05 s  partial  scim: HTTP 503 retry later'].join('\n'),
    );
  });

  it('says so when there are none, and cuts long cells', () => {
    expect(formatRuns([], { timeZone: 'UTC' })).toBe('no runs recorded yet');
    const line = formatRuns([{ id: 1, kind: 'collect', startedAt: '2026-01-01T00:00:00.000Z', outcome: 'failed', error: 'x'.repeat(300) }], { timeZone: 'UTC', width: 10 });
    expect(line.split('\n')[1]).toBe('1   collect  2026-01-01 00:00:00 +00:00  -         failed   xxxxxxxxx…');
  });

  it.each([
    [400, '0.4 s'],
    [59_949, '59.9 s'],
    [60_000, '1 min 00 s'],
    [3_599_000, '59 min 59 s'],
    [3_600_000, '1 h 00 min'],
  ])('formatDuration(%i) = %s', (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });

  it('formats times in the zone with the offset of that moment', () => {
    expect(formatLocalTime('2026-10-25T00:30:00Z', 'Europe/Berlin')).toBe('2026-10-25 02:30:00 +02:00');
    expect(formatLocalTime('2026-10-25T01:30:00Z', 'Europe/Berlin')).toBe('2026-10-25 02:30:00 +01:00');
    expect(formatLocalTime('2026-07-01T12:00:00Z', 'Asia/Kolkata')).toBe('2026-07-01 17:30:00 +05:30');
  });
});
