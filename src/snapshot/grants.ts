/**
 * Effective project grants, direct and through groups. User Management is authoritative when
 * it was pulled: a group assignment becomes one grant per group member (members from SCIM,
 * else from the members export's `access_via`), each carrying which group granted it. Without
 * User Management, the members export's project roles are used. Custom roles are mapped to a
 * level by `policy.customRoles` (role name or id, case-insensitive); unmapped ones are `unknown`.
 */
import type { Grant, GrantVia, RoleLevel } from '../domain/model.js';
import { ROLE_LEVELS } from '../domain/model.js';
import type { MembersExportPull, MembersExportRow, RoleRecord, ScimPull, UserManagementPull } from '../domain/pulls.js';
import { isDirect, normEmail } from './members.js';
import type { Notes } from './notes.js';

export interface RoleMapper {
  /** Level of a role given by name (export) or record (User Management). */
  level(roleName: string, roleId?: string, builtIn?: RoleLevel): RoleLevel | 'unknown';
}

export function roleMapper(customRoles: Readonly<Record<string, string>>, notes: Notes): RoleMapper {
  const mapped = new Map<string, RoleLevel>();
  for (const [k, v] of Object.entries(customRoles)) {
    if ((ROLE_LEVELS as readonly string[]).includes(v)) mapped.set(k.trim().toLowerCase(), v as RoleLevel);
  }
  const reported = new Set<string>();
  return {
    level(roleName, roleId, builtIn) {
      if (builtIn) return builtIn;
      const byId = roleId !== undefined ? mapped.get(roleId.toLowerCase()) : undefined;
      if (byId) return byId;
      const name = roleName.trim().toLowerCase();
      const byName = mapped.get(name);
      if (byName) return byName;
      if ((ROLE_LEVELS as readonly string[]).includes(name)) return name as RoleLevel;
      const key = roleId ?? name;
      if (!reported.has(key)) {
        reported.add(key);
        notes.add(
          'unmapped-role',
          `Custom role "${roleName}"${roleId && roleId !== roleName ? ` (${roleId})` : ''} is not mapped to a level in policy.customRoles; its grants have level unknown.`,
        );
      }
      return 'unknown';
    },
  };
}

export interface GrantSources {
  readonly scim?: ScimPull;
  readonly membersExport?: MembersExportPull;
  readonly userManagement?: UserManagementPull;
}

/** The project id of an export row: its id, else the config's or the export's id for that name. */
export type ProjectResolver = (row: MembersExportRow) => string | undefined;

export function grantsFromUserManagement(
  um: UserManagementPull,
  src: GrantSources,
  roles: RoleMapper,
  projectOf: ProjectResolver,
  notes: Notes,
): Grant[] {
  const byId = new Map<string, RoleRecord>(um.roles.map((r) => [r.id, r]));
  const scimGroups = new Map((src.scim?.groups ?? []).map((g) => [String(g.id), g]));
  // Export rows granted through a group, by project and role name (for groups SCIM does not list).
  const viaGroupRows = new Map<string, MembersExportRow[]>();
  for (const r of src.membersExport?.rows ?? []) {
    const projectId = projectOf(r);
    if (isDirect(r.accessVia) || projectId === undefined || !r.projectRole) continue;
    const key = `${projectId}\u0000${r.projectRole.trim().toLowerCase()}`;
    (viaGroupRows.get(key) ?? viaGroupRows.set(key, []).get(key))?.push(r);
  }
  const out: Grant[] = [];
  const base = { source: 'user-management' as const, pulledAt: um.pulledAt };
  for (const a of um.assignments) {
    const role = byId.get(a.roleId);
    if (!role) notes.add('unknown-role', `A User Management assignment on project ${a.projectId} names role ${a.roleId}, which the role list does not have.`);
    const roleName = role?.name ?? a.roleId;
    const level = role ? roles.level(roleName, a.roleId, !role.custom ? role.level : undefined) : 'unknown';
    const grant = (email: string, via: GrantVia): Grant => ({ email: normEmail(email), projectId: a.projectId, level, roleName, roleId: a.roleId, via, ...base });
    if (a.principalType === 'user') {
      out.push(grant(a.principalId, { kind: 'direct' }));
      continue;
    }
    const group = scimGroups.get(a.principalId);
    if (group) {
      for (const m of new Set(group.members.map(normEmail))) out.push(grant(m, { kind: 'group', groupId: String(group.id), groupName: group.name }));
      continue;
    }
    // No SCIM group with that id: the members export names the group that granted each row.
    const rows = viaGroupRows.get(`${a.projectId}\u0000${roleName.trim().toLowerCase()}`) ?? [];
    if (rows.length > 0) {
      for (const r of rows) out.push(grant(r.email, { kind: 'group', groupId: a.principalId, groupName: (r.accessVia as string).trim() }));
    } else {
      notes.add(
        'unknown-group',
        `Group ${a.principalId} holds ${roleName} on project ${a.projectId} in User Management, but its members are unknown (${src.scim ? 'SCIM has no such group' : 'SCIM not available'} and the members export does not name it).`,
      );
    }
  }
  return out;
}

export function grantsFromExport(ex: MembersExportPull, scim: ScimPull | undefined, roles: RoleMapper, projectOf: ProjectResolver, notes: Notes): Grant[] {
  const scimGroupByName = new Map((scim?.groups ?? []).map((g) => [g.name.trim().toLowerCase(), g]));
  const out: Grant[] = [];
  for (const r of ex.rows) {
    const roleName = r.projectRole?.trim();
    if (!roleName) continue;
    const projectId = projectOf(r);
    if (projectId === undefined) {
      notes.add('export-unknown-project', `The members export gives ${r.email} a role on "${r.project ?? ''}" (line ${r.line}) without a project id the config or export can resolve.`);
      continue;
    }
    let via: GrantVia = { kind: 'direct' };
    if (!isDirect(r.accessVia)) {
      const name = (r.accessVia as string).trim();
      const g = scimGroupByName.get(name.toLowerCase());
      via = { kind: 'group', groupId: g ? String(g.id) : name, groupName: name };
    }
    out.push({
      email: normEmail(r.email),
      projectId,
      level: roles.level(roleName),
      roleName,
      via,
      source: 'members-export',
      pulledAt: ex.pulledAt,
    });
  }
  return out;
}

/** Notes where the members export shows a project role that User Management does not (or differently). */
export function compareExportWithUserManagement(ex: MembersExportPull, umGrants: readonly Grant[], projectOf: ProjectResolver, notes: Notes): void {
  const byKey = new Map<string, Set<string>>();
  for (const g of umGrants) {
    const key = `${g.email}\u0000${g.projectId}`;
    (byKey.get(key) ?? byKey.set(key, new Set()).get(key))?.add(g.roleName.trim().toLowerCase());
  }
  for (const r of ex.rows) {
    const role = r.projectRole?.trim();
    const projectId = projectOf(r);
    if (!role || projectId === undefined) continue;
    const email = normEmail(r.email);
    const have = byKey.get(`${email}\u0000${projectId}`);
    if (!have) {
      notes.add('export-grant-missing', `The members export gives ${email} ${role} on project ${projectId}, but User Management has no role for them there.`);
    } else if (!have.has(role.toLowerCase())) {
      notes.add(
        'export-grant-differs',
        `The members export gives ${email} ${role} on project ${projectId}, but User Management gives ${[...have].join(', ')}.`,
      );
    }
  }
}
