/**
 * Members and groups merged across SCIM, the members export and User Management, keyed by
 * lower-cased email. Each field comes from its most authoritative source (SPEC §3): SCIM for
 * membership, name and `active`, and group membership; the members export for org role,
 * status, invite and join dates (and group names when SCIM is not available).
 */
import { normEmail, type Fact, type Instant, type SourceId } from '../domain/common.js';
import type { Group, Member, MemberStatus, OrgRole } from '../domain/model.js';
import type { MembersExportPull, ScimPull, UserManagementPull } from '../domain/pulls.js';
import type { Notes } from './notes.js';

export { normEmail };

export function fact<T>(value: T, source: SourceId, pulledAt: Instant): Fact<T> {
  return { value, source, pulledAt };
}

/** True when the export's `access_via` means a direct grant. */
export function isDirect(accessVia: string | undefined): boolean {
  return accessVia === undefined || accessVia.trim() === '' || accessVia.trim().toLowerCase() === 'direct';
}

interface Draft {
  email: string;
  name?: Fact<string>;
  scimActive?: Fact<boolean>;
  status?: Fact<MemberStatus>;
  orgRole?: Fact<OrgRole>;
  invitedOn?: Fact<Instant>;
  joinedOn?: Fact<Instant>;
  groups?: Fact<readonly string[]>;
  seenIn: Set<SourceId>;
}

export interface MemberSources {
  readonly scim?: ScimPull;
  readonly membersExport?: MembersExportPull;
  readonly userManagement?: UserManagementPull;
}

/** Groups: SCIM's, else the names the members export gives in `access_via` (id = name). */
export function buildGroups(src: MemberSources): Group[] | undefined {
  if (src.scim) {
    const pulledAt = src.scim.pulledAt;
    return src.scim.groups
      .map((g) => ({ id: String(g.id), name: g.name, members: [...new Set(g.members.map(normEmail))].sort(), source: 'scim' as const, pulledAt }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }
  if (src.membersExport) {
    const byName = new Map<string, Set<string>>();
    for (const r of src.membersExport.rows) {
      if (isDirect(r.accessVia)) continue;
      const name = (r.accessVia as string).trim();
      let set = byName.get(name);
      if (!set) byName.set(name, (set = new Set()));
      set.add(normEmail(r.email));
    }
    const pulledAt = src.membersExport.pulledAt;
    return [...byName]
      .map(([name, members]) => ({ id: name, name, members: [...members].sort(), source: 'members-export' as const, pulledAt }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  return undefined;
}

export function buildMembers(src: MemberSources, groups: readonly Group[] | undefined, notes: Notes): Member[] {
  const drafts = new Map<string, Draft>();
  const draft = (email: string): Draft => {
    const key = normEmail(email);
    let d = drafts.get(key);
    if (!d) {
      d = { email: key, seenIn: new Set() };
      drafts.set(key, d);
    }
    return d;
  };

  const scim = src.scim;
  if (scim) {
    const at = scim.pulledAt;
    const groupsOf = new Map<string, Set<string>>();
    for (const g of scim.groups) {
      for (const m of g.members) {
        const key = normEmail(m);
        let set = groupsOf.get(key);
        if (!set) groupsOf.set(key, (set = new Set()));
        set.add(String(g.id));
      }
    }
    const scimEmails = new Set<string>();
    for (const u of scim.users) {
      const d = draft(u.email);
      scimEmails.add(d.email);
      d.seenIn.add('scim');
      if (u.name) d.name = fact(u.name, 'scim', at);
      d.scimActive = fact(u.active, 'scim', at);
      const ids = new Set(groupsOf.get(d.email) ?? []);
      for (const id of u.groupIds ?? []) ids.add(String(id));
      d.groups = fact([...ids].sort(), 'scim', at);
    }
    for (const [email, ids] of groupsOf) {
      if (!scimEmails.has(email)) {
        notes.add('scim-group-stranger', `${email} is a member of SCIM group(s) ${[...ids].join(', ')} but not a SCIM user.`);
      }
    }
  }

  const ex = src.membersExport;
  if (ex) {
    const at = ex.pulledAt;
    for (const r of ex.rows) {
      const d = draft(r.email);
      d.seenIn.add('members-export');
      if (!d.name && r.name) d.name = fact(r.name, 'members-export', at);
      if (!d.orgRole && r.orgRole) d.orgRole = fact(r.orgRole, 'members-export', at);
      if (!d.status && r.status) d.status = fact(r.status, 'members-export', at);
      if (!d.invitedOn && r.invitedOn) d.invitedOn = fact(r.invitedOn, 'members-export', at);
      if (!d.joinedOn && r.joinedOn) d.joinedOn = fact(r.joinedOn, 'members-export', at);
    }
    if (!scim && groups) {
      const byMember = new Map<string, string[]>();
      for (const g of groups) for (const m of g.members) (byMember.get(m) ?? byMember.set(m, []).get(m))?.push(g.id);
      for (const d of drafts.values()) {
        if (d.seenIn.has('members-export')) d.groups = fact((byMember.get(d.email) ?? []).sort(), 'members-export', at);
      }
    }
  }

  const um = src.userManagement;
  if (um) {
    for (const a of um.assignments) {
      if (a.principalType !== 'user') continue;
      const d = draft(a.principalId);
      d.seenIn.add('user-management');
    }
  }

  for (const d of drafts.values()) {
    compareSources(d, Boolean(scim), Boolean(ex), notes);
    if (scim) scimDecidesMembership(d, scim.pulledAt);
  }

  return [...drafts.values()]
    .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0))
    .map((d) => ({
      email: d.email,
      ...(d.name ? { name: d.name } : {}),
      ...(d.scimActive ? { scimActive: d.scimActive } : {}),
      ...(d.status ? { status: d.status } : {}),
      ...(d.orgRole ? { orgRole: d.orgRole } : {}),
      ...(d.invitedOn ? { invitedOn: d.invitedOn } : {}),
      ...(d.joinedOn ? { joinedOn: d.joinedOn } : {}),
      ...(d.groups ? { groups: d.groups } : {}),
      seenIn: [...d.seenIn],
    }));
}

/**
 * SCIM is the authority for membership and `active` (SPEC §3); the members export may be older.
 * Where they disagree, the status follows SCIM (the disagreement is in the data-quality notes):
 * active in SCIM is present even if the export says deactivated; inactive in SCIM, or absent from
 * SCIM while the export lists the person, is deactivated. SCIM cannot tell invited from joined,
 * so an export saying `invited` stands when SCIM says active.
 */
function scimDecidesMembership(d: Draft, pulledAt: string): void {
  const status = d.status?.value;
  const inScim = d.seenIn.has('scim');
  if (inScim && d.scimActive?.value === true && status === 'deactivated') d.status = fact('active', 'scim', pulledAt);
  else if (inScim && d.scimActive?.value === false && (status === 'active' || status === 'invited')) d.status = fact('deactivated', 'scim', pulledAt);
  else if (!inScim && d.seenIn.has('members-export') && (status === 'active' || status === 'invited')) d.status = fact('deactivated', 'scim', pulledAt);
}

function compareSources(d: Draft, haveScim: boolean, haveExport: boolean, notes: Notes): void {
  const inScim = d.seenIn.has('scim');
  const inExport = d.seenIn.has('members-export');
  if (haveScim && haveExport) {
    if (inScim && !inExport) notes.add('scim-only', `${d.email} is in SCIM but not in the members export.`);
    if (!inScim && inExport) notes.add('export-only', `${d.email} is in the members export but not in SCIM.`);
  }
  if (haveScim && !inScim && !inExport && d.seenIn.has('user-management')) {
    notes.add('um-only', `${d.email} has a project role in User Management but is not in SCIM.`);
  }
  const active = d.scimActive?.value;
  const status = d.status?.value;
  if (active === true && status === 'deactivated') {
    notes.add('active-vs-deactivated', `${d.email} is active in SCIM but deactivated in the members export.`);
  }
  if (active === false && (status === 'active' || status === 'invited')) {
    notes.add('inactive-vs-active', `${d.email} is inactive in SCIM but ${status} in the members export.`);
  }
}
