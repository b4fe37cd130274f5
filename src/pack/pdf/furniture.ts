/** Running header and footer on every page ("Page n of N"), drawn last over the buffered pages. */
import { label } from './draw.js';
import { COLOR, MARGIN, PAGE, SIZE } from './theme.js';
import type { Writer } from './writer.js';

export interface Furniture {
  readonly headerLeft: string;
  readonly headerRight: string;
  readonly footerLeft: string;
}

export function drawFurniture(w: Writer, f: Furniture): number {
  const { doc } = w;
  const range = doc.bufferedPageRange();
  const total = range.count;
  for (let i = range.start; i < range.start + total; i++) {
    doc.switchToPage(i);
    w.artifact(() => {
      const right = w.left + w.width;
      if (i > range.start) {
        const hy = MARGIN.top - 26;
        label(doc, f.headerLeft, w.left, hy, { size: SIZE.footer, color: COLOR.muted, width: w.width * 0.7 });
        label(doc, f.headerRight, w.left + w.width * 0.7, hy, { size: SIZE.footer, color: COLOR.muted, width: w.width * 0.3, align: 'right' });
        doc.moveTo(w.left, hy + 11).lineTo(right, hy + 11).lineWidth(0.4).strokeColor(COLOR.rule).stroke();
      }
      const fy = PAGE.height - MARGIN.bottom + 22;
      doc.moveTo(w.left, fy - 6).lineTo(right, fy - 6).lineWidth(0.4).strokeColor(COLOR.rule).stroke();
      label(doc, f.footerLeft, w.left, fy, { size: SIZE.footer, color: COLOR.muted, width: w.width - 80 });
      label(doc, `Page ${i - range.start + 1} of ${total}`, right - 80, fy, { size: SIZE.footer, color: COLOR.muted, width: 80, align: 'right' });
    }, 'Pagination');
  }
  return total;
}
