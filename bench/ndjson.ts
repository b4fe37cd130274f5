/** Reading an NDJSON file line by line, synchronously, in large chunks (no per-line I/O). */
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK = 4 << 20;

/** Non-empty lines of the file, without the line break. */
export function* ndjsonLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(CHUNK);
    let carry = 0;
    for (;;) {
      if (carry === buf.length) {
        // A single line longer than the buffer: grow it.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const n = readSync(fd, buf, carry, buf.length - carry, null);
      const end = carry + n;
      if (n === 0) {
        if (end > 0) {
          const last = buf.toString('utf8', 0, end);
          if (last.trim() !== '') yield last;
        }
        return;
      }
      // Decode up to the last line break only: a multi-byte character is never split.
      const cut = buf.lastIndexOf(0x0a, end - 1);
      if (cut < 0) {
        carry = end;
        continue;
      }
      const text = buf.toString('utf8', 0, cut);
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        const line = nl < 0 ? text.slice(start) : text.slice(start, nl);
        if (line.length > 0) yield line;
        if (nl < 0) break;
        start = nl + 1;
      }
      carry = end - cut - 1;
      buf.copy(buf, 0, cut + 1, end);
    }
  } finally {
    closeSync(fd);
  }
}
