/**
 * Client-side rate limiter: a sliding log of the last N send times. At most N requests are sent
 * in any window of `windowMs` (plus a small safety margin), so a server that counts requests in
 * fixed minutes, in a sliding minute, or with a token bucket of N never sees more than its limit,
 * while a long pull still runs at ~99% of the allowed rate.
 */
import { systemClock, type Clock } from '../clock.js';
import type { RateLimiter, Sleep } from './types.js';

export interface RateLimiterOptions {
  /** Requests per minute (may be fractional). */
  readonly perMinute: number;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /**
   * Added to the window before the oldest send time counts as expired. Covers the difference
   * in network delay between two requests N apart (a server counts arrivals, we count sends).
   * Default: 0.4% of the window, at least 50 ms.
   */
  readonly safetyMs?: number;
}

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { perMinute } = options;
  if (!(perMinute > 0) || !Number.isFinite(perMinute)) throw new RangeError(`rate limit must be a positive number per minute, got ${perMinute}`);
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  // Whole requests per window: 100/min → 100 per 60 s; 0.5/min → 1 per 120 s.
  const capacity = Math.max(1, Math.floor(perMinute));
  const windowMs = (capacity / perMinute) * 60_000;
  const safetyMs = options.safetyMs ?? Math.max(50, windowMs * 0.004);

  // Ring buffer of the last `capacity` send times.
  const sent: number[] = [];
  let head = 0;
  let holdUntil = 0;
  let waited = 0;
  // Callers are served one at a time so that concurrent acquires cannot overshoot.
  let queue: Promise<void> = Promise.resolve();

  async function take(): Promise<void> {
    for (;;) {
      const now = clock.now().getTime();
      let readyAt = holdUntil;
      if (sent.length === capacity) readyAt = Math.max(readyAt, sent[head]! + windowMs + safetyMs);
      if (now >= readyAt) {
        if (sent.length < capacity) sent.push(now);
        else {
          sent[head] = now;
          head = (head + 1) % capacity;
        }
        return;
      }
      const wait = readyAt - now;
      waited += wait;
      await sleep(wait);
    }
  }

  return {
    perMinute,
    acquire() {
      const next = queue.then(take);
      queue = next.catch(() => undefined);
      return next;
    },
    holdUntil(untilMs: number) {
      if (untilMs > holdUntil) holdUntil = untilMs;
    },
    waitedMs: () => waited,
  };
}
