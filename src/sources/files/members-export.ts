/**
 * The Members & Groups export (CSV): org role, invite status, project roles and add-ons for orgs
 * without the Enterprise APIs. One row per member and project; a member without projects has
 * one row with the project columns empty. Amplitude's own spellings (`Admin`, `No Access`) are
 * accepted case-insensitively.
 */
import { ADDON_KINDS, MEMBER_STATUSES, ORG_ROLES, ROLE_LEVELS, type AddonKind, type MemberStatus, type OrgRole } from '../../domain/model.js';
import type { MembersExportPull, MembersExportRow } from '../../domain/pulls.js';
import { showValue } from '../../config/secret-like.js';
import { listWords } from '../../config/suggest.js';
import { cells, decodeSource, DuplicateCheck, FileProblems, parseRow, pulledAtOf, readCsvTable, type FileReadOptions, type FileReadResult } from './common.js';
import { readSourceBytes, type SourceFileRef } from './read-file.js';

export const MEMBERS_EXPORT_COLUMNS = [
  'email',
  'name',
  'org_role',
  'status',
  'invited_on',
  'joined_on',
  'project_id',
  'project',
  'project_role',
  'access_via',
  'addons',
] as const;

const NO_ACCESS: Record<string, 'none'> = { 'no access': 'none', 'no-access': 'none', no_access: 'none', noaccess: 'none' };

const STATUS_ALIASES: Record<string, MemberStatus> = {
  pending: 'invited',
  'pending invite': 'invited',
  'invite pending': 'invited',
  'invitation pending': 'invited',
  inactive: 'deactivated',
  disabled: 'deactivated',
  suspended: 'deactivated',
};

/** `Govern: Data Manager`, `Govern/Data`, `Experiment` → the add-on kind. */
function addonItem(s: string): { value: AddonKind } | { problem: string; hint: string } {
  const word = s.toLowerCase().split(/[\s:/(-]/)[0] ?? '';
  const kind = word === 'data' ? 'govern' : (ADDON_KINDS as readonly string[]).includes(word) ? (word as AddonKind) : undefined;
  if (kind) return { value: kind };
  return { problem: `unknown add-on ${showValue(s)}; expected ${listWords(ADDON_KINDS)}`, hint: 'separate several add-ons with ";", e.g. govern;experiment' };
}

/** Default roles in lower case (`Admin` → admin, `No Access` → none); custom role names as written. */
function normalizeProjectRole(role: string): string {
  const k = role.toLowerCase().replace(/\s+/g, ' ');
  if ((ROLE_LEVELS as readonly string[]).includes(k)) return k;
  if (NO_ACCESS[k]) return 'none';
  return role;
}

/** The row schema; `invited_on` / `joined_on` dates are local days in the configured time zone. */
const shapeFor = (timezone: string | undefined) => ({
  email: cells.email({ required: true }),
  name: cells.text(),
  org_role: cells.oneOf<OrgRole>(ORG_ROLES, { aliases: NO_ACCESS, hint: 'the organization role as Amplitude shows it: Owner, Admin, Manager, Member or No Access' }),
  status: cells.oneOf<MemberStatus>(MEMBER_STATUSES, { aliases: STATUS_ALIASES }),
  invited_on: cells.instant({ timezone }),
  joined_on: cells.instant({ timezone }),
  project_id: cells.text(),
  project: cells.text(),
  project_role: cells.text(),
  access_via: cells.text(),
  addons: cells.list(addonItem),
});

const MEMBER_FIELDS = ['name', 'orgRole', 'status', 'invitedOn', 'joinedOn'] as const;
const COLUMN_OF: Record<(typeof MEMBER_FIELDS)[number], string> = {
  name: 'name',
  orgRole: 'org_role',
  status: 'status',
  invitedOn: 'invited_on',
  joinedOn: 'joined_on',
};

/** Parses the members export. Pure: text in, pull out (or one InputError listing up to 20 problems). */
export function parseMembersExport(input: string | Uint8Array, opts: FileReadOptions): FileReadResult<MembersExportPull> {
  const { file } = opts;
  const { text, sha256 } = decodeSource(input, file);
  const table = readCsvTable(text, file, MEMBERS_EXPORT_COLUMNS);
  const problems = new FileProblems(file);
  const dup = new DuplicateCheck(
    problems,
    (id) => {
      const [email, project, via] = id.split('\0');
      return project ? `member ${email} on project ${project}${via ? ` via ${via}` : ''}` : `member ${email} without a project`;
    },
    'project_id',
    'keep one row per member, project and access path (Direct or the granting group)',
  );
  const firstSeen = new Map<string, { line: number; row: MembersExportRow }>();
  const rows: MembersExportRow[] = [];
  const shape = shapeFor(opts.timezone);

  for (const row of table.rows) {
    const { v: r, failed } = parseRow(row, shape, problems);
    let ok = failed.size === 0;
    if (r.project_id !== undefined && !/^\d+$/.test(r.project_id)) {
      problems.add(row.at('project_id'), `expected a numeric project id, got ${showValue(r.project_id)}`, "use the project's id from Amplitude (Settings → Projects); the name goes in `project`");
      ok = false;
    }
    const hasProject = r.project_id !== undefined || r.project !== undefined;
    if (hasProject && r.project_id === undefined) {
      problems.add(row.at('project_id'), `missing a value; the row names project ${showValue(r.project ?? '')} but not its id`, "add the project's numeric id (Amplitude's APIs name projects by id)");
      ok = false;
    }
    if (hasProject && r.project_role === undefined) {
      problems.add(row.at('project_role'), 'missing a value; a row with a project needs the role on it', 'Viewer, Member, Manager, Admin, No Access or the custom role name');
      ok = false;
    }
    if (!hasProject && (r.project_role !== undefined || r.access_via !== undefined)) {
      const col = r.project_role !== undefined ? 'project_role' : 'access_via';
      problems.add(row.at(col), `\`${col}\` is set but the row names no project`, 'fill in project_id and project, or leave the project columns empty for a member without projects');
      ok = false;
    }
    // A role can reach a member on one project both directly and through groups: one row per path.
    if (r.email !== undefined && !dup.check(`${r.email}\0${r.project_id ?? ''}\0${r.access_via ?? ''}`, row)) ok = false;
    if (!ok) continue;

    const out: MembersExportRow = {
      email: r.email!,
      ...(r.name !== undefined ? { name: r.name } : {}),
      ...(r.org_role !== undefined ? { orgRole: r.org_role } : {}),
      ...(r.status !== undefined ? { status: r.status } : {}),
      ...(r.invited_on !== undefined ? { invitedOn: r.invited_on } : {}),
      ...(r.joined_on !== undefined ? { joinedOn: r.joined_on } : {}),
      ...(r.project_id !== undefined ? { projectId: r.project_id } : {}),
      ...(r.project !== undefined ? { project: r.project } : {}),
      ...(r.project_role !== undefined ? { projectRole: normalizeProjectRole(r.project_role) } : {}),
      ...(r.access_via !== undefined ? { accessVia: r.access_via } : {}),
      addons: [...new Set(r.addons)],
      line: row.line,
    };
    // The member's own fields repeat on each of their rows; rows that disagree cannot both be right.
    const first = firstSeen.get(out.email);
    if (first) {
      for (const f of MEMBER_FIELDS) {
        const a = first.row[f];
        const b = out[f];
        if (a !== undefined && b !== undefined && a !== b) {
          problems.add(row.at(COLUMN_OF[f]), `${showValue(b)} contradicts line ${first.line}, which gives ${showValue(a)} for ${out.email}`, 'a member has one value across all their rows');
          ok = false;
        }
      }
    } else firstSeen.set(out.email, { line: row.line, row: out });
    if (ok) rows.push(out);
  }
  problems.throwIfAny();
  return {
    pull: { source: 'members-export', file, sha256, pulledAt: pulledAtOf(opts.clock), rows },
    warnings: table.warnings,
  };
}

export function readMembersExportFile(ref: SourceFileRef, opts: Omit<FileReadOptions, 'file'>): FileReadResult<MembersExportPull> {
  return parseMembersExport(readSourceBytes(ref), { ...opts, file: ref.path });
}
