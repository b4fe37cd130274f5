/**
 * Reading the lazily generated audit log: iterate a window day by day (memory stays one day's
 * worth), count without generating where possible, and shape entries as the API returns them.
 */
import { RAW_ACTIONS } from './actions.js';
import { DAY_MS, utcDay, type SimEvent, type SimOrg } from './org.js';

export type AuditLogKeyVariant = 'standard' | 'alternate';

type TimeArg = Date | number | string;

function ms(t: TimeArg): number {
  const v = typeof t === 'number' ? t : new Date(t).getTime();
  if (Number.isNaN(v)) throw new TypeError(`invalid time: ${String(t)}`);
  return v;
}

/** Events with from <= time < to, in time order, generated one day at a time. */
export function* eventsBetween(org: SimOrg, from: TimeArg, to: TimeArg): Generator<SimEvent> {
  const a = ms(from);
  const b = ms(to);
  if (b <= a) return;
  for (let d = utcDay(a); d <= utcDay(b - 1); d++) {
    for (const e of org.events.day(d)) {
      if (e.t >= a && e.t < b) yield e;
    }
  }
}

/** Number of events with from <= time < to. Whole days are counted without generating them. */
export function countEvents(org: SimOrg, from: TimeArg, to: TimeArg): number {
  const a = ms(from);
  const b = ms(to);
  if (b <= a) return 0;
  let n = 0;
  for (let d = utcDay(a); d <= utcDay(b - 1); d++) {
    const dayStart = d * DAY_MS;
    if (dayStart >= a && dayStart + DAY_MS <= b) {
      n += org.events.dayCount(d);
    } else {
      for (const e of org.events.day(d)) if (e.t >= a && e.t < b) n++;
    }
  }
  return n;
}

/** One entry in the shape the Audit Logs API returns (see amplitude-apis.md). */
export function auditEntry(e: SimEvent, orgId: string, variant: AuditLogKeyVariant = 'standard'): Record<string, unknown> {
  const raw = RAW_ACTIONS[e.action];
  const timestamp = new Date(e.t).toISOString();
  const common = { domain: raw.domain, feature: raw.feature, action: raw.action, target: e.target ?? null };
  if (variant === 'alternate') {
    return {
      event_time: timestamp,
      ...common,
      user: e.actor,
      org_id: Number(orgId),
      project_id: e.projectId ?? null,
      ip: e.ip,
      user_agent: e.userAgent,
      properties: { ...e.props },
      error: e.error ?? null,
    };
  }
  return {
    timestamp,
    ...common,
    user_email: e.actor,
    org_id: Number(orgId),
    app_id: e.projectId ?? null,
    ip_address: e.ip,
    user_agent: e.userAgent,
    event_properties: { ...e.props },
    error: e.error ?? null,
  };
}

/** Keeps the last `capacity` generated days: a client paging through a day asks for it many times. */
export function cachingSource(src: SimOrg['events'], capacity = 4): SimOrg['events'] {
  const cache = new Map<number, readonly SimEvent[]>();
  return {
    dayCount: (d) => {
      const hit = cache.get(d);
      return hit ? hit.length : src.dayCount(d);
    },
    day: (d) => {
      const hit = cache.get(d);
      if (hit) {
        cache.delete(d);
        cache.set(d, hit);
        return hit;
      }
      const events = src.day(d);
      cache.set(d, events);
      if (cache.size > capacity) cache.delete(cache.keys().next().value as number);
      return events;
    },
  };
}

/** Index of the first event at or after `t` in a sorted day. */
export function lowerBound(events: readonly SimEvent[], t: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid] as SimEvent).t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
