/** Exceptions in force: accepted risks with reason, approver, ticket and expiry; expired ones marked. */
import type { ExceptionEntry } from '../../../domain/model.js';
import { calendarDaysBetween } from '../../../period.js';
import { clean, clip, localDate, num, plural } from '../format.js';
import { CAPS, moreNote, safeSubject } from '../model.js';
import { table, type Cell } from '../table.js';
import { COLOR, SIZE } from '../theme.js';
import type { SectionContext } from './context.js';

const SOON_DAYS = 30;

export function renderExceptions(ctx: SectionContext): void {
  const { w, data, tz } = ctx;
  const s = data.snapshot;
  w.section('Exceptions in force', { newPage: 'if-short' });
  if (!s.exceptions) {
    w.paragraph('No exceptions file was configured: no finding is excepted.');
    return;
  }
  const today = localDate(s.at, tz);
  const keys = s.keys;
  const subjectKey = (subject: string): string => {
    const k = keys?.find((x) => x.id === subject || x.ref === subject);
    return (k ? k.ref : subject).toLowerCase();
  };
  const matched = new Map<string, number>();
  for (const f of data.findings) {
    if (!f.exception) continue;
    const key = `${f.ruleId}\u0000${subjectKey(f.subject.id)}`;
    matched.set(key, (matched.get(key) ?? 0) + 1);
  }
  const state = (e: ExceptionEntry): 0 | 1 | 2 => (e.expires < today ? 0 : (calendarDaysBetween(today, e.expires) ?? 99) <= SOON_DAYS ? 1 : 2);
  const list = [...s.exceptions].sort((a, b) => state(a) - state(b) || a.expires.localeCompare(b.expires) || a.rule.localeCompare(b.rule));
  const expired = list.filter((e) => state(e) === 0).length;
  const soon = list.filter((e) => state(e) === 1).length;
  w.paragraph(
    `${plural(list.length, 'exception')} in the exceptions file: ${num(list.length - expired)} in force (${num(soon)} expiring within ${SOON_DAYS} days) and ${num(expired)} expired. An expired exception no longer applies: its finding is open again and says so.`,
    { size: SIZE.small + 0.5, color: COLOR.muted, gapAfter: 8 },
  );
  const shown = list.slice(0, CAPS.exceptions);
  table(
    w,
    [
      { header: 'Rule', width: 17 },
      { header: 'Subject', width: 19 },
      { header: 'Reason', width: 24 },
      { header: 'Approved by', width: 16 },
      { header: 'Ticket', width: 9 },
      { header: 'Expires', width: 15 },
    ],
    shown.map((e): Cell[] => {
      const st = state(e);
      const n = matched.get(`${e.rule}\u0000${subjectKey(e.subject)}`) ?? 0;
      const left = calendarDaysBetween(today, e.expires) ?? 0;
      return [
        { text: clean(e.rule), mono: true },
        { text: clean(safeSubject(e.subject, keys)), sub: n > 0 ? `applies to ${plural(n, 'finding')}` : 'no current finding' },
        clip(clean(e.reason), 300),
        { text: clean(e.approvedBy), sub: `on ${clean(e.approvedOn)}` },
        clean(e.ticket ?? '—'),
        st === 0 ? { text: `EXPIRED ${clean(e.expires)}`, bold: true, sub: `${plural(-left, 'day')} ago` } : { text: clean(e.expires), bold: st === 1, sub: `in ${plural(left, 'day')}` },
      ];
    }),
    { empty: 'The exceptions file is empty.' },
  );
  const more = moreNote(shown.length, list.length, 'exceptions.csv');
  if (more) w.note(more);
}
