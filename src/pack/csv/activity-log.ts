/**
 * activity-log.csv: every audit event of the period, oldest first — the quarterly log archive.
 * Streamed from `data.events(span)`; no event list is ever held in memory.
 */
import type { AuditEvent } from '../../domain/events.js';
import type { ReviewData } from '../types.js';
import { json, unknownRow, type CellValue } from './cell.js';
import { writeCsv, type CsvFileResult } from './writer.js';

export const ACTIVITY_LOG_HEADER = [
  'time',
  'kind',
  'domain',
  'feature',
  'action',
  'actor',
  'target',
  'target_email',
  'project_id',
  'ip',
  'user_agent',
  'error',
  'rows',
  'users',
  'role_scope',
  'role_from',
  'role_to',
  'fp',
  'properties',
] as const;

export function activityRow(e: AuditEvent): CellValue[] {
  return [
    e.time,
    e.kind,
    e.domain,
    e.feature,
    e.action,
    e.actor,
    e.target,
    e.targetEmail,
    e.projectId,
    e.ip,
    e.userAgent,
    e.error,
    e.rows,
    e.users,
    e.role?.scope,
    e.role?.from,
    e.role?.to,
    e.fp,
    json(e.props),
  ];
}

export function* activityRows(data: ReviewData): Generator<CellValue[]> {
  const s = data.snapshot;
  if (!s.events) {
    yield unknownRow(ACTIVITY_LOG_HEADER.length);
    return;
  }
  for (const e of data.events({ from: s.period.start, to: s.period.end })) yield activityRow(e);
}

export function writeActivityLogCsv(data: ReviewData, path: string): Promise<CsvFileResult> {
  return writeCsv(path, ACTIVITY_LOG_HEADER, activityRows(data));
}
