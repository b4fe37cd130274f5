/** changes.csv: each finding new, persisting or resolved since the previous pack. */
import type { ReviewData } from '../types.js';
import type { CellValue } from './cell.js';
import { writeCsv, type CsvFileResult } from './writer.js';

export const CHANGES_HEADER = [
  'change',
  'finding_id',
  'rule',
  'severity',
  'status',
  'subject_kind',
  'subject_id',
  'subject_label',
  'first_seen',
  'message',
] as const;

export function* changeRows(data: ReviewData): Generator<CellValue[]> {
  for (const c of data.changes) {
    const f = c.finding;
    yield [
      c.kind,
      f.id,
      f.ruleId,
      f.severity,
      f.status,
      f.subject.kind,
      f.subject.id,
      f.subject.label,
      c.firstSeen ?? f.firstSeen ?? '',
      f.message,
    ];
  }
}

export function writeChangesCsv(data: ReviewData, path: string): Promise<CsvFileResult> {
  return writeCsv(path, CHANGES_HEADER, changeRows(data));
}
