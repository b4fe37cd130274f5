/**
 * Helpers shared by the three API-key rules (key-rotation-overdue, key-unused, key-orphaned).
 * A key is always shown by its `ref` (never its `id`, which may be the secret itself).
 */
import type { LocalDate } from '../../domain/common.js';
import type { Evidence, Subject } from '../../domain/findings.js';
import type { ApiKey, KeyType } from '../../domain/model.js';
import type { Snapshot } from '../../domain/snapshot.js';
import { addDaysToDate } from '../../period.js';
import { cmp, compact, daysBetweenDates, ev, localDate, projectLabel } from '../lib.js';

/** The unknown reason when no key inventory was read. */
export const NO_INVENTORY = 'no API key inventory was read (set sources.apiKeys to the inventory file)';

/** How Amplitude's documentation names each key type. */
export const KEY_TYPE_NAMES: Readonly<Record<KeyType, string>> = {
  project: 'project API key',
  secret: 'project secret key',
  org: 'organization API key',
  scim: 'SCIM key',
  data: 'Data API token',
  'experiment-deployment': 'Experiment deployment key',
  'experiment-management': 'Experiment Management API key',
};

/** `Braze sync (project secret key, Web Production (101))`: label + type + project. */
export function keyLabel(snapshot: Snapshot, key: ApiKey): string {
  const parts = [KEY_TYPE_NAMES[key.type]];
  if (key.projectId) parts.push(projectLabel(snapshot, key.projectId));
  return `${key.label} (${parts.join(', ')})`;
}

export function keySubject(snapshot: Snapshot, key: ApiKey): Subject {
  return { kind: 'key', id: key.ref, label: keyLabel(snapshot, key) };
}

/** The snapshot's keys in a stable order (by ref). */
export function sortedKeys(keys: readonly ApiKey[]): ApiKey[] {
  return [...keys].sort((a, b) => cmp(a.ref, b.ref));
}

/** The local date `days` calendar days after `date`. */
export const addDays: (date: LocalDate, days: number) => LocalDate = addDaysToDate;

/** Calendar days from `date` to the local date of the evaluation time (positive when `date` is earlier). */
export function daysSince(snapshot: Snapshot, date: LocalDate): number {
  return daysBetweenDates(date, localDate(snapshot.at, snapshot.timezone));
}

/** The inventory facts of a key, as evidence lines (source: the key inventory, at its pull time). */
export function keyEvidence(key: ApiKey): Evidence[] {
  const at = key.pulledAt;
  return compact([
    ev('Key', `${key.ref} (fingerprint ${key.fingerprint})`, 'api-keys', at),
    ev('Type', KEY_TYPE_NAMES[key.type], 'api-keys', at),
    key.owner ? ev('Owner', key.owner, 'api-keys', at) : ev('Owner', 'not recorded', 'api-keys', at),
    key.createdOn ? ev('Created on', key.createdOn, 'api-keys', at) : undefined,
    key.rotatedOn ? ev('Last rotated on', key.rotatedOn, 'api-keys', at) : undefined,
    key.lastUsedOn ? ev('Last used on', key.lastUsedOn, 'api-keys', at) : undefined,
    key.storedIn ? ev('Stored in', key.storedIn, 'api-keys', at) : undefined,
    ev('Inventory line', key.line, 'api-keys', at),
  ]);
}
