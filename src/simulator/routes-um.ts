/**
 * User Management API under `/user-management/1/`: project role assignments, roles, and a
 * project's effective access. HTTP Basic (org API key : secret) plus `orgId` on every call;
 * cursor pagination (limit 1..200, default 50); RFC 7807-like error bodies.
 */
import {
  basicAuthOk,
  decodeCursor,
  encodeCursor,
  json,
  type RouteEnv,
  type SimRequest,
  type SimResponse,
} from './http-types.js';
import type { SimRole } from './org.js';

export const UM_PREFIX = '/user-management/1';
export const UM_DEFAULT_LIMIT = 50;
export const UM_MAX_LIMIT = 200;

const TITLES: Readonly<Record<string, string>> = {
  invalid_request: 'Invalid request',
  authentication_required: 'Authentication required',
  insufficient_permissions: 'Insufficient permissions',
  org_id_mismatch: 'Organization id mismatch',
  not_found: 'Not found',
  rate_limited: 'Too many requests',
  internal_error: 'Internal error',
};

export function umError(status: number, code: string, detail: string, instance: string, retryAfterSeconds?: number): SimResponse {
  return json(status, {
    type: `https://developers.amplitude.com/errors/${code}`,
    title: TITLES[code] ?? code,
    status,
    detail,
    instance,
    error_code: code,
    retryable: code === 'rate_limited' || code === 'internal_error',
    retry_after_seconds: retryAfterSeconds ?? null,
  });
}

function roleJson(r: SimRole, orgId: string): Record<string, unknown> {
  return {
    uuid: r.uuid,
    name: r.name,
    ...(r.custom ? { orgId: Number(orgId) } : {}),
    tags: { type: r.custom ? 'custom' : 'default', product: ['analytics'], description: r.description },
  };
}


interface PageArgs {
  offset: number;
  limit: number;
  cursor?: string;
}

function pageArgs(req: SimRequest, route: string): PageArgs | SimResponse {
  const rawLimit = req.query.get('limit');
  let limit = UM_DEFAULT_LIMIT;
  if (rawLimit !== null) {
    if (!/^\d+$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > UM_MAX_LIMIT) {
      return umError(400, 'invalid_request', `limit must be an integer from 1 to ${UM_MAX_LIMIT}, got "${rawLimit}".`, req.path);
    }
    limit = Number(rawLimit);
  }
  const cursor = req.query.get('cursor');
  if (cursor === null || cursor === '') return { offset: 0, limit };
  const c = decodeCursor(cursor);
  if (!c || c.r !== route || typeof c.o !== 'number' || !Number.isInteger(c.o) || c.o < 0) {
    return umError(400, 'invalid_request', 'cursor is not valid for this route.', req.path);
  }
  return { offset: c.o, limit, cursor };
}

function page<T>(req: SimRequest, env: RouteEnv, route: string, all: readonly T[], args: PageArgs, render: (x: T) => unknown): SimResponse {
  let items = all.slice(args.offset, args.offset + args.limit);
  let next = args.offset + items.length;
  if (next < all.length && items.length > 1 && env.faults.take('shortPage', req.path)) {
    items = items.slice(0, Math.ceil(items.length / 2));
    next = args.offset + items.length;
  }
  let nextCursor: string | null = next < all.length ? encodeCursor({ r: route, o: next }) : null;
  // Fault: hand back the cursor the client just sent, so a naive client loops forever.
  if (nextCursor !== null && args.cursor !== undefined && env.faults.take('repeatCursor', req.path)) nextCursor = args.cursor;
  return json(200, { data: items.map(render), pagination: { nextCursor } });
}

export function handleUserManagement(req: SimRequest, env: RouteEnv): SimResponse {
  const { org, state } = env;
  if (!basicAuthOk(req.headers, env.credentials.orgApiKey, env.credentials.orgSecretKey)) {
    return umError(401, 'authentication_required', 'HTTP Basic authentication with the org API key and secret key is required.', req.path);
  }
  const orgId = req.query.get('orgId');
  if (orgId === null || orgId === '') return umError(400, 'invalid_request', 'The orgId query parameter is required.', req.path);
  if (orgId !== org.id) return umError(403, 'org_id_mismatch', 'orgId does not match the organization of the API key.', req.path);
  if (req.method !== 'GET') return umError(405, 'invalid_request', `${req.method} is not supported by this simulator.`, req.path);
  const rest = req.path.slice(UM_PREFIX.length).replace(/\/$/, '');
  // Group ids in the type SCIM gives them (number or string).
  const groupIds = new Map(org.groups.map((g) => [String(g.id), g.id]));
  const groupIdValue = (id: string): number | string => groupIds.get(id) ?? id;

  if (rest === '/project-role-assignments') {
    const args = pageArgs(req, 'pra');
    if (!('offset' in args)) return args;
    const principalId = req.query.get('principalId');
    const projectId = req.query.get('projectId');
    const roleId = req.query.get('roleId');
    if (projectId !== null && !/^\d+$/.test(projectId)) return umError(400, 'invalid_request', `projectId must be an integer, got "${projectId}".`, req.path);
    const all = state.assignments.filter(
      (a) =>
        (principalId === null || a.principalId.toLowerCase() === principalId.toLowerCase()) &&
        (projectId === null || a.projectId === Number(projectId)) &&
        (roleId === null || a.roleId === roleId),
    );
    return page(req, env, 'pra', all, args, (a) => ({
      id: a.id,
      principalType: a.principalType,
      principalId: a.principalType === 'group' ? groupIdValue(a.principalId) : a.principalId,
      projectId: a.projectId,
      roleId: a.roleId,
    }));
  }
  if (rest === '/roles') {
    const args = pageArgs(req, 'roles');
    if (!('offset' in args)) return args;
    return page(req, env, 'roles', org.roles, args, (r) => roleJson(r, org.id));
  }
  const roleMatch = /^\/roles\/([^/]+)$/.exec(rest);
  if (roleMatch) {
    const role = org.roles.find((r) => r.uuid === roleMatch[1]);
    if (!role) return umError(404, 'not_found', `No role ${roleMatch[1] ?? ''}.`, req.path);
    return json(200, roleJson(role, org.id));
  }
  const accessMatch = /^\/projects\/([^/]+)\/access$/.exec(rest);
  if (accessMatch) {
    const pid = Number(accessMatch[1]);
    if (!org.projects.some((p) => p.id === pid)) return umError(404, 'not_found', `No project ${accessMatch[1] ?? ''}.`, req.path);
    const args = pageArgs(req, `access:${pid}`);
    if (!('offset' in args)) return args;
    const roles = new Map(org.roles.map((r) => [r.uuid, r]));
    const entries: { email: string; roleId: string; groupId?: string }[] = [];
    for (const a of state.assignmentsByProject.get(pid) ?? []) {
      if (a.principalType === 'user') entries.push({ email: a.principalId, roleId: a.roleId });
      else for (const e of state.groupMembers.get(a.principalId) ?? []) entries.push({ email: e, roleId: a.roleId, groupId: a.principalId });
    }
    return page(req, env, `access:${pid}`, entries, args, (x) => {
      const r = roles.get(x.roleId);
      return {
        principalId: x.email,
        principalType: 'user',
        appId: pid,
        role: r ? roleJson(r, org.id) : { uuid: x.roleId },
        // Undocumented in Amplitude's API: how the access was granted.
        accessType: x.groupId === undefined ? 'direct' : 'group',
        ...(x.groupId === undefined ? {} : { groupId: groupIdValue(x.groupId) }),
      };
    });
  }
  return umError(404, 'not_found', `No route ${req.path}.`, req.path);
}
