/**
 * Pulls members and permission groups from SCIM, to the end, or fails: a pull that could not
 * see every member is never returned as complete.
 */
import type { ScimGroupRecord, ScimPull, ScimUserRecord } from '../../domain/pulls.js';
import { SourceError } from '../../errors.js';
import { failProtocol, parseWith, type ConnectorOptions } from '../types.js';
import { emailOf, groupsPageSchema, toGroupRecord, toUserRecord, usersPageSchema } from './schema.js';

const SOURCE = 'scim';

export interface ScimPullOptions extends ConnectorOptions {
  /** Items per page; SCIM allows at most 100. */
  readonly pageSize?: number;
  /** Called after each page (progress bars). */
  readonly onPage?: (what: 'users' | 'groups', received: number, total: number | undefined) => void;
}

export async function pullScim(options: ScimPullOptions): Promise<ScimPull> {
  const pulledAt = options.clock.now().toISOString();
  const pageSize = Math.max(1, Math.min(100, Math.floor(options.pageSize ?? 100)));
  const users = await pullUsers(options, pageSize);
  const groups = await pullGroups(options, pageSize);
  return { source: 'scim', pulledAt, users, groups };
}

async function pullUsers(options: ScimPullOptions, pageSize: number): Promise<ScimUserRecord[]> {
  const users: ScimUserRecord[] = [];
  const seen = new Set<string>();
  let total: number | undefined;
  let start = 1;
  for (;;) {
    const what = `GET /Users?startIndex=${start}`;
    const page = parseWith(usersPageSchema, await options.http.get('Users', { startIndex: start, itemsPerPage: pageSize }), SOURCE, what);
    if (page.totalResults != null) total = page.totalResults;
    const items = page.Resources ?? [];
    for (const [i, u] of items.entries()) {
      const email = emailOf(u);
      if (email === undefined) failProtocol(SOURCE, `${what}: user ${start + i} has no userName, email or id`);
      if (seen.has(email)) {
        failProtocol(SOURCE, `${what} repeated a user already received (${email}): the listing changed during the pull or paging is broken; run the collect again`);
      }
      seen.add(email);
      users.push(toUserRecord(u, email));
    }
    options.onPage?.('users', users.length, total);
    // A short page is not the end while totalResults says more remain: continue after it.
    if (total !== undefined ? users.length >= total : items.length === 0) break;
    if (items.length === 0) break;
    start += items.length;
  }
  if (total !== undefined && users.length !== total) {
    throw new SourceError(SOURCE, `SCIM said ${total} users, got ${users.length}; the pull is incomplete and was not recorded`, { code: 'E_SOURCE_PROTOCOL' });
  }
  return users;
}

async function pullGroups(options: ScimPullOptions, pageSize: number): Promise<ScimGroupRecord[]> {
  const groups: ScimGroupRecord[] = [];
  const seen = new Set<string>();
  let total: number | undefined;
  let start = 1;
  for (;;) {
    const what = `GET /Groups?startIndex=${start}`;
    // Paging on /Groups is not documented: send the /Users parameters, accept any page size.
    const page = parseWith(groupsPageSchema, await options.http.get('Groups', { startIndex: start, itemsPerPage: pageSize }), SOURCE, what);
    if (page.totalResults != null) total = page.totalResults;
    const items = page.Resources ?? [];
    for (const g of items) {
      const rec = toGroupRecord(g);
      if (seen.has(rec.id)) {
        failProtocol(SOURCE, `${what} repeated a group already received (id ${rec.id}): the listing changed during the pull or paging is broken; run the collect again`);
      }
      seen.add(rec.id);
      groups.push(rec);
    }
    options.onPage?.('groups', groups.length, total);
    if (items.length === 0) break;
    if (total !== undefined ? groups.length >= total : items.length < pageSize) break;
    start += items.length;
  }
  if (total !== undefined && groups.length !== total) {
    throw new SourceError(SOURCE, `SCIM said ${total} groups, got ${groups.length}; the pull is incomplete and was not recorded`, { code: 'E_SOURCE_PROTOCOL' });
  }
  return groups;
}
