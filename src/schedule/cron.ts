/**
 * Cron expressions evaluated in an IANA time zone, without timers and without reading the clock:
 * `nextRuns(expr, tz, after, n)` and `previousRun(expr, tz, at)` are pure, so the daemon (and its
 * tests) can ask "when is this due?" for any instant.
 *
 * Syntax: the five classic fields `minute hour day-of-month month day-of-week`, each `*`, a value,
 * a range `a-b`, any of those followed by a step `/n` (`a/n` = from a to the end), or a comma list; month and weekday also
 * by name (`jan`, `mon`); weekday 0 and 7 are Sunday. When both day fields are restricted a day
 * matches either (Vixie cron); otherwise both must match.
 *
 * Daylight-saving changes follow Vixie cron, decided by whether the job is *fixed-time* (neither
 * the minute nor the hour field starts with `*`, e.g. `30 2 * * *`):
 * - a wall-clock time that does not exist (spring forward, Europe/Berlin 02:00→03:00):
 *   a fixed-time job runs once at the first instant after the gap (03:00 local) — a daily job
 *   never silently loses a day; a wildcard job (`15 * * * *`) simply has no runs in the gap;
 * - a wall-clock time that occurs twice (autumn, 02:00–03:00 repeated): a fixed-time job runs
 *   once, at the first occurrence; a wildcard job runs in both (real time keeps passing).
 */
import { tzOffset } from '@date-fns/tz';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How far ahead (or back) a search goes: ample for `0 0 29 2 *` (8 years apart around 2100). */
const HORIZON_DAYS = 366 * 30;

export class CronSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronSyntaxError';
  }
}

export interface CronSchedule {
  readonly source: string;
  /** Sorted, unique. */
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: ReadonlySet<number>;
  /** 1-12. */
  readonly months: ReadonlySet<number>;
  /** 0 (Sunday) - 6. */
  readonly daysOfWeek: ReadonlySet<number>;
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
  /** Neither minute nor hour starts with `*`: runs once on a DST day (see the file comment). */
  readonly fixedTime: boolean;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Value of names[0]. */
  readonly namesFrom?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAY_NAMES, namesFrom: 0 },
];

function parseValue(text: string, spec: FieldSpec): number {
  const lower = text.toLowerCase();
  const named = spec.names?.indexOf(lower) ?? -1;
  if (named >= 0) return named + (spec.namesFrom ?? 0);
  if (!/^\d+$/.test(text)) throw new CronSyntaxError(`${spec.name}: "${text}" is not a number${spec.names ? ' or a name' : ''}`);
  const v = Number(text);
  if (v < spec.min || v > spec.max) throw new CronSyntaxError(`${spec.name}: ${v} is outside ${spec.min}-${spec.max}`);
  return v;
}

function parseField(text: string, spec: FieldSpec): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw new CronSyntaxError(`${spec.name}: empty list item in "${text}"`);
    const [range = '', stepText, extra] = item.split('/');
    if (extra !== undefined) throw new CronSyntaxError(`${spec.name}: "${item}" has more than one "/"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) throw new CronSyntaxError(`${spec.name}: step "${stepText}" must be a whole number of at least 1`);
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = spec.min;
      hi = spec.max;
    } else if (range.includes('-')) {
      const [a = '', b = '', more] = range.split('-');
      if (more !== undefined) throw new CronSyntaxError(`${spec.name}: "${range}" is not a range`);
      lo = parseValue(a, spec);
      hi = parseValue(b, spec);
      if (lo > hi) throw new CronSyntaxError(`${spec.name}: range "${range}" runs backwards`);
    } else {
      lo = parseValue(range, spec);
      // `a/n` means from a to the end of the field.
      hi = stepText !== undefined ? spec.max : lo;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Parses a five-field expression. Throws CronSyntaxError saying which field is wrong. */
export function parseCron(expression: string): CronSchedule {
  const source = expression.trim();
  const parts = source.split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 5) {
    throw new CronSyntaxError(`expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  }
  const sets = parts.map((p, i) => parseField(p, FIELDS[i] as FieldSpec));
  const [minute, hour, dom, month, dow] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (dow.has(7)) {
    dow.delete(7);
    dow.add(0);
  }
  const [mText = '', hText = '', domText = '', , dowText = ''] = parts;
  const schedule: CronSchedule = {
    source,
    minutes: [...minute].sort((a, b) => a - b),
    hours: [...hour].sort((a, b) => a - b),
    daysOfMonth: dom,
    months: month,
    daysOfWeek: dow,
    domRestricted: !domText.startsWith('*'),
    dowRestricted: !dowText.startsWith('*'),
    fixedTime: !mText.startsWith('*') && !hText.startsWith('*'),
  };
  if (!canEverMatch(schedule)) throw new CronSyntaxError('no day ever matches (day of month does not exist in the given months)');
  return schedule;
}

function canEverMatch(s: CronSchedule): boolean {
  // A restricted weekday always matches some day; an unrestricted day of month is every day.
  if (s.dowRestricted || !s.domRestricted) return true;
  const longest = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  for (const m of s.months) for (const d of s.daysOfMonth) if (d <= (longest[m] ?? 0)) return true;
  return false;
}

// ---- time zone arithmetic -----------------------------------------------------------------

function offsetMs(tz: string, t: number): number {
  const minutes = tzOffset(tz, new Date(t));
  if (Number.isNaN(minutes)) throw new RangeError(`unknown time zone "${tz}"`);
  return Math.round(minutes * MINUTE_MS);
}

interface LocalDay {
  readonly y: number;
  /** 1-12 */
  readonly m: number;
  readonly d: number;
}

function localDayOf(t: number, tz: string): LocalDay {
  const local = new Date(t + offsetMs(tz, t));
  return { y: local.getUTCFullYear(), m: local.getUTCMonth() + 1, d: local.getUTCDate() };
}

function addDays(day: LocalDay, n: number): LocalDay {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function dayMatches(s: CronSchedule, day: LocalDay): boolean {
  if (!s.months.has(day.m)) return false;
  const dom = s.daysOfMonth.has(day.d);
  const dow = s.daysOfWeek.has(new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay());
  return s.domRestricted && s.dowRestricted ? dom || dow : dom && dow;
}

/**
 * The instants a local wall-clock time maps to: one normally, two in a repeated hour (earliest
 * first), none in a gap — then `gapEnd` is the first instant after the gap.
 */
function wallToInstants(wall: number, tz: string): { instants: number[]; gapEnd?: number } {
  const before = offsetMs(tz, wall - DAY_MS);
  const after = offsetMs(tz, wall + DAY_MS);
  const candidates = new Set([before, offsetMs(tz, wall), after]);
  const instants: number[] = [];
  for (const off of candidates) {
    const t = wall - off;
    if (offsetMs(tz, t) === off && !instants.includes(t)) instants.push(t);
  }
  instants.sort((a, b) => a - b);
  if (instants.length > 0 || before === after) return { instants };
  // A gap: the offset jumps from `before` to `after` somewhere in (wall - after, wall - before].
  let lo = wall - after;
  let hi = wall - before;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMs(tz, mid) === after) hi = mid;
    else lo = mid;
  }
  return { instants, gapEnd: hi };
}

/** Every instant the schedule fires on local day `day`, ascending. */
function fireTimesOn(s: CronSchedule, day: LocalDay, tz: string): number[] {
  if (!dayMatches(s, day)) return [];
  const midnight = Date.UTC(day.y, day.m - 1, day.d);
  // Fast path: one offset all day (true on all but two days a year).
  const first = offsetMs(tz, midnight - 14 * 3_600_000);
  const last = offsetMs(tz, midnight + DAY_MS + 14 * 3_600_000);
  const out: number[] = [];
  for (const h of s.hours) {
    for (const mi of s.minutes) {
      const wall = midnight + (h * 60 + mi) * MINUTE_MS;
      if (first === last) {
        out.push(wall - first);
        continue;
      }
      const { instants, gapEnd } = wallToInstants(wall, tz);
      if (instants.length > 0) out.push(...(s.fixedTime ? instants.slice(0, 1) : instants));
      else if (s.fixedTime && gapEnd !== undefined) out.push(gapEnd);
    }
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

function scheduleOf(expression: string | CronSchedule): CronSchedule {
  return typeof expression === 'string' ? parseCron(expression) : expression;
}

/** The next `count` fire times strictly after `after`, ascending (fewer if it stops firing). */
export function nextRuns(expression: string | CronSchedule, timeZone: string, after: Date, count: number): Date[] {
  const s = scheduleOf(expression);
  const from = after.getTime();
  if (Number.isNaN(from)) throw new TypeError('nextRuns: invalid date');
  const out: Date[] = [];
  let day = localDayOf(from, timeZone);
  for (let i = 0; i < HORIZON_DAYS && out.length < count; i++, day = addDays(day, 1)) {
    for (const t of fireTimesOn(s, day, timeZone)) {
      if (t > from && out.length < count) out.push(new Date(t));
    }
  }
  return out;
}

/** The next fire time strictly after `after`, or null if it never fires again. */
export function nextRun(expression: string | CronSchedule, timeZone: string, after: Date): Date | null {
  return nextRuns(expression, timeZone, after, 1)[0] ?? null;
}

/** The latest fire time at or before `at`, or null if there is none within the search horizon. */
export function previousRun(expression: string | CronSchedule, timeZone: string, at: Date): Date | null {
  const s = scheduleOf(expression);
  const until = at.getTime();
  if (Number.isNaN(until)) throw new TypeError('previousRun: invalid date');
  // A fire time on the next local day can still be <= at only if it is a gap end; start one day later to be safe.
  let day = addDays(localDayOf(until, timeZone), 1);
  for (let i = 0; i < HORIZON_DAYS; i++, day = addDays(day, -1)) {
    const times = fireTimesOn(s, day, timeZone).filter((t) => t <= until);
    const last = times[times.length - 1];
    if (last !== undefined) return new Date(last);
  }
  return null;
}
