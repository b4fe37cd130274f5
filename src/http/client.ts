/**
 * The shared HTTP client of the Amplitude connectors (axios underneath).
 *
 * - Bodies are read as text and parsed here, so a truncated body is seen as such and retried.
 * - 429, 5xx, resets, timeouts and truncated JSON are retried with backoff and jitter, honouring
 *   `Retry-After` (seconds or date) and a problem body's `retry_after_seconds`.
 * - 401/403 and other 4xx fail at once. Every failure is a SourceError built here from plain
 *   strings: axios errors carry the request headers (the credentials), so they are never rethrown,
 *   kept as a cause, or logged.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { systemClock } from '../clock.js';
import { SourceError } from '../errors.js';
import { backoffDelay, parseRetryAfter, retryAfterFromBody } from './backoff.js';
import { createRateLimiter, realSleep } from './limiter.js';
import { makeRedactor, safeUrl, secretsOf } from './redact.js';
import type { HttpClient, HttpClientOptions, HttpStats, Query } from './types.js';

type ErrorCode = 'E_SOURCE' | 'E_SOURCE_RATE_LIMITED' | 'E_SOURCE_AUTH' | 'E_SOURCE_PROTOCOL';

/** What one attempt came to. */
type Outcome =
  | { readonly kind: 'ok'; readonly data: unknown }
  | {
      readonly kind: 'retry';
      readonly why: 'rate-limited' | 'server' | 'network' | 'protocol';
      /** One line for logs and the final error. */
      readonly reason: string;
      readonly status?: number;
      /** What the server asked for (Retry-After / retry_after_seconds). */
      readonly askedMs?: number;
    }
  | { readonly kind: 'fail'; readonly code: ErrorCode; readonly message: string; readonly status?: number };

/** RFC 7807-like fields of an error body (User Management), all optional. */
interface Problem {
  readonly errorCode?: string;
  readonly detail?: string;
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;
}

const AUTH_ERROR_CODES = new Set(['authentication_required', 'insufficient_permissions']);
/** Network failures that retrying cannot fix (a wrong host name or URL). */
const FATAL_NETWORK_CODES = new Set(['ENOTFOUND', 'ERR_INVALID_URL', 'ERR_BAD_OPTION', 'ERR_BAD_OPTION_VALUE', 'ERR_FR_TOO_MANY_REDIRECTS']);

export function joinUrl(baseUrl: string, path: string, query?: Query): string {
  const url = `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const qs = params.toString();
  return qs ? `${url}${url.includes('?') ? '&' : '?'}${qs}` : url;
}

function isLoopback(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
  } catch {
    return false;
  }
}

function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function readProblem(body: unknown): Problem {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  const nested = b['error'] !== null && typeof b['error'] === 'object' ? (b['error'] as Record<string, unknown>) : undefined;
  const detail = str(b['detail']) ?? str(b['title']) ?? str(b['message']) ?? str(b['error']) ?? str(nested?.['message']);
  // `{ error: "rate_limited", message }` (the audit-log style) carries its code in `error`.
  const bareCode = str(b['error']) !== undefined && /^[a-z][a-z0-9_]*$/.test(b['error'] as string) ? (b['error'] as string) : undefined;
  const errorCode = str(b['error_code']) ?? str(b['errorCode']) ?? str(nested?.['code']) ?? bareCode;
  const retryable = typeof b['retryable'] === 'boolean' ? b['retryable'] : undefined;
  const retryAfterMs = retryAfterFromBody(b);
  return {
    ...(errorCode !== undefined && { errorCode }),
    ...(detail !== undefined && { detail }),
    ...(retryable !== undefined && { retryable }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  };
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function headerValue(res: AxiosResponse, name: string): string | undefined {
  const v: unknown = (res.headers as Record<string, unknown>)[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

export function emptyStats(): HttpStats {
  return { requests: 0, retries: 0, answered429: 0, serverErrors: 0, networkErrors: 0, protocolErrors: 0, limiterWaitMs: 0, backoffMs: 0 };
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const source = options.source;
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const retries = options.retries ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 300_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const redact = makeRedactor(secretsOf(options.auth));
  const limiter =
    options.limiter ??
    (options.ratePerMinute !== undefined ? createRateLimiter({ perMinute: options.ratePerMinute, clock, sleep }) : undefined);
  const stats = emptyStats();
  const authHint = options.authHint ? ` (${options.authHint})` : '';

  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.auth.kind === 'bearer') headers['Authorization'] = `Bearer ${options.auth.token}`;
  if (options.auth.kind === 'basic') {
    headers['Authorization'] = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  }

  const ax: AxiosInstance = axios.create({
    timeout: timeoutMs,
    // A redirect could carry the Authorization header elsewhere; Amplitude's APIs do not redirect.
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    // Loopback (the simulator, tests) must never go through an HTTP(S)_PROXY from the environment.
    ...(isLoopback(options.baseUrl) && { proxy: false as const }),
  });

  function classifyResponse(res: AxiosResponse, what: string): Outcome {
    const text = typeof res.data === 'string' ? res.data : res.data === undefined || res.data === null ? '' : String(res.data);
    const status = res.status;
    if (status >= 200 && status < 300) {
      try {
        return { kind: 'ok', data: JSON.parse(text) as unknown };
      } catch {
        stats.protocolErrors++;
        return { kind: 'retry', why: 'protocol', status, reason: `response body is truncated or not valid JSON (${Buffer.byteLength(text)} bytes)` };
      }
    }
    const problem = readProblem(tryParseJson(text));
    const detail = redact(oneLine(problem.detail ?? text)) || '(no detail)';
    const codeNote = problem.errorCode ? `, ${problem.errorCode}` : '';
    const askedMs = parseRetryAfter(headerValue(res, 'retry-after'), clock.now().getTime()) ?? problem.retryAfterMs;

    if (problem.errorCode === 'org_id_mismatch') {
      return { kind: 'fail', code: 'E_SOURCE_AUTH', status, message: `${what} was refused (HTTP ${status}${codeNote}): ${detail} (check org.id in the config: it must be the organization the keys belong to)` };
    }
    if (problem.errorCode === 'org_not_enrolled') {
      return { kind: 'fail', code: 'E_SOURCE', status, message: `${what} was refused (HTTP ${status}${codeNote}): ${detail} (the organization is not enrolled in this API; switch it off under amplitude: in the config)` };
    }
    if (status === 401 || status === 403 || (problem.errorCode !== undefined && AUTH_ERROR_CODES.has(problem.errorCode))) {
      return { kind: 'fail', code: 'E_SOURCE_AUTH', status, message: `${what} was refused (HTTP ${status}${codeNote}): ${detail}${authHint}` };
    }
    if (status === 429 || problem.errorCode === 'rate_limited') {
      stats.answered429++;
      return { kind: 'retry', why: 'rate-limited', status, reason: `rate limited (HTTP ${status})`, ...(askedMs !== undefined && { askedMs }) };
    }
    if (status >= 500 || status === 408 || problem.errorCode === 'internal_error') {
      stats.serverErrors++;
      if (problem.retryable === false) {
        return { kind: 'fail', code: 'E_SOURCE', status, message: `${what} failed (HTTP ${status}${codeNote}): ${detail}` };
      }
      return { kind: 'retry', why: 'server', status, reason: `server error (HTTP ${status}${codeNote}): ${detail}`, ...(askedMs !== undefined && { askedMs }) };
    }
    return { kind: 'fail', code: 'E_SOURCE', status, message: `${what} was rejected (HTTP ${status}${codeNote}): ${detail}` };
  }

  function classifyNetworkError(err: unknown, what: string): Outcome {
    // Only the code and message are read: the error object also holds the request headers.
    const code = (axios.isAxiosError(err) || err instanceof Error ? (err as { code?: unknown }).code : undefined);
    const codeText = typeof code === 'string' ? code : 'ERR_NETWORK';
    const msg = err instanceof Error ? redact(oneLine(err.message, 120)) : '';
    stats.networkErrors++;
    if (FATAL_NETWORK_CODES.has(codeText)) {
      return { kind: 'fail', code: 'E_SOURCE', message: `${what} could not connect (${codeText}: ${msg}) (check the base URL under amplitude: in the config)` };
    }
    const timedOut = codeText === 'ECONNABORTED' || codeText === 'ETIMEDOUT' || codeText === 'ERR_CANCELED';
    const reason = timedOut ? `timed out after ${timeoutMs} ms` : codeText === 'ERR_BAD_RESPONSE' ? `response was cut off (${msg})` : `connection failed (${codeText}: ${msg})`;
    return { kind: 'retry', why: codeText === 'ERR_BAD_RESPONSE' ? 'protocol' : 'network', reason };
  }

  function exhausted(o: Extract<Outcome, { kind: 'retry' }>, what: string, attempts: number, url: string): SourceError {
    const tail = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
    const base = { url, retryable: true, ...(o.status !== undefined && { status: o.status }) };
    switch (o.why) {
      case 'rate-limited':
        return new SourceError(source, `${what} was still rate limited ${tail} (try again later, or lower amplitude.rateLimits)`, { ...base, code: 'E_SOURCE_RATE_LIMITED' });
      case 'protocol':
        return new SourceError(source, `${what}: ${o.reason} ${tail}`, { ...base, code: 'E_SOURCE_PROTOCOL' });
      default:
        return new SourceError(source, `${what}: ${o.reason} ${tail}`, { ...base, code: 'E_SOURCE' });
    }
  }

  async function request(method: 'GET' | 'POST', path: string, body: unknown, query: Query | undefined): Promise<unknown> {
    const url = joinUrl(options.baseUrl, path, query);
    const shownUrl = redact(safeUrl(url));
    const what = `${method} ${shownUrl}`;
    for (let attempt = 0; ; attempt++) {
      if (limiter) {
        const before = limiter.waitedMs();
        await limiter.acquire();
        stats.limiterWaitMs += limiter.waitedMs() - before;
      }
      stats.requests++;
      let outcome: Outcome;
      try {
        const res = await ax.request({
          method,
          url,
          headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
          ...(body !== undefined && { data: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs + 1_000),
        });
        outcome = classifyResponse(res, what);
      } catch (err) {
        // Node's own errors (an invalid URL) carry a code too; anything else is a bug and goes up as is.
        const coded = err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
        if (!axios.isAxiosError(err) && !axios.isCancel(err) && !coded) throw err;
        outcome = classifyNetworkError(err, what);
      }
      if (outcome.kind === 'ok') return outcome.data;
      if (outcome.kind === 'fail') {
        throw new SourceError(source, outcome.message, { code: outcome.code, url: shownUrl, retryable: false, ...(outcome.status !== undefined && { status: outcome.status }) });
      }
      if (attempt >= retries) throw exhausted(outcome, what, attempt + 1, shownUrl);
      if (outcome.askedMs !== undefined && outcome.askedMs > maxRetryAfterMs) {
        throw new SourceError(source, `${what}: ${outcome.reason}; the server asks to wait ${Math.ceil(outcome.askedMs / 1000)} s, longer than the ${Math.round(maxRetryAfterMs / 1000)} s allowed (try again later)`, {
          code: outcome.why === 'rate-limited' ? 'E_SOURCE_RATE_LIMITED' : 'E_SOURCE',
          url: shownUrl,
          retryable: true,
          ...(outcome.status !== undefined && { status: outcome.status }),
        });
      }
      const delay = outcome.askedMs ?? backoffDelay(attempt, baseDelayMs, maxDelayMs, random);
      if (outcome.why === 'rate-limited' && limiter) limiter.holdUntil(clock.now().getTime() + delay);
      stats.retries++;
      stats.backoffMs += delay;
      options.log?.warn(
        { source, method, url: shownUrl, attempt: attempt + 1, delayMs: delay, ...(outcome.status !== undefined && { status: outcome.status }), reason: redact(outcome.reason) },
        `${source}: retrying after ${outcome.why === 'rate-limited' ? 'rate limit' : outcome.why === 'server' ? 'server error' : outcome.why === 'protocol' ? 'bad response' : 'connection failure'}`,
      );
      await sleep(delay);
    }
  }

  return {
    source,
    get: (path, query) => request('GET', path, undefined, query),
    post: (path, body, query) => request('POST', path, body, query),
    stats: () => ({ ...stats }),
  };
}
