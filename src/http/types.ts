/** Types of the shared HTTP client used by the Amplitude connectors. */
import type { Clock } from '../clock.js';

export type Sleep = (ms: number) => Promise<void>;

export type HttpAuth =
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'none' };

/** The subset of pino's API the client uses; fields never contain headers or credentials. */
export interface HttpLogger {
  warn(fields: Record<string, unknown>, msg: string): void;
  debug?(fields: Record<string, unknown>, msg: string): void;
}

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface HttpStats {
  /** Requests sent (every attempt, retries included). */
  requests: number;
  retries: number;
  /** Responses with status 429 (or a problem body with error_code rate_limited). */
  answered429: number;
  serverErrors: number;
  networkErrors: number;
  /** Truncated or unparsable JSON bodies. */
  protocolErrors: number;
  /** Time spent waiting for the client-side rate limiter. */
  limiterWaitMs: number;
  /** Time spent sleeping between retries. */
  backoffMs: number;
}

export interface RateLimiter {
  /** Requests per minute this limiter allows. */
  readonly perMinute: number;
  /** Resolves when one more request may be sent now, and counts it as sent. */
  acquire(): Promise<void>;
  /** No request is let through before `untilMs` (epoch ms), e.g. after a 429 with Retry-After. */
  holdUntil(untilMs: number): void;
  /** Total time acquire() callers waited. */
  waitedMs(): number;
}

export interface HttpClientOptions {
  /** Source id used in errors (`scim`, `user-management`, `audit-logs`). */
  readonly source: string;
  /** Base URL; request paths are appended to it. */
  readonly baseUrl: string;
  readonly auth: HttpAuth;
  /** Named in the message of a 401/403, e.g. `check AMPLITUDE_SCIM_TOKEN`. */
  readonly authHint?: string;
  /** Per-request timeout (default 30 s). */
  readonly timeoutMs?: number;
  /** Retries after the first attempt (default 8). */
  readonly retries?: number;
  /** First backoff delay (default 500 ms); doubles per attempt, with jitter. */
  readonly baseDelayMs?: number;
  /** Cap of the computed backoff (default 60 s). */
  readonly maxDelayMs?: number;
  /** Longest wait a server may ask for with Retry-After before the client gives up (default 5 min). */
  readonly maxRetryAfterMs?: number;
  /** Client-side limit, requests per minute. Ignored when `limiter` is given. */
  readonly ratePerMinute?: number;
  /** A limiter to share between clients that count against the same server limit. */
  readonly limiter?: RateLimiter;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /** Jitter source in [0, 1) (tests pass a constant). */
  readonly random?: () => number;
  readonly log?: HttpLogger;
  /** Extra headers (never credentials: those come from `auth`). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpClient {
  readonly source: string;
  /** GET `path` and return the parsed JSON body (unknown: the connector validates it). */
  get(path: string, query?: Query): Promise<unknown>;
  /** POST a JSON body to `path` and return the parsed JSON body. */
  post(path: string, body: unknown, query?: Query): Promise<unknown>;
  stats(): HttpStats;
}
