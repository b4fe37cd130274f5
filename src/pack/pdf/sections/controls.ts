/** Controls: each framework control, the rules that evidence it, and their outcome this quarter. */
import type { ControlOutcome } from '../../types.js';
import { clean, num } from '../format.js';
import { prepareTable, type Cell } from '../table.js';
import { COLOR, SIZE } from '../theme.js';
import type { SectionContext } from './context.js';

const OUTCOME: Record<ControlOutcome['outcome'], Cell> = {
  fail: { text: 'Fail', bold: true, sub: 'open finding' },
  unknown: { text: 'Unknown', bold: true, sub: 'a rule could not decide' },
  pass: { text: 'Pass' },
  'not-evaluated': { text: 'Not evaluated', color: COLOR.muted, sub: 'no enabled rule' },
};

function ruleLine(r: ControlOutcome['rules'][number]): string {
  if (!r.enabled) return `${r.ruleId}: disabled`;
  const parts: string[] = [];
  if (r.open > 0) parts.push(`${num(r.open)} open`);
  if (r.excepted > 0) parts.push(`${num(r.excepted)} excepted`);
  if (r.unknown > 0) parts.push(`${num(r.unknown)} unknown`);
  return `${r.ruleId}: ${parts.length > 0 ? parts.join(', ') : 'no findings'}`;
}

export function renderControls(ctx: SectionContext): void {
  const { w, data } = ctx;
  w.section('Controls', { newPage: 'if-short' });
  w.paragraph(
    'Each control lists the rules that give evidence for it and what they found this quarter. Fail: a rule has an open finding. Unknown: no open finding, but a rule could not decide for lack of data. Pass: every enabled rule decided and found nothing open (excepted findings are accepted risks). Not evaluated: no enabled rule covers the control.',
    { size: SIZE.small + 0.5, color: COLOR.muted, gapAfter: 8 },
  );
  if (data.controls.length === 0) {
    w.paragraph('No control mapping was given.');
    return;
  }
  const frameworks = [...new Set(data.controls.map((c) => c.framework))];
  for (const fw of frameworks) {
    const list = data.controls.filter((c) => c.framework === fw);
    const fails = list.filter((c) => c.outcome === 'fail').length;
    const t = prepareTable(
      w,
      [
        { header: 'Control', width: 11 },
        { header: 'Title', width: 30 },
        { header: 'Rules and results this quarter', width: 45 },
        { header: 'Outcome', width: 14 },
      ],
      list.map((c) => [{ text: clean(c.control), bold: true }, clean(c.title), c.rules.map(ruleLine).join('\n') || '—', OUTCOME[c.outcome]]),
    );
    w.subheading(`${clean(fw)} (${num(fails)} of ${num(list.length)} failing)`, { keep: t.startHeight });
    t.draw();
  }
}
