/** project-access.csv: every effective project role, direct and through groups. */
import type { Grant } from '../../domain/model.js';
import type { ReviewData } from '../types.js';
import { UNKNOWN, unknownRow, type CellValue } from './cell.js';
import { writeCsv, type CsvFileResult } from './writer.js';

export const PROJECT_ACCESS_HEADER = [
  'member',
  'name',
  'project_id',
  'project_name',
  'environment',
  'level',
  'role_name',
  'via',
  'group',
  'source',
  'pulled_at',
] as const;

function viaKey(g: Grant): string {
  return g.via.kind === 'group' ? g.via.groupName : '';
}

export function* projectAccessRows(data: ReviewData): Generator<CellValue[]> {
  const s = data.snapshot;
  if (!s.grants) {
    // No source gave project roles: say so instead of writing an empty (= "nobody") file.
    yield unknownRow(PROJECT_ACCESS_HEADER.length);
    return;
  }
  const projects = new Map(s.projects.map((p) => [p.id, p]));
  const names = new Map(s.members.map((m) => [m.email.toLowerCase(), m.name?.value]));
  // Collators made once: localeCompare with options builds one per call (slow for 100k grants).
  const text = new Intl.Collator();
  const numeric = new Intl.Collator(undefined, { numeric: true });
  const sorted = [...s.grants].sort(
    (a, b) => text.compare(a.email, b.email) || numeric.compare(a.projectId, b.projectId) || text.compare(viaKey(a), viaKey(b)),
  );
  for (const g of sorted) {
    const p = projects.get(g.projectId);
    const name = names.get(g.email.toLowerCase());
    yield [
      g.email,
      name ?? UNKNOWN,
      g.projectId,
      p ? p.name : UNKNOWN,
      p ? p.environment : UNKNOWN,
      g.level,
      g.roleName,
      g.via.kind,
      g.via.kind === 'group' ? g.via.groupName : '',
      g.source,
      g.pulledAt,
    ];
  }
}

export function writeProjectAccessCsv(data: ReviewData, path: string): Promise<CsvFileResult> {
  return writeCsv(path, PROJECT_ACCESS_HEADER, projectAccessRows(data));
}
