/**
 * The one CSV writer behind every pack CSV: streams rows through csv-stringify into a file,
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
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
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

const FLUSH_BYTES = 1 << 20;

/** Options every pack CSV is written with. Exported so tests and readers can parse them back. */
export const CSV_FORMAT = {
  bom: true,
  recordDelimiter: '\r\n',
} as const;

/**
 * Writes `header` then `rows` to `path` (via a temporary file in the same folder, fsynced and
 * renamed). Rows are pulled lazily from the iterable with back-pressure.
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

  function* records(): Generator<string[]> {
    yield header.map((h) => toCell(h));
    for (const row of rows) {
      if (row.length !== width) {
        throw new Error(`bug: CSV ${basename(path)} row ${count + 1} has ${row.length} cells, header has ${width}`);
      }
      count += 1;
      yield row.map(toCell);
    }
  }

  // Hashes and writes to the fd we own (fs.WriteStream would close it before the fsync). The
  // stringifier emits one small chunk per record: they are gathered into ~1 MiB writes, or a
  // multi-million-row activity log would cost a system call per row.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    if (pendingBytes === 0) return;
    const buf = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    hash.update(buf);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    bytes += buf.length;
  };
  const sink = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      try {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        pending.push(buf);
        pendingBytes += buf.length;
        if (pendingBytes >= FLUSH_BYTES) flush();
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    final(done) {
      try {
        flush();
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });

  try {
    await pipeline(
      Readable.from(records(), { objectMode: true }),
      stringify({
        bom: CSV_FORMAT.bom,
        record_delimiter: CSV_FORMAT.recordDelimiter,
        // csv-stringify quotes delimiters and quotes by itself, but with a CRLF record delimiter
        // it leaves a lone LF or CR unquoted, which would split the record for every reader.
        quoted_match: /[\r\n]/,
      }),
      sink,
    );
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
