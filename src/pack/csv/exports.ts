/** exports.csv: per member, the exports of the period (from the audit log). */
import { EXPORT_KINDS } from '../../domain/events.js';
import type { ReviewData } from '../types.js';
import { UNKNOWN, lines, list, unknownRow, type CellValue } from './cell.js';
import { writeCsv, type CsvFileResult } from './writer.js';

export const EXPORTS_HEADER = [
  'email',
  'name',
  'exports',
  'rows',
  'users',
  'unsized',
  ...EXPORT_KINDS,
  'other_kinds',
  'first',
  'last',
  'large_cohort_exports',
  'largest_cohort_users',
  'large_cohort_detail',
  'baseline_quarters',
  'baseline_mean_count',
  'baseline_mean_rows',
] as const;

export function* exportRows(data: ReviewData): Generator<CellValue[]> {
  const s = data.snapshot;
  if (!s.events) {
    // The audit log is not collected: export activity is unknown, not zero.
    yield unknownRow(EXPORTS_HEADER.length);
    return;
  }
  const names = new Map(s.members.map((m) => [m.email.toLowerCase(), m.name?.value]));
  const emails = [...s.activity.keys()].sort();
  for (const email of emails) {
    const a = s.activity.get(email);
    if (!a || a.exports.count === 0) continue;
    const x = a.exports;
    const other = Object.entries(x.byKind)
      .filter(([k]) => !(EXPORT_KINDS as readonly string[]).includes(k))
      .sort(([a1], [b1]) => a1.localeCompare(b1))
      .map(([k, n]) => `${k}: ${n}`);
    const largest = x.large.reduce((m, l) => Math.max(m, l.users), 0);
    yield [
      email,
      names.get(email) ?? UNKNOWN,
      x.count,
      x.rows,
      x.users,
      x.unsized,
      ...EXPORT_KINDS.map((k) => x.byKind[k] ?? 0),
      list(other),
      x.first,
      x.last,
      x.large.length,
      x.large.length ? largest : '',
      lines(x.large.map((l) => `${l.time} ${l.users} users${l.projectId ? ` project ${l.projectId}` : ''} fp ${l.fp}`)),
      a.baseline ? list(a.baseline.quarters) : '',
      a.baseline?.meanCount,
      a.baseline?.meanRows,
    ];
  }
}

export function writeExportsCsv(data: ReviewData, path: string): Promise<CsvFileResult> {
  return writeCsv(path, EXPORTS_HEADER, exportRows(data));
}
