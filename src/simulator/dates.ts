/** Calendar helpers for the simulator (local dates and quarters in the org's time zone). */
import { TZDate } from '@date-fns/tz';

const formatters = new Map<string, { f: Intl.DateTimeFormat; byHour: Map<number, string> }>();
const HOUR_MS = 3_600_000;
/** Zones whose UTC offset has been a whole number of hours in the years we simulate: safe to cache by hour. */
const WHOLE_HOUR_ZONES = new Set(['UTC', 'Etc/UTC', 'Europe/Berlin', 'Europe/London', 'Europe/Paris', 'Europe/Amsterdam', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Asia/Tokyo']);

/** `YYYY-MM-DD` of instant `t` in time zone `tz`. */
export function localDate(t: number, tz: string): string {
  let entry = formatters.get(tz);
  if (!entry) {
    entry = { f: new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }), byHour: new Map() };
    formatters.set(tz, entry);
  }
  // Cached per UTC hour (Intl formatting is slow, and large orgs format many dates). Zones
  // with a sub-hour offset are formatted directly.
  if (!WHOLE_HOUR_ZONES.has(tz)) return entry.f.format(new Date(t));
  const hour = Math.floor(t / HOUR_MS);
  let s = entry.byHour.get(hour);
  if (s === undefined) {
    s = entry.f.format(new Date(hour * HOUR_MS));
    if (entry.byHour.size > 100_000) entry.byHour.clear();
    entry.byHour.set(hour, s);
  }
  return s;
}


/** Start (epoch ms) of the calendar quarter containing `t` in `tz`, shifted by `offset` quarters. */
export function quarterStart(t: number, tz: string, offset = 0): number {
  const local = new TZDate(t, tz);
  const q = Math.floor(local.getMonth() / 3) + offset;
  const year = local.getFullYear() + Math.floor(q / 4);
  const month = (((q % 4) + 4) % 4) * 3;
  return new TZDate(year, month, 1, 0, 0, 0, 0, tz).getTime();
}

/** Label like `2026-Q3` of the quarter containing `t` in `tz`. */
export function quarterLabel(t: number, tz: string): string {
  const local = new TZDate(t, tz);
  return `${local.getFullYear()}-Q${Math.floor(local.getMonth() / 3) + 1}`;
}
