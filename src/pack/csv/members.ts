/**
 * members.csv: every member the snapshot knows, one row each. `unknown` where no source gave the
 * fact; empty where the fact is known and there is nothing (see README.md).
 */
import type { Fact } from '../../domain/common.js';
import type { AddonGrant, Grant, Member, RegisterEntry } from '../../domain/model.js';
import type { ReviewData } from '../types.js';
import { UNKNOWN, known, list, type CellValue } from './cell.js';
import { writeCsv, type CsvFileResult } from './writer.js';

export const MEMBERS_HEADER = [
  'email',
  'name',
  'status',
  'org_role',
  'scim_active',
  'invited_on',
  'joined_on',
  'sources',
  'groups',
  'addons',
  'last_login',
  'logins_known_since',
  'logins_in_period',
  'failed_logins_in_period',
  'in_register',
  'register_kind',
  'register_company',
  'register_end_date',
  'project_count',
] as const;

function fact<T extends string | boolean>(f: Fact<T> | undefined): CellValue {
  return f === undefined ? UNKNOWN : f.value;
}

function groupBy<T>(items: readonly T[] | undefined, key: (t: T) => string): Map<string, T[]> | undefined {
  if (!items) return undefined;
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const bucket = out.get(k);
    if (bucket) bucket.push(it);
    else out.set(k, [it]);
  }
  return out;
}

export function addonLabel(a: AddonGrant): string {
  return a.projectId ? `${a.addon} (project ${a.projectId})` : a.addon;
}

export function* memberRows(data: ReviewData): Generator<CellValue[]> {
  const s = data.snapshot;
  const groupNames = new Map((s.groups ?? []).map((g) => [g.id, g.name]));
  const grants = groupBy<Grant>(s.grants, (g) => g.email.toLowerCase());
  const addons = groupBy<AddonGrant>(s.addons, (a) => a.email.toLowerCase());
  const register = groupBy<RegisterEntry>(s.register, (r) => r.email.toLowerCase());
  // Logins are known only where the audit log was collected; without coverage, "no login seen" is unknown.
  const logCollected = s.events !== undefined;
  const since = logCollected ? s.coverage.continuousSince : undefined;
  const periodCovered = logCollected && s.coverage.periodCovered.length > 0;

  for (const m of s.members) {
    const email = m.email.toLowerCase();
    const act = s.activity.get(email);
    const reg = register?.get(email)?.[0];
    yield [
      m.email,
      fact(m.name),
      fact(m.status),
      fact(m.orgRole),
      fact(m.scimActive),
      fact(m.invitedOn),
      fact(m.joinedOn),
      list(m.seenIn),
      groupsCell(m, groupNames),
      addons ? list((addons.get(email) ?? []).map(addonLabel)) : UNKNOWN,
      act?.lastLogin ?? (since ? '' : UNKNOWN),
      known(since),
      periodCovered ? (act?.loginsInPeriod ?? 0) : UNKNOWN,
      periodCovered ? (act?.failedLoginsInPeriod ?? 0) : UNKNOWN,
      register ? Boolean(reg) : UNKNOWN,
      register ? reg?.kind : UNKNOWN,
      register ? reg?.company : UNKNOWN,
      register ? reg?.endDate : UNKNOWN,
      grants ? new Set((grants.get(email) ?? []).map((g) => g.projectId)).size : UNKNOWN,
    ];
  }
}

function groupsCell(m: Member, names: ReadonlyMap<string, string>): CellValue {
  if (!m.groups) return UNKNOWN;
  return list(m.groups.value.map((id) => names.get(id) ?? id));
}

export function writeMembersCsv(data: ReviewData, path: string): Promise<CsvFileResult> {
  return writeCsv(path, MEMBERS_HEADER, memberRows(data));
}
