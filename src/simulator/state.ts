/**
 * The organization as of one instant: what the server serves when its clock says `t`.
 * Recomputed only when `t` crosses one of the org's timeline boundaries.
 */
import { alive, type SimAssignment, type SimGroup, type SimKey, type SimMember, type SimOrg } from './org.js';

export interface OrgState {
  readonly users: readonly SimMember[];
  readonly usersByEmail: ReadonlyMap<string, SimMember>;
  readonly groups: readonly SimGroup[];
  readonly assignments: readonly SimAssignment[];
  readonly assignmentsByProject: ReadonlyMap<number, readonly SimAssignment[]>;
  /** Group id (as string) → member emails present at t. */
  readonly groupMembers: ReadonlyMap<string, readonly string[]>;
  /** Member email (lower-cased) → ids of the groups they are in. */
  readonly groupsOfUser: ReadonlyMap<string, readonly (number | string)[]>;
}

export interface StateView {
  at(t: number): OrgState;
}

function boundaries(org: SimOrg): number[] {
  const set = new Set<number>();
  const add = (x: { from?: number; until?: number }): void => {
    if (x.from !== undefined) set.add(x.from);
    if (x.until !== undefined) set.add(x.until);
  };
  org.members.forEach(add);
  org.assignments.forEach(add);
  return [...set].sort((a, b) => a - b);
}

/** Number of boundaries <= t: identical for every t between two boundaries. */
function epochOf(bounds: readonly number[], t: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((bounds[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function computeState(org: SimOrg, t: number): OrgState {
  const users = org.members.filter((m) => alive(m, t));
  const usersByEmail = new Map<string, SimMember>();
  for (const u of users) usersByEmail.set(u.email.toLowerCase(), u);
  const groupMembers = new Map<string, string[]>();
  const groupsOfUser = new Map<string, (number | string)[]>();
  for (const g of org.groups) {
    const present = g.members.filter((e) => usersByEmail.has(e.toLowerCase()));
    groupMembers.set(String(g.id), present);
    for (const e of present) {
      const key = e.toLowerCase();
      const list = groupsOfUser.get(key);
      if (list) list.push(g.id);
      else groupsOfUser.set(key, [g.id]);
    }
  }
  const assignments = org.assignments.filter(
    (a) => alive(a, t) && (a.principalType === 'group' || usersByEmail.has(a.principalId.toLowerCase())),
  );
  const assignmentsByProject = new Map<number, SimAssignment[]>();
  for (const a of assignments) {
    const list = assignmentsByProject.get(a.projectId);
    if (list) list.push(a);
    else assignmentsByProject.set(a.projectId, [a]);
  }
  return { users, usersByEmail, groups: org.groups, assignments, assignmentsByProject, groupMembers, groupsOfUser };
}

export function stateView(org: SimOrg): StateView {
  const bounds = boundaries(org);
  let cached: { epoch: number; state: OrgState } | undefined;
  return {
    at(t) {
      const epoch = epochOf(bounds, t);
      if (!cached || cached.epoch !== epoch) cached = { epoch, state: computeState(org, t) };
      return cached.state;
    },
  };
}

/** The key as the inventory shows it on date `day` (YYYY-MM-DD); undefined before it existed. */
export function keyAsOf(key: SimKey, day: string): { rotatedOn: string } | undefined {
  if (key.createdOn > day) return undefined;
  let rotatedOn = key.createdOn;
  for (const r of key.rotations) if (r <= day) rotatedOn = r;
  return { rotatedOn };
}
