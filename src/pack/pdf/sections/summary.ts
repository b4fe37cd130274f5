/** Executive summary: open counts, change since last quarter, two charts, and what needs a decision. */
import { SEVERITIES, type Severity } from '../../../domain/common.js';
import type { ChangeKind, Finding } from '../../../domain/findings.js';
import { severityBars, trendColumns } from '../charts.js';
import { label } from '../draw.js';
import { capitalize, clean, clip, num, plural } from '../format.js';
import { CAPS, byUrgency, severityLabel } from '../model.js';
import { table } from '../table.js';
import { COLOR, FONT, SEVERITY_COLOR, SIZE } from '../theme.js';
import type { SectionContext } from './context.js';

export function renderSummary(ctx: SectionContext): void {
  const { w, data, counts } = ctx;
  const { doc } = w;
  w.section('Executive summary');

  // Severity tiles: the box is decoration, number and label are one paragraph each.
  const gap = 8;
  const tileW = (w.width - gap * 3) / 4;
  const tileH = 46;
  w.ensure(tileH + 10);
  const top = w.y;
  SEVERITIES.forEach((s, i) => {
    const x = w.left + i * (tileW + gap);
    w.artifact(() => {
      doc.rect(x, top, tileW, tileH).fill(COLOR.box);
      doc.rect(x, top, 4, tileH).fill(SEVERITY_COLOR[s]);
    });
    w.parent.add(
      doc.struct('P', {}, () => {
        label(doc, num(counts.open[s]), x + 12, top + 6, { font: FONT.bold, size: 19, width: tileW - 16 });
        label(doc, `${severityLabel(s)} · open`, x + 12, top + 30, { size: SIZE.small, color: COLOR.muted, width: tileW - 16 });
      }),
    );
  });
  w.y = top + tileH + 10;

  const also: string[] = [`${plural(counts.openTotal, 'open finding')} in all`];
  also.push(`${num(counts.excepted)} excepted (accepted risks with an approver and an expiry)`);
  also.push(`${num(counts.unknown)} unknown (the data did not reach far enough to decide)`);
  if (counts.expiredExceptions > 0) also.push(`${plural(counts.expiredExceptions, 'finding')} re-opened because the exception expired`);
  w.paragraph(`${also.join('; ')}.`, { gapAfter: 10 });

  w.subheading('Change since last quarter', { keep: 90 });
  const prev = data.previous;
  const kinds: ChangeKind[] = ['new', 'resolved', 'persisting'];
  const bySev = (k: ChangeKind, s: Severity): number => data.changes.filter((c) => c.kind === k && c.finding.severity === s).length;
  const totals = Object.fromEntries(kinds.map((k) => [k, data.changes.filter((c) => c.kind === k).length])) as Record<ChangeKind, number>;
  w.paragraph(
    prev
      ? `Compared with ${clean(prev.dir)}: ${num(totals.new)} new, ${num(totals.resolved)} resolved and ${num(totals.persisting)} persisting findings (open and excepted).`
      : 'No earlier pack for this organization: every current finding counts as new.',
    { gapAfter: 6 },
  );
  if (prev) {
    table(
      w,
      [{ header: 'Change', width: 2.2 }, ...SEVERITIES.map((s) => ({ header: severityLabel(s), width: 1, align: 'right' as const })), { header: 'Total', width: 1, align: 'right' }],
      kinds.map((k) => [{ text: capitalize(k), bold: true }, ...SEVERITIES.map((s) => num(bySev(k, s))), { text: num(totals[k]), bold: true }]),
      { size: SIZE.small },
    );
  }

  // Two charts side by side, each its own figure with alternative text.
  const chartH = 150;
  w.ensure(chartH + 24);
  const chartTop = w.y;
  const leftW = 200;
  const rightX = w.left + leftW + 24;
  const rightW = w.width - leftW - 24;
  w.parent.add(
    doc.struct('Figure', { alt: `Bar chart of open findings by severity: ${SEVERITIES.map((s) => `${s} ${counts.open[s]}`).join(', ')}.` }, () => {
      label(doc, 'Open findings by severity', w.left, chartTop, { font: FONT.bold, size: SIZE.h3 });
      severityBars(doc, w.left, chartTop + 26, leftW, counts.open);
    }),
  );
  const trend = data.trend;
  w.parent.add(
    doc.struct(
      'Figure',
      { alt: `Stacked column chart of open findings per quarter: ${trend.map((p) => `${p.period} ${SEVERITIES.map((s) => `${s} ${p.counts[s]}`).join(' ')}`).join('; ')}.` },
      () => {
        label(doc, `Open findings over the last ${plural(trend.length, 'quarter')}`, rightX, chartTop, { font: FONT.bold, size: SIZE.h3, width: rightW });
        if (trend.length === 0) label(doc, 'No earlier packs: the trend starts with this quarter.', rightX, chartTop + 26, { color: COLOR.muted, width: rightW });
        else trendColumns(doc, rightX, chartTop + 18, rightW, chartH - 18, trend);
      },
    ),
  );
  w.y = chartTop + chartH + 12;

  w.subheading('What needs a decision', { keep: 60 });
  const order = byUrgency(data.periodLabel);
  const open = data.findings.filter((f) => f.status === 'open');
  const high = open.filter((f) => f.severity === 'high').sort(order);
  const pick = acrossRules(high.length > 0 ? high : open.filter((f) => f.severity === 'medium').sort(order), CAPS.topDecisions);
  const titles = new Map(data.rules.map((r) => [r.id, r.title]));
  const items = pick.map((f) => {
    const seen = f.firstSeen && f.firstSeen !== data.periodLabel ? `open since ${f.firstSeen}` : 'new this quarter';
    return `${clip(clean(f.message), 220)} (${titles.get(f.ruleId) ?? f.ruleId}; ${seen})`;
  });
  const pool = high.length > 0 ? high.length : open.filter((f) => f.severity === 'medium').length;
  if (pick.length === 0) w.paragraph('No open high or medium findings this quarter.');
  else {
    w.paragraph(
      high.length > 0
        ? pick.length === pool
          ? `The ${plural(pool, 'open high-severity finding')}, new ones first:`
          : `${num(pick.length)} of the ${plural(pool, 'open high-severity finding')}: the most urgent of each rule in turn, new ones first:`
        : pick.length === pool
          ? `No open high findings. The ${plural(pool, 'open medium-severity finding')}:`
          : `No open high findings. ${num(pick.length)} of the ${plural(pool, 'open medium-severity finding')}: the most urgent of each rule in turn:`,
      { gapAfter: 4 },
    );
    w.list(items, { numbered: true, size: SIZE.small + 0.5 });
    if (pool > pick.length) w.note(`The other ${num(pool - pick.length)} are under Findings by rule.`);
  }
  const more: string[] = [];
  if (counts.expiredExceptions > 0) more.push(`${plural(counts.expiredExceptions, 'exception')} expired: renew with a new approval or fix the finding (see Exceptions in force).`);
  const unknownRules = new Set(data.findings.filter((f) => f.status === 'unknown').map((f) => f.ruleId));
  if (unknownRules.size > 0) more.push(`${plural(unknownRules.size, 'rule')} could not decide for lack of data (${[...unknownRules].sort().join(', ')}): close the data gaps named under Data provenance.`);
  const failed = data.snapshot.sources.filter((s) => s.configured && !s.ok).map((s) => s.source);
  if (failed.length > 0) more.push(`Source pulls failed (${failed.join(', ')}): findings that depend on them are unknown.`);
  if (more.length > 0) {
    w.minorHeading('Also for the reviewer', 30);
    w.list(more, { size: SIZE.small + 0.5 });
  }
}

/**
 * Up to `n` findings taken from each rule in turn (rules in the order of their first finding,
 * each rule's in `sorted` order): ten findings of one noisy rule would hide the other problems.
 */
export function acrossRules(sorted: readonly Finding[], n: number): Finding[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of sorted) {
    const list = byRule.get(f.ruleId);
    if (list) list.push(f);
    else byRule.set(f.ruleId, [f]);
  }
  const lists = [...byRule.values()];
  const out: Finding[] = [];
  for (let i = 0; out.length < n && lists.some((l) => i < l.length); i++) {
    for (const l of lists) {
      const f = l[i];
      if (f && out.length < n) out.push(f);
    }
  }
  return out;
}
