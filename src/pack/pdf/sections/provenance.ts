/** Data provenance and gaps: where every fact came from, when, how much, and what was not seen. */
import { clean, dateTime, duration, num, plural, spanMs } from '../format.js';
import { periodCoverage } from '../model.js';
import { prepareTable, type Cell } from '../table.js';
import { COLOR, SIZE } from '../theme.js';
import { coverageLine } from './cover.js';
import type { SectionContext } from './context.js';

const MAX_SPANS = 25;
const MAX_NOTES = 100;
const SPAN_COLUMNS = [
  { header: 'From', width: 30 },
  { header: 'To', width: 30 },
  { header: 'Length', width: 40 },
];

export function renderProvenance(ctx: SectionContext): void {
  const { w, data, tz } = ctx;
  const s = data.snapshot;
  w.section('Data provenance and gaps', { newPage: 'if-short' });
  w.paragraph(
    'What this pack was built from. A source that was not configured or failed leaves its facts unknown: the rules report unknown, never "no finding". File hashes let an auditor match the inputs kept elsewhere.',
    { size: SIZE.small + 0.5, color: COLOR.muted, gapAfter: 8 },
  );

  const sources = prepareTable(
    w,
    [
      { header: 'Source', width: 15 },
      { header: 'Configured', width: 11 },
      { header: 'Pulled at', width: 17 },
      { header: 'Result', width: 8 },
      { header: 'Records', width: 12, align: 'right' },
      { header: 'File and sha256', width: 37, mono: true },
    ],
    s.sources.map((src): Cell[] => [
      { text: src.source, bold: true },
      src.configured ? 'yes' : 'no',
      src.pulledAt ? dateTime(src.pulledAt, tz) : '—',
      !src.configured ? { text: 'not used', color: COLOR.muted } : src.ok ? 'ok' : { text: 'failed', bold: true, sub: clean(src.error ?? '') || undefined },
      src.count !== undefined ? num(src.count) : '—',
      src.file ? { text: clean(src.file), mono: true, sub: src.sha256 ? `sha256 ${src.sha256}` : undefined } : '—',
    ]),
    { empty: 'No source status was recorded.' },
  );
  w.subheading('Sources', { keep: sources.startHeight });
  sources.draw();

  w.subheading('What the snapshot holds', { keep: 40 });
  const held: [string, string][] = [
    ['Members', num(s.members.length)],
    ['Projects', num(s.projects.length)],
    ['Permission groups', s.groups ? num(s.groups.length) : 'unknown (no source)'],
    ['Project role grants', s.grants ? num(s.grants.length) : 'unknown (no source)'],
    ['Add-on permissions', s.addons ? num(s.addons.length) : 'unknown (no source)'],
    ['Register entries', s.register ? num(s.register.length) : 'not configured'],
    ['API keys (inventory)', s.keys ? num(s.keys.length) : 'not configured'],
    ['Exceptions', s.exceptions ? num(s.exceptions.length) : 'not configured'],
    ['Audit events in the period', s.events ? num(s.events.total) : 'not collected'],
  ];
  w.fields(held, { labelWidth: 150, size: SIZE.small + 0.5 });

  w.subheading('Audit-log coverage', { keep: 60 });
  w.paragraph(coverageLine(data, tz), { gapAfter: 4 });
  if (s.events) {
    const pct = periodCoverage(data);
    w.fields(
      [
        ['Period covered', `${(Math.floor(pct * 1000) / 10).toFixed(1)}%`],
        ['Logins known since', s.coverage.continuousSince ? `${dateTime(s.coverage.continuousSince, tz)} (continuous up to the evaluation time)` : 'no covered span reaches the evaluation time'],
        ['Spans held in the store', plural(s.coverage.auditLog.length, 'span')],
      ],
      { labelWidth: 150, size: SIZE.small + 0.5 },
    );
    if (s.coverage.periodGaps.length > 0) {
      const gaps = s.coverage.periodGaps.slice(0, MAX_SPANS);
      const t = prepareTable(w, SPAN_COLUMNS, gaps.map((g) => [dateTime(g.from, tz), dateTime(g.to, tz), duration(spanMs(g))]));
      w.minorHeading(`Gaps in the period (${num(s.coverage.periodGaps.length)})`, t.startHeight);
      t.draw();
      if (s.coverage.periodGaps.length > gaps.length) w.note(`${num(s.coverage.periodGaps.length - gaps.length)} more gaps are listed in manifest.json.`);
    }
    const spans = s.coverage.auditLog.slice(-MAX_SPANS);
    const t = prepareTable(w, SPAN_COLUMNS, spans.map((g) => [dateTime(g.from, tz), dateTime(g.to, tz), duration(spanMs(g))]), { empty: 'The store holds no audit-log span.' });
    w.minorHeading('Spans the evidence store holds', t.startHeight);
    t.draw();
    if (s.coverage.auditLog.length > spans.length) w.note(`Showing the latest ${num(spans.length)} of ${num(s.coverage.auditLog.length)} spans; manifest.json lists all.`);
  }

  w.subheading('Previous pack (hash chain)', { keep: 40 });
  const prev = data.previous;
  if (prev) {
    w.fields(
      [
        ['Period', `${clean(prev.period)} (archive folder ${clean(prev.dir)})`],
        ['Generated at', dateTime(prev.generatedAt, tz)],
        ['Manifest sha256', clean(prev.manifestSha256)],
      ],
      { labelWidth: 150, size: SIZE.small + 0.5 },
    );
    w.note('This pack\'s manifest.json records the same hash; "ampaudit packs verify" checks the chain.');
  } else w.paragraph('None: this is the first pack of the chain.', { size: SIZE.small + 0.5 });

  w.subheading(`Data-quality notes (${num(s.dataQuality.length)})`, { keep: 40 });
  if (s.dataQuality.length === 0) w.paragraph('The sources agreed; nothing to note.', { size: SIZE.small + 0.5 });
  else {
    w.list(s.dataQuality.slice(0, MAX_NOTES), { size: SIZE.small + 0.5 });
    if (s.dataQuality.length > MAX_NOTES) w.note(`${num(s.dataQuality.length - MAX_NOTES)} more notes are not shown here.`);
  }
}
