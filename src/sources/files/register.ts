/**
 * The access register (CSV or YAML): the organization's own record of who is approved for what.
 * It never grants access; rules compare it with what Amplitude shows.
 */
import { ADDON_KINDS, PERSON_KINDS, ROLE_LEVELS, type AddonKind, type Elevation, type PersonKind, type RegisterEntry, type ScopeItem } from '../../domain/model.js';
import type { RegisterPull } from '../../domain/pulls.js';
import { showValue } from '../../config/secret-like.js';
import { didYouMean, listWords } from '../../config/suggest.js';
import {
  cells,
  decodeSource,
  DuplicateCheck,
  FileProblems,
  formatOf,
  parseRow,
  pulledAtOf,
  readTable,
  type FileReadOptions,
  type FileReadResult,
} from './common.js';
import { readSourceBytes, type SourceFileRef } from './read-file.js';

export const REGISTER_COLUMNS = [
  'email',
  'name',
  'kind',
  'company',
  'approver',
  'approved_on',
  'start_date',
  'end_date',
  'scope',
  'addons',
  'exports_allowed',
  'elevated_role',
  'elevated_project',
  'revert_by',
  'ticket',
] as const;

const ORG_SCOPE_ROLES = ['owner', 'admin', 'manager', 'member', 'none'] as const;
const SCOPE_HINT = 'write `project:role` items separated by ";", e.g. `101:viewer;Web Production:member;*:viewer;org:member`';

type Checked<T> = { value: T } | { problem: string; hint?: string };

/** An org role (owner | admin | manager | member | none, `No Access` = none). */
function orgRole(role: string): Checked<string> {
  const k = role.toLowerCase().replace(/[\s_-]+/g, ' ');
  if (k === 'no access') return { value: 'none' };
  if ((ORG_SCOPE_ROLES as readonly string[]).includes(k)) return { value: k };
  const guess = didYouMean(k, ORG_SCOPE_ROLES);
  return { problem: `${showValue(role)} is not an organization role; expected one of ${listWords(ORG_SCOPE_ROLES)}${guess ? `; did you mean \`${guess}\`?` : ''}` };
}

/** A project role: the default levels in lower case, custom role names as written. */
function projectRole(role: string): string {
  const k = role.toLowerCase();
  return (ROLE_LEVELS as readonly string[]).includes(k) ? k : role;
}

function scopeItem(s: string): Checked<ScopeItem> {
  // Project names may contain colons; the role never does.
  const cut = s.lastIndexOf(':');
  if (cut <= 0 || cut === s.length - 1) return { problem: `scope item ${showValue(s)} is not \`project:role\``, hint: SCOPE_HINT };
  const project = s.slice(0, cut).trim();
  const role = s.slice(cut + 1).trim();
  if (project.toLowerCase() === 'org') {
    const r = orgRole(role);
    return 'problem' in r ? { problem: `scope item ${showValue(s)}: ${r.problem}`, hint: SCOPE_HINT } : { value: { project: 'org', role: r.value } };
  }
  return { value: { project, role: projectRole(role) } };
}

function addonItem(s: string): Checked<AddonKind> {
  const k = s.toLowerCase();
  if ((ADDON_KINDS as readonly string[]).includes(k)) return { value: k as AddonKind };
  const guess = didYouMean(k, ADDON_KINDS);
  return { problem: `unknown add-on ${showValue(s)}; expected ${listWords(ADDON_KINDS)}${guess ? `; did you mean \`${guess}\`?` : ''}`, hint: 'separate several add-ons with ";", e.g. govern;experiment' };
}

const shape = {
  email: cells.email({ required: true }),
  name: cells.text(),
  kind: cells.oneOf<PersonKind>(PERSON_KINDS, {
    required: true,
    aliases: { 'service account': 'service', service_account: 'service' },
    hint: 'employee, contractor (also freelancers and agency staff), service (a shared or technical account) or vendor',
  }),
  company: cells.text(),
  approver: cells.text(),
  approved_on: cells.date(),
  start_date: cells.date(),
  end_date: cells.date(),
  scope: cells.list(scopeItem),
  addons: cells.list(addonItem),
  exports_allowed: cells.yesNo(),
  elevated_role: cells.text(),
  elevated_project: cells.text(),
  revert_by: cells.date(),
  ticket: cells.text(),
};

/** Parses the access register. Pure: text in, pull out (or one InputError listing up to 20 problems). */
export function parseRegister(input: string | Uint8Array, opts: FileReadOptions): FileReadResult<RegisterPull> {
  const { file } = opts;
  const format = formatOf(file, opts.format, ['csv', 'yaml'], 'sources.register');
  const { text, sha256 } = decodeSource(input, file);
  const table = readTable(text, file, format, REGISTER_COLUMNS, 'register entries');
  const pulledAt = pulledAtOf(opts.clock);
  const problems = new FileProblems(file);
  const dup = new DuplicateCheck(problems, (email) => email, 'email', 'keep one entry per person; put all their approved scope in one `scope` cell');
  const entries: RegisterEntry[] = [];

  for (const row of table.rows) {
    const { v: r, failed } = parseRow(row, shape, problems);
    let ok = failed.size === 0;
    let elevation: Elevation | undefined;
    if (r.elevated_role !== undefined) {
      if (r.revert_by === undefined && !failed.has('revert_by')) {
        problems.add(row.at('revert_by'), `missing a value; the temporary elevation to ${showValue(r.elevated_role)} needs a revert-by date`, 'set revert_by (YYYY-MM-DD) to the day the role must be taken back');
        ok = false;
      }
      let role = projectRole(r.elevated_role);
      if (r.elevated_project === undefined) {
        const org = orgRole(r.elevated_role);
        if ('problem' in org) {
          problems.add(row.at('elevated_role'), org.problem, 'without elevated_project the elevation is an organization role; name the project for a project role');
          ok = false;
        } else role = org.value;
      }
      if (r.revert_by !== undefined) {
        elevation = { role, ...(r.elevated_project !== undefined ? { project: r.elevated_project } : {}), revertBy: r.revert_by };
      }
    } else {
      for (const col of ['revert_by', 'elevated_project'] as const) {
        if (r[col] !== undefined || failed.has(col)) {
          problems.add(row.at(col), `\`${col}\` is set but \`elevated_role\` is empty`, 'name the temporary role in elevated_role, or clear this cell');
          ok = false;
        }
      }
    }
    if (r.start_date !== undefined && r.end_date !== undefined && r.end_date < r.start_date) {
      problems.add(row.at('end_date'), `end_date ${r.end_date} is before start_date ${r.start_date}`, 'check both dates');
      ok = false;
    }
    if (r.email !== undefined && !dup.check(r.email, row)) ok = false;
    if (!ok) continue;
    const approver = r.approver?.includes('@') ? r.approver.toLowerCase() : r.approver;
    entries.push({
      email: r.email!,
      ...(r.name !== undefined ? { name: r.name } : {}),
      kind: r.kind!,
      ...(r.company !== undefined ? { company: r.company } : {}),
      ...(approver !== undefined ? { approver } : {}),
      ...(r.approved_on !== undefined ? { approvedOn: r.approved_on } : {}),
      ...(r.start_date !== undefined ? { startDate: r.start_date } : {}),
      ...(r.end_date !== undefined ? { endDate: r.end_date } : {}),
      scope: r.scope,
      addons: [...new Set(r.addons)],
      ...(r.exports_allowed !== undefined ? { exportsAllowed: r.exports_allowed } : {}),
      ...(elevation ? { elevation } : {}),
      ...(r.ticket !== undefined ? { ticket: r.ticket } : {}),
      line: row.line,
      pulledAt,
    });
  }
  problems.throwIfAny();
  return { pull: { source: 'register', file, sha256, pulledAt, entries }, warnings: table.warnings };
}

export function readRegisterFile(ref: SourceFileRef, opts: Omit<FileReadOptions, 'file'>): FileReadResult<RegisterPull> {
  formatOf(ref.path, opts.format, ['csv', 'yaml'], ref.configKey);
  return parseRegister(readSourceBytes(ref), { ...opts, file: ref.path });
}
