/**
 * The pack CSVs. `writeAllCsvs(data, dir)` writes all eight into a folder (the pack's temporary
 * folder in `writePack`); each writer can also be called on its own.
 */
import { join } from 'node:path';
import type { ReviewData } from '../types.js';
import { writeActivityLogCsv } from './activity-log.js';
import { writeApiKeysCsv } from './api-keys.js';
import { writeChangesCsv } from './changes.js';
import { writeExceptionsCsv } from './exceptions.js';
import { writeExportsCsv } from './exports.js';
import { writeFindingsCsv } from './findings.js';
import { writeMembersCsv } from './members.js';
import { writeProjectAccessCsv } from './project-access.js';
import type { CsvFileResult } from './writer.js';

export type { CsvFileResult } from './writer.js';
export { CSV_FORMAT, writeCsv } from './writer.js';
export { UNKNOWN, neutralize, toCell, type CellValue } from './cell.js';
export { writeFindingsCsv, FINDINGS_HEADER } from './findings.js';
export { writeMembersCsv, MEMBERS_HEADER } from './members.js';
export { writeProjectAccessCsv, PROJECT_ACCESS_HEADER } from './project-access.js';
export { writeApiKeysCsv, API_KEYS_HEADER } from './api-keys.js';
export { writeExportsCsv, EXPORTS_HEADER } from './exports.js';
export { writeActivityLogCsv, ACTIVITY_LOG_HEADER } from './activity-log.js';
export { writeExceptionsCsv, EXCEPTIONS_HEADER } from './exceptions.js';
export { writeChangesCsv, CHANGES_HEADER } from './changes.js';

export const CSV_FILES = {
  findings: 'findings.csv',
  members: 'members.csv',
  projectAccess: 'project-access.csv',
  apiKeys: 'api-keys.csv',
  exports: 'exports.csv',
  activityLog: 'activity-log.csv',
  exceptions: 'exceptions.csv',
  changes: 'changes.csv',
} as const;

export type CsvName = keyof typeof CSV_FILES;

const WRITERS: Record<CsvName, (data: ReviewData, path: string) => Promise<CsvFileResult>> = {
  findings: writeFindingsCsv,
  members: writeMembersCsv,
  projectAccess: writeProjectAccessCsv,
  apiKeys: writeApiKeysCsv,
  exports: writeExportsCsv,
  activityLog: writeActivityLogCsv,
  exceptions: writeExceptionsCsv,
  changes: writeChangesCsv,
};

/** Writes the eight pack CSVs into `dir`, one after the other (the activity log streams). */
export async function writeAllCsvs(data: ReviewData, dir: string): Promise<Record<CsvName, CsvFileResult>> {
  const out: Partial<Record<CsvName, CsvFileResult>> = {};
  for (const name of Object.keys(CSV_FILES) as CsvName[]) {
    out[name] = await WRITERS[name](data, join(dir, CSV_FILES[name]));
  }
  return out as Record<CsvName, CsvFileResult>;
}
