/**
 * Findings grouped by rule: what the rule checks and why, a table of findings with evidence,
 * exceptions applied, results that could not be decided, and the remediation steps once.
 * Low and info rules use a compact table; long lists stop at a cap and point to findings.csv.
 */
import type { Evidence, Finding } from '../../../domain/findings.js';
import { clean, clip, day, num, plural } from '../format.js';
import { CAPS, moreNote, severityLabel, subjectParts, type RuleGroup } from '../model.js';
import { prepareTable, type Cell, type Column } from '../table.js';
import { COLOR, FONT, SIZE } from '../theme.js';
import type { SectionContext } from './context.js';

/** `label: value (source, date)`; the date is the day the fact was seen, in the time zone. */
export function evidenceLine(e: Evidence, tz: string): string {
  const where = [e.source, e.at ? day(e.at, tz) : undefined].filter((x): x is string => Boolean(x)).join(', ');
  const v = clip(clean(e.value), 160);
  return `${clean(e.label)}: ${v}${where ? ` (${where})` : ''}`;
}

function evidenceCell(f: Finding, tz: string): Cell {
  const shown = f.evidence.slice(0, CAPS.evidencePerFinding).map((e) => evidenceLine(e, tz));
  const rest = f.evidence.length - shown.length;
  return { text: shown.join('\n') || '—', sub: rest > 0 ? `+${rest} more in findings.csv` : undefined };
}

function subjectCell(f: Finding): Cell {
  const { label, id } = subjectParts(f.subject);
  const sub = f.subject.kind === 'project' ? `project ${id || f.subject.id}` : id || undefined;
  return { text: label, bold: true, sub };
}

function statusCell(f: Finding): Cell {
  const sev = severityLabel(f.severity);
  const ex = f.exception;
  if (f.status === 'excepted' && ex) return { text: `${sev} · excepted`, sub: `until ${clean(ex.expires)}` };
  if (f.status === 'open' && ex?.expired) return { text: `${sev} · open`, bold: true, sub: `exception expired ${clean(ex.expires)}` };
  return { text: `${sev} · ${f.status}`, bold: f.severity === 'high' && f.status === 'open' };
}

function firstSeenCell(f: Finding, period: string): Cell {
  if (!f.firstSeen || f.firstSeen === period) return { text: 'New', sub: period };
  return { text: clean(f.firstSeen) };
}

const DETAILED: readonly Column[] = [
  { header: 'Subject', width: 21 },
  { header: 'Finding', width: 26 },
  { header: 'Evidence (source, date)', width: 32 },
  { header: 'Status', width: 12 },
  { header: 'First seen', width: 9 },
];

const COMPACT: readonly Column[] = [
  { header: 'Subject', width: 26 },
  { header: 'Finding', width: 52 },
  { header: 'Status', width: 13 },
  { header: 'First seen', width: 9 },
];

/** Low and info rules with more findings than this are listed without evidence. */
const COMPACT_ABOVE = 10;

function renderGroup(ctx: SectionContext, g: RuleGroup): void {
  const { w, data, tz } = ctx;
  const r = g.rule;
  const decided = [...g.open, ...g.excepted];
  const compact = (g.severity === 'low' || g.severity === 'info') && decided.length > COMPACT_ABOVE;
  const cap = compact ? CAPS.compactFindings : g.severity === 'high' ? CAPS.highFindings : CAPS.detailedFindings;
  const shown = decided.slice(0, cap);
  const rows: Cell[][] = shown.map((f) =>
    compact
      ? [subjectCell(f), clip(clean(f.message), CAPS.cellChars), statusCell(f), firstSeenCell(f, data.periodLabel)]
      : [subjectCell(f), clip(clean(f.message), CAPS.cellChars), evidenceCell(f, tz), statusCell(f), firstSeenCell(f, data.periodLabel)],
  );
  const findingsTable = prepareTable(w, compact ? COMPACT : DETAILED, rows);
  // Keep the heading, the rule's description and the start of its table together.
  const aboutH = w.measure(r.description, SIZE.small + 0.5, w.width - 92) + w.measure(r.risk, SIZE.small + 0.5, w.width - 92);
  const firstUnknown = g.unknown.length > 0 ? 60 : 0;
  w.subheading(r.title, { bookmark: true, keep: 30 + aboutH + (decided.length > 0 ? findingsTable.startHeight : firstUnknown) });
  const status = [`${num(g.open.length)} open`, `${num(g.excepted.length)} excepted`, `${num(g.unknown.length)} unknown`].join(' · ');
  w.runs(
    [
      { text: `${r.id}  ·  `, color: COLOR.muted },
      { text: `${severityLabel(g.severity)}  ·  `, font: FONT.bold },
      { text: status },
      { text: r.controls.length > 0 ? `  ·  controls ${r.controls.join(', ')}` : '', color: COLOR.muted },
    ],
    { size: SIZE.small, gapAfter: 6 },
  );
  const about: [string, string][] = [];
  if (r.description) about.push(['What it checks', r.description]);
  if (r.risk) about.push(['Why it matters', r.risk]);
  if (about.length > 0) w.fields(about, { labelWidth: 92, size: SIZE.small + 0.5 });

  if (decided.length > 0) {
    findingsTable.draw();
    const more = moreNote(shown.length, decided.length, 'findings.csv');
    if (more) w.note(`${more}${compact ? ' Evidence for these is in findings.csv.' : ''}`);
    else if (compact) w.note('Listed without evidence to keep the pack short; findings.csv has it.');
  }

  if (g.excepted.length > 0) {
    const shown = g.excepted.slice(0, CAPS.exceptions);
    const t = prepareTable(
      w,
      [
        { header: 'Subject', width: 22 },
        { header: 'Reason', width: 34 },
        { header: 'Approved by', width: 20 },
        { header: 'Ticket', width: 11 },
        { header: 'Expires', width: 13 },
      ],
      shown.map((f) => {
        const ex = f.exception;
        return [
          subjectParts(f.subject).label,
          clip(clean(ex?.reason ?? ''), CAPS.cellChars),
          { text: clean(ex?.approvedBy ?? '—'), sub: ex ? `on ${clean(ex.approvedOn)}` : undefined },
          clean(ex?.ticket ?? '—'),
          clean(ex?.expires ?? '—'),
        ];
      }),
    );
    w.minorHeading('Exceptions applied', t.startHeight);
    t.draw();
    const more = moreNote(shown.length, g.excepted.length, 'findings.csv and exceptions.csv');
    if (more) w.note(more);
  }

  for (const f of g.unknown) {
    const lines = [clean(f.message), ...f.evidence.slice(0, CAPS.evidencePerFinding).map((e) => evidenceLine(e, tz))];
    w.callout(`Could not be decided${f.subject.kind === 'org' ? '' : `: ${subjectParts(f.subject).label}`}`, lines, { warn: true });
  }

  const steps = r.remediation.length > 0 ? r.remediation : (decided[0]?.remediation ?? []);
  if (steps.length > 0 && decided.length > 0) {
    w.minorHeading('How to fix', 30);
    w.list(steps, { numbered: true, size: SIZE.small + 0.5 });
  }
  w.space(8);
}

export function renderFindings(ctx: SectionContext): void {
  const { w, data, groups } = ctx;
  w.section('Findings by rule', { expanded: true });
  const total = data.findings.length;
  w.paragraph(
    total === 0
      ? 'No findings this quarter.'
      : `${plural(total, 'finding')} from ${plural(groups.length, 'rule')}, most severe rules first. Within a rule: most severe first, then new before persisting. ` +
          `A high rule shows up to ${num(CAPS.highFindings)} findings with evidence, a medium rule up to ${num(CAPS.detailedFindings)}; low and info rules with more than ${COMPACT_ABOVE} findings show up to ${num(CAPS.compactFindings)} in a compact list. findings.csv has every finding.`,
    { size: SIZE.small + 0.5, color: COLOR.muted, gapAfter: 8 },
  );
  for (const g of groups) renderGroup(ctx, g);

  const withFindings = new Set(groups.map((g) => g.rule.id));
  const quiet = data.rules.filter((r) => !withFindings.has(r.id));
  if (quiet.length > 0) {
    const intro = 'These rules were checked (or switched off) and produced no finding this quarter.';
    const t = prepareTable(
      w,
      [
        { header: 'Rule', width: 26 },
        { header: 'Desired state', width: 52 },
        { header: 'Result', width: 22 },
      ],
      [...quiet]
        .sort((a, b) => Number(b.enabled) - Number(a.enabled) || a.id.localeCompare(b.id))
        .map((r) => [{ text: r.id, mono: true }, clean(r.title), r.enabled ? 'Pass: no findings' : { text: 'Disabled: not evaluated', bold: true }]),
    );
    w.subheading('Rules without findings', { bookmark: true, keep: w.measure(intro, SIZE.small + 0.5) + 6 + t.startHeight });
    w.paragraph(intro, { size: SIZE.small + 0.5, gapAfter: 4 });
    t.draw();
  }
}
