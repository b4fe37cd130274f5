/**
 * Audit Logs API: `POST /api/2/audit-logs/{orgId}` with HTTP Basic and a JSON body
 * `{ start_date, end_date, filters?, pagination?: { limit, cursor } }`.
 *
 * At most 30 days per query; only the last 90 days before the simulator's now are kept (a
 * start a few minutes older is tolerated, for clock skew between client and server); nothing
 * after now is ever served. The response shape and key names are undocumented at Amplitude,
 * so they are switchable (`auditLogShape`, `auditLogKeyVariant`) to test connector tolerance.
 */
import { auditEntry, lowerBound } from './events.js';
import { basicAuthOk, decodeCursor, encodeCursor, json, type RouteEnv, type SimRequest, type SimResponse } from './http-types.js';
import { DAY_MS, utcDay, type SimEvent } from './org.js';
import { RAW_ACTIONS } from './actions.js';

export const AUDIT_PREFIX = '/api/2/audit-logs';
export const AUDIT_MAX_WINDOW_DAYS = 30;
export const AUDIT_RETENTION_DAYS = 90;
export const AUDIT_DEFAULT_LIMIT = 1000;
export const AUDIT_MAX_LIMIT = 1000;
/** A start this much older than the retention limit is still accepted (clock skew). */
export const RETENTION_SLACK_MS = 5 * 60_000;

export function auditError(status: number, error: string, message: string, headers?: Record<string, string>): SimResponse {
  return json(status, { error, message, status }, headers);
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseDate(v: unknown): number | undefined {
  if (typeof v !== 'string' || !DATE_RE.test(v)) return undefined;
  const t = new Date(v).getTime();
  return Number.isNaN(t) ? undefined : t;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

interface Filters {
  domain?: string;
  feature?: string;
  action?: string;
}

function matches(e: SimEvent, f: Filters): boolean {
  if (f.domain === undefined && f.feature === undefined && f.action === undefined) return true;
  const raw = RAW_ACTIONS[e.action];
  return (f.domain === undefined || raw.domain === f.domain) && (f.feature === undefined || raw.feature === f.feature) && (f.action === undefined || raw.action === f.action);
}

export function handleAuditLogs(req: SimRequest, env: RouteEnv): SimResponse {
  const { org } = env;
  if (!basicAuthOk(req.headers, env.credentials.orgApiKey, env.credentials.orgSecretKey)) {
    return auditError(401, 'unauthorized', 'HTTP Basic authentication with the org API key and secret key is required.');
  }
  const m = /^\/api\/2\/audit-logs\/([^/]+)\/?$/.exec(req.path);
  if (!m) return auditError(404, 'not_found', `No route ${req.path}.`);
  if (m[1] !== org.id) return auditError(403, 'org_id_mismatch', 'The organization id in the path does not match the API key.');
  if (req.method !== 'POST') return auditError(405, 'method_not_allowed', 'Use POST with a JSON body.');

  let body: unknown;
  try {
    body = JSON.parse(req.body === '' ? '{}' : req.body);
  } catch {
    return auditError(400, 'invalid_request', 'The request body is not valid JSON.');
  }
  if (!isRecord(body)) return auditError(400, 'invalid_request', 'The request body must be a JSON object.');
  const start = parseDate(body.start_date);
  const end = parseDate(body.end_date);
  if (start === undefined) return auditError(400, 'invalid_request', 'start_date is required as an ISO 8601 date or date-time.');
  if (end === undefined) return auditError(400, 'invalid_request', 'end_date is required as an ISO 8601 date or date-time.');
  if (end <= start) return auditError(400, 'invalid_request', 'end_date must be after start_date.');
  if (end - start > AUDIT_MAX_WINDOW_DAYS * DAY_MS) {
    return auditError(400, 'invalid_request', `The window from start_date to end_date is longer than ${AUDIT_MAX_WINDOW_DAYS} days; query at most ${AUDIT_MAX_WINDOW_DAYS} days at a time.`);
  }
  const earliest = req.now - AUDIT_RETENTION_DAYS * DAY_MS;
  if (start < earliest - RETENTION_SLACK_MS) {
    return auditError(
      400,
      'retention_exceeded',
      `start_date ${new Date(start).toISOString()} is outside the audit log retention of ${AUDIT_RETENTION_DAYS} days; the earliest available time is ${new Date(earliest).toISOString()}.`,
    );
  }

  const filters: Filters = {};
  if (body.filters !== undefined && body.filters !== null) {
    if (!isRecord(body.filters)) return auditError(400, 'invalid_request', 'filters must be an object with domain, feature and/or action.');
    for (const k of ['domain', 'feature', 'action'] as const) {
      const v = body.filters[k];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') return auditError(400, 'invalid_request', `filters.${k} must be a string.`);
      filters[k] = v;
    }
  }
  let limit = AUDIT_DEFAULT_LIMIT;
  let cursor: string | undefined;
  if (body.pagination !== undefined && body.pagination !== null) {
    if (!isRecord(body.pagination)) return auditError(400, 'invalid_request', 'pagination must be an object { limit, cursor }.');
    const l = body.pagination.limit;
    if (l !== undefined && l !== null) {
      if (typeof l !== 'number' || !Number.isInteger(l) || l < 1 || l > AUDIT_MAX_LIMIT) {
        return auditError(400, 'invalid_request', `pagination.limit must be an integer from 1 to ${AUDIT_MAX_LIMIT}.`);
      }
      limit = l;
    }
    const c = body.pagination.cursor;
    if (c !== undefined && c !== null && c !== '') {
      if (typeof c !== 'string') return auditError(400, 'invalid_request', 'pagination.cursor must be a string.');
      cursor = c;
    }
  }

  const from = Math.max(start, earliest);
  // Logging is never ahead of the clock: nothing after now exists yet.
  const to = Math.min(end, req.now);
  const bare = env.auditLogShape === 'bare';
  let day = utcDay(from);
  let index = -1;
  if (cursor !== undefined && !bare) {
    const c = decodeCursor(cursor);
    if (!c || typeof c.d !== 'number' || typeof c.i !== 'number' || !Number.isInteger(c.d) || !Number.isInteger(c.i) || c.i < 0) {
      return auditError(400, 'invalid_request', 'pagination.cursor is not a cursor this API issued.');
    }
    day = Math.max(c.d, day);
    index = c.d >= utcDay(from) ? c.i : -1;
  }

  let want = limit;
  if (!bare && env.faults.armed('shortPage', req.path) && limit > 1) want = Math.ceil(limit / 2);
  const items: SimEvent[] = [];
  let next: { d: number; i: number } | undefined;
  const lastDay = to > from ? utcDay(to - 1) : day - 1;
  outer: for (let d = day; d <= lastDay; d++) {
    const events = org.events.day(d);
    let i = d === day && index >= 0 ? index : lowerBound(events, from);
    for (; i < events.length; i++) {
      const e = events[i] as SimEvent;
      if (e.t >= to) break outer;
      if (e.t < from || !matches(e, filters)) continue;
      if (items.length >= want) {
        next = { d, i };
        break outer;
      }
      items.push(e);
    }
  }
  // The short-page fault counts only when the page really was cut short (more remained).
  if (want < limit && next !== undefined) env.faults.take('shortPage', req.path);

  const entries = items.map((e) => auditEntry(e, org.id, env.auditLogKeyVariant));
  if (bare) return json(200, entries);
  let nextCursor: string | null = next ? encodeCursor(next) : null;
  if (nextCursor !== null && cursor !== undefined && env.faults.take('repeatCursor', req.path)) nextCursor = cursor;
  if (env.auditLogShape === 'events') return json(200, { events: entries, pagination: { nextCursor } });
  return json(200, { data: entries, pagination: { next_cursor: nextCursor } });
}
