/**
 * The collect-efficiency figures, from the times the server received each request.
 *
 * A client-side limiter that allows R requests in any 60 s (a sliding window) sends R requests
 * as fast as the latency allows, then waits until the first of them is 60 s old: the traffic is
 * bursts of R, one per minute. Requests ÷ elapsed over a short run therefore overstates the rate
 * (the first burst is "free"), by up to R requests. The figure is measured over whole blocks of
 * R accepted requests instead, which is exact for bursty and for evenly spaced traffic alike:
 *
 *   k = ⌊(M − 1) ÷ R⌋,  achieved rate = k·R ÷ (t[k·R + 1] − t[1])   (per minute)
 *
 * where t[1..M] are the arrival times of the M requests the server accepted (not answered 429).
 * It needs M > R. `plainPerMinute` (= (M − 1) ÷ (t[M] − t[1])) is reported beside it.
 */

export interface Arrival {
  /** ms, monotonic. */
  readonly t: number;
  readonly status: number;
}

export interface RateFigures {
  readonly requests: number;
  readonly accepted: number;
  readonly answered429: number;
  readonly limitPerMinute: number;
  /** Whole blocks of R accepted requests measured (k); 0 = too few requests for the figure. */
  readonly blocks: number;
  /** Achieved rate over whole blocks, per minute (undefined when blocks = 0). */
  readonly perMinute?: number;
  /** perMinute ÷ limit. */
  readonly ratio?: number;
  readonly plainPerMinute?: number;
  /** First to last arrival, ms. */
  readonly spanMs: number;
}

export function rateFigures(arrivals: readonly Arrival[], limitPerMinute: number): RateFigures {
  const sorted = [...arrivals].sort((a, b) => a.t - b.t);
  const ok = sorted.filter((a) => a.status !== 429).map((a) => a.t);
  const r = Math.max(1, Math.floor(limitPerMinute));
  const m = ok.length;
  const k = m > 0 ? Math.floor((m - 1) / r) : 0;
  const first = ok[0] ?? 0;
  const base = {
    requests: sorted.length,
    accepted: m,
    answered429: sorted.length - m,
    limitPerMinute,
    blocks: k,
    spanMs: m > 0 ? (ok[m - 1] as number) - first : 0,
  };
  const plain = m > 1 && base.spanMs > 0 ? ((m - 1) / base.spanMs) * 60_000 : undefined;
  if (k === 0) return { ...base, ...(plain !== undefined ? { plainPerMinute: plain } : {}) };
  const end = ok[k * r] as number;
  const perMinute = ((k * r) / (end - first)) * 60_000;
  return { ...base, perMinute, ratio: perMinute / limitPerMinute, ...(plain !== undefined ? { plainPerMinute: plain } : {}) };
}
