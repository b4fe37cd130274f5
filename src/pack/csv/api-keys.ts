/**
 * api-keys.csv: the key inventory with ages. A key is named by its `ref` and `fingerprint`,
 * never by its raw id (an inventory id can be the secret itself).
 */
import type { ReviewData } from '../types.js';
import { UNKNOWN, daysBetween, known, localDate, unknownRow, type CellValue } from './cell.js';
import { writeCsv, type CsvFileResult } from './writer.js';

export const API_KEYS_HEADER = [
  'ref',
  'fingerprint',
  'label',
  'type',
  'project_id',
  'project_name',
  'owner',
  'created_on',
  'rotated_on',
  'last_used_on',
  'age_days',
  'days_since_rotation',
  'days_since_last_use',
  'stored_in',
] as const;

export function* apiKeyRows(data: ReviewData): Generator<CellValue[]> {
  const s = data.snapshot;
  if (!s.keys) {
    yield unknownRow(API_KEYS_HEADER.length);
    return;
  }
  const projects = new Map(s.projects.map((p) => [p.id, p.name]));
  // Ages are counted to the evaluation date in the org's time zone, like the rules count them.
  const asOf = localDate(s.at, s.timezone);
  for (const k of s.keys) {
    const secretSetOn = k.rotatedOn ?? k.createdOn;
    yield [
      k.ref,
      k.fingerprint,
      k.label,
      k.type,
      k.projectId ?? '',
      k.projectId ? (projects.get(k.projectId) ?? UNKNOWN) : '',
      known(k.owner),
      known(k.createdOn),
      // A blank rotated_on in the inventory means "never rotated since creation".
      k.rotatedOn ?? '',
      known(k.lastUsedOn),
      known(daysBetween(k.createdOn, asOf)),
      known(daysBetween(secretSetOn, asOf)),
      known(daysBetween(k.lastUsedOn, asOf)),
      known(k.storedIn),
    ];
  }
}

export function writeApiKeysCsv(data: ReviewData, path: string): Promise<CsvFileResult> {
  return writeCsv(path, API_KEYS_HEADER, apiKeyRows(data));
}
