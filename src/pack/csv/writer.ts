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
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncDir } from '../../fsutil.js';
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
/** Text is turned into bytes, hashed and written in pieces of about this many characters. */
const FLUSH_CHARS = 1 << 20;

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
 * goes, so a 10-million-row activity log never sits in memory; between pieces the event loop
 * gets a turn.
 */
export async function writeCsv(
  path: string,
  header: readonly string[],
  rows: Iterable<readonly CellValue[]>,
): Promise<CsvFileResult> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  const hash = createHash('sha256');
  let bytes = 0;
  let count = 0;
  const width = header.length;

  const write = (buf: Buffer): void => {
    hash.update(buf);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    bytes += buf.length;
  };

  try {
    if (CSV_FORMAT.bom) write(BOM);
    let text = csvRecord(header.map((h) => toCell(h)));
    for (const row of rows) {
      if (row.length !== width) {
        throw new Error(`bug: CSV ${basename(path)} row ${count + 1} has ${row.length} cells, header has ${width}`);
      }
      count += 1;
      let record = '';
      for (let i = 0; i < width; i++) record += (i === 0 ? '' : ',') + csvCell(toCell(row[i]));
      text += record + CSV_FORMAT.recordDelimiter;
      if (text.length >= FLUSH_CHARS) {
        write(Buffer.from(text, 'utf8'));
        text = '';
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    write(Buffer.from(text, 'utf8'));
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  fsyncDir(dir);
  return { path, sha256: hash.digest('hex'), bytes, rows: count };
}
