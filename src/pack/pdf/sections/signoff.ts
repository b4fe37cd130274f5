/** Sign-off page: blank fields the reviewer fills in by hand (or with a PDF signature tool). */
import { SEVERITIES } from '../../../domain/common.js';
import { label } from '../draw.js';
import { num } from '../format.js';
import { COLOR, FONT, SIZE } from '../theme.js';
import type { SectionContext } from './context.js';

export function renderSignOff(ctx: SectionContext): void {
  const { w, data, counts } = ctx;
  const { doc } = w;
  w.section('Sign-off');
  w.paragraph(
    `The reviewer records that the findings of this pack were reviewed and what was decided. Print this page, fill it in and sign it (or sign the PDF electronically), and keep the signed copy with pack ${ctx.packId}.`,
    { gapAfter: 6 },
  );
  const bySev = SEVERITIES.map((s) => `${num(counts.open[s])} ${s}`).join(', ');
  w.paragraph(`Reviewed: ${num(counts.openTotal)} open findings (${bySev}), ${num(counts.excepted)} excepted, ${num(counts.unknown)} unknown, for ${data.snapshot.org.name}, ${data.periodLabel}.`, {
    size: SIZE.small + 0.5,
    color: COLOR.muted,
    gapAfter: 16,
  });

  const line = (caption: string, height = 30): void => {
    w.ensure(height + 4);
    const top = w.y;
    w.parent.add(doc.struct('P', {}, () => label(doc, caption, w.left, top + 4, { font: FONT.bold, size: SIZE.body, width: 140 })));
    w.artifact(() => {
      doc.moveTo(w.left + 150, top + 16).lineTo(w.left + w.width, top + 16).lineWidth(0.6).strokeColor(COLOR.muted).stroke();
    });
    w.y = top + height;
  };

  w.subheading('Reviewer', { keep: 120 });
  line('Name');
  line('Role');
  line('Date');

  w.subheading('Decision', { keep: 80 });
  w.note('Tick one.', 6);
  const options = ['Approve: access as shown is appropriate', 'Approve with actions: the actions below are required, with owners and due dates', 'Reject: the review must be redone'];
  for (const o of options) {
    w.ensure(24);
    const top = w.y;
    w.artifact(() => {
      doc.rect(w.left + 2, top + 2, 11, 11).lineWidth(0.8).strokeColor(COLOR.text).stroke();
    });
    w.parent.add(doc.struct('P', {}, () => label(doc, o, w.left + 22, top + 2.5, { size: SIZE.body, width: w.width - 22 })));
    w.y = top + 22;
  }

  w.subheading('Actions required (owner, due date)', { keep: 120 });
  for (let i = 0; i < 5; i++) {
    w.ensure(24);
    const top = w.y;
    w.artifact(() => {
      doc.moveTo(w.left, top + 18).lineTo(w.left + w.width, top + 18).lineWidth(0.5).strokeColor(COLOR.rule).stroke();
    });
    w.y = top + 24;
  }
  w.space(8);
  line('Signature', 40);

  w.subheading('Second approver (if your process requires one)', { keep: 110 });
  line('Name');
  line('Date');
  line('Signature', 40);
}
