/**
 * The API key inventory (CSV or YAML), kept by the admins because Amplitude has no key-listing
 * API. Key ids may be the keys themselves: such an id is never shown; `ref` (`key-<fingerprint>`)
 * stands for it in every message.
 */
import { KEY_TYPES, type ApiKey, type KeyType } from '../../domain/model.js';
import type { ApiKeysPull } from '../../domain/pulls.js';
import { fingerprintOf, keyRef, looksLikeSecret, showValue } from '../../config/secret-like.js';
import { cells, dayOf, decodeSource, DuplicateCheck, FileProblems, formatOf, parseRow, pulledAtOf, readTable, type FileReadOptions, type FileReadResult, type FileWarning } from './common.js';
import { readSourceBytes, type SourceFileRef } from './read-file.js';

export const API_KEY_COLUMNS = ['id', 'label', 'type', 'project', 'owner', 'created_on', 'rotated_on', 'last_used_on', 'stored_in'] as const;

/** Names people use for the key types (Amplitude's UI wording, with spaces or underscores). */
const TYPE_ALIASES: Record<string, KeyType> = {
  'project api key': 'project',
  'api key': 'project',
  'project key': 'project',
  'secret key': 'secret',
  'project secret key': 'secret',
  'org api key': 'org',
  'org key': 'org',
  'org secret key': 'org',
  organization: 'org',
  'scim key': 'scim',
  'scim token': 'scim',
  'data api': 'data',
  'data api token': 'data',
  'data token': 'data',
  'experiment deployment': 'experiment-deployment',
  experiment_deployment: 'experiment-deployment',
  'deployment key': 'experiment-deployment',
  'experiment management': 'experiment-management',
  experiment_management: 'experiment-management',
  'management api key': 'experiment-management',
};

const shape = {
  // The id is checked by hand below so that its value never reaches a message.
  id: cells.text({ required: true }),
  label: cells.text(),
  type: cells.oneOf<KeyType>(KEY_TYPES, {
    required: true,
    aliases: TYPE_ALIASES,
    hint: 'project and secret: a project\'s API and secret key; org: the org API/secret key; scim: the SCIM key; data: a Data API token; experiment-deployment: a client-/server- key; experiment-management: the Experiment Management API key',
  }),
  project: cells.text(),
  owner: cells.email(),
  created_on: cells.date(),
  rotated_on: cells.date(),
  last_used_on: cells.date(),
  stored_in: cells.text(),
};

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Parses the key inventory. Pure: text in, pull out (or one InputError listing up to 20 problems). */
export function parseApiKeys(input: string | Uint8Array, opts: FileReadOptions): FileReadResult<ApiKeysPull> {
  const { file } = opts;
  const format = formatOf(file, opts.format, ['csv', 'yaml'], 'sources.apiKeys');
  const { text, sha256 } = decodeSource(input, file);
  const table = readTable(text, file, format, API_KEY_COLUMNS, 'API keys');
  const pulledAt = pulledAtOf(opts.clock);
  // Dates are local to the admins' time zone; one day of slack keeps "today" from being "future".
  const latestDay = nextDay(dayOf(pulledAt));
  const problems = new FileProblems(file);
  const dup = new DuplicateCheck(problems, (ref) => `key ${ref}`, 'id', 'keep one row per key');
  const keys: ApiKey[] = [];
  const warnings: FileWarning[] = [];
  const secretRows: { ref: string; line: number }[] = [];

  for (const row of table.rows) {
    const { v: r, failed } = parseRow(row, shape, problems);
    const id = r.id ?? '';
    const ref = id === '' ? `on line ${row.line}` : keyRef(id);
    let ok = failed.size === 0;
    if (r.project !== undefined && !/^\d+$/.test(r.project)) {
      problems.add(row.at('project'), `key ${ref}: expected a numeric project id, got ${showValue(r.project)}`, "use the project's id from Amplitude (Settings → Projects)");
      ok = false;
    }
    for (const col of ['created_on', 'rotated_on', 'last_used_on'] as const) {
      const day = r[col];
      if (day !== undefined && day > latestDay) {
        problems.add(row.at(col), `key ${ref}: ${col} ${day} is in the future`, 'a date in the future would hide an overdue rotation; check the date');
        ok = false;
      }
    }
    for (const col of ['rotated_on', 'last_used_on'] as const) {
      const day = r[col];
      if (day !== undefined && r.created_on !== undefined && day < r.created_on) {
        problems.add(row.at(col), `key ${ref}: ${col} ${day} is before created_on ${r.created_on}`, 'check both dates');
        ok = false;
      }
    }
    // The ref is the id, or for a secret-looking id its fingerprint: either way one per key.
    if (id !== '' && !dup.check(ref, row)) ok = false;
    if (!ok) continue;
    // A secret pasted into the inventory never leaves this function: only its fingerprint ref.
    const secretLike = id !== '' && looksLikeSecret(id);
    if (secretLike) secretRows.push({ ref, line: row.line });
    keys.push({
      id: secretLike ? ref : id,
      ref,
      fingerprint: fingerprintOf(id),
      label: r.label ?? ref,
      type: r.type!,
      ...(r.project !== undefined ? { projectId: r.project } : {}),
      ...(r.owner !== undefined ? { owner: r.owner } : {}),
      ...(r.created_on !== undefined ? { createdOn: r.created_on } : {}),
      ...(r.rotated_on !== undefined ? { rotatedOn: r.rotated_on } : {}),
      ...(r.last_used_on !== undefined ? { lastUsedOn: r.last_used_on } : {}),
      ...(r.stored_in !== undefined ? { storedIn: r.stored_in } : {}),
      line: row.line,
      pulledAt,
    });
  }
  problems.throwIfAny();
  const secretWarning = secretIdWarning(file, secretRows);
  if (secretWarning) warnings.push(secretWarning);
  return { pull: { source: 'api-keys', file, sha256, pulledAt, keys }, warnings: [...table.warnings, ...warnings] };
}

export function readApiKeysFile(ref: SourceFileRef, opts: Omit<FileReadOptions, 'file'>): FileReadResult<ApiKeysPull> {
  formatOf(ref.path, opts.format, ['csv', 'yaml'], ref.configKey);
  return parseApiKeys(readSourceBytes(ref), { ...opts, file: ref.path });
}

/** One warning for all secret-looking ids: a file with dozens must not bury the other output. */
function secretIdWarning(file: string, rows: readonly { ref: string; line: number }[]): FileWarning | undefined {
  const first = rows[0];
  if (!first) return undefined;
  const where = { file, line: first.line, field: 'id' };
  if (rows.length === 1) {
    return {
      message: `key ${first.ref}: the id looks like the key itself; ampaudit keeps only its fingerprint. Put a key id or name in the inventory, never the secret, and rotate this key if the file was shared`,
      where,
    };
  }
  const shown = rows.slice(0, 5).map((r) => r.line);
  const more = rows.length > shown.length ? ` and ${rows.length - shown.length} more` : '';
  return {
    message: `${rows.length} key ids look like the keys themselves (lines ${shown.join(', ')}${more}); ampaudit keeps only their fingerprints. Put key ids or names in the inventory, never secrets, and rotate these keys if the file was shared`,
    where,
  };
}
