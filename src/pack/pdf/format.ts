/**
 * Text helpers for the PDF: dates in the configured time zone, counts, durations, and the
 * cleaning every string from the data goes through before it is drawn.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { Instant, LocalDate, Span } from '../../domain/common.js';
import { drawable } from './glyphs.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Data is untrusted: it is drawn as plain text, never interpreted, but control characters
 * (C0, DEL, C1), bidi overrides and isolates (which can make a string read differently from
 * what it is) and lone surrogates are removed, and characters the embedded fonts cannot draw
 * are replaced. Line breaks and tabs become spaces unless `keepNewlines` is set.
 */
export function clean(value: string | number | undefined | null, keepNewlines = false): string {
  if (value === undefined || value === null) return '';
  let s = String(value);
  s = s.replace(/\r\n?/g, '\n');
  s = keepNewlines ? s.replace(/\t/g, ' ') : s.replace(/[\t\n]/g, ' ');
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  s = s.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g, '');
  s = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return drawable(s);
}

/** Shortens a cleaned string to `max` characters with an ellipsis. */
export function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  return `${value.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

export function num(n: number): string {
  return n.toLocaleString('en-US');
}

/** `3 findings`, `1 finding`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

function valid(t: Instant): Date | undefined {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** `2026-09-30 14:05` in the time zone. */
export function dateTime(t: Instant | undefined, tz: string): string {
  if (!t) return '—';
  const d = valid(t);
  if (!d) return clean(t);
  return format(new TZDate(d.getTime(), tz), 'yyyy-MM-dd HH:mm');
}

/** `2026-09-30` in the time zone. */
export function day(t: Instant | undefined, tz: string): string {
  if (!t) return '—';
  const d = valid(t);
  if (!d) return clean(t);
  return format(new TZDate(d.getTime(), tz), 'yyyy-MM-dd');
}

/** `30 Sep 2026` in the time zone. */
export function longDay(t: Instant, tz: string): string {
  const d = valid(t);
  if (!d) return clean(t);
  return format(new TZDate(d.getTime(), tz), 'd MMM yyyy');
}

/** The UTC offset of the zone at `t`, e.g. `UTC+02:00`. */
export function offsetAt(t: Instant, tz: string): string {
  const d = valid(t);
  if (!d) return '';
  const z = format(new TZDate(d.getTime(), tz), 'xxx');
  return z === 'Z' ? 'UTC' : `UTC${z}`;
}

/** A half-open span as the days it covers: `1 Jul 2026 – 30 Sep 2026`. */
export function spanDays(span: Span, tz: string): string {
  const lastMs = Math.max(new Date(span.from).getTime(), new Date(span.to).getTime() - 1);
  return `${longDay(span.from, tz)} – ${longDay(new Date(lastMs).toISOString(), tz)}`;
}

/** A span with times: `2026-08-03 02:00 – 2026-08-10 04:00`. */
export function spanTimes(span: Span, tz: string): string {
  return `${dateTime(span.from, tz)} – ${dateTime(span.to, tz)}`;
}

export function spanMs(span: Span): number {
  return Math.max(0, new Date(span.to).getTime() - new Date(span.from).getTime());
}

/** `7 d 2 h`, `5 h`, `under 1 h`. */
export function duration(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms - days * DAY_MS) / HOUR_MS);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return `${hours} h`;
  return 'under 1 h';
}

/** The local date of an instant in the zone, for comparing with `LocalDate`s. */
export function localDate(t: Instant, tz: string): LocalDate {
  return day(t, tz);
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function capitalize(s: string): string {
  return s.length > 0 ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}
