/**
 * Server-side rate limit: a FIXED window of one minute per API, counted in real (monotonic)
 * time, not in the simulator's clock: the limit is about how fast a client calls, and tests
 * that freeze the simulated date must still see the window reset.
 *
 * The window starts with the first request after the previous one ended. A request over the
 * limit is refused (and not counted); Retry-After is the whole seconds until the window ends.
 */

export interface RateLimiter {
  /** undefined = allowed; otherwise seconds until the window resets (at least 1). */
  check(): number | undefined;
}

export function fixedWindowLimiter(perMinute: number | undefined, now: () => number): RateLimiter {
  if (perMinute === undefined || !Number.isFinite(perMinute) || perMinute <= 0) return { check: () => undefined };
  const limit = Math.floor(perMinute);
  let windowStart = -Infinity;
  let used = 0;
  return {
    check() {
      const t = now();
      if (t - windowStart >= 60_000) {
        windowStart = t;
        used = 0;
      }
      if (used < limit) {
        used++;
        return undefined;
      }
      return Math.max(1, Math.ceil((windowStart + 60_000 - t) / 1000));
    },
  };
}
