import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { RAW_ACTIONS } from './actions.js';
import { buildDemoOrg } from './demo-org.js';
import { auditEntry, countEvents, eventsBetween } from './events.js';
import { writeEventsNdjson, writeOrgFiles } from './files.js';
import { generateOrg, MAX_MEMBERS } from './generator.js';
import { DAY_MS, type SimEvent } from './org.js';
import { createRng } from './prng.js';

const ANCHOR = '2026-11-15T10:00:00.000Z';
const A = Date.parse(ANCHOR);
const tmp = mkdtempSync(join(tmpdir(), 'ampaudit-gen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

function firstLast(org: ReturnType<typeof generateOrg>, from: number, to: number): { first?: SimEvent; last?: SimEvent; n: number } {
  let first: SimEvent | undefined;
  let last: SimEvent | undefined;
  let n = 0;
  for (const e of eventsBetween(org, from, to)) {
    first ??= e;
    last = e;
    n++;
  }
  return { first, last, n };
}

describe('prng', () => {
  it('is deterministic and seed-sensitive', () => {
    const a = createRng(42, 1);
    const b = createRng(42, 1);
    const c = createRng(43, 1);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('generateOrg', () => {
  it('gives the same org and events for the same seed, byte for byte', () => {
    const a = generateOrg({ members: 800, seed: 5, anchor: ANCHOR });
    const b = generateOrg({ members: 800, seed: 5, anchor: ANCHOR });
    const fa = writeOrgFiles(a, join(tmp, 'a'), { asOf: A });
    const fb = writeOrgFiles(b, join(tmp, 'b'), { asOf: A });
    for (const k of ['membersExport', 'register', 'apiKeys', 'exceptions'] as const) {
      expect(sha(readFileSync(fa[k])), k).toBe(sha(readFileSync(fb[k])));
    }
    const from = A - 30 * DAY_MS;
    const x = firstLast(a, from, A);
    const y = firstLast(b, from, A);
    expect(y.n).toBe(x.n);
    expect(y.first).toEqual(x.first);
    expect(y.last).toEqual(x.last);
    expect(countEvents(a, from, A)).toBe(x.n);
    expect(a.id).toBe(b.id);
  });

  it('gives a different org and events for a different seed', () => {
    const a = generateOrg({ members: 800, seed: 5, anchor: ANCHOR });
    const c = generateOrg({ members: 800, seed: 6, anchor: ANCHOR });
    expect(c.members.map((m) => m.email)).not.toEqual(a.members.map((m) => m.email));
    const from = A - 30 * DAY_MS;
    const x = firstLast(a, from, A);
    const z = firstLast(c, from, A);
    expect(z.first).not.toEqual(x.first);
    expect(z.n).not.toBe(x.n);
  });

  it('builds the documented shape of an organization', () => {
    const org = generateOrg({ members: 2000, seed: 9, anchor: ANCHOR });
    expect(org.members).toHaveLength(2000);
    expect(new Set(org.members.map((m) => m.email.toLowerCase())).size).toBe(2000);
    expect(org.members.filter((m) => m.orgRole === 'owner')).toHaveLength(2);
    expect(org.members.filter((m) => m.orgRole === 'admin')).toHaveLength(2);
    const invited = org.members.filter((m) => m.status === 'invited').length;
    const deactivated = org.members.filter((m) => m.status === 'deactivated').length;
    expect(invited).toBeGreaterThan(20);
    expect(deactivated).toBeGreaterThan(10);
    expect(org.members.filter((m) => m.kind === 'contractor').length).toBeGreaterThan(40);
    expect(org.members.some((m) => m.addons.includes('govern'))).toBe(true);
    expect(org.projects.length).toBe(12);
    expect(org.projects.some((p) => p.production && /Production/.test(p.name))).toBe(true);
    expect(org.projects.map((p) => p.name)).toContain('iOS Staging');
    expect(org.roles.filter((r) => !r.custom).map((r) => r.name)).toEqual(['Viewer', 'Member', 'Manager', 'Admin']);
    expect(org.roles.filter((r) => r.custom).length).toBe(3);
    expect(org.assignments.some((a) => a.principalType === 'group')).toBe(true);
    expect(org.keys).toHaveLength(80);
    const coverage = org.register.length / org.members.length;
    expect(coverage).toBeGreaterThan(0.93);
    expect(coverage).toBeLessThan(0.97);
  });

  it('refuses more than the maximum members', () => {
    expect(() => generateOrg({ members: MAX_MEMBERS + 1, anchor: ANCHOR })).toThrow(RangeError);
    expect(() => generateOrg({ members: 0, anchor: ANCHOR })).toThrow(RangeError);
  });

  it('builds a 100k-member org and generates its events a day at a time', () => {
    const org = generateOrg({ members: 100_000, seed: 3, anchor: ANCHOR, eventsPerQuarter: 1_000_000 });
    expect(org.members).toHaveLength(100_000);
    const d = Math.floor(A / DAY_MS) - 3;
    expect(org.events.day(d).length).toBe(org.events.dayCount(d));
    // State is O(members); events are not held.
    expect(process.memoryUsage().heapUsed).toBeLessThan(1.5 * 1024 ** 3);
  });

  it('has a mix of mostly logins, ~1% exports with sizes, and a diurnal curve', () => {
    const org = generateOrg({ members: 5000, seed: 2, anchor: ANCHOR, eventsPerQuarter: 2_000_000 });
    const d = Math.floor(A / DAY_MS) - 5; // a Tuesday
    const events = org.events.day(d);
    const byKind = new Map<string, number>();
    const byHour = new Array<number>(24).fill(0);
    for (const e of events) {
      const kind = RAW_ACTIONS[e.action].kind;
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      byHour[new Date(e.t).getUTCHours()] = (byHour[new Date(e.t).getUTCHours()] ?? 0) + 1;
    }
    const share = (k: string): number => (byKind.get(k) ?? 0) / events.length;
    expect(share('login')).toBeGreaterThan(0.8);
    expect(share('login_failed')).toBeGreaterThan(0.01);
    const exports = share('export') + share('cohort_export') + share('user_export');
    expect(exports).toBeGreaterThan(0.006);
    expect(exports).toBeLessThan(0.014);
    expect((byHour[10] ?? 0) / Math.max(1, byHour[2] ?? 0)).toBeGreaterThan(4);
    for (const e of events) {
      if (e.action === 'dataExport' || e.action === 'chartExport') expect(typeof e.props.row_count).toBe('number');
      if (e.action === 'cohortExport') expect(typeof e.props.cohort_size).toBe('number');
      if (e.action === 'cohortSync' || e.action === 'userExport') expect(typeof e.props.num_users).toBe('number');
    }
    for (let i = 1; i < events.length; i++) expect((events[i] as SimEvent).t >= (events[i - 1] as SimEvent).t).toBe(true);
  });

  it('emits only the (domain, feature, action) triples of RAW_ACTIONS', () => {
    const allowed = new Set(Object.values(RAW_ACTIONS).map((r) => `${r.domain}/${r.feature}/${r.action}`));
    const seen = new Set<string>();
    const check = (org: ReturnType<typeof generateOrg>, from: number, to: number): void => {
      for (const e of eventsBetween(org, from, to)) {
        const entry = auditEntry(e, org.id);
        seen.add(`${String(entry.domain)}/${String(entry.feature)}/${String(entry.action)}`);
      }
    };
    check(generateOrg({ members: 3000, seed: 4, anchor: ANCHOR, eventsPerQuarter: 3_000_000 }), A - 20 * DAY_MS, A);
    check(buildDemoOrg(new Date(A)), A - 200 * DAY_MS, A);
    for (const t of seen) expect(allowed.has(t), t).toBe(true);
    // The generator exercises the whole table (rare actions included) over 20 busy days.
    expect([...allowed].filter((t) => !seen.has(t))).toEqual([]);
  });
});

describe('files', () => {
  const org = generateOrg({ members: 300, seed: 8, anchor: ANCHOR });
  const files = writeOrgFiles(org, join(tmp, 'files'), { asOf: A });
  const rows = (path: string): Record<string, string>[] => parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
  const header = (path: string): string => readFileSync(path, 'utf8').split('\n')[0] as string;

  it('writes the members export with the columns of SPEC §11', () => {
    expect(header(files.membersExport)).toBe('email,name,org_role,status,invited_on,joined_on,project_id,project,project_role,access_via,addons');
    const r = rows(files.membersExport);
    expect(new Set(r.map((x) => x.email)).size).toBe(300);
    expect(r.some((x) => x.access_via !== 'Direct' && x.access_via !== '')).toBe(true);
    expect(r.every((x) => ['owner', 'admin', 'manager', 'member', 'none'].includes(x.org_role as string))).toBe(true);
    expect(r.every((x) => ['active', 'invited', 'deactivated'].includes(x.status as string))).toBe(true);
  });

  it('writes the register with the columns of SPEC §11', () => {
    expect(header(files.register)).toBe(
      'email,name,kind,company,approver,approved_on,start_date,end_date,scope,addons,exports_allowed,elevated_role,elevated_project,revert_by,ticket',
    );
    const r = rows(files.register);
    expect(r.every((x) => /^\d{4}-\d{2}-\d{2}$/.test(x.approved_on as string))).toBe(true);
    expect(r.every((x) => ['employee', 'contractor', 'service', 'vendor'].includes(x.kind as string))).toBe(true);
  });

  it('writes the key inventory with the columns of SPEC §11', () => {
    expect(header(files.apiKeys)).toBe('id,label,type,project,owner,created_on,rotated_on,last_used_on,stored_in');
    const r = rows(files.apiKeys);
    expect(r).toHaveLength(org.keys.length);
    const types = ['project', 'secret', 'org', 'scim', 'data', 'experiment-deployment', 'experiment-management'];
    expect(r.every((x) => types.includes(x.type as string))).toBe(true);
    expect(r.every((x) => (x.rotated_on as string) >= (x.created_on as string))).toBe(true);
  });

  it('writes exceptions with the keys of SPEC §11', () => {
    const list = parseYaml(readFileSync(files.exceptions, 'utf8')) as Record<string, string>[];
    expect(Object.keys(list[0] ?? {})).toEqual(['rule', 'subject', 'reason', 'approved_by', 'approved_on', 'ticket', 'expires']);
  });

  it('streams a window of events to NDJSON', async () => {
    const path = join(tmp, 'events.ndjson');
    const from = A - 3 * DAY_MS;
    const n = await writeEventsNdjson(org, { from, to: A }, path);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(n).toBe(countEvents(org, from, A));
    expect(lines).toHaveLength(n);
    const first = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(first.org_id).toBe(Number(org.id));
    expect(Date.parse(first.timestamp as string)).toBeGreaterThanOrEqual(from);
  });
});
