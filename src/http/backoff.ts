/** Retry delays: Retry-After (seconds or HTTP date), a body's retry_after_seconds, or exponential backoff with jitter. */

/**
 * Milliseconds a `Retry-After` header asks for, or undefined when absent or unreadable.
 * Accepts delta-seconds (`120`, also fractional) and an HTTP date, read against `nowMs`.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** `retry_after_seconds` of a JSON problem body, in ms. */
export function retryAfterFromBody(body: unknown): number | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const raw = (body as Record<string, unknown>)['retry_after_seconds'] ?? (body as Record<string, unknown>)['retryAfterSeconds'];
  const n = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return undefined;
  return Math.round(n * 1000);
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of
 * many clients spread out but none retries immediately. `attempt` counts from 0.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(exp / 2 + (exp / 2) * random());
}
