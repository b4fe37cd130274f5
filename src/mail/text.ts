/**
 * Text helpers for mail: header values that cannot break out of their header, and plain-text
 * layout for 72-column mail readers.
 */
import { clean } from '../pack/pdf/format.js';

/**
 * A header value from data: one line (CR, LF and every other control character removed, runs of
 * white space collapsed), at most `max` characters. Header injection needs a line break; none
 * survives this.
 */
export function headerValue(value: string | number | undefined | null, max = 200): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const s = clean(value).replace(/[\r\n\u0000-\u001F\u007F\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim();
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Word-wraps `text` to `width` columns. Continuation lines start with `indent` spaces; the first
 * line is assumed to start at column `firstColumn` (text already on that line). A word longer
 * than a line (a path, a hash) is kept whole on its own line rather than cut.
 */
export function wrap(text: string, width = 72, indent = 0, firstColumn = indent): string {
  const pad = ' '.repeat(indent);
  const paragraphs = clean(text, true).split('\n');
  const out: string[] = [];
  let col = firstColumn;
  paragraphs.forEach((para, pi) => {
    if (pi > 0) {
      out.push(`\n${pad}`);
      col = indent;
    }
    let lineHasWord = false;
    for (const word of para.split(/ +/).filter((w) => w.length > 0)) {
      const need = (lineHasWord ? 1 : 0) + word.length;
      if (lineHasWord && col + need > width) {
        out.push(`\n${pad}${word}`);
        col = indent + word.length;
      } else {
        out.push(lineHasWord ? ` ${word}` : word);
        col += need;
      }
      lineHasWord = true;
    }
  });
  return out.join('');
}

/** Pads (or clips with an ellipsis) to exactly `n` columns. */
export function padEnd(value: string | number, n: number): string {
  const s = clean(value);
  if (s.length > n) return `${s.slice(0, Math.max(0, n - 1))}…`;
  return s.padEnd(n);
}

export function padStart(value: string | number, n: number): string {
  const s = clean(value);
  return s.length >= n ? s : s.padStart(n);
}

/** A rule line for text bodies. */
export function rule(width = 72, ch = '-'): string {
  return ch.repeat(width);
}
