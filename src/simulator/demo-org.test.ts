import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { fixedClock } from '../clock.js';
import { configSchema } from '../config/schema.js';
import { RAW_ACTIONS } from './actions.js';
import { localDate, quarterStart } from './dates.js';
import { buildDemoOrg, DEMO_ORG_ID, DEMO_PLANTED, writeDemoFiles } from './demo-org.js';
import { eventsBetween } from './events.js';
import { DAY_MS, type SimEvent, type SimOrg } from './org.js';
import { startSimulator } from './server.js';
import { computeState } from './state.js';
import { arr, obj, scimGet, umGet } from './testing.js';

/** The 21 rules of SPEC §5. */
const SPEC_RULES = [
  'dormant-account',
  'dormant-account-notice',
  'org-owner-count',
  'org-admin-count',
  'org-admin-minimum',
  'project-without-admin',
  'key-rotation-overdue',
  'key-unused',
  'key-orphaned',
  'contractor-expired',
  'contractor-expiring',
  'temporary-elevation-overdue',
  'excessive-export',
  'collaborator-org-admin',
  'collaborator-production-admin',
  'addon-undocumented',
  'unregistered-account',
  'pending-invite',
  'failed-login-burst',
  'privilege-change-unapproved',
  'security-settings-changed',
];

const TZ = 'Europe/Berlin';
const HOUR = 3_600_000;
const tmp = mkdtempSync(join(tmpdir(), 'ampaudit-demo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MID = Date.parse('2026-11-15T09:00:00.000Z');
/** Anchors: mid-quarter, two hours into a quarter (a very young one), and the last day of one. */
const ANCHORS: [string, number][] = [
  ['mid-quarter', MID],
  ['very young quarter', quarterStart(MID, TZ) + 2 * HOUR],
  ['late in a quarter', quarterStart(MID, TZ, 1) - 5 * HOUR],
];

const planted = (rule: string): string[] => DEMO_PLANTED.filter((p) => p.ruleId === rule).map((p) => p.subjectId);
const kind = (e: SimEvent): string => RAW_ACTIONS[e.action].kind;

function worstFailedBurst(events: readonly SimEvent[]): Map<string, number> {
  const byActor = new Map<string, number[]>();
  for (const e of events) {
    if (kind(e) === 'login_failed' || (kind(e) === 'login' && e.error)) {
      const a = e.actor.toLowerCase();
      byActor.set(a, [...(byActor.get(a) ?? []), e.t]);
    }
  }
  const worst = new Map<string, number>();
  for (const [a, ts] of byActor) {
    let best = 0;
    for (let i = 0, j = 0; j < ts.length; j++) {
      while ((ts[j] as number) - (ts[i] as number) >= HOUR) i++;
      best = Math.max(best, j - i + 1);
    }
    worst.set(a, best);
  }
  return worst;
}

/** What the event-based rules must see in a window: exactly the planted subjects. */
function eventFindings(org: SimOrg, from: number, to: number): Record<string, string[]> {
  const events = [...eventsBetween(org, from, to)];
  const exports = new Map<string, number>();
  for (const e of events) if (['export', 'cohort_export', 'user_export'].includes(kind(e))) exports.set(e.actor.toLowerCase(), (exports.get(e.actor.toLowerCase()) ?? 0) + 1);
  const bursts = worstFailedBurst(events);
  const grants = events.filter((e) => kind(e) === 'role_change' && ['admin', 'owner'].includes(String(e.props.new_role)));
  const security = events.filter((e) => ['sso_change', 'scim_change', 'security_change'].includes(kind(e)));
  return {
    'excessive-export': [...exports].filter(([, n]) => n > 20).map(([a]) => a),
    'failed-login-burst': [...bursts].filter(([, n]) => n >= 10).map(([a]) => a),
    'privilege-change-unapproved': [...new Set(grants.map((g) => String(g.target).toLowerCase()))],
    'security-settings-changed': security.length > 0 ? ['org'] : [],
  };
}

describe('DEMO_PLANTED', () => {
  it('covers every rule of SPEC §5, each with a valid entry', () => {
    expect([...new Set(DEMO_PLANTED.map((p) => p.ruleId))].sort()).toEqual([...SPEC_RULES].sort());
    for (const p of DEMO_PLANTED) {
      expect(['member', 'key', 'project', 'org']).toContain(p.subjectKind);
      expect(['high', 'medium', 'low', 'info']).toContain(p.severity);
      expect(p.note.length).toBeGreaterThan(10);
    }
    const keys = DEMO_PLANTED.map((p) => `${p.ruleId}|${p.subjectId}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('has one finding excepted and one whose exception expired', () => {
    const org = buildDemoOrg(MID);
    const today = localDate(MID, TZ);
    const excepted = DEMO_PLANTED.filter((p) => p.status === 'excepted');
    expect(excepted.map((p) => `${p.ruleId}|${p.subjectId}`)).toEqual(['key-unused|key-dr-export']);
    const valid = org.exceptions.find((x) => x.rule === 'key-unused');
    const expired = org.exceptions.find((x) => x.rule === 'pending-invite');
    expect(valid?.subject).toBe('key-dr-export');
    expect((valid?.expires ?? '') > today).toBe(true);
    expect(expired?.subject).toBe(planted('pending-invite')[0]);
    expect((expired?.expires ?? '') < today).toBe(true);
    expect(DEMO_PLANTED.find((p) => p.ruleId === 'pending-invite')?.status).toBe('open');
  });
});

describe.each(ANCHORS)('the demo org anchored %s', (_name, A) => {
  const org = buildDemoOrg(A);
  const Q0 = quarterStart(A, TZ);
  const Qp = quarterStart(A, TZ, -1);
  const state = computeState(org, A);
  const today = localDate(A, TZ);
  const days = (d: string): number => (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${d}T00:00:00Z`)) / DAY_MS;

  it('plants the event-based violations in the current quarter up to the anchor', () => {
    const found = eventFindings(org, Q0, A);
    for (const rule of ['excessive-export', 'failed-login-burst', 'privilege-change-unapproved', 'security-settings-changed']) {
      expect(found[rule], rule).toEqual(planted(rule));
    }
  });

  it('plants them in the last completed quarter too', () => {
    const found = eventFindings(org, Qp, Q0);
    for (const rule of ['excessive-export', 'failed-login-burst', 'privilege-change-unapproved', 'security-settings-changed']) {
      expect(found[rule], rule).toEqual(planted(rule));
    }
  });

  it('has exactly the planted dormant members; everyone else logged in within 30 days', () => {
    const lastLogin = new Map<string, number>();
    for (const e of eventsBetween(org, A - 200 * DAY_MS, A)) if (kind(e) === 'login' && !e.error) lastLogin.set(e.actor.toLowerCase(), e.t);
    const dormant: string[] = [];
    const notice: string[] = [];
    for (const m of state.users) {
      if (m.status !== 'active') continue;
      const last = lastLogin.get(m.email.toLowerCase());
      const age = last === undefined ? Infinity : (A - last) / DAY_MS;
      if (age >= 60) dormant.push(m.email.toLowerCase());
      else if (age >= 30) notice.push(m.email.toLowerCase());
    }
    expect(dormant).toEqual(planted('dormant-account'));
    expect(notice).toEqual(planted('dormant-account-notice'));
    expect(DEMO_PLANTED.find((p) => p.ruleId === 'dormant-account')?.severity).toBe('high');
    expect(state.users.find((m) => m.email === planted('dormant-account')[0])?.orgRole).toBe('owner');
  });

  it('plants the org-role, project and collaborator violations', () => {
    const owners = state.users.filter((m) => m.orgRole === 'owner');
    const admins = state.users.filter((m) => m.orgRole === 'admin');
    expect(owners).toHaveLength(4);
    expect(admins.map((m) => m.email)).toEqual(planted('collaborator-org-admin'));
    const roles = new Map(org.roles.map((r) => [r.uuid, r]));
    const adminsOf = (pid: number): string[] => {
      const out: string[] = [];
      for (const a of state.assignmentsByProject.get(pid) ?? []) {
        if (roles.get(a.roleId)?.level !== 'admin') continue;
        if (a.principalType === 'user') out.push(a.principalId.toLowerCase());
        else out.push(...(state.groupMembers.get(a.principalId) ?? []).map((e) => e.toLowerCase()));
      }
      return out;
    };
    expect(org.projects.filter((p) => adminsOf(p.id).length === 0).map((p) => String(p.id))).toEqual(planted('project-without-admin'));
    const contractors = new Set(org.register.filter((r) => r.kind === 'contractor').map((r) => r.email));
    const prodAdmins = org.projects.filter((p) => p.production).flatMap((p) => adminsOf(p.id));
    expect([...new Set(prodAdmins.filter((e) => contractors.has(e)))]).toEqual(planted('collaborator-production-admin'));
    // ... and it is granted through a group.
    const nina = planted('collaborator-production-admin')[0] as string;
    const direct = (state.assignmentsByProject.get(102) ?? []).filter((a) => a.principalType === 'user').map((a) => a.principalId);
    expect(direct).not.toContain(nina);
  });

  it('plants the register and key violations, and nothing else there', () => {
    const reg = new Map(org.register.filter((r) => r.from === undefined || r.from <= A).filter((r) => r.until === undefined || A < r.until).map((r) => [r.email, r]));
    const present = state.users.map((m) => m.email.toLowerCase());
    expect(present.filter((e) => !reg.has(e))).toEqual(planted('unregistered-account'));
    const contractorsPresent = [...reg.values()].filter((r) => r.kind === 'contractor' && present.includes(r.email));
    expect(contractorsPresent.filter((r) => r.end_date !== '' && r.end_date < today).map((r) => r.email)).toEqual(planted('contractor-expired'));
    expect(contractorsPresent.filter((r) => r.end_date >= today && days(r.end_date) > -14).map((r) => r.email)).toEqual(planted('contractor-expiring'));
    expect([...reg.values()].filter((r) => r.revert_by !== '' && r.revert_by < today).map((r) => r.email)).toEqual(planted('temporary-elevation-overdue'));
    const undocumented = state.users.filter((m) => m.addons.some((a) => !(reg.get(m.email.toLowerCase())?.addons ?? '').split(';').includes(a)));
    expect(undocumented.map((m) => m.email)).toEqual(planted('addon-undocumented'));
    const pending = state.users.filter((m) => m.status === 'invited' && (A - m.invitedAt) / DAY_MS >= 14);
    expect(pending.map((m) => m.email)).toEqual(planted('pending-invite'));

    const keys = parse(readFileSync(writeDemoFiles(join(tmp, `keys-${A}`), A).apiKeys, 'utf8'), { columns: true }) as Record<string, string>[];
    const period: Record<string, number> = { org: 90, secret: 180, scim: 180, project: 365 };
    const overdue = keys.filter((k) => days(k.rotated_on as string) >= (period[k.type as string] ?? 365));
    const dueSoon = keys.filter((k) => {
      const left = (period[k.type as string] ?? 365) - days(k.rotated_on as string);
      return left > 0 && left <= 14;
    });
    expect(overdue.map((k) => k.id)).toEqual(planted('key-rotation-overdue'));
    expect(dueSoon).toEqual([]);
    expect(keys.filter((k) => days(k.last_used_on as string) >= 90).map((k) => k.id).sort()).toEqual(planted('key-unused').sort());
    const deactivatedOrGone = (email: string): boolean => {
      const m = state.usersByEmail.get(email);
      return !m || m.status === 'deactivated' || !reg.has(email);
    };
    expect(keys.filter((k) => deactivatedOrGone(k.owner as string)).map((k) => k.id)).toEqual(planted('key-orphaned'));
  });

  it('has only steady, allowed exports besides the planted ones', () => {
    for (const [from, to] of [[Qp, Q0], [Q0, A]] as const) {
      const counts = new Map<string, number>();
      for (const e of eventsBetween(org, from, to)) {
        if (['export', 'cohort_export', 'user_export'].includes(kind(e))) counts.set(e.actor.toLowerCase(), (counts.get(e.actor.toLowerCase()) ?? 0) + 1);
      }
      const paula = planted('excessive-export')[0] as string;
      expect(counts.get(paula)).toBe(25);
      counts.delete(paula);
      // Eva and Frank export once a quarter, on its last day: a steady baseline, never excessive.
      for (const [who, n] of counts) {
        expect(['eva.lang@acme.example', 'frank.hoff@acme.example']).toContain(who);
        expect(n).toBe(1);
      }
    }
    const notAllowed = org.register.filter((r) => r.exports_allowed !== 'yes');
    expect(notAllowed).toEqual([]);
  });
});

describe('the demo timeline', () => {
  const A = MID;
  const org = buildDemoOrg(A);
  it('removes a member ~100 days before the anchor', () => {
    expect(computeState(org, A - 101 * DAY_MS).usersByEmail.has('udo.lehmann@acme.example')).toBe(true);
    expect(computeState(org, A - 99 * DAY_MS).usersByEmail.has('udo.lehmann@acme.example')).toBe(false);
  });
  it('grants Mobile Team Admin on iOS Production ~50 days before the anchor', () => {
    const has = (t: number): boolean => computeState(org, t).assignments.some((a) => a.principalType === 'group' && a.projectId === 102 && a.principalId === '2002');
    expect(has(A - 51 * DAY_MS)).toBe(false);
    expect(has(A - 49 * DAY_MS)).toBe(true);
  });
  it('rotates the org key ~70 days before the anchor', () => {
    const rotatedOn = (asOf: number): string => {
      const f = writeDemoFiles(join(tmp, `timeline-${asOf}`), A, { asOf });
      const keys = parse(readFileSync(f.apiKeys, 'utf8'), { columns: true }) as Record<string, string>[];
      return keys.find((k) => k.id === 'key-org-api')?.rotated_on ?? '';
    };
    expect(rotatedOn(A - 80 * DAY_MS)).toBe(localDate(A - 250 * DAY_MS, TZ));
    expect(rotatedOn(A)).toBe(localDate(A - 70 * DAY_MS, TZ));
  });
});

describe('writeDemoFiles', () => {
  it('writes a config the schema accepts, pointing at the simulator and the files beside it', () => {
    const dir = join(tmp, 'files');
    const f = writeDemoFiles(dir, MID, { baseUrl: 'http://127.0.0.1:4999' });
    const cfg = configSchema.parse(parseYaml(readFileSync(f.config, 'utf8')));
    expect(cfg.org).toEqual({ id: DEMO_ORG_ID, name: 'Acme Analytics' });
    expect(cfg.timezone).toBe('Europe/Berlin');
    expect(cfg.amplitude.baseUrl).toBe('http://127.0.0.1:4999');
    expect(cfg.projects.filter((p) => p.environment === 'production').map((p) => p.id)).toEqual(['101', '102']);
    expect(cfg.sources).toEqual({ membersExport: './members.csv', register: './register.csv', apiKeys: './api-keys.csv', exceptions: './exceptions.yaml' });
    expect(cfg.policy.customRoles).toEqual({ 'Data Steward': 'manager' });
    const register = parse(readFileSync(f.register, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(register.map((r) => r.email)).toContain('quinn.mueller@acme.example');
  });
});

describe('the demo org on the wire', () => {
  it('serves the case-variant email over SCIM and the group grant in effective access', async () => {
    const sim = await startSimulator({ clock: fixedClock(new Date(MID)) });
    try {
      expect(sim.orgId).toBe(DEMO_ORG_ID);
      const users = arr(obj((await scimGet(sim, '/Users?itemsPerPage=100')).json).Resources).map(obj);
      expect(users.map((u) => u.userName)).toContain('Quinn.Mueller@acme.example');
      expect(users).toHaveLength(computeState(buildDemoOrg(MID), MID).users.length);
      const access = arr(obj((await umGet(sim, '/projects/102/access', { limit: '200' })).json).data).map(obj);
      const nina = access.find((x) => x.principalId === 'nina.frank@fabrikam.example');
      expect(nina).toMatchObject({ accessType: 'group', groupId: '2002', appId: 102 });
      expect(obj(nina?.role).name).toBe('Admin');
    } finally {
      await sim.close();
    }
  });
});
