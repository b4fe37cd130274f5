/**
 * Tables that wrap cell text, break across pages between rows, repeat the header row on each new
 * page and shade every other row. Tagged as Table / TR / TH / TD; repeated headers and shading
 * are artifacts. A row never grows taller than a page: overlong cells end in an ellipsis (the
 * full text is in the CSVs).
 */
import { clean } from './format.js';
import { COLOR, FONT, MARGIN, SIZE } from './theme.js';
import type { Writer } from './writer.js';

export interface Column {
  readonly header: string;
  /** Relative width; the columns share the content width in proportion. */
  readonly width: number;
  readonly align?: 'left' | 'right' | 'center';
  /** Monospaced (hashes, fingerprints). */
  readonly mono?: boolean;
}

export interface RichCell {
  readonly text: string;
  readonly bold?: boolean;
  readonly color?: string;
  readonly mono?: boolean;
  /** A second, smaller, muted block under the text (e.g. an id under a name, a source under a value). */
  readonly sub?: string;
}

export type Cell = string | number | RichCell;

export interface TableOptions {
  readonly size?: number;
  /** Printed instead of an empty table. */
  readonly empty?: string;
}

const PAD_X = 4;
const PAD_Y = 3;
const LINE_GAP = 1;
/** A row may use at most this share of a page's usable height. */
const MAX_ROW_SHARE = 0.6;
/** Tables up to this height are not split across pages. */
const KEEP_TOGETHER = 220;

interface Laid {
  readonly text: string;
  readonly sub: string;
  readonly font: string;
  readonly color: string;
  readonly textH: number;
  readonly subH: number;
}

function rich(c: Cell): RichCell {
  return typeof c === 'object' ? c : { text: String(c) };
}

/** Where a long token may break: after . - _ / : , ; and before @ (emails, hostnames, paths, ids). */
const BREAK_AT = /(?<=[.\-_/:,;])|(?=@)/;

/**
 * Tokens wider than the cell would be cut at an arbitrary character by pdfkit; break them at
 * the nearest natural point instead (`anna.schmidt` / `@acme.example`), so addresses stay legible.
 */
export function softBreak(doc: PDFKit.PDFDocument, text: string, cellWidth: number): string {
  // pdfkit measures a word with its line break, so leave room for it.
  const width = cellWidth - doc.widthOfString('\n') - 0.5;
  return text
    .split('\n')
    .map((line) =>
      line
        .split(' ')
        .map((token) => {
          if (token.length < 8 || doc.widthOfString(token) <= width) return token;
          const at = token.lastIndexOf('@');
          if (at > 0 && doc.widthOfString(token.slice(0, at)) <= width && doc.widthOfString(token.slice(at)) <= width) return `${token.slice(0, at)}\n${token.slice(at)}`;
          const parts = token.split(BREAK_AT);
          let out = '';
          let cur = '';
          for (const part of parts) {
            if (cur && doc.widthOfString(cur + part) > width) {
              // pdfkit breaks after a hyphen or slash on its own; a forced break there would leave an empty line.
              out += /[-/]$/.test(cur) ? cur : `${cur}\n`;
              cur = part;
            } else cur += part;
          }
          return out + cur;
        })
        .join(' '),
    )
    .join('\n');
}

export interface PreparedTable {
  /** Height the table needs on its first page (all of it when small, else the header and two rows). */
  readonly startHeight: number;
  draw(): void;
}

/** Draws a table at the flow position. */
export function table(w: Writer, columns: readonly Column[], rows: readonly (readonly Cell[])[], opts: TableOptions = {}): void {
  prepareTable(w, columns, rows, opts).draw();
}

/** Lays a table out without drawing it, so a heading can be kept together with its start. */
export function prepareTable(w: Writer, columns: readonly Column[], rows: readonly (readonly Cell[])[], opts: TableOptions = {}): PreparedTable {
  const { doc } = w;
  if (rows.length === 0) {
    return {
      startHeight: opts.empty ? 16 : 0,
      draw: () => {
        if (opts.empty) w.note(opts.empty);
      },
    };
  }
  const size = opts.size ?? SIZE.table;
  const subSize = size - 0.5;
  const total = columns.reduce((s, c) => s + c.width, 0);
  const widths = columns.map((c) => (c.width / total) * w.width);
  const xs = widths.map((_, i) => w.left + widths.slice(0, i).reduce((s, v) => s + v, 0));
  const maxRowH = (w.bottom - MARGIN.top) * MAX_ROW_SHARE;

  const lay = (cells: readonly Cell[], header: boolean): { cells: Laid[]; height: number } => {
    const laid = columns.map((col, i) => {
      const c = rich(cells[i] ?? '');
      const font = header || c.bold ? FONT.bold : c.mono || col?.mono ? FONT.mono : FONT.sans;
      const width = (widths[i] ?? 0) - 2 * PAD_X;
      doc.font(font).fontSize(size);
      const text = softBreak(doc, clean(c.text, true), width);
      const textH = text ? doc.heightOfString(text, { width, lineGap: LINE_GAP }) : 0;
      doc.font(col?.mono ? FONT.mono : FONT.sans).fontSize(subSize);
      const sub = c.sub ? softBreak(doc, clean(c.sub, true), width) : '';
      const subH = sub ? doc.heightOfString(sub, { width, lineGap: LINE_GAP }) + 1 : 0;
      return { text, sub, font, color: header ? COLOR.text : (c.color ?? COLOR.text), textH, subH };
    });
    const height = Math.min(maxRowH, Math.max(...laid.map((l) => l.textH + l.subH), size * 1.2) + 2 * PAD_Y);
    return { cells: laid, height };
  };

  const header = lay(
    columns.map((c) => c.header),
    true,
  );

  const drawCell = (l: Laid, i: number, top: number, height: number): void => {
    const col = columns[i];
    const width = (widths[i] ?? 0) - 2 * PAD_X;
    const x = (xs[i] ?? 0) + PAD_X;
    const avail = height - 2 * PAD_Y;
    const textH = Math.min(l.textH, avail);
    if (l.text) {
      doc.font(l.font).fontSize(size).fillColor(l.color);
      doc.text(l.text, x, top + PAD_Y, { width, height: textH + 0.5, ellipsis: true, lineGap: LINE_GAP, align: col?.align ?? 'left' });
    }
    if (l.sub && avail - textH > subSize) {
      doc.font(col?.mono ? FONT.mono : FONT.sans).fontSize(subSize).fillColor(COLOR.muted);
      doc.text(l.sub, x, top + PAD_Y + textH + 1, { width, height: avail - textH - 1 + 0.5, ellipsis: true, lineGap: LINE_GAP, align: col?.align ?? 'left' });
    }
  };

  const headerBackground = (top: number): void => {
    doc.rect(w.left, top, w.width, header.height).fill(COLOR.headerFill);
    doc.moveTo(w.left, top + header.height).lineTo(w.left + w.width, top + header.height).lineWidth(0.6).strokeColor(COLOR.muted).stroke();
  };

  const drawHeader = (tableEl: PDFKit.PDFStructureElement, repeat: boolean): void => {
    const top = w.y;
    w.artifact(() => headerBackground(top));
    if (repeat) {
      // A repeated header is pagination, not content: the TH cells were tagged on the first page.
      w.artifact(() => header.cells.forEach((l, i) => drawCell(l, i, top, header.height)), 'Pagination');
    } else {
      const tr = doc.struct('TR');
      tableEl.add(tr);
      const th = { scope: 'Column' } as PDFKit.Mixins.StructureElementOptions;
      header.cells.forEach((l, i) => tr.add(doc.struct('TH', th, () => drawCell(l, i, top, header.height))));
      tr.end();
    }
    w.y = top + header.height;
  };

  // Small tables stay on one page; longer ones start with at least their first rows.
  const laid = rows.map((cells) => lay(cells, false));
  const bodyH = laid.reduce((h, r) => h + r.height, 0);
  const startHeight = header.height + (bodyH <= KEEP_TOGETHER ? bodyH : laid.slice(0, 2).reduce((h, r) => h + r.height, 0)) + 2;

  const draw = (): void => {
    w.ensure(startHeight);
    const tableEl = doc.struct('Table');
    w.parent.add(tableEl);
    drawHeader(tableEl, false);
    laid.forEach((row, r) => {
      if (w.y + row.height > w.bottom) {
        w.newPage();
        drawHeader(tableEl, true);
      }
      const top = w.y;
      w.artifact(() => {
        if (r % 2 === 1) doc.rect(w.left, top, w.width, row.height).fill(COLOR.zebra);
        doc.moveTo(w.left, top + row.height).lineTo(w.left + w.width, top + row.height).lineWidth(0.3).strokeColor(COLOR.rule).stroke();
      });
      const tr = doc.struct('TR');
      tableEl.add(tr);
      row.cells.forEach((l, i) => tr.add(doc.struct('TD', {}, () => drawCell(l, i, top, row.height))));
      tr.end();
      w.y = top + row.height;
    });
    tableEl.end();
    doc.x = w.left;
    w.space(8);
  };
  return { startHeight, draw };
}
