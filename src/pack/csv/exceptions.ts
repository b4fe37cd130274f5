/** exceptions.csv: the accepted risks from the exceptions file, whether in force, and what they cover. */
import type { ReviewData } from '../types.js';
import { UNKNOWN, localDate, unknownRow, type CellValue } from './cell.js';
import { writeCsv, type CsvFileResult } from './writer.js';

export const EXCEPTIONS_HEADER = [
  'rule',
  'subject',
  'reason',
  'approved_by',
  'approved_on',
  'ticket',
  'expires',
  'expired',
  'findings_covered',
  'line',
] as const;

export function* exceptionRows(data: ReviewData): Generator<CellValue[]> {
  const s = data.snapshot;
  if (!s.exceptions) {
    yield unknownRow(EXCEPTIONS_HEADER.length);
    return;
  }
  const asOf = localDate(s.at, s.timezone);
  for (const x of s.exceptions) {
    const covered = data.findings.filter(
      (f) => f.exception && f.ruleId === x.rule && f.subject.id.toLowerCase() === x.subject.toLowerCase(),
    ).length;
    yield [
      x.rule,
      x.subject,
      x.reason,
      x.approvedBy,
      x.approvedOn,
      x.ticket,
      x.expires,
      // An exception runs through its expiry date (inclusive), like the rules apply it.
      asOf && /^\d{4}-\d{2}-\d{2}$/.test(x.expires) ? x.expires < asOf : UNKNOWN,
      covered,
      x.line,
    ];
  }
}

export function writeExceptionsCsv(data: ReviewData, path: string): Promise<CsvFileResult> {
  return writeCsv(path, EXCEPTIONS_HEADER, exceptionRows(data));
}
