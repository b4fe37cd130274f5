/**
 * The one CSV writer behind every pack CSV: streams rows into a file in csv-stringify's format,
 * hashing while writing, so a 10-million-row activity log never sits in memory.
 *
 * Format (the same for every pack CSV, see README.md):
 * - RFC 4180: comma-separated, CRLF between records, `"` quoting with `""` escapes; a cell with
 *   a comma, a quote or a line break is quoted.
 * - UTF-8 with a byte-order mark, so Excel opens names like "Zoë" correctly on double-click.
 * - Every cell passes through `toCell` (formula injection neutralized).
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { writeAll, writeAtomically } from '../../fsutil.js';
import { toCell, type CellValue } from './cell.js';

export interface CsvFileResult {
  /** The file written. */
  readonly path: string;
  /** sha256 of the exact bytes written (hex). */
  readonly sha256: string;
  readonly bytes: number;
  /** Data rows, header not counted. */
  readonly rows: number;
}

/** Options every pack CSV is written with. Exported so tests and readers can parse them back. */
export const CSV_FORMAT = {
  bom: true,
  recordDelimiter: '\r\n',
} as const;

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** A cell holding one of these is quoted. */
const NEEDS_QUOTES = /[",\r\n]/;
/** Records are encoded in pieces of about this many characters (small enough to stay young garbage)... */
const TEXT_CHARS = 16 * 1024;
/** ...into a buffer of this size, hashed and written when full. */
const BUFFER_BYTES = 1 << 20;
/** The event loop gets a turn every this many pieces (~1 MiB). */
const YIELD_EVERY = 64;

/**
 * One cell as csv-stringify writes a string with CSV_FORMAT (and `quoted_match: /[\r\n]/`):
 * quoted when it holds a comma, a quote, a CR or an LF, quotes doubled. The bytes are the same
 * as csv-stringify's (a test checks it); writing them directly is several times faster, which
 * matters for a multi-million-row activity log.
 */
export function csvCell(value: string): string {
  if (value === '' || !NEEDS_QUOTES.test(value)) return value;
  return `"${value.replaceAll('"', '""')}"`;
}

/** One record: cells already through `toCell`, joined by commas, ended by CRLF. */
export function csvRecord(cells: readonly string[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) out += (i === 0 ? '' : ',') + csvCell(cells[i] as string);
  return out + CSV_FORMAT.recordDelimiter;
}

/**
 * Writes `header` then `rows` to `path` (via a temporary file in the same folder, fsynced and
 * renamed). Rows are pulled lazily from the iterable and written in ~1 MiB pieces, hashing as it
 * goes, so a 10-million-row activity log never sits in memory; every ~1 MiB the event loop gets
 * a turn.
 */
export async function writeCsv(
  path: string,
  header: readonly string[],
  rows: Iterable<readonly CellValue[]>,
): Promise<CsvFileResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  let count = 0;
  const width = header.length;

  // Records are gathered as short strings (young-generation garbage only) and encoded into one
  // reused 1 MiB buffer, which is hashed and written when full: no large strings or buffers are
  // left behind per row, so the heap stays flat however many rows there are.
  await writeAtomically(path, async (fd) => {
    const buf = Buffer.allocUnsafe(BUFFER_BYTES);
    let used = 0;
    const flush = (): void => {
      if (used === 0) return;
      const chunk = buf.subarray(0, used);
      hash.update(chunk);
      writeAll(fd, chunk);
      bytes += used;
      used = 0;
    };
    const put = (text: string): void => {
      const n = Buffer.byteLength(text, 'utf8');
      if (used + n > buf.length) flush();
      if (n > buf.length) {
        const big = Buffer.from(text, 'utf8');
        hash.update(big);
        writeAll(fd, big);
        bytes += big.length;
        return;
      }
      used += buf.write(text, used, 'utf8');
    };

    if (CSV_FORMAT.bom) {
      BOM.copy(buf, 0);
      used = BOM.length;
    }
    let text = csvRecord(header.map((h) => toCell(h)));
    let sinceYield = 0;
    for (const row of rows) {
      if (row.length !== width) {
        throw new Error(`bug: CSV ${basename(path)} row ${count + 1} has ${row.length} cells, header has ${width}`);
      }
      count += 1;
      let record = '';
      for (let i = 0; i < width; i++) record += (i === 0 ? '' : ',') + csvCell(toCell(row[i]));
      text += record + CSV_FORMAT.recordDelimiter;
      if (text.length >= TEXT_CHARS) {
        put(text);
        text = '';
        if (++sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    }
    put(text);
    flush();
  });
  return { path, sha256: hash.digest('hex'), bytes, rows: count };
}
