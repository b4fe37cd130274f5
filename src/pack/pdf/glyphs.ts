/**
 * Which characters the embedded fonts can draw. PDF/A forbids references to the .notdef glyph,
 * so a character none of the DejaVu faces has (CJK, emoji…) is replaced before it is drawn.
 */
import PDFDocument from 'pdfkit';
import { FONT } from './theme.js';

interface FontkitFont {
  hasGlyphForCodePoint(codePoint: number): boolean;
}

let covered: ((codePoint: number) => boolean) | undefined;

/** The font files never change, so their coverage is read once per process. */
function coverage(): (codePoint: number) => boolean {
  if (!covered) {
    const doc = new PDFDocument({ font: FONT.sans, autoFirstPage: false });
    const fonts = [FONT.sans, FONT.bold, FONT.mono].map((f) => {
      doc.font(f);
      const font = (doc as unknown as { _font?: { font?: FontkitFont } })._font?.font;
      if (!font || typeof font.hasGlyphForCodePoint !== 'function') throw new Error('pdfkit internals changed: no fontkit font behind the embedded font');
      return font;
    });
    covered = (cp) => fonts.every((f) => f.hasGlyphForCodePoint(cp));
  }
  return covered;
}

/** Replaces characters without a glyph in every face by U+FFFD (or `?`). */
export function drawable(s: string): string {
  if (!/[^\u0020-\u007e\n]/.test(s)) return s;
  const has = coverage();
  const replacement = has(0xfffd) ? '\uFFFD' : '?';
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0x3f;
    out += cp === 0x0a || has(cp) ? ch : replacement;
  }
  return out;
}
