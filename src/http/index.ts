export { createHttpClient, emptyStats, joinUrl } from './client.js';
export { createRateLimiter, realSleep, type RateLimiterOptions } from './limiter.js';
export { backoffDelay, parseRetryAfter, retryAfterFromBody } from './backoff.js';
export { makeRedactor, safeUrl, secretsOf, REDACTED } from './redact.js';
export type { HttpAuth, HttpClient, HttpClientOptions, HttpLogger, HttpStats, Query, RateLimiter, Sleep } from './types.js';
