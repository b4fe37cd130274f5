/**
 * Background audit events of a generated organization, one UTC day at a time, from
 * (seed, day) alone: a day is the same whenever and however often it is generated.
 */
import type { RawActionName } from './actions.js';
import { USER_AGENTS } from './names.js';
import { DAY_MS, type EventSource, type SimEvent } from './org.js';
import { createRng, type Rng } from './prng.js';

export interface ActorPools {
  /** Members who log in (active, not dormant). */
  readonly active: readonly string[];
  /** Owners and admins: who changes roles and settings. */
  readonly admins: readonly string[];
  /** Members with a pending invitation. */
  readonly invited: readonly string[];
  /** Everyone not deactivated. */
  readonly everyone: readonly string[];
  readonly projects: readonly { readonly id: number; readonly name: string }[];
  readonly groups: readonly string[];
}

/** Mix of background events, per 100,000. Logins dominate; exports are about 1%. */
const MIX: readonly [RawActionName, number][] = [
  ['login', 84_000],
  ['loginFailed', 3_500],
  ['logout', 4_000],
  ['chartCreated', 5_500],
  ['dataExport', 250],
  ['chartExport', 350],
  ['dashboardExport', 150],
  ['cohortExport', 120],
  ['cohortSync', 80],
  ['userExport', 50],
  ['passwordReset', 300],
  ['registration', 50],
  ['invite', 300],
  ['inviteAccepted', 200],
  ['memberRemoved', 40],
  ['orgRoleChange', 20],
  ['projectRoleChange', 120],
  ['addonPermissionChange', 40],
  ['groupChange', 100],
  ['projectCreate', 5],
  ['projectUpdate', 80],
  ['projectDelete', 2],
  ['apiKeyCreated', 15],
  ['ssoChange', 2],
  ['scimKeyRegenerated', 1],
  ['securitySettings', 3],
];
const MIX_WEIGHTS = MIX.map((m) => m[1]);

/** Activity by UTC hour: office hours in Europe, a tail for the Americas. */
const HOURLY = [1, 1, 1, 1, 2, 3, 6, 9, 10, 10, 10, 9, 8, 9, 10, 9, 8, 6, 4, 3, 2, 2, 1, 1];

const DESTINATIONS = ['braze', 'salesforce', 'facebook_ads', 'google_ads', 'hubspot'] as const;
const METHODS = ['sso', 'password', 'magic_link', 'google'] as const;
const FAILED_REASONS = ['invalid_password', 'mfa_failed', 'account_locked'] as const;
const SETTINGS = ['session_timeout', 'ip_allowlist', 'mfa_required', 'password_policy'] as const;
const ROLES_UP = ['viewer', 'member', 'manager', 'admin'] as const;

/** A stable IP from documentation ranges for an email. */
export function ipFor(email: string): string {
  let h = 0;
  for (let i = 0; i < email.length; i++) h = (Math.imul(h, 31) + email.charCodeAt(i)) | 0;
  const u = h >>> 0;
  const nets = ['192.0.2', '198.51.100', '203.0.113'];
  return `${nets[u % 3] as string}.${(u >>> 8) % 254 + 1}`;
}

export function agentFor(email: string): string {
  let h = 7;
  for (let i = 0; i < email.length; i++) h = (h * 33 + email.charCodeAt(i)) >>> 0;
  return USER_AGENTS[h % USER_AGENTS.length] as string;
}

export interface EventSourceOptions {
  seed: number;
  eventsPerQuarter: number;
  pools: ActorPools;
  domain: string;
}

const BURST_SIZE = 12;

interface DayPlan {
  readonly count: number;
  /** A failed-login burst against one account this day. */
  readonly burst: boolean;
}

function timeInDay(rng: Rng, dayStart: number): number {
  const hour = rng.weighted(HOURLY);
  return dayStart + hour * 3_600_000 + rng.int(3_600_000);
}

interface Actor {
  readonly actor: string;
  readonly ip: string;
  readonly userAgent: string;
}

function actorOf(email: string): Actor {
  return { actor: email, ip: ipFor(email), userAgent: agentFor(email) };
}

export function makeEventSource(opts: EventSourceOptions): EventSource {
  const { seed, pools } = opts;
  // Precomputed once: a quarter of a large org has millions of events by the same people.
  const activeActors = pools.active.map(actorOf);
  const adminActors = pools.admins.map(actorOf);
  const perDay = opts.eventsPerQuarter / (365.25 / 4);
  // Weekdays carry most of the load; normalize so the weekly mean is `perDay`.
  const weekday = perDay / ((5 + 2 * 0.3) / 7);

  const plan = (d: number): DayPlan => {
    const rng = createRng(seed, 0xda7, d);
    const dow = (d + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    const weekend = dow === 0 || dow === 6;
    const base = (weekend ? weekday * 0.3 : weekday) * (0.85 + 0.3 * rng.next());
    const burst = pools.active.length > 0 && rng.chance(0.1);
    const count = pools.active.length === 0 ? 0 : Math.round(base);
    return { count: count + (burst ? BURST_SIZE : 0), burst };
  };

  const day = (d: number): SimEvent[] => {
    const p = plan(d);
    if (p.count === 0) return [];
    const rng = createRng(seed, 0xe7e, d);
    const dayStart = d * DAY_MS;
    const out: SimEvent[] = [];
    const background = p.count - (p.burst ? BURST_SIZE : 0);
    for (let i = 0; i < background; i++) out.push(backgroundEvent(rng, timeInDay(rng, dayStart), d, i));
    if (p.burst) {
      const victim = rng.pick(activeActors).actor;
      const start = timeInDay(rng, dayStart);
      const ip = `198.18.${rng.int(250)}.${rng.int(250) + 1}`;
      for (let i = 0; i < BURST_SIZE; i++) {
        out.push({
          t: Math.min(start + i * rng.range(30_000, 150_000), dayStart + DAY_MS - 1),
          action: 'loginFailed',
          actor: victim,
          target: victim,
          ip,
          userAgent: 'python-requests/2.32',
          props: { method: 'password', reason: 'invalid_password' },
          error: 'invalid_password',
        });
      }
    }
    // Stable order: by time, ties by generation order (sort is stable).
    out.sort((a, b) => a.t - b.t);
    return out;
  };

  const backgroundEvent = (rng: Rng, t: number, d: number, i: number): SimEvent => {
    const action = (MIX[rng.weighted(MIX_WEIGHTS)] as [RawActionName, number])[0];
    const who = rng.pick(activeActors);
    const member = who.actor;
    if (action === 'login') {
      const method = rng.pick(METHODS);
      // Now and then a login entry carries an error: it counts as a failed login.
      if (rng.chance(0.004)) return { t, action, actor: member, target: member, ip: who.ip, userAgent: who.userAgent, props: { method }, error: 'sso_assertion_invalid' };
      return { t, action, actor: member, target: member, ip: who.ip, userAgent: who.userAgent, props: { method } };
    }
    const admin = adminActors.length > 0 ? rng.pick(adminActors) : who;
    const project = pools.projects.length > 0 ? rng.pick(pools.projects) : undefined;
    const self = { actor: member, target: member, ip: who.ip, userAgent: who.userAgent };
    const byAdmin = { actor: admin.actor, ip: admin.ip, userAgent: admin.userAgent };
    switch (action) {
      case 'loginFailed': {
        const reason = rng.pick(FAILED_REASONS);
        return { t, action, ...self, props: { method: 'password', reason }, error: reason };
      }
      case 'logout':
      case 'passwordReset':
      case 'registration':
      case 'inviteAccepted':
        return { t, action, ...self, props: {} };
      case 'chartCreated':
        return { t, action, ...self, target: `chart:${d.toString(36)}${i.toString(36)}`, ...(project ? { projectId: project.id } : {}), props: {} };
      case 'dataExport':
      case 'chartExport':
        return { t, action, ...self, target: project?.name ?? '', ...(project ? { projectId: project.id } : {}), props: { row_count: rng.range(10, 40_000) } };
      case 'dashboardExport':
        return { t, action, ...self, target: `dashboard:${rng.int(5000)}`, ...(project ? { projectId: project.id } : {}), props: {} };
      case 'cohortExport':
        return {
          t,
          action,
          ...self,
          target: `cohort:${rng.int(5000)}`,
          ...(project ? { projectId: project.id } : {}),
          props: { cohort_size: rng.range(100, 200_000), destination: rng.pick(DESTINATIONS) },
        };
      case 'cohortSync':
        return {
          t,
          action,
          ...self,
          target: `cohort:${rng.int(5000)}`,
          ...(project ? { projectId: project.id } : {}),
          props: { num_users: rng.range(100, 200_000), destination: rng.pick(DESTINATIONS) },
        };
      case 'userExport':
        return { t, action, ...self, target: project?.name ?? '', ...(project ? { projectId: project.id } : {}), props: { num_users: rng.range(10, 20_000) } };
      case 'invite': {
        const target = pools.invited.length > 0 && rng.chance(0.5) ? rng.pick(pools.invited) : `new.hire.${d}.${i}@${opts.domain}`;
        return { t, action, ...byAdmin, target, props: { role: 'member' } };
      }
      case 'memberRemoved':
        return { t, action, ...byAdmin, target: rng.pick(pools.everyone), props: {} };
      case 'orgRoleChange': {
        const up = rng.chance(0.1);
        return { t, action, ...byAdmin, target: member, props: { old_role: up ? 'manager' : 'member', new_role: up ? 'admin' : 'manager' } };
      }
      case 'projectRoleChange': {
        const from = rng.int(3);
        const to = rng.chance(0.1) ? 3 : Math.min(2, from + 1);
        const pid = project?.id ?? 0;
        return {
          t,
          action,
          ...byAdmin,
          target: member,
          projectId: pid,
          props: { project_id: pid, old_role: ROLES_UP[from] as string, new_role: ROLES_UP[to] as string },
        };
      }
      case 'addonPermissionChange':
        return { t, action, ...byAdmin, target: member, props: { addon: rng.chance(0.5) ? 'govern' : 'experiment' } };
      case 'groupChange':
        return { t, action, ...byAdmin, target: pools.groups.length > 0 ? rng.pick(pools.groups) : 'group', props: {} };
      case 'projectCreate':
      case 'projectUpdate':
      case 'projectDelete':
      case 'apiKeyCreated':
        return { t, action, ...byAdmin, target: project?.name ?? '', ...(project ? { projectId: project.id } : {}), props: {} };
      case 'ssoChange':
      case 'scimKeyRegenerated':
        return { t, action, ...byAdmin, target: 'org', props: {} };
      case 'securitySettings':
        return { t, action, ...byAdmin, target: 'org', props: { setting: rng.pick(SETTINGS) } };
    }
  };

  return { day, dayCount: (d) => plan(d).count };
}
