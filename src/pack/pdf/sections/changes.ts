/** Changes since the last review: new, resolved and persisting findings. */
import { severityRank } from '../../../domain/common.js';
import type { ChangeKind, FindingChange } from '../../../domain/findings.js';
import { clean, clip, dateTime, num, plural } from '../format.js';
import { CAPS, moreNote, severityLabel, subjectParts } from '../model.js';
import { prepareTable, type Cell } from '../table.js';
import { COLOR, SIZE } from '../theme.js';
import type { SectionContext } from './context.js';

const HEADINGS: Record<ChangeKind, string> = {
  new: 'New this quarter',
  resolved: 'Resolved since the last review',
  persisting: 'Persisting from earlier quarters',
};

const INTRO: Record<ChangeKind, string> = {
  new: 'Findings that the previous pack did not have.',
  resolved: 'Findings of the previous pack that are gone now: the access was removed, the key rotated, or the rule no longer applies.',
  persisting: 'Findings that were already in the previous pack: most severe first, then the oldest.',
};

export function renderChanges(ctx: SectionContext): void {
  const { w, data, tz } = ctx;
  w.section('Changes since last review', { newPage: 'if-short' });
  const prev = data.previous;
  w.paragraph(
    prev
      ? `Compared with the pack of ${clean(prev.dir)} (generated ${dateTime(prev.generatedAt, tz)}, manifest sha256 ${clean(prev.manifestSha256).slice(0, 16)}…). A finding keeps its id from quarter to quarter, so the same violation is matched even when its evidence changed.`
      : 'There is no earlier pack for this organization, so every finding is new and nothing can be resolved yet.',
    { size: SIZE.small + 0.5, color: COLOR.muted, gapAfter: 8 },
  );
  const titles = new Map(data.rules.map((r) => [r.id, r.title]));
  for (const kind of ['new', 'resolved', 'persisting'] as const) {
    const list = data.changes.filter((c) => c.kind === kind);
    if (list.length === 0) {
      w.subheading(`${HEADINGS[kind]} (0)`, { keep: 20 });
      w.note(kind === 'resolved' && !prev ? 'Nothing to compare with.' : 'None.');
      continue;
    }
    const sorted = [...list].sort(orderFor(kind));
    const shown = sorted.slice(0, CAPS.changes);
    // Everything new was first seen this quarter, so that list needs no first-seen column.
    const withSeen = kind !== 'new';
    const t = prepareTable(
      w,
      [
        { header: 'Rule', width: 24 },
        { header: 'Subject', width: 22 },
        { header: 'Severity', width: 10 },
        { header: 'Finding', width: withSeen ? 32 : 44 },
        ...(withSeen ? [{ header: 'First seen', width: 12 }] : []),
      ],
      shown.map((c) => {
        const f = c.finding;
        const s = subjectParts(f.subject);
        const row: Cell[] = [
          { text: clean(titles.get(f.ruleId) ?? f.ruleId), sub: f.ruleId },
          { text: s.label, sub: s.id || undefined },
          severityLabel(f.severity),
          clip(clean(f.message), 240),
        ];
        if (withSeen) row.push(clean(c.firstSeen ?? f.firstSeen ?? '—'));
        return row;
      }),
    );
    w.subheading(`${HEADINGS[kind]} (${num(list.length)})`, { keep: w.measure(INTRO[kind], SIZE.small) + 6 + t.startHeight });
    w.note(INTRO[kind], 4);
    t.draw();
    const more = moreNote(shown.length, list.length, 'changes.csv');
    if (more) w.note(more);
  }
  if (data.changes.length === 0 && data.findings.length > 0 && prev) w.note(`${plural(data.findings.length, 'current finding')} but no change records were given.`);
}

function orderFor(kind: ChangeKind): (a: FindingChange, b: FindingChange) => number {
  return (a, b) =>
    severityRank(a.finding.severity) - severityRank(b.finding.severity) ||
    (kind === 'persisting' ? (a.firstSeen ?? a.finding.firstSeen ?? '').localeCompare(b.firstSeen ?? b.finding.firstSeen ?? '') : 0) ||
    a.finding.ruleId.localeCompare(b.finding.ruleId) ||
    a.finding.subject.label.localeCompare(b.finding.subject.label);
}
