/**
 * Exceptions in force: accepted risks with reason, approver, ticket and expiry; expired ones and
 * ones approved after the evaluation time marked. Whether an exception applies is the engine's
 * rule (see exception-status.ts), so this section agrees with the findings.
 */
import type { Finding } from '../../../domain/findings.js';
import { calendarDaysBetween } from '../../../period.js';
import { exceptionStatuses, type ExceptionStatus } from '../../exception-status.js';
import { clean, clip, dateTime, localDate, num, plural } from '../format.js';
import { CAPS, moreNote, safeSubject } from '../model.js';
import { table, type Cell } from '../table.js';
import { COLOR, SIZE } from '../theme.js';
import type { SectionContext } from './context.js';

const SOON_DAYS = 30;

/** What the entry's findings are now: the ones it excepts, else their own status. */
function findingNote(x: ExceptionStatus): string {
  if (x.findings.length === 0) return 'no current finding';
  const others = (status: Finding['status']): number => x.findings.filter((f) => f.status === status).length - (status === 'excepted' ? x.covered : 0);
  const parts: string[] = [];
  if (x.covered > 0) parts.push(`applies to ${plural(x.covered, 'finding')}`);
  const open = others('open');
  if (open > 0) parts.push(`${plural(open, 'finding')} open`);
  const elsewhere = others('excepted');
  if (elsewhere > 0) parts.push(`${plural(elsewhere, 'finding')} excepted by another entry`);
  return parts.join('; ');
}

export function renderExceptions(ctx: SectionContext): void {
  const { w, data, tz } = ctx;
  const s = data.snapshot;
  w.section('Exceptions in force', { newPage: 'if-short' });
  if (!s.exceptions) {
    w.paragraph('No exceptions file was configured: no finding is excepted.');
    return;
  }
  const today = localDate(s.at, tz);
  const evaluatedAt = dateTime(s.at, tz);
  const keys = s.keys;
  // 0 expired, 1 in force and expiring soon, 2 in force, 3 not yet approved at the evaluation time.
  const state = (x: ExceptionStatus): 0 | 1 | 2 | 3 =>
    x.standing === 'not-yet-approved' ? 3 : x.standing === 'expired' ? 0 : (calendarDaysBetween(today, x.entry.expires) ?? 99) <= SOON_DAYS ? 1 : 2;
  const list = [...(exceptionStatuses(data) ?? [])].sort(
    (a, b) => state(a) - state(b) || a.entry.expires.localeCompare(b.entry.expires) || a.entry.rule.localeCompare(b.entry.rule),
  );
  const expired = list.filter((x) => state(x) === 0).length;
  const soon = list.filter((x) => state(x) === 1).length;
  const pending = list.filter((x) => state(x) === 3).length;
  const counts =
    pending === 0
      ? `${num(list.length - expired)} in force (${num(soon)} expiring within ${SOON_DAYS} days) and ${num(expired)} expired`
      : `${num(list.length - expired - pending)} in force (${num(soon)} expiring within ${SOON_DAYS} days), ${num(expired)} expired and ${num(pending)} not yet approved at ${evaluatedAt}`;
  const pendingNote = pending === 0 ? '' : ' An exception approved after the evaluation time does not apply to this review.';
  w.paragraph(
    `${plural(list.length, 'exception')} in the exceptions file: ${counts}. An expired exception no longer applies: its finding is open again and says so.${pendingNote}`,
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
    shown.map((x): Cell[] => {
      const e = x.entry;
      const st = state(x);
      const left = calendarDaysBetween(today, e.expires) ?? 0;
      let expiry: Cell = { text: clean(e.expires), bold: st === 1, sub: `in ${plural(left, 'day')}` };
      if (st === 3) expiry = { text: 'not yet approved', bold: true, sub: `at ${evaluatedAt}; expires ${clean(e.expires)}` };
      else if (x.standing === 'unknown') expiry = { text: clean(e.expires), sub: 'not a calendar date' };
      else if (st === 0) expiry = { text: `EXPIRED ${clean(e.expires)}`, bold: true, sub: `${plural(-left, 'day')} ago` };
      return [
        { text: clean(e.rule), mono: true },
        { text: clean(safeSubject(e.subject, keys)), sub: findingNote(x) },
        clip(clean(e.reason), 300),
        { text: clean(e.approvedBy), sub: `on ${clean(e.approvedOn)}` },
        clean(e.ticket ?? '—'),
        expiry,
      ];
    }),
    { empty: 'The exceptions file is empty.' },
  );
  const more = moreNote(shown.length, list.length, 'exceptions.csv');
  if (more) w.note(more);
}
