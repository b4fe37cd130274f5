/** Export activity in the period: totals, top exporters against their baseline, large cohort exports. */
import type { Instant } from '../../../domain/common.js';
import { clean, dateTime, num, plural } from '../format.js';
import { CAPS, moreNote } from '../model.js';
import { prepareTable, type Cell } from '../table.js';
import { COLOR } from '../theme.js';
import type { SectionContext } from './context.js';

export function renderExports(ctx: SectionContext): void {
  const { w, data, tz } = ctx;
  const s = data.snapshot;
  w.section('Export activity', { newPage: 'if-short' });
  if (!s.events) {
    w.paragraph('The audit log was not collected, so export activity in this period is unknown.');
    return;
  }
  const rows: { email: string; count: number; rows: number; users: number; unsized: number; meanCount?: number; meanRows?: number; quarters: number }[] = [];
  const byKind = new Map<string, number>();
  const large: { time: Instant; users: number; projectId?: string; email: string }[] = [];
  for (const [email, a] of s.activity) {
    const e = a.exports;
    if (e.count <= 0) continue;
    rows.push({ email, count: e.count, rows: e.rows, users: e.users, unsized: e.unsized, meanCount: a.baseline?.meanCount, meanRows: a.baseline?.meanRows, quarters: a.baseline?.quarters.length ?? 0 });
    for (const [k, n] of Object.entries(e.byKind)) byKind.set(k, (byKind.get(k) ?? 0) + n);
    for (const l of e.large) large.push({ time: l.time, users: l.users, projectId: l.projectId, email });
  }
  const total = rows.reduce((t, r) => ({ count: t.count + r.count, rows: t.rows + r.rows, users: t.users + r.users, unsized: t.unsized + r.unsized }), { count: 0, rows: 0, users: 0, unsized: 0 });
  const kinds = [...byKind.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${clean(k).replace(/_/g, ' ')} ${num(n)}`);
  w.paragraph(
    rows.length === 0
      ? 'No exports were seen in the audit log for this period.'
      : `${plural(total.count, 'export')} by ${plural(rows.length, 'person', 'people')}: ${num(total.rows)} rows and ${num(total.users)} cohort users exported${total.unsized > 0 ? `; ${plural(total.unsized, 'export')} without a size in the log` : ''}. By kind: ${kinds.join(', ')}.`,
    { gapAfter: 4 },
  );
  if (s.coverage.periodGaps.length > 0) w.note('The audit log has gaps in this period (see Data provenance); exports inside a gap were not seen.');

  const register = new Map((s.register ?? []).map((r) => [r.email.toLowerCase(), r]));
  const flagged = new Set(data.findings.filter((f) => f.ruleId === 'excessive-export' && f.status !== 'unknown').map((f) => f.subject.id.toLowerCase()));
  rows.sort((a, b) => b.count - a.count || b.rows - a.rows || a.email.localeCompare(b.email));
  const shown = rows.slice(0, CAPS.topExporters);
  if (rows.length > 0) {
    const t = prepareTable(
      w,
      [
        { header: 'Member', width: 28 },
        { header: 'Exports', width: 9, align: 'right' },
        { header: 'Rows', width: 12, align: 'right' },
        { header: 'Cohort users', width: 12, align: 'right' },
        { header: 'Baseline (mean per quarter)', width: 18 },
        { header: 'Exports allowed', width: 11 },
        { header: 'Flagged', width: 10 },
      ],
      shown.map((r): Cell[] => {
        const reg = register.get(r.email);
        return [
          { text: r.email, bold: flagged.has(r.email) },
          num(r.count),
          { text: num(r.rows), sub: r.unsized > 0 ? `${num(r.unsized)} unsized` : undefined },
          num(r.users),
          r.meanCount !== undefined ? { text: `${num(Math.round(r.meanCount))} exports`, sub: `${num(Math.round(r.meanRows ?? 0))} rows; ${plural(r.quarters, 'quarter')}` } : { text: 'no baseline', color: COLOR.muted },
          !s.register ? 'unknown' : !reg ? 'not registered' : reg.exportsAllowed === undefined ? 'blank' : reg.exportsAllowed ? 'yes' : { text: 'no', bold: true },
          flagged.has(r.email) ? { text: 'yes', bold: true } : '—',
        ];
      }),
    );
    w.subheading('Top exporters', { keep: t.startHeight });
    t.draw();
    const more = moreNote(shown.length, rows.length, 'exports.csv');
    if (more) w.note(more);
  }

  large.sort((a, b) => b.users - a.users || a.time.localeCompare(b.time));
  const bigShown = large.slice(0, CAPS.largeExports);
  const big = prepareTable(
    w,
    [
      { header: 'Time', width: 20 },
      { header: 'Member', width: 38 },
      { header: 'Users in cohort', width: 20, align: 'right' },
      { header: 'Project', width: 22 },
    ],
    bigShown.map((l) => [dateTime(l.time, tz), l.email, { text: num(l.users), bold: true }, clean(l.projectId ?? '—')]),
    { empty: 'No single cohort export reached the large-export threshold.' },
  );
  w.subheading(`Large cohort exports (${num(large.length)})`, { keep: big.startHeight });
  big.draw();
  const more = moreNote(bigShown.length, large.length, 'exports.csv');
  if (more) w.note(more);
  w.note('Every export event of the period, with its properties, is in exports.csv and activity-log.csv.', 0);
}
