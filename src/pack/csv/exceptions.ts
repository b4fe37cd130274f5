/**
 * exceptions.csv: the accepted risks from the exceptions file, whether in force, and what they
 * cover. Whether an exception applies is the engine's rule (see exception-status.ts).
 *
 * `expired`: `no` (in force), `yes` (expired: an exception runs through its expiry date,
 * inclusive), `not yet approved at <evaluation instant, ISO UTC>` (approved_on is after the
 * evaluation date, so the exception does not apply to this review), or `unknown` (a date, the
 * evaluation time or the time zone is malformed). `findings_covered`: the findings this entry excepts (0 unless it is in force).
 */
import { exceptionStatuses } from '../exception-status.js';
import type { ReviewData } from '../types.js';
import { UNKNOWN, unknownRow, type CellValue } from './cell.js';
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
  const statuses = exceptionStatuses(data) ?? [];
  for (const { entry: x, standing, covered } of statuses) {
    const expired = standing === 'unknown' ? UNKNOWN : standing === 'not-yet-approved' ? `not yet approved at ${s.at}` : standing === 'expired';
    yield [
      x.rule,
      x.subject,
      x.reason,
      x.approvedBy,
      x.approvedOn,
      x.ticket,
      x.expires,
      expired,
      covered,
      x.line,
    ];
  }
}

export function writeExceptionsCsv(data: ReviewData, path: string): Promise<CsvFileResult> {
  return writeCsv(path, EXCEPTIONS_HEADER, exceptionRows(data));
}
