/**
 * Pulls the audit log for [from, to) in windows of at most 30 days, inside the 90-day retention.
 *
 * Each window is paged to the end and handed to `onWindow` once, complete and de-duplicated, so
 * the caller can store its events and record its coverage in one transaction. A window that
 * fails is never handed on, and the pull stops there: coverage stays contiguous.
 *
 * Continuation is not documented: `pagination: { limit, cursor }` is sent while a cursor comes
 * back. A full page without a cursor may have been cut off, so that window is split in halves
 * and each half pulled again (events seen twice are de-duplicated by fingerprint).
 */
import type { Instant, Span } from '../../domain/common.js';
import type { AuditEvent } from '../../domain/events.js';
import { SourceError } from '../../errors.js';
import { failProtocol, type ConnectorOptions } from '../types.js';
import { normalizeEntry } from './normalize.js';

const SOURCE = 'audit-logs';
const DAY_MS = 86_400_000;

export interface AuditLogsPullOptions extends ConnectorOptions {
  readonly orgId: string;
  readonly from: Date;
  readonly to: Date;
  /** Called once per fully pulled window, in time order, with its events sorted by time. */
  readonly onWindow: (events: AuditEvent[], covered: Span) => void | Promise<void>;
  /** Called after each page (progress bars): the window being pulled and its events so far. */
  readonly onPage?: (window: Span, eventsSoFar: number) => void;
  /** At most 30 (the API's limit per query). */
  readonly windowDays?: number;
  /** Entries asked for per page. */
  readonly pageLimit?: number;
  /** Narrowing stops here: a page still full at this width fails the pull (default 1 s). */
  readonly minWindowMs?: number;
  /** Amplitude keeps 90 days. */
  readonly retentionDays?: number;
  /**
   * `from` is clamped this far inside the retention, so that a query made a moment later (or
   * read by a server whose clock is slightly ahead) is not refused as too old. Default 60 s.
   */
  readonly retentionMarginMs?: number;
}

export interface AuditLogsPullResult {
  /** The span asked for. */
  readonly requested: Span;
  /** The span pulled after clamping to the retention and to now; undefined when nothing was left. */
  readonly covered?: Span;
  /** Set when `from` was older than the retention allows and was moved forward to this instant. */
  readonly clampedFrom?: Instant;
  /** Set when `to` was in the future and was moved back to now. */
  readonly clampedTo?: Instant;
  readonly windows: number;
  /** Events handed to onWindow (after de-duplication). */
  readonly events: number;
  /** Entries received more than once (overlapping narrowed windows, repeated pages). */
  readonly duplicates: number;
  /** Entries whose time fell outside the window asked for (dropped: another window covers them). */
  readonly outside: number;
  /** How many times a window had to be split because a full page came without a cursor. */
  readonly narrowed: number;
  readonly pages: number;
}

interface Page {
  readonly entries: readonly unknown[];
  readonly next?: string;
}

const LIST_KEYS = ['data', 'events', 'results', 'logs'] as const;

function cursorText(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Accepts `{ data|events|results|logs: [...], pagination?: { next_cursor|nextCursor } }` or a bare array. */
export function readPage(body: unknown, what: string): Page {
  if (Array.isArray(body)) return { entries: body };
  if (body === null || typeof body !== 'object') failProtocol(SOURCE, `${what}: unexpected response shape: expected an object or an array`);
  const b = body as Record<string, unknown>;
  const key = LIST_KEYS.find((k) => Array.isArray(b[k]));
  if (key === undefined) failProtocol(SOURCE, `${what}: unexpected response shape: no list of entries (expected one of ${LIST_KEYS.join(', ')})`);
  const p = b['pagination'] !== null && typeof b['pagination'] === 'object' ? (b['pagination'] as Record<string, unknown>) : {};
  const next = cursorText(p['next_cursor']) ?? cursorText(p['nextCursor']) ?? cursorText(b['next_cursor']) ?? cursorText(b['nextCursor']);
  return { entries: b[key] as unknown[], ...(next !== undefined && { next }) };
}

const iso = (ms: number): string => new Date(ms).toISOString();

export async function pullAuditLogs(options: AuditLogsPullOptions): Promise<AuditLogsPullResult> {
  const windowDays = Math.min(30, Math.max(1 / 24, options.windowDays ?? 30));
  const limit = Math.max(1, Math.floor(options.pageLimit ?? 1000));
  const minWindowMs = Math.max(1, options.minWindowMs ?? 1000);
  const retentionMs = (options.retentionDays ?? 90) * DAY_MS;
  const marginMs = options.retentionMarginMs ?? 60_000;
  const fromMs = options.from.getTime();
  const toMs = options.to.getTime();
  if (Number.isNaN(fromMs) || Number.isNaN(toMs)) throw new RangeError('pullAuditLogs: from and to must be valid dates');
  const requested = { from: iso(fromMs), to: iso(toMs) };

  const now = options.clock.now().getTime();
  const oldest = now - retentionMs + marginMs;
  const start = Math.max(fromMs, oldest);
  const end = Math.min(toMs, now);
  const stats = { windows: 0, events: 0, duplicates: 0, outside: 0, narrowed: 0, pages: 0 };
  const result = (): AuditLogsPullResult => ({
    requested,
    ...(start < end && { covered: { from: iso(start), to: iso(end) } }),
    ...(start > fromMs && { clampedFrom: iso(start) }),
    ...(end < toMs && { clampedTo: iso(end) }),
    ...stats,
  });
  if (start >= end) return result();

  /** Pulls [a, b) into `into`, narrowing when a page is full and has no cursor. */
  async function pullSpan(a: number, b: number, into: Map<string, AuditEvent>, window: Span): Promise<void> {
    const cursors = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const what = `POST /${options.orgId} ${iso(a)}..${iso(b)}${cursor === undefined ? '' : ' (next page)'}`;
      const body = { start_date: iso(a), end_date: iso(b), pagination: cursor === undefined ? { limit } : { limit, cursor } };
      const page = readPage(await post(body, window), what);
      stats.pages++;
      for (const entry of page.entries) {
        const r = normalizeEntry(entry);
        if (!r.ok) failProtocol(SOURCE, `${what}: ${r.problem}`);
        if (r.t < a || r.t >= b) {
          stats.outside++;
          continue;
        }
        if (into.has(r.event.fp)) stats.duplicates++;
        else into.set(r.event.fp, r.event);
      }
      options.onPage?.(window, into.size);
      if (page.next !== undefined) {
        if (cursors.has(page.next) || page.next === cursor) {
          failProtocol(SOURCE, `${what}: the API returned a cursor it had already given; stopped instead of looping; the window ${window.from}..${window.to} was not handed on`);
        }
        cursors.add(page.next);
        cursor = page.next;
        continue;
      }
      // Where the API pages with cursors, a missing cursor is the end. Where it never gave one,
      // a full page may have been cut off: split the span and pull both halves.
      if (cursor === undefined && page.entries.length >= limit) {
        if (b - a <= minWindowMs) {
          throw new SourceError(SOURCE, `${what}: still ${page.entries.length} entries (a full page) in a ${b - a} ms window and no cursor to continue; cannot pull it completely`, { code: 'E_SOURCE_PROTOCOL' });
        }
        stats.narrowed++;
        const mid = a + Math.floor((b - a) / 2);
        await pullSpan(a, mid, into, window);
        await pullSpan(mid, b, into, window);
      }
      return;
    }
  }

  /** The HTTP client's errors name the URL only: add which window failed. */
  async function post(body: unknown, window: Span): Promise<unknown> {
    try {
      return await options.http.post(options.orgId, body);
    } catch (err) {
      if (!(err instanceof SourceError)) throw err;
      const message = err.message.startsWith(`${err.source}: `) ? err.message.slice(err.source.length + 2) : err.message;
      throw new SourceError(err.source, `${message} (while pulling the window ${window.from}..${window.to}; it was not handed on)`, err.details);
    }
  }

  const step = Math.round(windowDays * DAY_MS);
  for (let a = start; a < end; a += step) {
    const b = Math.min(a + step, end);
    const window = { from: iso(a), to: iso(b) };
    const into = new Map<string, AuditEvent>();
    await pullSpan(a, b, into, window);
    const events = [...into.values()].sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : x.fp < y.fp ? -1 : x.fp > y.fp ? 1 : 0));
    await options.onWindow(events, window);
    stats.windows++;
    stats.events += events.length;
  }
  return result();
}
