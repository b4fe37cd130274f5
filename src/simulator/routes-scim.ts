/**
 * SCIM 2.0 under `/scim/1/`: `/Users` (paged, filter `userName eq "..."`), `/Users/{email}`,
 * `/Groups` (paged like /Users). Bearer auth. Page size is capped at 100 as documented.
 */
import { bearerOk, json, type RouteEnv, type SimRequest, type SimResponse } from './http-types.js';
import type { SimGroup, SimMember } from './org.js';
import type { OrgState } from './state.js';

export const SCIM_PREFIX = '/scim/1';
export const SCIM_MAX_PAGE = 100;

const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function scimError(status: number, detail: string, scimType?: string): SimResponse {
  return json(status, { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail });
}

function userResource(m: SimMember, state: OrgState, groupNames: ReadonlyMap<string, string>): Record<string, unknown> {
  const groups = state.groupsOfUser.get(m.email.toLowerCase());
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: m.email,
    userName: m.email,
    name: { givenName: m.givenName, familyName: m.familyName },
    // SCIM cannot tell an invited user from a joined one: both are active.
    active: m.status !== 'deactivated',
    emails: [{ value: m.email, primary: true }],
    // Only some user resources carry their groups (as in Amplitude's examples).
    ...(groups && groups.length > 0 ? { groups: groups.map((id) => ({ value: id, display: groupNames.get(String(id)) ?? '' })) } : {}),
    meta: { resourceType: 'User' },
  };
}

function groupResource(g: SimGroup, state: OrgState): Record<string, unknown> {
  const members = state.groupMembers.get(String(g.id)) ?? [];
  const byEmail = state.usersByEmail;
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    id: g.id,
    displayName: g.name,
    members: members.map((e) => {
      const m = byEmail.get(e.toLowerCase());
      return { value: e, display: m && m.givenName !== 'NO_GIVEN_NAME' ? `${m.givenName} ${m.familyName}` : e };
    }),
    meta: { resourceType: 'Group', created: new Date(g.created).toISOString(), lastModified: new Date(g.lastModified).toISOString() },
  };
}

interface Paging {
  startIndex: number;
  count: number;
}

function paging(q: URLSearchParams): Paging | SimResponse {
  const parse = (name: string, dflt: number): number | SimResponse => {
    const raw = q.get(name);
    if (raw === null || raw === '') return dflt;
    if (!/^-?\d+$/.test(raw)) return scimError(400, `${name} must be an integer, got "${raw}"`, 'invalidValue');
    return Number(raw);
  };
  const startIndex = parse('startIndex', 1);
  if (typeof startIndex !== 'number') return startIndex;
  const count = parse('itemsPerPage', SCIM_MAX_PAGE);
  if (typeof count !== 'number') return count;
  // RFC 7644: startIndex < 1 is treated as 1; a count above the maximum is reduced to it.
  return { startIndex: Math.max(1, startIndex), count: Math.max(0, Math.min(SCIM_MAX_PAGE, count)) };
}

function listResponse<T>(all: readonly T[], p: Paging, shortPage: boolean, render: (x: T) => unknown): SimResponse {
  let page = all.slice(p.startIndex - 1, p.startIndex - 1 + p.count);
  // Fault: a page shorter than asked although more remain.
  if (shortPage && page.length > 1) page = page.slice(0, Math.ceil(page.length / 2));
  return json(200, {
    schemas: [LIST_SCHEMA],
    startIndex: p.startIndex,
    itemsPerPage: page.length,
    totalResults: all.length,
    Resources: page.map(render),
  });
}

const FILTER_RE = /^\s*userName\s+eq\s+"([^"]*)"\s*$/i;

export function handleScim(req: SimRequest, env: RouteEnv): SimResponse {
  if (!bearerOk(req.headers, env.credentials.scimToken)) {
    return scimError(401, 'Authentication failed: missing or invalid bearer token.');
  }
  if (req.method !== 'GET') return scimError(405, `${req.method} is not supported by this simulator.`);
  const rest = req.path.slice(SCIM_PREFIX.length);
  const { state } = env;
  const groupNames = new Map(env.org.groups.map((g) => [String(g.id), g.name]));

  if (rest === '/Users' || rest === '/Users/') {
    const p = paging(req.query);
    if (!('startIndex' in p)) return p;
    let users: readonly SimMember[] = state.users;
    const filter = req.query.get('filter');
    if (filter !== null && filter !== '') {
      const m = FILTER_RE.exec(filter);
      if (!m) return scimError(400, `Unsupported filter "${filter}": only userName eq "<email>" is supported.`, 'invalidFilter');
      const u = state.usersByEmail.get((m[1] as string).toLowerCase());
      users = u ? [u] : [];
    }
    const short = p.startIndex - 1 + p.count < users.length && env.faults.take('shortPage', req.path) !== undefined;
    return listResponse(users, p, short, (u) => userResource(u, state, groupNames));
  }
  const userMatch = /^\/Users\/(.+)$/.exec(rest);
  if (userMatch) {
    const email = decodeURIComponent(userMatch[1] as string).toLowerCase();
    const u = state.usersByEmail.get(email);
    if (!u) return scimError(404, `User ${email} not found.`);
    return json(200, userResource(u, state, groupNames));
  }
  if (rest === '/Groups' || rest === '/Groups/') {
    const p = paging(req.query);
    if (!('startIndex' in p)) return p;
    const short = p.startIndex - 1 + p.count < state.groups.length && env.faults.take('shortPage', req.path) !== undefined;
    return listResponse(state.groups, p, short, (g) => groupResource(g, state));
  }
  return scimError(404, `No SCIM resource at ${req.path}.`);
}
