/**
 * Test fixtures for rules: build a snapshot from a few lines, run one rule through the real
 * engine. Used by the rule tests only (never imported by production code).
 *
 * Defaults: evaluation time `AT` (2026-11-11T10:00Z), time zone UTC, period = the calendar
 * quarter containing `at` (2026-Q4) up to `at`, audit log complete for the 365 days before `at`,
 * every collection known and empty, members active with org role `member` seen in SCIM and the
 * members export. Pass `null` for a member fact to make it unknown, and list collections in
 * `unknown` to make them unknown (undefined in the snapshot).
 */
import { createHash } from 'node:crypto';
import type { Instant, LocalDate, SourceId, Span } from '../domain/common.js';
import type { ExceptionEntry, Finding } from '../domain/index.js';
import type {
  AddonGrant,
  AddonKind,
  ApiKey,
  Elevation,
  Environment,
  Grant,
  Group,
  Member,
  MemberStatus,
  OrgRole,
  PersonKind,
  Project,
  RegisterEntry,
  RoleLevel,
  ScopeItem,
} from '../domain/model.js';
import type { EventSummary, ExportSummary, MemberActivity, PrivilegeGrantEvent, SourceStatus, Snapshot } from '../domain/snapshot.js';
import type { Severity } from '../domain/common.js';
import { defaultPolicy, evaluate } from '../engine/evaluate.js';
import type { RulePolicy } from '../engine/policy.js';
import { daysBetweenDates, localDate, localDayStart, minusDays } from './lib.js';
import type { AnyRule, Rule, RuleResult } from './types.js';

export const AT: Instant = '2026-11-11T10:00:00.000Z';

/** The instant `days` × 24 h before `at` (calendar days in UTC). */
export function daysAgo(days: number, at: Instant = AT): Instant {
  return minusDays(at, days);
}

/** The local date (UTC by default) `days` days before `at`; negative days are in the future. */
export function dateAgo(days: number, at: Instant = AT, tz = 'UTC'): LocalDate {
  return localDate(minusDays(at, days), tz);
}

export interface MemberInput {
  readonly email: string;
  readonly name?: string;
  /** Default `active`; `null` = unknown (no members export row). */
  readonly status?: MemberStatus | null;
  /** Default `member`; `null` = unknown. */
  readonly orgRole?: OrgRole | null;
  /** Default true; `null` = no SCIM record. */
  readonly scimActive?: boolean | null;
  readonly invitedOn?: Instant;
  readonly joinedOn?: Instant;
  readonly groups?: readonly string[];
  readonly seenIn?: readonly SourceId[];
}

export interface GrantInput {
  readonly email: string;
  readonly projectId: string;
  /** Default `viewer`. */
  readonly level?: RoleLevel | 'unknown';
  /** Default: the level capitalized (`Admin`), or `Custom role` for unknown. */
  readonly roleName?: string;
  /** Name of the group that grants the role; direct when absent. */
  readonly group?: string;
  readonly source?: SourceId;
}

export type ProjectInput = string | { readonly id: string; readonly name?: string; readonly environment?: Environment };

export type RegisterInput = Partial<Omit<RegisterEntry, 'scope' | 'elevation'>> & {
  readonly email: string;
  /** Scope items, or the register's text form `org:admin;101:viewer`. */
  readonly scope?: readonly ScopeItem[] | string;
  readonly elevation?: Elevation;
  readonly kind?: PersonKind;
  readonly addons?: readonly AddonKind[];
};

export type KeyInput = Partial<ApiKey> & { readonly id: string };

export type ExceptionInput = Partial<ExceptionEntry> & { readonly rule: string; readonly subject: string };

export type UnknownPart = 'grants' | 'groups' | 'addons' | 'keys' | 'register' | 'exceptions' | 'events';

export interface SnapshotInput {
  readonly at?: Instant;
  readonly timezone?: string;
  readonly org?: { readonly id: string; readonly name: string };
  readonly period?: { readonly label: string; readonly start: Instant; readonly end: Instant };
  readonly members?: readonly (string | MemberInput)[];
  /** Default: every project id mentioned by grants, keys or addons, named `Project <id>`. */
  readonly projects?: readonly ProjectInput[];
  readonly grants?: readonly GrantInput[];
  readonly groups?: readonly Group[];
  readonly addons?: readonly (Partial<AddonGrant> & { readonly email: string; readonly addon: AddonKind })[];
  readonly keys?: readonly KeyInput[];
  readonly register?: readonly RegisterInput[];
  readonly exceptions?: readonly ExceptionInput[];
  /** Per email; missing counters are 0. */
  readonly activity?: Readonly<Record<string, Partial<MemberActivity>>>;
  /** Start of the complete audit log reaching `at`; `null` = no coverage at all. Default: 365 days before `at`. */
  readonly coverageSince?: Instant | null;
  readonly privilegeGrants?: readonly PrivilegeGrantEvent[];
  readonly securityChanges?: readonly EventSummary[];
  readonly unknown?: readonly UnknownPart[];
  /** Replaces the default source statuses (all configured and ok). */
  readonly sources?: readonly SourceStatus[];
  readonly dataQuality?: readonly string[];
}

export const EMPTY_EXPORTS: ExportSummary = { count: 0, rows: 0, users: 0, unsized: 0, byKind: {}, large: [] };

function memberOf(input: string | MemberInput, at: Instant): Member {
  const m: MemberInput = typeof input === 'string' ? { email: input } : input;
  const fact = <T>(value: T, source: SourceId = 'members-export') => ({ value, source, pulledAt: at });
  const status = m.status === undefined ? 'active' : m.status;
  const orgRole = m.orgRole === undefined ? 'member' : m.orgRole;
  const scimActive = m.scimActive === undefined ? true : m.scimActive;
  const out: { -readonly [K in keyof Member]: Member[K] } = {
    email: m.email.toLowerCase(),
    seenIn: m.seenIn ?? [...(scimActive !== null ? (['scim'] as const) : []), ...(status !== null || orgRole !== null ? (['members-export'] as const) : [])],
  };
  if (m.name !== undefined) out.name = fact(m.name, 'scim');
  if (scimActive !== null) out.scimActive = fact(scimActive, 'scim');
  if (status !== null) out.status = fact(status);
  if (orgRole !== null) out.orgRole = fact(orgRole);
  if (m.invitedOn !== undefined) out.invitedOn = fact(m.invitedOn);
  if (m.joinedOn !== undefined) out.joinedOn = fact(m.joinedOn);
  if (m.groups !== undefined) out.groups = fact(m.groups, 'scim');
  return out;
}

function grantOf(g: GrantInput, at: Instant): Grant {
  const level = g.level ?? 'viewer';
  const roleName = g.roleName ?? (level === 'unknown' ? 'Custom role' : level[0]!.toUpperCase() + level.slice(1));
  return {
    email: g.email.toLowerCase(),
    projectId: g.projectId,
    level,
    roleName,
    via: g.group === undefined ? { kind: 'direct' } : { kind: 'group', groupId: `g-${g.group.toLowerCase().replace(/\W+/g, '-')}`, groupName: g.group },
    source: g.source ?? 'user-management',
    pulledAt: at,
  };
}

/** `org:admin;101:viewer` → scope items (the register's text form). */
export function scopeOf(text: string): ScopeItem[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const i = s.lastIndexOf(':');
      return { project: s.slice(0, i), role: s.slice(i + 1).toLowerCase() };
    });
}

function registerOf(r: RegisterInput, i: number, at: Instant): RegisterEntry {
  const { scope, ...rest } = r;
  return {
    kind: 'employee',
    addons: [],
    line: i + 2,
    pulledAt: at,
    ...rest,
    email: r.email.toLowerCase(),
    scope: typeof scope === 'string' ? scopeOf(scope) : (scope ?? []),
  };
}

function keyOf(k: KeyInput, i: number, at: Instant): ApiKey {
  const fingerprint = createHash('sha256').update(k.id).digest('hex').slice(0, 12);
  return { ref: k.id, fingerprint, label: k.id, type: 'project', line: i + 2, pulledAt: at, ...k };
}

function exceptionOf(e: ExceptionInput, i: number, at: Instant): ExceptionEntry {
  return {
    reason: 'Accepted risk',
    approvedBy: 'ciso@example.com',
    approvedOn: dateAgo(30, at),
    expires: dateAgo(-60, at),
    line: i + 2,
    ...e,
  };
}

function activityOf(a: Partial<MemberActivity>): MemberActivity {
  return { loginsInPeriod: 0, failedLoginsInPeriod: 0, exports: EMPTY_EXPORTS, ...a };
}

/** The calendar quarter containing `at` in `tz`, ending at `at` (the `check` period). */
export function quarterOf(at: Instant, tz: string): { label: string; start: Instant; end: Instant } {
  const d = localDate(at, tz);
  const year = Number(d.slice(0, 4));
  const q = Math.floor((Number(d.slice(5, 7)) - 1) / 3);
  const start = localDayStart(`${year}-${String(q * 3 + 1).padStart(2, '0')}-01`, tz);
  return { label: `${year}-Q${q + 1}`, start, end: at };
}

const ALL_SOURCES: readonly SourceId[] = ['scim', 'user-management', 'audit-logs', 'members-export', 'register', 'api-keys', 'exceptions'];

function maxInstant(a: Instant, b: Instant): Instant {
  return new Date(a).getTime() >= new Date(b).getTime() ? a : b;
}

export function snapshotOf(input: SnapshotInput = {}): Snapshot {
  const at = input.at ?? AT;
  const tz = input.timezone ?? 'UTC';
  const period = input.period ?? quarterOf(at, tz);
  const unknown = new Set(input.unknown ?? []);
  const known = <T>(part: UnknownPart, value: T): T | undefined => (unknown.has(part) ? undefined : value);

  const grants = (input.grants ?? []).map((g) => grantOf(g, at));
  const keys = (input.keys ?? []).map((k, i) => keyOf(k, i, at));
  const addons: AddonGrant[] = (input.addons ?? []).map((a) => ({ source: 'members-export', pulledAt: at, ...a, email: a.email.toLowerCase() }));
  const projectIds = new Set<string>([
    ...grants.map((g) => g.projectId),
    ...keys.flatMap((k) => (k.projectId ? [k.projectId] : [])),
    ...addons.flatMap((a) => (a.projectId ? [a.projectId] : [])),
  ]);
  const projects: Project[] = (input.projects ?? [...projectIds].sort()).map((p) => {
    const pi = typeof p === 'string' ? { id: p } : p;
    const name = pi.name ?? `Project ${pi.id}`;
    const environment: Environment = pi.environment ?? (/prod/i.test(name) ? 'production' : 'non-production');
    return {
      id: pi.id,
      name,
      nameSource: pi.name ? 'config' : 'default',
      environment,
      environmentReason: pi.environment ? 'listed in config' : `name ${/prod/i.test(name) ? 'matches' : 'does not match'} /prod/i`,
    };
  });

  const since = input.coverageSince === undefined ? daysAgo(365, at) : input.coverageSince;
  const auditLog: Span[] = since === null ? [] : [{ from: since, to: at }];
  const periodCovered: Span[] = since === null || new Date(since) >= new Date(period.end) ? [] : [{ from: maxInstant(since, period.start), to: period.end }];
  const periodGaps: Span[] =
    since === null
      ? [{ from: period.start, to: period.end }]
      : new Date(since) > new Date(period.start)
        ? [{ from: period.start, to: since }]
        : [];

  const activity = new Map<string, MemberActivity>();
  for (const [email, a] of Object.entries(input.activity ?? {})) activity.set(email.toLowerCase(), activityOf(a));

  const sources: SourceStatus[] =
    input.sources !== undefined
      ? [...input.sources]
      : ALL_SOURCES.map((s) => ({ source: s, configured: true, ok: true, pulledAt: at }));

  const snapshot: { -readonly [K in keyof Snapshot]: Snapshot[K] } = {
    org: input.org ?? { id: '123456', name: 'Acme' },
    at,
    timezone: tz,
    period,
    members: (input.members ?? []).map((m) => memberOf(m, at)),
    projects,
    activity,
    coverage: since === null ? { auditLog, periodCovered, periodGaps } : { auditLog, periodCovered, periodGaps, continuousSince: since },
    sources,
    dataQuality: input.dataQuality ?? [],
  };
  const g = known('grants', grants);
  if (g) snapshot.grants = g;
  const groups = known('groups', input.groups ?? []);
  if (groups) snapshot.groups = groups;
  const ad = known('addons', addons);
  if (ad) snapshot.addons = ad;
  const k = known('keys', keys);
  if (k) snapshot.keys = k;
  const reg = known('register', (input.register ?? []).map((r, i) => registerOf(r, i, at)));
  if (reg) snapshot.register = reg;
  const ex = known('exceptions', (input.exceptions ?? []).map((e, i) => exceptionOf(e, i, at)));
  if (ex) snapshot.exceptions = ex;
  if (!unknown.has('events')) {
    snapshot.events = {
      privilegeGrants: input.privilegeGrants ?? [],
      securityChanges: input.securityChanges ?? [],
      total: (input.privilegeGrants?.length ?? 0) + (input.securityChanges?.length ?? 0),
    };
  }
  return snapshot;
}

/** Exception entries with defaults (approved 30 days before `at`, expiring 60 days after). */
export function exceptionsOf(list: readonly ExceptionInput[], at: Instant = AT): ExceptionEntry[] {
  return list.map((e, i) => exceptionOf(e, i, at));
}

export interface RunOptions {
  readonly options?: unknown;
  readonly severity?: Severity;
  readonly exceptions?: readonly ExceptionInput[];
}

/** Runs one rule through the real engine (policy, message rendering, exceptions, ordering). */
export function runRule(rule: AnyRule, snapshot: Snapshot, run: RunOptions = {}): Finding[] {
  const base = defaultPolicy([rule])[rule.meta.id]!;
  const rp: RulePolicy = { enabled: true, severity: run.severity ?? base.severity, options: run.options ?? {} };
  const input = { snapshot, rules: [rule], policy: { [rule.meta.id]: rp } };
  return run.exceptions ? evaluate({ ...input, exceptions: exceptionsOf(run.exceptions, snapshot.at) }) : evaluate(input);
}

/** Calls `check` directly with parsed options (for asserting raw results). */
export function checkRule<O>(rule: Rule<O>, snapshot: Snapshot, options: unknown = {}): readonly RuleResult[] {
  return rule.check(snapshot, rule.meta.options.parse(options));
}

/** `[status, subject id]` pairs of findings, for compact table assertions. */
export function brief(findings: readonly Finding[]): [string, string][] {
  return findings.map((f) => [f.status, f.subject.id]);
}

/** Days from local date `a` to `b` (re-exported for tests computing expected values). */
export { daysBetweenDates };
