/** File-system helpers: every file ampaudit writes is written atomically (temp file + rename). */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/** Writes `data` to `path` via a temporary file in the same folder, fsynced, then renamed. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeAtomicallySync(path, (fd) => writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data), mode);
}

/** Writes all of `buf` at the file's current position. */
export function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function tempFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

function commit(fd: number, tmp: string, path: string): void {
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

function abandon(fd: number, tmp: string): void {
  closeSync(fd);
  rmSync(tmp, { force: true });
}

/**
 * `fill` writes the content to an open temporary file next to `path`; it is then fsynced and
 * renamed into place. If `fill` throws, the temporary file is removed and `path` is untouched.
 */
export function writeAtomicallySync(path: string, fill: (fd: number) => void, mode = 0o644): void {
  const tmp = tempFor(path);
  const fd = openSync(tmp, 'wx', mode);
  try {
    fill(fd);
  } catch (err) {
    abandon(fd, tmp);
    throw err;
  }
  commit(fd, tmp, path);
}

/** As `writeAtomicallySync`, for a `fill` that yields to the event loop. */
export async function writeAtomically<T>(path: string, fill: (fd: number) => Promise<T>, mode = 0o644): Promise<T> {
  const tmp = tempFor(path);
  const fd = openSync(tmp, 'wx', mode);
  let result: T;
  try {
    result = await fill(fd);
  } catch (err) {
    abandon(fd, tmp);
    throw err;
  }
  commit(fd, tmp, path);
  return result;
}

/** Makes a rename durable. Some file systems refuse to open a folder; that is not an error here. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not supported on this file system
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
