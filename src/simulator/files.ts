/**
 * The organization's files as ampaudit reads them (SPEC §11): members export, access register,
 * API key inventory, exceptions; and the audit log as NDJSON for the benchmark.
 * Column and key names are a contract: they are spelled exactly as in the specification.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { stringify as yamlStringify } from 'yaml';
import { writeFileAtomic } from '../fsutil.js';
import { localDate } from './dates.js';
import { auditEntry, eventsBetween } from './events.js';
import type { SimOrg } from './org.js';
import { alive } from './org.js';
import { computeState, keyAsOf } from './state.js';

/** The largest valid Date: "no date given, write the latest state". */
const MAX_TIME = 8.64e15;

export const MEMBERS_EXPORT_COLUMNS = [
  'email', 'name', 'org_role', 'status', 'invited_on', 'joined_on', 'project_id', 'project', 'project_role', 'access_via', 'addons',
] as const;

export const REGISTER_COLUMNS = [
  'email', 'name', 'kind', 'company', 'approver', 'approved_on', 'start_date', 'end_date', 'scope', 'addons',
  'exports_allowed', 'elevated_role', 'elevated_project', 'revert_by', 'ticket',
] as const;

export const KEY_COLUMNS = ['id', 'label', 'type', 'project', 'owner', 'created_on', 'rotated_on', 'last_used_on', 'stored_in'] as const;

export const EXCEPTION_KEYS = ['rule', 'subject', 'reason', 'approved_by', 'approved_on', 'ticket', 'expires'] as const;

function csv(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  return stringify([columns as string[], ...(rows as string[][])], { record_delimiter: '\n' });
}

function displayName(m: { givenName: string; familyName: string }): string {
  return m.givenName === 'NO_GIVEN_NAME' ? '' : `${m.givenName} ${m.familyName}`;
}

/** The Members & Groups export: one row per member and project (a member without projects: one row). */
export function membersExportCsv(org: SimOrg, asOf: number): string {
  const state = computeState(org, asOf);
  const projects = new Map(org.projects.map((p) => [p.id, p]));
  const roles = new Map(org.roles.map((r) => [r.uuid, r]));
  const groups = new Map(org.groups.map((g) => [String(g.id), g]));
  const byUser = new Map<string, { projectId: number; role: string; via: string }[]>();
  const push = (email: string, row: { projectId: number; role: string; via: string }): void => {
    const key = email.toLowerCase();
    const list = byUser.get(key);
    if (list) list.push(row);
    else byUser.set(key, [row]);
  };
  for (const a of state.assignments) {
    const role = roles.get(a.roleId)?.name ?? a.roleId;
    if (a.principalType === 'user') push(a.principalId, { projectId: a.projectId, role, via: 'Direct' });
    else {
      const g = groups.get(a.principalId);
      for (const e of state.groupMembers.get(a.principalId) ?? []) push(e, { projectId: a.projectId, role, via: g?.name ?? a.principalId });
    }
  }
  const rows: string[][] = [];
  for (const m of state.users) {
    const base = [
      m.email,
      displayName(m),
      m.orgRole,
      m.status,
      localDate(m.invitedAt, org.timezone),
      m.joinedAt !== undefined ? localDate(m.joinedAt, org.timezone) : '',
    ];
    const addons = m.addons.join(';');
    const grants = byUser.get(m.email.toLowerCase()) ?? [];
    if (grants.length === 0) rows.push([...base, '', '', '', '', addons]);
    for (const g of grants) rows.push([...base, String(g.projectId), projects.get(g.projectId)?.name ?? '', g.role, g.via, addons]);
  }
  return csv(MEMBERS_EXPORT_COLUMNS, rows);
}

export function registerCsv(org: SimOrg, asOf: number): string {
  const rows = org.register.filter((r) => alive(r, asOf)).map((r) => REGISTER_COLUMNS.map((c) => r[c]));
  return csv(REGISTER_COLUMNS, rows);
}

export function registerYaml(org: SimOrg, asOf: number): string {
  const rows = org.register
    .filter((r) => alive(r, asOf))
    .map((r) => Object.fromEntries(REGISTER_COLUMNS.map((c) => [c, r[c]]).filter(([, v]) => v !== '')));
  return yamlStringify(rows, { lineWidth: 0 });
}

export function keysCsv(org: SimOrg, asOf: number): string {
  // Without a date the latest state is written.
  const today = asOf >= MAX_TIME ? '9999-12-31' : localDate(asOf, org.timezone);
  const rows: string[][] = [];
  for (const k of org.keys) {
    if (!alive(k, asOf)) continue;
    const v = keyAsOf(k, today);
    if (!v) continue;
    const lastUsed = k.lastUsedOn !== undefined && k.lastUsedOn > today ? today : k.lastUsedOn ?? '';
    rows.push([
      k.id,
      k.label,
      k.type,
      k.projectId !== undefined ? String(k.projectId) : '',
      k.owner,
      k.createdOn,
      v.rotatedOn,
      lastUsed,
      k.storedIn,
    ]);
  }
  return csv(KEY_COLUMNS, rows);
}

export function exceptionsYaml(org: SimOrg): string {
  const header = [
    '# Accepted risks (exceptions). One entry per accepted finding:',
    '#   rule: a rule id (`ampaudit rules list`); subject: an email, key id, project id or `org`;',
    '#   reason, approved_by, approved_on (YYYY-MM-DD), ticket, and expires (required, at most a year after approved_on).',
    '# An expired exception no longer applies: the finding is open again and says so.',
    '',
  ].join('\n');
  return header + yamlStringify(org.exceptions.map((e) => Object.fromEntries(EXCEPTION_KEYS.map((k) => [k, e[k]]))), { lineWidth: 0 });
}

export interface OrgFiles {
  readonly membersExport: string;
  readonly register: string;
  readonly apiKeys: string;
  readonly exceptions: string;
}

/**
 * Writes members.csv, register.csv, api-keys.csv and exceptions.yaml into `dir`, describing
 * the org as of `asOf` (default: its latest state, after every timeline change).
 */
export function writeOrgFiles(org: SimOrg, dir: string, options: { asOf?: Date | number } = {}): OrgFiles {
  const asOf = options.asOf === undefined ? MAX_TIME : new Date(options.asOf).getTime();
  mkdirSync(dir, { recursive: true });
  const files: OrgFiles = {
    membersExport: join(dir, 'members.csv'),
    register: join(dir, 'register.csv'),
    apiKeys: join(dir, 'api-keys.csv'),
    exceptions: join(dir, 'exceptions.yaml'),
  };
  writeFileAtomic(files.membersExport, membersExportCsv(org, asOf));
  writeFileAtomic(files.register, registerCsv(org, asOf));
  writeFileAtomic(files.apiKeys, keysCsv(org, asOf));
  writeFileAtomic(files.exceptions, exceptionsYaml(org));
  return files;
}

/**
 * Streams the audit events of [span.from, span.to) to `path` as NDJSON, one API entry per line
 * (standard key names). Memory stays one day of events. Written to a temporary file and renamed.
 * Returns the number of events written.
 */
export async function writeEventsNdjson(
  org: SimOrg,
  span: { from: Date | number | string; to: Date | number | string },
  path: string,
): Promise<number> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  let n = 0;
  try {
    let buf = '';
    for (const e of eventsBetween(org, span.from, span.to)) {
      buf += JSON.stringify(auditEntry(e, org.id)) + '\n';
      n++;
      if (buf.length >= 1 << 16) {
        if (!out.write(buf)) await once(out, 'drain');
        buf = '';
      }
    }
    if (buf.length > 0 && !out.write(buf)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw err;
  }
  renameSync(tmp, path);
  return n;
}
