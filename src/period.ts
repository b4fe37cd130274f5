/**
 * Review periods: fiscal quarters in the configured IANA time zone, and the few calendar
 * helpers the rules need (local days, whole days between instants).
 *
 * Labels: `YYYY-Qn`, where YYYY is the calendar year in which that *fiscal* year starts and
 * n counts quarters from the fiscal-year start month. With a fiscal year starting in April
 * (`fiscalYearStartMonth: 4`), `2026-Q1` is April–June 2026 and `2026-Q4` is January–March 2027.
 * With the default (January) labels are plain calendar quarters.
 *
 * Every boundary is local midnight in the time zone, returned as a UTC instant; spans are
 * half-open: `start` inclusive, `end` exclusive. Local midnight is computed by the time zone's
 * rules (so a quarter in Europe/Berlin starts at 23:00Z or 22:00Z depending on DST); where
 * midnight does not exist (a DST jump at 00:00) the day starts at its first existing instant.
 */
import { TZDate } from '@date-fns/tz';
import type { Instant, LocalDate } from './domain/common.js';
import type { Period } from './domain/snapshot.js';
import { InputError } from './errors.js';

const DAY_MS = 86_400_000;
const LABEL_RE = /^(\d{4})-Q([1-4])$/i;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

type When = Instant | Date | number;

function ms(t: When): number {
  const v = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : t.getTime();
  if (Number.isNaN(v)) throw new TypeError(`invalid instant: ${String(t)}`);
  return v;
}

function iso(v: number): Instant {
  return new Date(v).toISOString();
}

const knownZones = new Set<string>();

function checkZone(tz: string): void {
  // Constructing an Intl.DateTimeFormat costs milliseconds: check each zone once.
  if (knownZones.has(tz)) return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    knownZones.add(tz);
  } catch {
    throw new InputError(`unknown time zone "${tz}"`, { field: 'timezone' }, 'use an IANA time zone such as Europe/Berlin or UTC');
  }
}

function checkFy(fyStartMonth: number): void {
  if (!Number.isInteger(fyStartMonth) || fyStartMonth < 1 || fyStartMonth > 12) {
    throw new InputError(`fiscal-year start month must be 1-12, got ${fyStartMonth}`, { field: 'fiscalYearStartMonth' }, 'use 1 for January');
  }
}

/** Local midnight of the first day of month `absMonth` (= year * 12 + monthIndex), as epoch ms. */
function monthStart(absMonth: number, tz: string): number {
  const year = Math.floor(absMonth / 12);
  const month = absMonth - year * 12;
  return new TZDate(year, month, 1, tz).getTime();
}

/** Quarter index: fiscal year * 4 + (quarter - 1). */
function quarterIndexOf(t: number, tz: string, fyStartMonth: number): number {
  const local = new TZDate(t, tz);
  const absMonth = local.getFullYear() * 12 + local.getMonth();
  const rel = absMonth - (fyStartMonth - 1);
  return Math.floor(rel / 3);
}

function periodOfIndex(qi: number, tz: string, fyStartMonth: number): Period {
  const fiscalYear = Math.floor(qi / 4);
  const q = qi - fiscalYear * 4 + 1;
  const startMonth = qi * 3 + (fyStartMonth - 1);
  return {
    label: `${String(fiscalYear).padStart(4, '0')}-Q${q}`,
    start: iso(monthStart(startMonth, tz)),
    end: iso(monthStart(startMonth + 3, tz)),
  };
}

function indexOfLabel(label: string, field = 'period'): number {
  const m = LABEL_RE.exec(label.trim());
  if (!m) {
    throw new InputError(`"${label}" is not a quarter`, { field }, 'write a quarter as YYYY-Qn, e.g. 2026-Q3 (n from 1 to 4)');
  }
  return Number(m[1]) * 4 + Number(m[2]) - 1;
}

/** The quarter containing `at`. */
export function quarterOf(at: When, tz: string, fyStartMonth = 1): Period {
  checkZone(tz);
  checkFy(fyStartMonth);
  return periodOfIndex(quarterIndexOf(ms(at), tz, fyStartMonth), tz, fyStartMonth);
}

/** `2026-Q3` → that quarter's span. Throws InputError (field `period`) on a malformed label. */
export function parsePeriodLabel(label: string, tz: string, fyStartMonth = 1): Period {
  checkZone(tz);
  checkFy(fyStartMonth);
  return periodOfIndex(indexOfLabel(label), tz, fyStartMonth);
}

/** The last quarter that ended at or before `now` (the default period of a review). */
export function lastCompletedQuarter(now: When, tz: string, fyStartMonth = 1): Period {
  checkZone(tz);
  checkFy(fyStartMonth);
  return periodOfIndex(quarterIndexOf(ms(now), tz, fyStartMonth) - 1, tz, fyStartMonth);
}

/** The `n` quarters before `label`, oldest first (`previousQuarters('2026-Q3', 2)` → Q1, Q2). */
export function previousQuarters(label: string, n: number, tz: string, fyStartMonth = 1): Period[] {
  checkZone(tz);
  checkFy(fyStartMonth);
  const qi = indexOfLabel(label);
  const out: Period[] = [];
  for (let k = n; k >= 1; k--) out.push(periodOfIndex(qi - k, tz, fyStartMonth));
  return out;
}

/** The quarter after `label`. */
export function nextQuarter(label: string, tz: string, fyStartMonth = 1): Period {
  checkZone(tz);
  checkFy(fyStartMonth);
  return periodOfIndex(indexOfLabel(label) + 1, tz, fyStartMonth);
}

/**
 * The period `check` evaluates: from the start of the quarter containing `at` up to `at`
 * (exclusive), labelled with that quarter.
 */
export function checkPeriod(at: When, tz: string, fyStartMonth = 1): Period {
  const q = quarterOf(at, tz, fyStartMonth);
  return { label: q.label, start: q.start, end: iso(ms(at)) };
}

function parseLocalDate(date: LocalDate): { y: number; m: number; d: number } {
  const m = DATE_RE.exec(date);
  const y = Number(m?.[1]);
  const mo = Number(m?.[2]);
  const d = Number(m?.[3]);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (!m || check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new InputError(`"${date}" is not a calendar date`, {}, 'write dates as YYYY-MM-DD');
  }
  return { y, m: mo, d };
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isLocalDate(s: string): boolean {
  try {
    parseLocalDate(s);
    return true;
  } catch {
    return false;
  }
}

/** The instant the local day `date` begins in `tz`. */
export function startOfLocalDay(date: LocalDate, tz: string): Instant {
  checkZone(tz);
  const { y, m, d } = parseLocalDate(date);
  return iso(new TZDate(y, m - 1, d, tz).getTime());
}

/**
 * The instant the local day `date` ends in `tz`, i.e. the start of the next day (exclusive).
 * "End date 2026-06-30 has passed" means `at >= endOfLocalDay('2026-06-30', tz)`.
 */
export function endOfLocalDay(date: LocalDate, tz: string): Instant {
  checkZone(tz);
  const { y, m, d } = parseLocalDate(date);
  return iso(new TZDate(y, m - 1, d + 1, tz).getTime());
}

/** The local calendar date of `at` in `tz`. */
export function localDateOf(at: When, tz: string): LocalDate {
  checkZone(tz);
  const local = new TZDate(ms(at), tz);
  const y = String(local.getFullYear()).padStart(4, '0');
  const m = String(local.getMonth() + 1).padStart(2, '0');
  const d = String(local.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/**
 * Whole days elapsed from `from` to `to`: elapsed time in units of 24 hours, rounded down
 * (negative when `to` is earlier). Exactly 60 × 24 h is 60 days; one millisecond less is 59.
 */
export function daysBetween(from: When, to: When): number {
  return Math.floor((ms(to) - ms(from)) / DAY_MS);
}

/** Calendar days from local date `a` to local date `b` (`2026-03-01` → `2026-03-31` is 30), DST-free. */
export function daysBetweenDates(a: LocalDate, b: LocalDate): number {
  const pa = parseLocalDate(a);
  const pb = parseLocalDate(b);
  return Math.round((Date.UTC(pb.y, pb.m - 1, pb.d) - Date.UTC(pa.y, pa.m - 1, pa.d)) / DAY_MS);
}

/**
 * Calendar days from `a` to `b` for data that may be missing or malformed (shown, never fatal):
 * undefined unless both are calendar dates `YYYY-MM-DD`.
 */
export function calendarDaysBetween(a: string | undefined, b: string | undefined): number | undefined {
  if (a === undefined || b === undefined || !isLocalDate(a) || !isLocalDate(b)) return undefined;
  return daysBetweenDates(a, b);
}

/** `date` plus `n` calendar days. */
export function addDaysToDate(date: LocalDate, n: number): LocalDate {
  const { y, m, d } = parseLocalDate(date);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** `at` minus `days` × 24 h, as an instant. */
export function daysBefore(at: When, days: number): Instant {
  return iso(ms(at) - days * DAY_MS);
}
