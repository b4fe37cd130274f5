/**
 * Flow layout over pdfkit: sections, headings, paragraphs, lists and boxes, each drawn inside
 * a structure element (tagged PDF), with bookmarks for sections and rule groups, and page
 * breaks that keep a heading with what follows it. Headers, footers and decoration are artifacts.
 */
import { clean } from './format.js';
import { COLOR, CONTENT_WIDTH, FONT, MARGIN, PAGE, SIZE, type Font } from './theme.js';

export interface TextStyle {
  readonly font?: Font;
  readonly size?: number;
  readonly color?: string;
  readonly x?: number;
  readonly width?: number;
  readonly align?: 'left' | 'right' | 'center';
  readonly gapAfter?: number;
  readonly lineGap?: number;
}

/** A run of text in one style, for lines that mix bold labels and values. */
export interface Run {
  readonly text: string;
  readonly font?: Font;
  readonly color?: string;
}

/** A section for the contents on the cover. */
export interface TocEntry {
  readonly title: string;
  /** 0-based page index. */
  readonly page: number;
}

/** pdfkit's outline accepts `top`/`left`; its typings only name `expanded`. */
interface OutlineOptions {
  expanded?: boolean;
  top?: number;
  left?: number;
}

export class Writer {
  readonly doc: PDFKit.PDFDocument;
  /** Bookmarks in document order (depth-first), as drawn. */
  readonly outline: string[] = [];
  readonly toc: TocEntry[] = [];
  private readonly root: PDFKit.PDFStructureElement;
  private sect: PDFKit.PDFStructureElement | undefined;
  /** Sections whose element stays open until the document ends (the cover holds the contents, filled last). */
  private readonly keepOpen = new Set<PDFKit.PDFStructureElement>();
  private sectionOutline: PDFKit.PDFOutline | undefined;

  constructor(doc: PDFKit.PDFDocument) {
    this.doc = doc;
    this.root = doc.struct('Document');
    doc.addStructure(this.root);
    // Pages stay in memory until the end (page numbers and the contents are drawn last), and
    // pdfkit keeps a page's content as one small Uint8Array per drawing operation: hundreds of
    // thousands for a large org, ~300 bytes each. A page that is left is joined into one array:
    // the same bytes (pdfkit joins them anyway when it writes the page), a fraction of the memory.
    keepPagesSmall(doc);
  }

  get left(): number {
    return MARGIN.left;
  }

  get width(): number {
    return CONTENT_WIDTH;
  }

  get bottom(): number {
    return PAGE.height - MARGIN.bottom;
  }

  get y(): number {
    return this.doc.y;
  }

  set y(v: number) {
    this.doc.y = v;
  }

  get pageIndex(): number {
    const range = this.doc.bufferedPageRange();
    return range.start + range.count - 1;
  }

  /** The structure element new content goes into (the current section, or the document). */
  get parent(): PDFKit.PDFStructureElement {
    return this.sect ?? this.root;
  }

  newPage(): void {
    this.doc.addPage();
    this.doc.x = MARGIN.left;
    this.doc.y = MARGIN.top;
  }

  /** Starts a new page unless `height` points still fit on this one. */
  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.newPage();
  }

  /** Height of `text` drawn at `size` in `width` (default: the content width). */
  measure(text: string, size: number, width = this.width, font: Font = FONT.sans): number {
    this.doc.font(font).fontSize(size);
    return this.doc.heightOfString(clean(text, true), { width, lineGap: 1.5 });
  }

  space(points: number): void {
    this.doc.y = Math.min(this.doc.y + points, this.bottom);
  }

  /**
   * Ends the current section and starts the next, with an H1, a bookmark and a contents entry.
   * `newPage`: 'always' (default) starts a page; 'if-short' continues on the current page when
   * more than 45% of it is free, so short sections share a page instead of leaving one half empty.
   */
  section(title: string, opts: { newPage?: 'always' | 'if-short'; expanded?: boolean; heading?: boolean; keepOpen?: boolean } = {}): void {
    this.endSection();
    const free = this.bottom - this.doc.y;
    if (this.pageIndex < 0 || opts.newPage !== 'if-short' || free < 0.45 * (this.bottom - MARGIN.top)) this.newPage();
    else this.space(18);
    this.sect = this.doc.struct('Sect', { title });
    if (opts.keepOpen) this.keepOpen.add(this.sect);
    this.root.add(this.sect);
    const top = this.doc.y;
    this.sectionOutline = this.bookmark(this.doc.outline, title, top, opts.expanded ?? false);
    this.toc.push({ title, page: this.pageIndex });
    if (opts.heading === false) return;
    this.block('H1', title, { font: FONT.bold, size: SIZE.h1, color: COLOR.accent, gapAfter: 4 });
    this.artifact(() => {
      this.doc.moveTo(this.left, this.doc.y).lineTo(this.left + this.width, this.doc.y).lineWidth(0.8).strokeColor(COLOR.accent).stroke();
    });
    this.space(10);
  }

  endSection(): void {
    if (this.sect && !this.keepOpen.has(this.sect)) this.sect.end();
    this.sect = undefined;
  }

  /** An H2; with `bookmark`, also a child bookmark of the current section. Kept with `keep` points of what follows. */
  subheading(title: string, opts: { bookmark?: boolean; keep?: number } = {}): void {
    // The heading's own height (it may wrap), the space around it, and what must follow it.
    this.ensure(4 + this.measure(title, SIZE.h2, this.width, FONT.bold) + 4 + (opts.keep ?? 60) + 2);
    this.space(4);
    if (opts.bookmark && this.sectionOutline) this.bookmark(this.sectionOutline, title, this.doc.y, false);
    this.block('H2', title, { font: FONT.bold, size: SIZE.h2, color: COLOR.text, gapAfter: 4 });
  }

  /** An H3, kept with `keep` points of what follows. */
  minorHeading(title: string, keep = 40): void {
    this.ensure(2 + this.measure(title, SIZE.h3, this.width, FONT.bold) + 3 + keep + 2);
    this.space(2);
    this.block('H3', title, { font: FONT.bold, size: SIZE.h3, color: COLOR.text, gapAfter: 3 });
  }

  paragraph(text: string, style: TextStyle = {}): void {
    this.block('P', text, style);
  }

  /** Muted small text, e.g. "and 40 more — see findings.csv". */
  note(text: string, gapAfter = 6): void {
    this.block('P', text, { size: SIZE.small, color: COLOR.muted, gapAfter });
  }

  /** One paragraph made of runs in different fonts/colours. */
  runs(parts: readonly Run[], style: TextStyle = {}): void {
    const size = style.size ?? SIZE.body;
    const x = style.x ?? this.left;
    const width = style.width ?? this.left + this.width - x;
    const visible = parts.filter((p) => p.text.length > 0);
    if (visible.length === 0) return;
    this.ensure(size * 1.5);
    this.parent.add(
      this.doc.struct('P', {}, () => {
        this.doc.fontSize(size);
        this.doc.x = x;
        visible.forEach((p, i) => {
          this.doc.font(p.font ?? FONT.sans).fillColor(p.color ?? style.color ?? COLOR.text);
          const opts = { width, continued: i < visible.length - 1, lineGap: style.lineGap ?? 1.5 };
          if (i === 0) this.doc.text(clean(p.text), x, this.doc.y, opts);
          else this.doc.text(clean(p.text), opts);
        });
      }),
    );
    this.doc.x = this.left;
    this.space(style.gapAfter ?? 4);
  }

  /** `label: value` lines with aligned values. */
  fields(rows: readonly (readonly [string, string])[], opts: { labelWidth?: number; size?: number; x?: number; width?: number } = {}): void {
    const size = opts.size ?? SIZE.body;
    const x = opts.x ?? this.left;
    const lw = opts.labelWidth ?? 120;
    const width = opts.width ?? this.left + this.width - x;
    for (const [label, value] of rows) {
      const v = clean(value);
      this.doc.font(FONT.sans).fontSize(size);
      const h = Math.max(this.doc.heightOfString(v, { width: width - lw, lineGap: 1.5 }), size * 1.3);
      this.ensure(h + 2);
      const top = this.doc.y;
      this.parent.add(
        this.doc.struct('P', {}, () => {
          this.doc.font(FONT.bold).fontSize(size).fillColor(COLOR.muted).text(clean(label), x, top, { width: lw - 6, lineGap: 1.5 });
          this.doc.font(FONT.sans).fontSize(size).fillColor(COLOR.text).text(v, x + lw, top, { width: width - lw, lineGap: 1.5 });
        }),
      );
      this.doc.x = this.left;
      this.doc.y = top + h + 2;
    }
    this.space(4);
  }

  /** A bulleted or numbered list; each item is an LI with a label (Lbl) and body (LBody). */
  list(items: readonly string[], opts: { numbered?: boolean; size?: number; color?: string } = {}): void {
    if (items.length === 0) return;
    const size = opts.size ?? SIZE.body;
    const indent = opts.numbered ? 16 : 12;
    const l = this.doc.struct('L');
    this.parent.add(l);
    items.forEach((item, i) => {
      const text = clean(item);
      this.doc.font(FONT.sans).fontSize(size);
      const h = this.doc.heightOfString(text, { width: this.width - indent, lineGap: 1.5 });
      this.ensure(Math.min(h, size * 3) + 2);
      const top = this.doc.y;
      const li = this.doc.struct('LI');
      l.add(li);
      li.add(
        this.doc.struct('Lbl', {}, () => {
          this.doc.font(FONT.sans).fontSize(size).fillColor(COLOR.muted).text(opts.numbered ? `${i + 1}.` : '•', this.left, top, { width: indent - 3, lineBreak: false });
        }),
      );
      li.add(
        this.doc.struct('LBody', {}, () => {
          this.doc.font(FONT.sans).fontSize(size).fillColor(opts.color ?? COLOR.text).text(text, this.left + indent, top, { width: this.width - indent, lineGap: 1.5 });
        }),
      );
      li.end();
      this.doc.x = this.left;
      this.space(2);
    });
    l.end();
    this.space(4);
  }

  /** A shaded box around a few lines (a callout); the box is decoration, the lines are paragraphs. */
  callout(title: string, lines: readonly string[], opts: { warn?: boolean } = {}): void {
    const pad = 8;
    const innerW = this.width - 2 * pad - 3;
    this.doc.font(FONT.bold).fontSize(SIZE.body);
    let h = this.doc.heightOfString(clean(title), { width: innerW, lineGap: 1.5 }) + 3;
    this.doc.font(FONT.sans).fontSize(SIZE.small);
    const texts = lines.map((l) => clean(l));
    for (const t of texts) h += this.doc.heightOfString(t, { width: innerW, lineGap: 1.5 }) + 2;
    h += 2 * pad;
    this.ensure(Math.min(h, this.bottom - MARGIN.top));
    const top = this.doc.y;
    const boxH = Math.min(h, this.bottom - top);
    this.artifact(() => {
      this.doc.rect(this.left, top, this.width, boxH).fill(opts.warn ? COLOR.warnFill : COLOR.box);
      this.doc.rect(this.left, top, 3, boxH).fill(opts.warn ? COLOR.warnRule : COLOR.accent);
    });
    this.doc.y = top + pad;
    this.block('P', title, { font: FONT.bold, size: SIZE.body, x: this.left + pad + 3, width: innerW, gapAfter: 3 });
    for (const t of texts) this.block('P', t, { size: SIZE.small, x: this.left + pad + 3, width: innerW, gapAfter: 2 });
    this.doc.y = Math.max(this.doc.y, top + boxH) + 8;
  }

  /** Decoration or pagination: marked as an artifact so assistive technology skips it. */
  artifact(draw: () => void, type: 'Layout' | 'Pagination' = 'Layout'): void {
    const { x, y } = this.doc;
    this.doc.markContent('Artifact', { type });
    this.doc.save();
    draw();
    this.doc.restore();
    this.doc.endMarkedContent();
    this.doc.x = x;
    this.doc.y = y;
  }

  /** Draws `text` as one structure element of type `tag` at the flow position. */
  block(tag: string, text: string, style: TextStyle = {}): void {
    const t = clean(text, true);
    const size = style.size ?? SIZE.body;
    const x = style.x ?? this.left;
    const width = style.width ?? this.left + this.width - x;
    this.ensure(size * 1.5);
    this.parent.add(
      this.doc.struct(tag, {}, () => {
        this.doc
          .font(style.font ?? FONT.sans)
          .fontSize(size)
          .fillColor(style.color ?? COLOR.text)
          .text(t, x, this.doc.y, { width, align: style.align ?? 'left', lineGap: style.lineGap ?? 1.5 });
      }),
    );
    this.doc.x = this.left;
    this.space(style.gapAfter ?? 6);
  }

  /**
   * A bookmark to the current page at `top`. pdfkit computes an XYZ destination's left edge as
   * `page width - left`, so passing the page width puts it at 0 (the page's left edge).
   */
  private bookmark(parent: PDFKit.PDFOutline, title: string, top: number, expanded: boolean): PDFKit.PDFOutline {
    const options: OutlineOptions = { expanded, top: Math.max(0, top - 12), left: PAGE.width };
    this.outline.push(clean(title));
    return parent.addItem(clean(title), options);
  }
}

/** pdfkit internals: a page's content stream collects its pieces in `content.buffer`. */
interface PageInternals {
  content?: { buffer?: unknown; write?: (chunk: unknown) => void; end?: (chunk?: unknown) => void };
}

/** Text written to a page's content stream is handed to pdfkit in pieces of about this size. */
const CONTENT_PIECE_CHARS = 16 * 1024;

/**
 * pdfkit turns every drawing operation (a string) into its own Uint8Array as it is written:
 * hundreds of thousands of small buffers for a large org, each freed only by a full garbage
 * collection. The page's operations are gathered as text instead and handed over in ~16 KB
 * pieces: the same bytes in the same order (pdfkit keeps the low byte of each character, as
 * `latin1` does), far fewer buffers. A write of bytes, or the end of the stream, hands over what
 * was gathered first; so does the returned function (call it when leaving the page).
 */
/** On every new page: the page left is compacted and the layout caches kept bounded (see above). */
export function keepPagesSmall(doc: PDFKit.PDFDocument, cacheLimit = LAYOUT_CACHE_LIMIT): void {
  let previous: { page: PDFKit.PDFPage; handOver: () => void } | undefined;
  doc.on('pageAdded', () => {
    if (previous) {
      previous.handOver();
      compactPageContent(previous.page);
    }
    previous = { page: doc.page, handOver: gatherContentWrites(doc.page) };
    boundLayoutCaches(doc, cacheLimit);
  });
}

export function gatherContentWrites(page: PDFKit.PDFPage): () => void {
  const content = (page as unknown as PageInternals).content;
  const write = content?.write;
  const end = content?.end;
  if (!content || typeof write !== 'function' || typeof end !== 'function' || !Array.isArray(content.buffer)) return () => undefined;
  let pending = '';
  const handOver = (): void => {
    if (pending === '') return;
    const bytes = Buffer.from(pending, 'latin1');
    pending = '';
    write.call(content, bytes);
  };
  content.write = (chunk: unknown): void => {
    if (typeof chunk === 'string') {
      // What pdfkit appends to a string it is given.
      pending += `${chunk}\n`;
      if (pending.length >= CONTENT_PIECE_CHARS) handOver();
      return;
    }
    handOver();
    write.call(content, chunk);
  };
  content.end = (chunk?: unknown): void => {
    if (chunk) content.write?.(chunk);
    handOver();
    end.call(content);
  };
  return handOver;
}

/** Joins the content pieces of a page drawn so far into one (no effect if pdfkit's layout differs). */
export function compactPageContent(page: PDFKit.PDFPage): void {
  const content = (page as unknown as PageInternals).content;
  const pieces = content?.buffer;
  if (!content || !Array.isArray(pieces) || pieces.length < 2) return;
  if (!pieces.every((p): p is Uint8Array => p instanceof Uint8Array)) return;
  content.buffer = [Buffer.concat(pieces)];
}

/** pdfkit internals: fonts in use, each with a cache of laid-out words. */
interface DocumentInternals {
  _fontFamilies?: Record<string, { layoutCache?: Record<string, unknown> }>;
}

/** Words a font keeps laid out; past this the cache starts over (the common words come back at once). */
const LAYOUT_CACHE_LIMIT = 4000;

/**
 * pdfkit remembers the layout of every distinct word for the whole document: for 50,000 members
 * (each email, name and date a word) that is tens of MB kept to the end. Starting over when a
 * cache grows past the limit keeps it small at little cost.
 */
export function boundLayoutCaches(doc: PDFKit.PDFDocument, limit = LAYOUT_CACHE_LIMIT): void {
  const fonts = (doc as unknown as DocumentInternals)._fontFamilies;
  if (!fonts || typeof fonts !== 'object') return;
  for (const font of Object.values(fonts)) {
    const cache = font?.layoutCache;
    if (cache && typeof cache === 'object' && Object.keys(cache).length > limit) font.layoutCache = Object.create(null) as Record<string, unknown>;
  }
}
