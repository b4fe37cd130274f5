import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { keepPagesSmall } from './writer.js';
import { FONT } from './theme.js';

/** Draws the same pages into a document, with or without the Writer's memory measures. */
async function render(withMeasures: boolean): Promise<Buffer> {
  const doc = new PDFDocument({ autoFirstPage: false, bufferPages: true, font: FONT.sans, info: { CreationDate: new Date(0) } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  if (withMeasures) {
    // A tiny cache limit, so the caches really start over while drawing.
    keepPagesSmall(doc, 20);
  }
  doc.font(FONT.sans);
  for (let p = 0; p < 6; p++) {
    doc.addPage();
    for (let i = 0; i < 120; i++) {
      doc.fontSize(8 + (i % 3)).text(`row ${p}.${i}: member${i * 7 + p}@example.com Zoë Müller ${'x'.repeat(i % 17)}`, 40, 40 + (i % 60) * 12);
      if (i % 10 === 0) doc.rect(30, 30 + i, 100, 5).stroke();
    }
  }
  // Back to earlier pages, as the page numbers are drawn.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.fontSize(7).text(`Page ${i + 1} of ${range.count}`, 40, 800);
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

describe('the Writer\'s memory measures on pdfkit pages', () => {
  it('leave the document byte for byte as pdfkit writes it alone', async () => {
    const plain = await render(false);
    const measured = await render(true);
    expect(measured.length).toBeGreaterThan(10_000);
    expect(measured.equals(plain)).toBe(true);
  });
});
