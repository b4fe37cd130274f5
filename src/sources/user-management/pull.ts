/**
 * Pulls role definitions and explicit project role assignments from the User Management API,
 * following cursors to the end. A cursor that comes back twice fails the pull instead of looping.
 * Error bodies (RFC 7807: error_code, retryable, retry_after_seconds) are handled by the HTTP client.
 */
import type { z } from 'zod';
import type { UserManagementPull } from '../../domain/pulls.js';
import { failProtocol, parseWith, type ConnectorOptions } from '../types.js';
import { assignmentSchema, listSchema, roleSchema, toAssignmentRecord, toRoleRecord } from './schema.js';

const SOURCE = 'user-management';
/** The documented maximum page size of cursor-paginated routes. */
const LIMIT = 200;

export interface UserManagementPullOptions extends ConnectorOptions {
  /** The organization id, sent as `orgId` on every call. */
  readonly orgId: string;
  readonly onPage?: (what: 'roles' | 'assignments', received: number) => void;
}

async function pullList<T extends z.ZodType>(
  options: UserManagementPullOptions,
  path: string,
  item: T,
  idOf: (x: z.output<T>) => string,
  progress: 'roles' | 'assignments',
): Promise<z.output<T>[]> {
  const schema = listSchema(item);
  const out: z.output<T>[] = [];
  const ids = new Set<string>();
  const cursorsSent = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const what = `GET /${path}${cursor === undefined ? '' : ' (next page)'}`;
    const page = parseWith(schema, await options.http.get(path, { orgId: options.orgId, limit: LIMIT, cursor }), SOURCE, what);
    for (const x of page.data as z.output<T>[]) {
      const id = idOf(x);
      if (ids.has(id)) failProtocol(SOURCE, `${what} repeated an entry already received (id ${id}): paging is broken; run the collect again`);
      ids.add(id);
      out.push(x);
    }
    options.onPage?.(progress, out.length);
    const next = page.pagination?.nextCursor ?? page.pagination?.next_cursor ?? null;
    if (next === null || next === '') return out;
    if (cursorsSent.has(next)) {
      failProtocol(SOURCE, `GET /${path} returned a cursor it had already given (after ${out.length} entries): stopped instead of looping; the pull is incomplete and was not recorded`);
    }
    cursorsSent.add(next);
    cursor = next;
  }
}

export async function pullUserManagement(options: UserManagementPullOptions): Promise<UserManagementPull> {
  const pulledAt = options.clock.now().toISOString();
  const roles = (await pullList(options, 'roles', roleSchema, (r) => String(r.uuid ?? r.id), 'roles')).map(toRoleRecord);
  const assignments = (await pullList(options, 'project-role-assignments', assignmentSchema, (a) => a.id, 'assignments')).map(toAssignmentRecord);
  return { source: 'user-management', pulledAt, roles, assignments };
}
