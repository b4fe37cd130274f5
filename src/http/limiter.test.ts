import { describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import { createRateLimiter } from './limiter.js';
import { backoffDelay, parseRetryAfter, retryAfterFromBody } from './backoff.js';

function fakeTime(start = '2026-11-02T00:00:00.000Z') {
  const clock = manualClock(start);
  const t0 = clock.now().getTime();
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock.advance(ms);
  };
  return { clock, sleep, sleeps, elapsed: () => clock.now().getTime() - t0 };
}

describe('createRateLimiter', () => {
  it('lets N requests through per window, then waits for the oldest to leave the window (plus the margin)', async () => {
    const t = fakeTime();
    const limiter = createRateLimiter({ perMinute: 3, clock: t.clock, sleep: t.sleep, safetyMs: 250 });
    const at: number[] = [];
    for (let i = 0; i < 7; i++) {
      await limiter.acquire();
      at.push(t.elapsed());
    }
    expect(at).toEqual([0, 0, 0, 60_250, 60_250, 60_250, 120_500]);
    expect(limiter.waitedMs()).toBe(120_500);
  });

  it('keeps any 60 s window at or under the limit when requests take time', async () => {
    const t = fakeTime();
    const limiter = createRateLimiter({ perMinute: 100, clock: t.clock, sleep: t.sleep });
    const at: number[] = [];
    for (let i = 0; i < 500; i++) {
      await limiter.acquire();
      at.push(t.elapsed());
      t.clock.advance(20); // the request itself
    }
    // Sliding check: request i and i+100 are more than 60 s apart.
    for (let i = 0; i + 100 < at.length; i++) expect(at[i + 100]! - at[i]!).toBeGreaterThan(60_000);
    // And the pull runs at the limit: 500 requests are 5 windows: the 400 after the first burst take 4 minutes and a bit.
    const rate = (at.length - 100) / (at[at.length - 1]! / 60_000);
    expect(rate).toBeGreaterThan(95);
    expect(rate).toBeLessThanOrEqual(100);
  });

  it('spaces a fractional limit: 0.5 per minute is one request per 120 s', async () => {
    const t = fakeTime();
    const limiter = createRateLimiter({ perMinute: 0.5, clock: t.clock, sleep: t.sleep, safetyMs: 0 });
    await limiter.acquire();
    await limiter.acquire();
    expect(t.elapsed()).toBe(120_000);
  });

  it('serves concurrent callers one at a time without overshooting', async () => {
    const t = fakeTime();
    const limiter = createRateLimiter({ perMinute: 2, clock: t.clock, sleep: t.sleep, safetyMs: 0 });
    const at: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map(async () => {
      await limiter.acquire();
      at.push(t.elapsed());
    }));
    expect(at).toEqual([0, 0, 60_000, 60_000, 120_000]);
  });

  it('holds every request until a given time (after a 429)', async () => {
    const t = fakeTime();
    const limiter = createRateLimiter({ perMinute: 100, clock: t.clock, sleep: t.sleep });
    limiter.holdUntil(t.clock.now().getTime() + 5_000);
    await limiter.acquire();
    expect(t.elapsed()).toBe(5_000);
  });

  it('rejects a limit that is not a positive number', () => {
    expect(() => createRateLimiter({ perMinute: 0 })).toThrow(/positive/);
    expect(() => createRateLimiter({ perMinute: Number.NaN })).toThrow(/positive/);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-02T10:00:00.000Z');
  it.each([
    ['2', 2_000],
    ['0', 0],
    ['1.5', 1_500],
    [' 30 ', 30_000],
    ['Mon, 02 Nov 2026 10:00:07 GMT', 7_000],
    ['Mon, 02 Nov 2026 09:59:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ] as const)('%j → %j ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('retryAfterFromBody', () => {
  it.each([
    [{ retry_after_seconds: 3 }, 3_000],
    [{ retry_after_seconds: '4' }, 4_000],
    [{ retryAfterSeconds: 0.25 }, 250],
    [{ retry_after_seconds: -1 }, undefined],
    [{ other: 1 }, undefined],
    [null, undefined],
    ['text', undefined],
  ] as const)('%j → %j ms', (body, expected) => {
    expect(retryAfterFromBody(body)).toBe(expected);
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt, half fixed and half jitter, capped', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, 100, 1_000, () => 0))).toEqual([50, 100, 200, 400]);
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, 100, 1_000, () => 0.999999))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(10, 100, 1_000, () => 0)).toBe(500);
  });
});
