/** Small drawing helpers shared by the charts, the cover and the page furniture. */
import { clean } from './format.js';
import { COLOR, FONT, SIZE, type Font } from './theme.js';

export interface LabelStyle {
  readonly font?: Font;
  readonly size?: number;
  readonly color?: string;
  readonly width?: number;
  readonly align?: 'left' | 'right' | 'center';
}

/**
 * One line of text at a fixed position. A height is always given, which stops pdfkit from
 * starting a new page when the position is below the flow area (footers) or near its end.
 */
export function label(doc: PDFKit.PDFDocument, text: string, x: number, y: number, style: LabelStyle = {}): void {
  const size = style.size ?? SIZE.small;
  doc.font(style.font ?? FONT.sans).fontSize(size).fillColor(style.color ?? COLOR.text);
  const width = style.width ?? doc.widthOfString(clean(text)) + 1;
  doc.text(clean(text), x, y, { width, height: size * 1.6, ellipsis: true, lineBreak: false, align: style.align ?? 'left' });
}
