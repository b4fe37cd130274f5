/**
 * A deterministic, seeded generator of synthetic Amplitude organizations (SPEC §4), from a few
 * members up to 100k members and millions of audit events.
 *
 * Same options → the same organization, byte for byte. State (members, grants, keys, register)
 * is held in memory: O(members). Audit events are never held: each UTC day is generated on
 * demand from (seed, day), so a query for a window touches only its days and a quarter of 5M
 * events can be streamed to a file.
 */
import type { AddonKind, KeyType, OrgRole, PersonKind } from '../domain/model.js';
import { localDate } from './dates.js';
import { makeEventSource, type ActorPools } from './generator-events.js';
import {
  CONTRACTOR_COMPANIES,
  CUSTOM_ROLES,
  ENVIRONMENTS,
  FAMILY_NAMES,
  GIVEN_NAMES,
  KEY_STORES,
  PRODUCTS,
  TEAMS,
} from './names.js';
import { DAY_MS, type SimAssignment, type SimException, type SimGroup, type SimKey, type SimMember, type SimOrg, type SimProject, type SimRegisterRow, type SimRole } from './org.js';
import { createRng, type Rng } from './prng.js';
import { DEFAULT_ROLES, defaultRole } from './roles.js';

export { eventsBetween, countEvents, auditEntry } from './events.js';
export { writeEventsNdjson, writeOrgFiles } from './files.js';

export interface GenerateOptions {
  members: number;
  /** Default: members / 170, between 6 and 300. */
  projects?: number;
  /** API keys in the inventory. Default: members / 25, between 10 and 2,000. */
  keys?: number;
  /** Permission groups. Default: members / 250, between 3 and 400. */
  groups?: number;
  /** Average audit events per quarter. Default: 100 per member. */
  eventsPerQuarter?: number;
  seed?: number;
  /** The "now" dates are relative to (invited 300 days ago, ...). Rounded down to UTC midnight. */
  anchor: Date | number | string;
  name?: string;
  timezone?: string;
  orgId?: string;
}

export const MAX_MEMBERS = 100_000;

function clamp(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, x));
}

/** A uuid-shaped string from the rng (version 4 layout). */
export function rngUuid(rng: Rng): string {
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += rng.int(16).toString(16);
    return s;
  };
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + rng.int(4)).toString(16)}${hex(3)}-${hex(12)}`;
}

function projectNames(count: number): SimProject[] {
  const out: SimProject[] = [];
  // Production first for every product, then the other environments: small orgs get a mix.
  for (let i = 0; out.length < count; i++) {
    const round = Math.floor(i / (PRODUCTS.length * ENVIRONMENTS.length));
    const j = i % (PRODUCTS.length * ENVIRONMENTS.length);
    const envIdx = j % ENVIRONMENTS.length;
    const product = PRODUCTS[Math.floor(j / ENVIRONMENTS.length)] as string;
    const env = ENVIRONMENTS[envIdx] as string;
    const name = round === 0 ? `${product} ${env}` : `${product} ${env} ${round + 1}`;
    out.push({ id: 100 + out.length + 1, name, production: envIdx === 0 });
  }
  return out;
}

const KEY_TYPE_WEIGHTS: readonly [KeyType, number][] = [
  ['project', 40],
  ['secret', 25],
  ['experiment-deployment', 15],
  ['experiment-management', 5],
  ['data', 12],
  ['org', 2],
  ['scim', 1],
];

const ROTATION_DAYS: Readonly<Record<KeyType, number>> = {
  org: 90,
  secret: 180,
  scim: 180,
  project: 365,
  data: 365,
  'experiment-deployment': 365,
  'experiment-management': 365,
};

export function generateOrg(opts: GenerateOptions): SimOrg {
  const n = Math.floor(opts.members);
  if (!(n >= 1 && n <= MAX_MEMBERS)) throw new RangeError(`members must be between 1 and ${MAX_MEMBERS}, got ${opts.members}`);
  const seed = opts.seed ?? 1;
  const anchorMs = Math.floor(new Date(opts.anchor).getTime() / DAY_MS) * DAY_MS;
  if (Number.isNaN(anchorMs)) throw new TypeError(`invalid anchor: ${String(opts.anchor)}`);
  const tz = opts.timezone ?? 'Europe/Berlin';
  const day = (t: number): string => localDate(t, tz);
  const rng = createRng(seed, 0x0a11);
  const orgId = opts.orgId ?? String(100_000 + (createRng(seed, 7).int(900_000)));
  const domain = 'example.com';

  const projects = projectNames(opts.projects !== undefined ? clamp(Math.round(opts.projects), 1, 10_000) : clamp(Math.round(n / 170), 6, 300));
  const roles: SimRole[] = [
    ...DEFAULT_ROLES,
    ...CUSTOM_ROLES.map((r) => ({ uuid: rngUuid(rng), name: r.name, custom: true, level: r.level, description: r.description })),
  ];
  const customRoles = roles.filter((r) => r.custom);

  // Members.
  const members: SimMember[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const given = rng.pick(GIVEN_NAMES);
    const family = rng.pick(FAMILY_NAMES);
    const base = `${given}.${family}`.toLowerCase();
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    const email = `${k === 1 ? base : `${base}${k}`}@${domain}`;
    let status: SimMember['status'] = 'active';
    let orgRole: OrgRole = 'member';
    if (i < 2) orgRole = 'owner';
    else if (i < 4) orgRole = 'admin';
    else {
      const s = rng.next();
      status = s < 0.03 ? 'invited' : s < 0.05 ? 'deactivated' : 'active';
      const r = rng.next();
      orgRole = r < 0.03 ? 'manager' : r < 0.07 ? 'none' : 'member';
    }
    const kr = rng.next();
    const kind: PersonKind = i < 4 ? 'employee' : kr < 0.05 ? 'contractor' : kr < 0.06 ? 'service' : 'employee';
    const invitedAt = status === 'invited' ? anchorMs - rng.range(1, 40) * DAY_MS : anchorMs - rng.range(30, 1000) * DAY_MS;
    const joinedAt = status === 'invited' ? undefined : invitedAt + rng.range(0, 3) * DAY_MS + rng.int(DAY_MS);
    const addons: AddonKind[] = [];
    if (rng.chance(0.04)) addons.push('govern');
    if (rng.chance(0.06)) addons.push('experiment');
    members.push({
      email,
      givenName: status === 'invited' ? 'NO_GIVEN_NAME' : given,
      familyName: status === 'invited' ? 'NO_FAMILY_NAME' : family,
      status,
      orgRole,
      invitedAt,
      ...(joinedAt !== undefined ? { joinedAt } : {}),
      addons,
      kind,
      company: kind === 'contractor' ? rng.pick(CONTRACTOR_COMPANIES) : opts.name ?? 'Acme',
      logsIn: status === 'active' && (i < 4 || rng.next() >= 0.03),
    });
  }
  const present = members.filter((m) => m.status !== 'deactivated');
  const admins = members.filter((m) => m.orgRole === 'owner' || m.orgRole === 'admin');
  const managers = members.filter((m) => m.status === 'active' && (m.orgRole === 'manager' || m.orgRole === 'admin' || m.orgRole === 'owner'));

  // Groups.
  const groupCount = opts.groups !== undefined ? clamp(Math.round(opts.groups), 1, 10_000) : clamp(Math.round(n / 250), 3, 400);
  const groupMembers: string[][] = Array.from({ length: groupCount }, () => []);
  for (const m of present) {
    if (rng.chance(0.5)) groupMembers[rng.int(groupCount)]?.push(m.email);
    if (rng.chance(0.1)) {
      const g = groupMembers[rng.int(groupCount)];
      if (g && g[g.length - 1] !== m.email) g.push(m.email);
    }
  }
  const groups: SimGroup[] = groupMembers.map((gm, g) => {
    const created = anchorMs - rng.range(200, 1500) * DAY_MS;
    const round = Math.floor(g / TEAMS.length);
    return {
      // The documentation shows group ids both as numbers and as strings: serve both.
      id: g % 2 === 0 ? 1000 + g : String(1000 + g),
      name: round === 0 ? (TEAMS[g] as string) : `${TEAMS[g % TEAMS.length] as string} ${round + 1}`,
      members: gm,
      created,
      lastModified: created + rng.range(0, 150) * DAY_MS,
    };
  });

  // Project role assignments, and the approved scope they imply for the register.
  const assignments: SimAssignment[] = [];
  const scopeOf = new Map<string, string[]>();
  let seq = 0;
  // A principal holds one role per project (as in Amplitude): a second pick for the same pair is dropped.
  const held = new Set<string>();
  const assign = (principalType: 'user' | 'group', principalId: string, projectId: number, role: SimRole): boolean => {
    const key = `${principalType}|${principalId}|${projectId}`;
    if (held.has(key)) return false;
    held.add(key);
    seq++;
    assignments.push({ id: `pra_${seq.toString(36)}${rng.int(0x10000).toString(16).padStart(4, '0')}`, principalType, principalId, projectId, roleId: role.uuid });
    return true;
  };
  const addScope = (email: string, item: string): void => {
    const list = scopeOf.get(email);
    if (list) {
      if (!list.includes(item)) list.push(item);
    } else scopeOf.set(email, [item]);
  };
  const adminRole = defaultRole('admin');
  for (const p of projects) {
    // A few projects in large orgs have no admin at all (project-without-admin).
    if (projects.length > 10 && rng.chance(0.02)) continue;
    const owner = managers.length > 0 ? rng.pick(managers) : rng.pick(members);
    assign('user', owner.email, p.id, adminRole);
    addScope(owner.email, `${p.id}:admin`);
  }
  const levelWeights = [30, 50, 12, 3, 5]; // viewer, member, manager, admin, custom
  for (const m of present) {
    const count = 1 + (rng.chance(0.4) ? 1 : 0) + (rng.chance(0.1) ? 1 : 0);
    const used = new Set<number>();
    for (let c = 0; c < count; c++) {
      const p = rng.pick(projects);
      if (used.has(p.id)) continue;
      used.add(p.id);
      const w = rng.weighted(levelWeights);
      const role = w === 4 ? rng.pick(customRoles) : (DEFAULT_ROLES[w] as SimRole);
      if (assign('user', m.email, p.id, role)) addScope(m.email, `${p.id}:${role.level}`);
    }
  }
  for (const g of groups) {
    const count = rng.range(1, 3);
    const used = new Set<number>();
    for (let c = 0; c < count; c++) {
      const p = rng.pick(projects);
      if (used.has(p.id)) continue;
      used.add(p.id);
      const role = DEFAULT_ROLES[rng.weighted([40, 45, 15])] as SimRole;
      assign('group', String(g.id), p.id, role);
      for (const e of g.members) addScope(e, `${p.id}:${role.level}`);
    }
  }

  // API key inventory.
  const keyCount = opts.keys !== undefined ? clamp(Math.round(opts.keys), 1, 10_000) : clamp(Math.round(n / 25), 10, 2000);
  const keys: SimKey[] = [];
  const keyOwners = managers.length > 0 ? managers : members;
  for (let i = 0; i < keyCount; i++) {
    const type = (KEY_TYPE_WEIGHTS[rng.weighted(KEY_TYPE_WEIGHTS.map((w) => w[1]))] as [KeyType, number])[0];
    const project = type === 'org' || type === 'scim' || type === 'experiment-management' ? undefined : rng.pick(projects);
    const period = ROTATION_DAYS[type];
    const created = anchorMs - rng.range(20, 1200) * DAY_MS;
    const rotations: string[] = [];
    // Most keys were rotated within their period; about one in ten is overdue.
    const lastRotation = rng.chance(0.1) ? anchorMs - rng.range(period + 1, period * 2) * DAY_MS : anchorMs - rng.range(1, period - 1) * DAY_MS;
    if (lastRotation > created) rotations.push(day(lastRotation));
    const lastUsed = rng.chance(0.08) ? anchorMs - rng.range(91, 400) * DAY_MS : anchorMs - rng.range(0, 7) * DAY_MS;
    const label = project ? `${project.name} ${type}${i >= projects.length ? ` #${i}` : ''}` : `${type} key #${i}`;
    // Some inventories record the key itself as the id: those must only ever be shown by fingerprint.
    const id = rng.chance(0.05) ? Array.from({ length: 32 }, () => rng.int(16).toString(16)).join('') : `key-${String(i + 1).padStart(4, '0')}`;
    keys.push({
      id,
      label,
      type,
      ...(project ? { projectId: project.id } : {}),
      owner: rng.pick(keyOwners).email,
      createdOn: day(created),
      rotations,
      lastUsedOn: day(Math.max(lastUsed, created)),
      storedIn: rng.pick(KEY_STORES),
    });
  }

  // The register covers about 95% of the members.
  const approver = (members[0] as SimMember).email;
  const register: SimRegisterRow[] = [];
  for (const [i, m] of members.entries()) {
    if (i >= 4 && rng.chance(0.05)) continue;
    const scope = [...(scopeOf.get(m.email) ?? [])];
    if (m.orgRole === 'owner' || m.orgRole === 'admin') scope.unshift(`org:${m.orgRole}`);
    const addons = m.addons.filter(() => rng.next() >= 0.1);
    const ex = rng.next();
    register.push({
      email: m.email,
      name: m.status === 'invited' ? '' : `${m.givenName} ${m.familyName}`,
      kind: m.kind,
      company: m.company,
      approver,
      approved_on: day(m.invitedAt),
      start_date: day(m.invitedAt),
      end_date: m.kind === 'contractor' ? day(anchorMs + rng.range(-20, 300) * DAY_MS) : '',
      scope: scope.join(';'),
      addons: addons.join(';'),
      exports_allowed: ex < 0.9 ? 'yes' : ex < 0.98 ? 'no' : '',
      elevated_role: '',
      elevated_project: '',
      revert_by: '',
      ticket: `ACCESS-${1000 + i}`,
    });
  }

  const exceptions: SimException[] = [
    {
      rule: 'org-admin-count',
      subject: 'org',
      reason: 'Two owners kept for break-glass access',
      approved_by: approver,
      approved_on: day(anchorMs - 30 * DAY_MS),
      ticket: 'SEC-100',
      expires: day(anchorMs + 300 * DAY_MS),
    },
  ];

  const pools: ActorPools = {
    active: members.filter((m) => m.logsIn).map((m) => m.email),
    admins: admins.map((m) => m.email),
    invited: members.filter((m) => m.status === 'invited').map((m) => m.email),
    everyone: present.map((m) => m.email),
    projects: projects.map((p) => ({ id: p.id, name: p.name })),
    groups: groups.map((g) => g.name),
  };
  const events = makeEventSource({ seed, eventsPerQuarter: opts.eventsPerQuarter ?? n * 100, pools, domain });

  return {
    id: orgId,
    name: opts.name ?? `Generated Org ${seed}`,
    timezone: tz,
    projects,
    roles,
    members,
    groups,
    assignments,
    keys,
    register,
    exceptions,
    events,
  };
}
