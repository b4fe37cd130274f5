/** The list of embedded files, with sizes and hashes, and how to get them out. */
import { sha256Hex } from '../../../fsutil.js';
import { attachmentBytes } from '../document.js';
import { bytes, clean } from '../format.js';
import { table } from '../table.js';
import { COLOR, SIZE } from '../theme.js';
import type { SectionContext } from './context.js';

export function renderAttachments(ctx: SectionContext): void {
  const { w, attachments } = ctx;
  w.section('Attachments', { newPage: 'if-short' });
  w.paragraph(
    'These files are embedded in this PDF (PDF/A-3 associated files), so the pack carries its own evidence. Open the attachments panel of a PDF reader, or run: pdfdetach -saveall review-pack.pdf. Each file is byte-identical to the copy in the pack folder; compare the sha256 below with manifest.json.',
    { size: SIZE.small + 0.5, color: COLOR.muted, gapAfter: 8 },
  );
  table(
    w,
    [
      { header: 'File', width: 20, mono: true },
      { header: 'Contents', width: 37 },
      { header: 'Size', width: 10, align: 'right' },
      { header: 'sha256', width: 33, mono: true },
    ],
    attachments.map((a) => {
      const known = a.size !== undefined && a.sha256 !== undefined ? undefined : attachmentBytes(a);
      const size = a.size ?? (known as Uint8Array).byteLength;
      const sha256 = a.sha256 ?? sha256Hex(known as Uint8Array);
      return [{ text: clean(a.name), mono: true, sub: clean(a.mime) }, clean(a.description), bytes(size), { text: sha256, mono: true }];
    }),
    { empty: 'No files are attached.' },
  );
  const big = ctx.data.notEmbedded ?? [];
  if (big.length > 0) {
    w.paragraph(
      `Not embedded because of their size (they are in the pack folder next to this PDF, with the same sha256 in manifest.json): ${big.map((f) => `${clean(f.name)} (${bytes(f.bytes)}, sha256 ${f.sha256})`).join('; ')}.`,
      { size: SIZE.small + 0.5, color: COLOR.muted, gapAfter: 8 },
    );
  }
}
