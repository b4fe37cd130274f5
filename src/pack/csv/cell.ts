/**
 * Turning values into CSV cells. Every cell of every pack CSV passes through `toCell`, so the
 * formula-injection defence lives in one place.
 */
import { calendarDaysBetween } from '../../period.js';

/** What a CSV cell is built from. `undefined`/`null` become an empty cell. */
export type CellValue = string | number | boolean | null | undefined;

/**
 * Written where no source gave the fact. An empty cell means "known, and there is nothing"
 * (no groups, not in the register, no login seen while the log was covered); `unknown` never
 * means "none".
 */
export const UNKNOWN = 'unknown';

/**
 * A spreadsheet treats a cell starting with one of these as a formula (or, for tab and carriage
 * return, strips them and then may). OWASP's list.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Makes a cell inert in Excel, LibreOffice and Google Sheets by prefixing a single quote, as
 * OWASP recommends. Applied to every cell, numbers included: a negative number is shown as text,
 * which is the safe direction.
 */
export function neutralize(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

export function toCell(v: CellValue): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return neutralize(Number.isFinite(v) ? String(v) : UNKNOWN);
  return neutralize(v);
}

/** A fact that may be unknown: `undefined` becomes `unknown`, not an empty cell. */
export function known(v: CellValue): CellValue {
  return v === undefined ? UNKNOWN : v;
}

/** A list in one cell, `; `-separated (spreadsheet users filter on it with "contains"). */
export function list(items: readonly string[]): string {
  return items.join('; ');
}

/** Multi-line cells (evidence, remediation): RFC 4180 allows line breaks inside quoted cells. */
export function lines(items: readonly string[]): string {
  return items.join('\n');
}

/** JSON for a cell; never throws (a value that cannot be serialized is written as text). */
export function json(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return String(v);
  }
}

/**
 * Whole days from a calendar date to another (`YYYY-MM-DD`), or `undefined` when either is not
 * a date. Calendar dates are compared as dates, so time zones cannot shift the count.
 */
export const daysBetween = calendarDaysBetween;

/** The calendar date (`YYYY-MM-DD`) of an instant in a time zone; `undefined` for a bad instant or zone. */
export function localDate(instant: string, timeZone: string): string | undefined {
  const t = Date.parse(instant);
  if (Number.isNaN(t)) return undefined;
  try {
    // en-CA formats as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(t);
  } catch {
    return undefined;
  }
}

/**
 * The single row written when the source behind a whole CSV was not available: every cell says
 * `unknown`, so an empty file can never be read as "nothing to report".
 */
export function unknownRow(width: number): CellValue[] {
  return Array.from({ length: width }, () => UNKNOWN);
}
