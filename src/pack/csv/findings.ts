/** findings.csv: one row per current finding (open, excepted, unknown). */
import type { Evidence, Finding } from '../../domain/findings.js';
import type { ReviewData } from '../types.js';
import { lines, json, type CellValue } from './cell.js';
import { writeCsv, type CsvFileResult } from './writer.js';

export const FINDINGS_HEADER = [
  'id',
  'rule',
  'rule_title',
  'severity',
  'status',
  'subject_kind',
  'subject_id',
  'subject_label',
  'message',
  'evidence',
  'evidence_json',
  'remediation',
  'first_seen',
  'exception_reason',
  'exception_approved_by',
  'exception_approved_on',
  'exception_ticket',
  'exception_expires',
  'exception_expired',
] as const;

/** `label: value (source, at)`, one line per item: readable in a spreadsheet cell. */
export function evidenceLine(e: Evidence): string {
  const where = [e.source, e.at].filter((x): x is string => Boolean(x)).join(', ');
  return `${e.label}: ${e.value}${where ? ` (${where})` : ''}`;
}

export function remediationText(steps: readonly string[]): string {
  return lines(steps.map((s, i) => `${i + 1}. ${s}`));
}

export function* findingRows(data: Pick<ReviewData, 'findings'> & { readonly rules: readonly { readonly id: string; readonly title: string }[] }): Generator<CellValue[]> {
  const titles = new Map(data.rules.map((r) => [r.id, r.title]));
  for (const f of data.findings) yield findingRow(f, titles.get(f.ruleId));
}

function findingRow(f: Finding, ruleTitle: string | undefined): CellValue[] {
  const x = f.exception;
  return [
    f.id,
    f.ruleId,
    ruleTitle ?? '',
    f.severity,
    f.status,
    f.subject.kind,
    f.subject.id,
    f.subject.label,
    f.message,
    lines(f.evidence.map(evidenceLine)),
    json(f.evidence),
    remediationText(f.remediation),
    f.firstSeen ?? '',
    x?.reason,
    x?.approvedBy,
    x?.approvedOn,
    x?.ticket,
    x?.expires,
    x ? x.expired : undefined,
  ];
}

export function writeFindingsCsv(data: ReviewData, path: string): Promise<CsvFileResult> {
  return writeCsv(path, FINDINGS_HEADER, findingRows(data));
}
