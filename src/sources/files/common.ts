/**
 * What the four file sources share: decoding (UTF-8 with or without BOM, CRLF), reading a CSV
 * or YAML table into trimmed string cells with their places, the header check, per-row
 * validation with zod, duplicate detection and collecting up to 20 problems into one InputError.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { normEmail, type Instant, type LocalDate } from '../../domain/common.js';
import { InputError, type InputLocation } from '../../errors.js';
import { startOfLocalDay } from '../../period.js';
import { sha256Hex } from '../../fsutil.js';
import { showValue } from '../../config/secret-like.js';
import { didYouMean, listWords } from '../../config/suggest.js';
import { parseYamlSource } from '../../config/yaml-source.js';

export const MAX_ROW_ERRORS = 20;

/** A problem worth knowing that does not stop the read (e.g. an unknown column, ignored). */
export interface FileWarning {
  readonly message: string;
  readonly where: InputLocation;
}

export interface FileReadResult<P> {
  readonly pull: P;
  readonly warnings: readonly FileWarning[];
}

export interface FileReadOptions {
  /** The file name used in messages and recorded on the pull. */
  readonly file: string;
  readonly clock: Clock;
  /** Table format; by default from the file name (`.csv`, `.yaml`, `.yml`). */
  readonly format?: 'csv' | 'yaml';
  /** The configured time zone: a date alone in an instant column is that day's local midnight (default UTC). */
  readonly timezone?: string;
}

// ---------------------------------------------------------------------------------------------
// Bytes → text

export interface DecodedText {
  readonly text: string;
  readonly sha256: string;
}

/** sha256 over the bytes as read; text without BOM and with `\n` line ends. */
export function decodeSource(input: string | Uint8Array, file: string): DecodedText {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The first replacement character marks the first bad byte; its line helps find it.
    const loose = new TextDecoder('utf-8').decode(bytes);
    const bad = loose.indexOf('\uFFFD');
    const line = (loose.slice(0, Math.max(0, bad)).match(/\n/g)?.length ?? 0) + 1;
    throw new InputError('the file is not UTF-8 text', { file, line }, 'save it as UTF-8 (in Excel: "CSV UTF-8"); other encodings garble names and emails');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text: text.replace(/\r\n?/g, '\n'), sha256: sha256Hex(bytes) };
}

export function formatOf(file: string, explicit: 'csv' | 'yaml' | undefined, allowed: readonly ('csv' | 'yaml')[], configKey: string): 'csv' | 'yaml' {
  if (explicit) return explicit;
  const lower = file.toLowerCase();
  const format = lower.endsWith('.csv') ? 'csv' : lower.endsWith('.yaml') || lower.endsWith('.yml') ? 'yaml' : undefined;
  if (format && allowed.includes(format)) return format;
  const exts = allowed.map((f) => (f === 'csv' ? '.csv' : '.yaml or .yml')).join(' or ');
  throw new InputError(`cannot tell the format of ${file}: expected a file name ending in ${exts}`, { file, field: configKey }, 'rename the file');
}

// ---------------------------------------------------------------------------------------------
// Problems

/** Collects problems of one file; thrown as one InputError, sorted by line, at most 20 listed. */
export class FileProblems {
  private readonly errors: InputError[] = [];
  constructor(readonly file: string) {}

  add(where: InputLocation, problem: string, hint?: string): void {
    this.errors.push(new InputError(problem, { file: this.file, ...where }, hint));
  }

  get count(): number {
    return this.errors.length;
  }

  /** Throws when anything was added. */
  throwIfAny(): void {
    if (this.errors.length === 0) return;
    const sorted = [...this.errors].sort((a, b) => (a.where.line ?? 0) - (b.where.line ?? 0) || (a.where.column ?? 0) - (b.where.column ?? 0));
    const listed = sorted.slice(0, MAX_ROW_ERRORS);
    const more = listed.slice(1);
    if (sorted.length > MAX_ROW_ERRORS) {
      const rest = sorted.length - MAX_ROW_ERRORS;
      more.push(new InputError(`${rest} more problem${rest === 1 ? '' : 's'} in this file not listed`, { file: this.file }, 'fix the ones above and run again'));
    }
    const first = listed[0]!;
    throw new InputError(first.problem, first.where, first.hint, more);
  }
}

// ---------------------------------------------------------------------------------------------
// Tables

/** One row of a CSV or YAML table: trimmed string cells by column name. */
export interface TableRow {
  /** 1-based line where the row (CSV record or YAML list item) starts. */
  readonly line: number;
  readonly cells: Readonly<Record<string, string>>;
  /** Where a column's value is (YAML: its own line and column; CSV: the row's line). */
  readonly at: (column: string) => InputLocation;
  /** Keys (YAML) or columns (CSV) of this row that are not part of the format; ignored, used for "did you mean". */
  readonly extra: readonly string[];
}

export interface Table {
  readonly rows: readonly TableRow[];
  readonly warnings: readonly FileWarning[];
}

/** Header and key spellings that mean the same column: `Approved On`, `approved-on` → `approved_on`. */
export function normalizeColumn(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function expectedHeaderHint(columns: readonly string[]): string {
  return `the first line must name these columns (any order): ${listWords(columns)}`;
}

/** The line where the quote that never closes was opened. */
function unclosedQuoteLine(text: string): number {
  let line = 1;
  let inQuotes = false;
  let openedAt = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    else if (ch === '"') {
      if (inQuotes && text[i + 1] === '"') i++;
      else {
        inQuotes = !inQuotes;
        if (inQuotes) openedAt = line;
      }
    }
  }
  return openedAt;
}

/** Reads a CSV table: header check at line 1, then one row per record with its start line. */
export function readCsvTable(text: string, file: string, columns: readonly string[]): Table {
  let records: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    records = parseCsv(text, { info: true, raw: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as { code?: string; lines?: number };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
      const opened = unclosedQuoteLine(text);
      throw new InputError(`CSV syntax error: a quoted value opened on line ${opened} is not closed`, { file, line: opened }, 'close the quote; double any quote inside a quoted value ("")');
    }
    const what: Record<string, string> = {
      CSV_QUOTE_NOT_CLOSED: 'a quoted value is not closed',
      CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by other characters',
      CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a closing quote is followed by other characters',
    };
    // The parser's own message can quote the file's content; ours never does.
    throw new InputError(`CSV syntax error: ${what[e.code ?? ''] ?? 'the line cannot be read as CSV'}`, { file, ...(e.lines ? { line: e.lines } : {}) }, 'wrap values that contain commas, quotes or line breaks in double quotes, and double any quote inside them ("")');
  }
  const problems = new FileProblems(file);
  const warnings: FileWarning[] = [];
  const header = records[0];
  if (!header || header.record.every((c) => c === '')) {
    throw new InputError('the file is empty; expected a header line', { file, line: 1 }, expectedHeaderHint(columns));
  }
  const names = header.record.map(normalizeColumn);
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (n === '') return;
    const prev = index.get(n);
    if (prev !== undefined) problems.add({ line: 1, field: n }, `column \`${n}\` appears twice (columns ${prev + 1} and ${i + 1})`, 'keep one of them');
    else index.set(n, i);
  });
  const unknown = names.filter((n) => n !== '' && !columns.includes(n));
  for (const col of columns) {
    if (index.has(col)) continue;
    const near = unknown.find((u) => didYouMean(u, [col]) === col);
    problems.add({ line: 1, field: col }, `missing column \`${col}\``, `${near ? `\`${near}\` looks like a misspelling of it; ` : ''}${expectedHeaderHint(columns)}`);
  }
  problems.throwIfAny();
  for (const u of unknown) {
    const guess = didYouMean(u, columns);
    warnings.push({ message: `unknown column \`${u}\` is ignored${guess ? ` (did you mean \`${guess}\`?)` : ''}`, where: { file, line: 1, field: u } });
  }

  const rows: TableRow[] = [];
  for (const rec of records.slice(1)) {
    if (rec.record.every((c) => c === '')) continue; // blank rows from spreadsheets: `,,,,`
    const body = rec.raw.replace(/^\n+/, '').replace(/\n$/, '');
    const line = rec.info.lines - (body.match(/\n/g)?.length ?? 0);
    if (rec.record.length > header.record.length) {
      problems.add({ line }, `the row has ${rec.record.length} values but the header has ${header.record.length} columns`, 'wrap values that contain commas in double quotes');
      continue;
    }
    const cells: Record<string, string> = {};
    for (const col of columns) cells[col] = rec.record[index.get(col)!] ?? '';
    rows.push({ line, cells, at: (column) => ({ file, line, field: column }), extra: unknown });
  }
  problems.throwIfAny();
  return { rows, warnings };
}

/**
 * Reads a YAML table: a list of mappings with the same keys as the CSV columns. Every scalar is
 * read as written (no YAML type guessing). Lists are joined with `;` (so `scope: [101:viewer]` works).
 */
export function readYamlTable(text: string, file: string, columns: readonly string[], what: string): Table {
  const { data, locate } = parseYamlSource(text, file, { allStrings: true });
  if (data === null || data === undefined || data === '') return { rows: [], warnings: [] };
  if (!Array.isArray(data)) {
    throw new InputError(`expected a list of ${what} (each item starting with "- "), got ${typeof data === 'object' ? 'a mapping' : 'a single value'}`, { file, line: 1, column: 1 }, `write one item per entry: - ${columns[0]}: …`);
  }
  const problems = new FileProblems(file);
  const unknownKeys = new Map<string, number[]>();
  const rows: TableRow[] = [];
  data.forEach((item: unknown, i: number) => {
    const itemAt = locate([i]);
    const line = itemAt.line ?? 1;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.add({ line, column: itemAt.column }, `expected a mapping (${columns.slice(0, 3).join(', ')}, …), got ${Array.isArray(item) ? 'a list' : 'a single value'}`, `each item of the list is a mapping with keys ${listWords(columns)}`);
      return;
    }
    const cells: Record<string, string> = {};
    const extra: string[] = [];
    const keyOf = new Map<string, string>();
    for (const [rawKey, value] of Object.entries(item as Record<string, unknown>)) {
      const key = normalizeColumn(rawKey);
      if (!columns.includes(key)) {
        const lines = unknownKeys.get(rawKey) ?? [];
        lines.push(locate([i, rawKey], 'key').line ?? line);
        unknownKeys.set(rawKey, lines);
        extra.push(rawKey);
        continue;
      }
      keyOf.set(key, rawKey);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        problems.add({ ...locate([i, rawKey]), field: key }, 'expected text, got a mapping', 'quote the value if it contains ": "');
        continue;
      }
      if (Array.isArray(value)) {
        if (value.some((v) => v !== null && typeof v === 'object')) {
          problems.add({ ...locate([i, rawKey]), field: key }, 'expected text or a list of texts, got nested lists or mappings');
          continue;
        }
        cells[key] = value.map((v) => String(v ?? '').trim()).filter((v) => v !== '').join(';');
        continue;
      }
      const s = String(value ?? '').trim();
      cells[key] = s === '~' ? '' : s;
    }
    for (const col of columns) cells[col] ??= '';
    rows.push({
      line,
      cells,
      at: (column) => {
        const raw = keyOf.get(column);
        return raw === undefined ? { ...itemAt, field: column } : { ...locate([i, raw]), field: column };
      },
      extra,
    });
  });
  problems.throwIfAny();
  const warnings: FileWarning[] = [];
  for (const [key, lines] of unknownKeys) {
    const guess = didYouMean(normalizeColumn(key), columns);
    warnings.push({
      message: `unknown key \`${key}\` is ignored (line${lines.length === 1 ? '' : 's'} ${lines.join(', ')})${guess ? `; did you mean \`${guess}\`?` : ''}`,
      where: { file, line: lines[0]!, field: key },
    });
  }
  return { rows, warnings };
}

export function readTable(text: string, file: string, format: 'csv' | 'yaml', columns: readonly string[], what: string): Table {
  return format === 'csv' ? readCsvTable(text, file, columns) : readYamlTable(text, file, columns, what);
}

// ---------------------------------------------------------------------------------------------
// Cells (zod schemas over trimmed strings; a problem carries its fix in `params.hint`)

type Ctx = z.core.$RefinementCtx<string>;

function fail(ctx: Ctx, problem: string, hint?: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message: problem, params: hint ? { hint } : {} });
  return z.NEVER;
}

const DATE_HINT = 'write dates as YYYY-MM-DD, e.g. 2026-03-31';
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `YYYY-MM-DD` that is a real calendar date, or a problem sentence. */
export function checkLocalDate(v: string): { date: LocalDate } | { problem: string; hint: string } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return { problem: `expected a date YYYY-MM-DD, got ${showValue(v)}`, hint: DATE_HINT };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12) return { problem: `${showValue(v)} is not a calendar date (there is no month ${mo})`, hint: DATE_HINT };
  const dim = daysInMonth(y, mo);
  if (d < 1 || d > dim) return { problem: `${showValue(v)} is not a calendar date (${MONTHS[mo - 1]} ${y} has ${dim} days)`, hint: DATE_HINT };
  return { date: v };
}

/**
 * An ISO date or date-time as an Instant (UTC). A date alone is its local midnight in `timezone`
 * (dates are written in the configured time zone; default UTC); a time without zone is read as UTC.
 */
export function checkInstant(v: string, timezone = 'UTC'): { instant: Instant } | { problem: string; hint: string } {
  const hint = 'write an ISO date (2026-03-31) or date-time (2026-03-31T14:05:00Z)';
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(v);
  if (!m) return { problem: `expected an ISO date or date-time, got ${showValue(v)}`, hint };
  const day = checkLocalDate(m[1]!);
  if ('problem' in day) return { problem: day.problem, hint };
  if (m[2] === undefined) return { instant: startOfLocalDay(m[1]!, timezone) };
  if (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return { problem: `${showValue(v)} is not a valid time of day`, hint };
  let zone = m[6] ?? 'Z';
  if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const t = new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}${m[5] ?? ''}${zone.toUpperCase()}`);
  if (Number.isNaN(t.getTime())) return { problem: `expected an ISO date or date-time, got ${showValue(v)}`, hint };
  return { instant: t.toISOString() };
}

const emailSchema = z.email();
const EMAIL_HINT = 'write the address the person signs in with, e.g. jane.doe@acme.example';

/** A lower-cased, checked email address, or a problem sentence. */
export function checkEmail(v: string): { email: string } | { problem: string; hint: string } {
  const e = normEmail(v);
  return emailSchema.safeParse(e).success ? { email: e } : { problem: `expected an email address, got ${showValue(v)}`, hint: EMAIL_HINT };
}

export interface CellOptions {
  readonly required?: boolean;
}

function emptyOrRequired(v: string, ctx: Ctx, required: boolean | undefined, expected: string, hint?: string): boolean {
  if (v !== '') return false;
  if (required) fail(ctx, `missing a value; expected ${expected}`, hint);
  return true;
}

export const cells = {
  text: (opts: CellOptions = {}) =>
    z.string().transform((v, ctx) => {
      if (emptyOrRequired(v, ctx, opts.required, 'text')) return undefined;
      return v;
    }),

  /** Lower-cased and checked. */
  email: (opts: CellOptions = {}) =>
    z.string().transform((v, ctx) => {
      if (emptyOrRequired(v, ctx, opts.required, 'an email address')) return undefined;
      const r = checkEmail(v);
      return 'problem' in r ? fail(ctx, r.problem, r.hint) : r.email;
    }),

  date: (opts: CellOptions = {}) =>
    z.string().transform((v, ctx): LocalDate | undefined => {
      if (emptyOrRequired(v, ctx, opts.required, 'a date YYYY-MM-DD', DATE_HINT)) return undefined;
      const r = checkLocalDate(v);
      return 'problem' in r ? fail(ctx, r.problem, r.hint) : r.date;
    }),

  instant: (opts: CellOptions & { readonly timezone?: string } = {}) =>
    z.string().transform((v, ctx): Instant | undefined => {
      if (emptyOrRequired(v, ctx, opts.required, 'an ISO date or date-time')) return undefined;
      const r = checkInstant(v, opts.timezone);
      return 'problem' in r ? fail(ctx, r.problem, r.hint) : r.instant;
    }),

  /**
   * One of `values`, case-insensitively; `aliases` maps other spellings (lower-cased, single
   * spaces) to a value. Unknown values list the allowed ones, with "did you mean".
   */
  oneOf: <T extends string>(values: readonly T[], opts: CellOptions & { readonly aliases?: Readonly<Record<string, T>>; readonly hint?: string } = {}) =>
    z.string().transform((v, ctx): T | undefined => {
      const expected = `one of ${listWords(values)}`;
      if (emptyOrRequired(v, ctx, opts.required, expected, opts.hint)) return undefined;
      const key = v.toLowerCase().replace(/\s+/g, ' ');
      const hit = values.find((x) => x === key) ?? opts.aliases?.[key];
      if (hit) return hit;
      const guess = didYouMean(key, [...values, ...Object.keys(opts.aliases ?? {})]);
      const target = guess === undefined ? undefined : ((values as readonly string[]).includes(guess) ? guess : opts.aliases?.[guess]);
      return fail(ctx, `expected ${expected}, got ${showValue(v)}${target ? `; did you mean \`${target}\`?` : ''}`, opts.hint);
    }),

  /** yes | no (also true/false, y/n); blank is undefined. */
  yesNo: () =>
    z.string().transform((v, ctx): boolean | undefined => {
      const k = v.toLowerCase();
      if (k === '') return undefined;
      if (k === 'yes' || k === 'y' || k === 'true') return true;
      if (k === 'no' || k === 'n' || k === 'false') return false;
      return fail(ctx, `expected yes or no, got ${showValue(v)}`, 'leave it blank when the register does not say');
    }),

  /** A `;`-separated list, each item checked by `item` (returns the value or a problem). */
  list: <T>(item: (s: string) => { value: T } | { problem: string; hint?: string }) =>
    z.string().transform((v, ctx): T[] => {
      const out: T[] = [];
      for (const part of v.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
        const r = item(part);
        if ('problem' in r) return fail(ctx, r.problem, r.hint);
        out.push(r.value);
      }
      return out;
    }),
};

export type RowShape = Record<string, z.ZodType<unknown, string>>;

/** Adds "`expiry` looks like a misspelling of `expires`" to the hint for an empty column, when the row has such a key. */
export function withMisspelling(hint: string | undefined, column: string, row: TableRow): string | undefined {
  const near = row.extra.find((k) => didYouMean(normalizeColumn(k), [column]) === column);
  if (near === undefined) return hint;
  const note = `\`${near}\` looks like a misspelling of \`${column}\``;
  return hint ? `${note}; ${hint}` : note;
}

export interface ParsedRow<S extends RowShape> {
  /** Each column's value; a column that failed is undefined. */
  readonly v: { [K in keyof S]: z.output<S[K]> };
  /** Columns that failed (their problems are already recorded). */
  readonly failed: ReadonlySet<keyof S>;
}

/**
 * Validates one row cell by cell, so that every bad cell of the row is reported (not only the
 * first) and cross-column checks can still run on the good ones. Problems name the column.
 */
export function parseRow<S extends RowShape>(row: TableRow, shape: S, problems: FileProblems): ParsedRow<S> {
  const v: Record<string, unknown> = {};
  const failed = new Set<keyof S>();
  for (const [column, schema] of Object.entries(shape)) {
    const result = schema.safeParse(row.cells[column] ?? '');
    if (result.success) {
      v[column] = result.data;
      continue;
    }
    failed.add(column);
    for (const issue of result.error.issues) {
      let hint = issue.code === 'custom' ? (issue.params as { hint?: string } | undefined)?.hint : undefined;
      if (row.cells[column] === '') hint = withMisspelling(hint, column, row);
      problems.add(row.at(column), issue.code === 'custom' ? issue.message : 'expected text', hint);
    }
  }
  return { v: v as ParsedRow<S>['v'], failed };
}

/** Reports rows that repeat an identity (register email, key id), naming both lines. */
export class DuplicateCheck {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly problems: FileProblems,
    private readonly describe: (identity: string) => string,
    private readonly field: string,
    private readonly hint: string,
  ) {}

  /** False (and a problem recorded) when this identity was seen before. */
  check(identity: string, row: TableRow): boolean {
    const first = this.seen.get(identity);
    if (first === undefined) {
      this.seen.set(identity, row.line);
      return true;
    }
    this.problems.add(row.at(this.field), `${this.describe(identity)} is listed twice, on lines ${first} and ${row.line}`, this.hint);
    return false;
  }
}

export function pulledAtOf(clock: Clock): Instant {
  return clock.now().toISOString();
}

/** The date part (UTC) of an instant, for comparing with `YYYY-MM-DD` values. */
export function dayOf(instant: Instant): LocalDate {
  return instant.slice(0, 10);
}
