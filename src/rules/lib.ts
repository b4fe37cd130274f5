/**
 * Small pure helpers the rules share: lookups over the snapshot, register scope matching, dates
 * in the configured time zone, evidence builders and the single org-level `unknown` result.
 *
 * Lookups are indexed once per snapshot (memoized in a WeakMap keyed by the snapshot object), so
 * a rule over 50k members does not scan the grant list once per member.
 */
import { normEmail, type Instant, type LocalDate, type SourceId } from '../domain/common.js';
import type { Evidence, Subject } from '../domain/findings.js';
import type { Grant, Member, MemberStatus, OrgRole, Project, RegisterEntry, RoleLevel, ScopeItem } from '../domain/model.js';
import type { Snapshot } from '../domain/snapshot.js';
import { daysBetweenDates, endOfLocalDay, startOfLocalDay } from '../period.js';
import type { RuleResult } from './types.js';

// ---------------------------------------------------------------------------------------------
// Identity and members

export { normEmail };

interface SnapshotIndex {
  readonly members: ReadonlyMap<string, Member>;
  readonly projects: ReadonlyMap<string, Project>;
  readonly grantsByMember: ReadonlyMap<string, readonly Grant[]>;
  readonly grantsByProject: ReadonlyMap<string, readonly Grant[]>;
  readonly register: ReadonlyMap<string, RegisterEntry>;
}

// Derived, read-only data: memoizing it per snapshot object is invisible to callers.
const indexes = new WeakMap<Snapshot, SnapshotIndex>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function indexOf(snapshot: Snapshot): SnapshotIndex {
  let idx = indexes.get(snapshot);
  if (idx) return idx;
  const members = new Map<string, Member>();
  for (const m of snapshot.members) members.set(normEmail(m.email), m);
  const projects = new Map<string, Project>();
  for (const p of snapshot.projects) projects.set(p.id, p);
  const grantsByMember = new Map<string, Grant[]>();
  const grantsByProject = new Map<string, Grant[]>();
  for (const g of snapshot.grants ?? []) {
    push(grantsByMember, normEmail(g.email), g);
    push(grantsByProject, g.projectId, g);
  }
  const register = new Map<string, RegisterEntry>();
  // The first row wins when the register lists a person twice; the register parser reports duplicates.
  for (const e of snapshot.register ?? []) {
    const key = normEmail(e.email);
    if (!register.has(key)) register.set(key, e);
  }
  idx = { members, projects, grantsByMember, grantsByProject, register };
  indexes.set(snapshot, idx);
  return idx;
}

export function findMember(snapshot: Snapshot, email: string): Member | undefined {
  return indexOf(snapshot).members.get(normEmail(email));
}

/** The member's invite status, or `unknown` when no source gave it (SCIM alone cannot tell invited from joined). */
export function memberStatus(m: Member): MemberStatus | 'unknown' {
  return m.status?.value ?? 'unknown';
}

/**
 * True when the member counts as an active account.
 *
 * - A known status decides: only `active` is active.
 * - Status unknown (no members export) but SCIM says active: treated as present with an unknown
 *   status. It counts as active, because SCIM lists joined members that way too; rules that must
 *   tell a pending invitation from a joined member look at invite and login evidence instead.
 * - Neither known: active when a role source (User Management, members export) lists the member,
 *   since such a member holds access; a person only the register or the audit log mentions is not.
 */
export function isActiveMember(m: Member): boolean {
  if (m.status) return m.status.value === 'active';
  if (m.scimActive) return m.scimActive.value;
  return m.seenIn.includes('user-management') || m.seenIn.includes('members-export');
}

/** Active, or invited and not yet joined: the account holds or will hold access. */
export function isPresentMember(m: Member): boolean {
  if (m.status) return m.status.value === 'active' || m.status.value === 'invited';
  return isActiveMember(m);
}

/** Active members only; sorted by email for deterministic output. */
export function activeMembers(snapshot: Snapshot): Member[] {
  return snapshot.members.filter(isActiveMember).sort((a, b) => cmp(a.email, b.email));
}

/** Present (active or invited) members, sorted by email. */
export function presentMembers(snapshot: Snapshot): Member[] {
  return snapshot.members.filter(isPresentMember).sort((a, b) => cmp(a.email, b.email));
}

/** The organization role, or undefined when no source gave it (only the members export does). */
export function orgRoleOf(m: Member): OrgRole | undefined {
  return m.orgRole?.value;
}

export function isOrgAdminOrOwner(role: OrgRole | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

export function memberSubject(m: Member | string): Subject {
  if (typeof m === 'string') return { kind: 'member', id: normEmail(m), label: normEmail(m) };
  const email = normEmail(m.email);
  const name = m.name?.value;
  return { kind: 'member', id: email, label: name ? `${name} <${email}>` : email };
}

export function orgSubject(snapshot: Snapshot): Subject {
  return { kind: 'org', id: 'org', label: `Organization ${snapshot.org.name}` };
}

// ---------------------------------------------------------------------------------------------
// Projects and grants

export function findProject(snapshot: Snapshot, idOrName: string): Project | undefined {
  const idx = indexOf(snapshot);
  const byId = idx.projects.get(idOrName);
  if (byId) return byId;
  const wanted = idOrName.trim().toLowerCase();
  return snapshot.projects.find((p) => p.name.toLowerCase() === wanted);
}

/** `Web Production (101)`, or `Project 101` when the snapshot does not know the project. */
export function projectLabel(snapshot: Snapshot, projectId: string): string {
  const p = indexOf(snapshot).projects.get(projectId);
  if (!p) return `Project ${projectId}`;
  return p.name === `Project ${projectId}` ? p.name : `${p.name} (${p.id})`;
}

export function projectSubject(snapshot: Snapshot, projectId: string): Subject {
  return { kind: 'project', id: projectId, label: projectLabel(snapshot, projectId) };
}

/** The member's effective project grants (direct and through groups); empty when grants are unknown. */
export function grantsOf(snapshot: Snapshot, email: string): readonly Grant[] {
  return indexOf(snapshot).grantsByMember.get(normEmail(email)) ?? [];
}

/** Every grant on one project; empty when grants are unknown. */
export function grantsOn(snapshot: Snapshot, projectId: string): readonly Grant[] {
  return indexOf(snapshot).grantsByProject.get(projectId) ?? [];
}

/** `directly` or `through group "Analysts"`: group-granted roles count like direct ones, evidence says which. */
export function grantVia(g: Grant): string {
  return g.via.kind === 'direct' ? 'directly' : `through group "${g.via.groupName}"`;
}

/** One evidence line for a grant: `Web Production (101): Admin, through group "Ops"`. */
export function grantEvidence(snapshot: Snapshot, g: Grant, label = 'Project role'): Evidence {
  const role = g.level === 'unknown' ? `${g.roleName} (custom role, not mapped)` : g.roleName;
  return ev(label, `${projectLabel(snapshot, g.projectId)}: ${role}, ${grantVia(g)}`, g.source, g.pulledAt);
}

const LEVEL_RANK: Readonly<Record<RoleLevel, number>> = { viewer: 0, member: 1, manager: 2, admin: 3 };
const ORG_RANK: Readonly<Record<string, number>> = { none: -1, member: 0, manager: 1, admin: 2, owner: 3 };

export function levelRank(level: RoleLevel): number {
  return LEVEL_RANK[level];
}

// ---------------------------------------------------------------------------------------------
// The access register

/** True when the snapshot has a register (configured and read); otherwise register facts are unknown. */
export function registerKnown(snapshot: Snapshot): boolean {
  return snapshot.register !== undefined;
}

/** The register entry for an email, matched case-insensitively; undefined when absent or no register. */
export function registerEntry(snapshot: Snapshot, email: string): RegisterEntry | undefined {
  return indexOf(snapshot).register.get(normEmail(email));
}

/** What access to check an approval for. */
export type AccessTarget =
  | { readonly kind: 'org'; readonly role: string }
  | { readonly kind: 'project'; readonly projectId: string; readonly role: string };

function roleRank(kind: 'org' | 'project', role: string): number | undefined {
  const r = role.trim().toLowerCase();
  if (kind === 'org') return ORG_RANK[r];
  return r in LEVEL_RANK ? LEVEL_RANK[r as RoleLevel] : undefined;
}

/** True when the scope item names the target's project: by id, by name (case-insensitive), `*`, or `org`. */
export function scopeItemMatchesProject(snapshot: Snapshot, item: ScopeItem, target: AccessTarget): boolean {
  const p = item.project.trim();
  if (target.kind === 'org') return p.toLowerCase() === 'org';
  if (p === '*') return true;
  if (p === target.projectId) return true;
  const project = indexOf(snapshot).projects.get(target.projectId);
  return project !== undefined && project.name.toLowerCase() === p.toLowerCase();
}

/**
 * The scope item of `scope` that approves `target`, if any: same project (id, name, `*`) or `org`,
 * and an approved role at or above the target role (an approved Admin covers Manager; for the org,
 * Owner covers Admin). Unknown role names only match themselves.
 */
export function scopeCovers(snapshot: Snapshot, scope: readonly ScopeItem[], target: AccessTarget): ScopeItem | undefined {
  const wanted = roleRank(target.kind, target.role);
  for (const item of scope) {
    if (!scopeItemMatchesProject(snapshot, item, target)) continue;
    const have = roleRank(target.kind, item.role);
    if (wanted === undefined || have === undefined) {
      if (item.role.trim().toLowerCase() === target.role.trim().toLowerCase()) return item;
      continue;
    }
    if (have >= wanted) return item;
  }
  return undefined;
}

/** `org:admin` / `101:manager`, as the register writes scope items. */
export function formatScopeItem(item: ScopeItem): string {
  return `${item.project}:${item.role}`;
}

// ---------------------------------------------------------------------------------------------
// Dates in the configured time zone

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(tz, f);
  }
  return f;
}

const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT']);
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The local calendar date (`YYYY-MM-DD`) of an instant in time zone `tz`. */
export function localDate(instant: Instant | Date, tz: string): LocalDate {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  if (UTC_ZONES.has(tz)) return d.toISOString().slice(0, 10);
  const f = formatterFor(tz);
  // en-CA formats as YYYY-MM-DD; `format` is several times faster than `formatToParts` (50k members).
  const text = f.format(d);
  if (ISO_DAY.test(text)) return text;
  const parts = f.formatToParts(d);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

const DAY_MS = 86_400_000;

function parseLocalDate(date: LocalDate): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date YYYY-MM-DD: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Calendar days from local date `from` to local date `to` (positive when `to` is later). */
export { daysBetweenDates };

/**
 * Whole calendar days from `from` to `to`, counted on local dates in `tz`: a login on 1 August
 * is 60 days before 30 September at any hour. Calendar days make "N or more days" independent
 * of the time of day and of daylight-saving shifts.
 */
export function daysBetween(from: Instant, to: Instant, tz: string): number {
  return localEpochDay(Date.parse(to), tz) - localEpochDay(Date.parse(from), tz);
}

// UTC offsets per zone and quarter hour: a day-count over 50k members must not format 100k dates.
const offsetCache = new Map<string, Map<number, number>>();
const QUARTER_HOUR = 900_000;

function offsetMs(ms: number, tz: string): number {
  let byBucket = offsetCache.get(tz);
  if (!byBucket) offsetCache.set(tz, (byBucket = new Map()));
  const bucket = Math.floor(ms / QUARTER_HOUR);
  let off = byBucket.get(bucket);
  if (off === undefined) {
    const t = bucket * QUARTER_HOUR;
    const [date, time] = localDateTime(new Date(t).toISOString(), tz).split(' ') as [string, string];
    const [y, mo, d] = parseLocalDate(date);
    const [h, mi] = time.split(':').map(Number) as [number, number];
    off = Date.UTC(y, mo - 1, d, h, mi) - t;
    if (byBucket.size > 200_000) byBucket.clear();
    byBucket.set(bucket, off);
  }
  return off;
}

/** Days since 1970-01-01 of the local date of `ms` in `tz`. */
export function localEpochDay(ms: number, tz: string): number {
  const local = UTC_ZONES.has(tz) ? ms : ms + offsetMs(ms, tz);
  return Math.floor(local / DAY_MS);
}

/** The instant a local date starts in `tz`. */
export const localDayStart: (date: LocalDate, tz: string) => Instant = startOfLocalDay;

/** The instant the local day after `date` starts: the end of `date` (exclusive). */
export const localDayEnd: (date: LocalDate, tz: string) => Instant = endOfLocalDay;

/** "The date has passed": `at` is after the end of that local day (the whole day still counts). */
export function datePassed(date: LocalDate, at: Instant, tz: string): boolean {
  return new Date(at).getTime() >= new Date(localDayEnd(date, tz)).getTime();
}

/** Days from the local date of `at` until `date` (0 on the day itself, negative once passed). */
export function daysUntil(date: LocalDate, at: Instant, tz: string): number {
  return daysBetweenDates(localDate(at, tz), date);
}

/** The instant `days` calendar days before `at` at the same local time (for tests and messages). */
export function minusDays(at: Instant, days: number): Instant {
  return new Date(new Date(at).getTime() - days * DAY_MS).toISOString();
}

export function isBefore(a: Instant, b: Instant): boolean {
  return Date.parse(a) < Date.parse(b);
}

/** True when the event time lies in the snapshot's period and not after the evaluation time. */
export function inPeriod(snapshot: Snapshot, time: Instant): boolean {
  const t = new Date(time).getTime();
  return (
    t >= new Date(snapshot.period.start).getTime() &&
    t < new Date(snapshot.period.end).getTime() &&
    t <= new Date(snapshot.at).getTime()
  );
}

// ---------------------------------------------------------------------------------------------
// Sources and coverage

/** True when the source was configured and its latest pull succeeded. */
export function sourceAvailable(snapshot: Snapshot, source: SourceId): boolean {
  const s = snapshot.sources.find((x) => x.source === source);
  return s !== undefined && s.configured && s.ok;
}

/**
 * Why the period's audit events are incomplete, or undefined when they are complete. Event rules
 * (failed logins, privilege grants, settings changes) report what they found and add one unknown
 * result saying which part of the period they could not see.
 */
export function periodEventGap(snapshot: Snapshot): string | undefined {
  if (!snapshot.events) return 'the audit log is not collected';
  const gaps = snapshot.coverage.periodGaps;
  if (gaps.length === 0) return undefined;
  const tz = snapshot.timezone;
  // A gap within one day (e.g. since the last collect) is only readable with its times.
  const shown = gaps.slice(0, 3).map((g) => {
    const sameDay = localDate(g.from, tz) === localDate(g.to, tz);
    return sameDay ? `${localDateTime(g.from, tz)} to ${localDateTime(g.to, tz).slice(11)}` : `${localDate(g.from, tz)} to ${localDate(g.to, tz)}`;
  });
  const more = gaps.length > 3 ? ` and ${gaps.length - 3} more` : '';
  return `the evidence store has no audit log for ${shown.join(', ')}${more} of the period ${snapshot.period.label}`;
}

// ---------------------------------------------------------------------------------------------
// Evidence and results

export function ev(label: string, value: string | number | boolean, source?: SourceId, at?: Instant): Evidence {
  const e: { label: string; value: string; source?: SourceId; at?: Instant } = { label, value: String(value) };
  if (source !== undefined) e.source = source;
  if (at !== undefined) e.at = at;
  return e;
}

/** Evidence line from a fact (value plus its source and pull time). */
export function evFact<T>(label: string, fact: { value: T; source: SourceId; pulledAt: Instant } | undefined, show: (v: T) => string = String): Evidence | undefined {
  if (!fact) return undefined;
  return ev(label, show(fact.value), fact.source, fact.pulledAt);
}

/** Drops undefined entries (optional evidence lines). */
export function compact<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((x): x is T => x !== undefined);
}

/** A subject a rule could not decide, with the reason shown in the evidence. */
export interface Undecided {
  readonly id: string;
  readonly why?: string;
}

export const UNKNOWN_LIST_LIMIT = 20;

/**
 * The single org-level `unknown` result of a rule: what could not be decided, for how many
 * subjects, and why. Lists at most 20 subjects in the evidence. `data` fills the rule's message
 * template (by default `meta.messages.unknown`); `count` is added to it.
 */
export function unknownResult(
  snapshot: Snapshot,
  undecided: readonly Undecided[],
  data: Readonly<Record<string, string | number>>,
  extra: readonly Evidence[] = [],
  messageId = 'unknown',
): RuleResult {
  const sorted = [...undecided].sort((a, b) => cmp(a.id, b.id));
  const evidence: Evidence[] = [...extra];
  for (const u of sorted.slice(0, UNKNOWN_LIST_LIMIT)) evidence.push(ev('Not decided', u.why ? `${u.id}: ${u.why}` : u.id));
  if (sorted.length > UNKNOWN_LIST_LIMIT) evidence.push(ev('Not decided', `and ${sorted.length - UNKNOWN_LIST_LIMIT} more`));
  return {
    subject: orgSubject(snapshot),
    messageId,
    data: { count: sorted.length, ...data },
    evidence,
    status: 'unknown',
  };
}

/** Ordinal string comparison (locale-independent, deterministic). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `1 member` / `3 members`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Capitalized role name for messages: `admin` → `Admin`. */
export function roleName(role: string): string {
  return role.length === 0 ? role : role[0]!.toUpperCase() + role.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Dormancy: how long a member has been without a login, as far as the evidence reaches

/**
 * Bounds on the days since a member's last activity (a login, or for a member who never logged
 * in, the invitation), counted in calendar days in the snapshot's time zone.
 *
 * - `lo`: certain lower bound. The audit log is complete from `coverageSince` to the evaluation
 *   time, so a member without a recorded login since then has been inactive at least that long.
 * - `hi`: certain upper bound (Infinity when nothing bounds it): the last recorded login, or the
 *   invitation date, happened, so the member cannot have been inactive for longer.
 *
 * `lo === hi` when the last login is inside the complete audit log, or when the member was invited
 * inside it and never logged in.
 */
export interface Inactivity {
  readonly lo: number;
  readonly hi: number;
  readonly lastLogin?: Instant;
  readonly invited?: Instant;
  /** Start of the complete audit log reaching the evaluation time. */
  readonly coverageSince?: Instant;
  /** What `lo` rests on. */
  readonly basis: 'login' | 'invite' | 'coverage' | 'none';
}

/** The member's invitation instant: the members export's date, else the earliest invite event. */
export function invitedAt(snapshot: Snapshot, m: Member): Instant | undefined {
  return m.invitedOn?.value ?? snapshot.activity.get(normEmail(m.email))?.invitedAt;
}

export function inactivityOf(snapshot: Snapshot, m: Member): Inactivity {
  const tz = snapshot.timezone;
  const at = snapshot.at;
  const lastLogin = snapshot.activity.get(normEmail(m.email))?.lastLogin;
  const invited = invitedAt(snapshot, m);
  const since = snapshot.coverage.continuousSince;
  const base = { lastLogin, invited, coverageSince: since };
  const hi = lastLogin ? daysBetween(lastLogin, at, tz) : invited ? daysBetween(invited, at, tz) : Infinity;
  if (!since) return { ...base, lo: 0, hi, basis: 'none' };
  if (lastLogin && !isBefore(lastLogin, since)) return { ...base, lo: hi, hi, basis: 'login' };
  if (!lastLogin && invited && !isBefore(invited, since)) return { ...base, lo: hi, hi, basis: 'invite' };
  return { ...base, lo: Math.min(daysBetween(since, at, tz), hi), hi, basis: 'coverage' };
}

/** Why dormancy of `days` days cannot be decided from this coverage (for the unknown result). */
export function coverageShortfall(snapshot: Snapshot, days: number): string {
  const since = snapshot.coverage.continuousSince;
  if (!snapshot.events && !since) return 'the audit log is not collected';
  if (!since) return 'the complete audit log does not reach the evaluation time';
  const have = daysBetween(since, snapshot.at, snapshot.timezone);
  return `the audit log is complete only since ${localDate(since, snapshot.timezone)} (${plural(have, 'day')}), ${days} days are needed`;
}

// ---------------------------------------------------------------------------------------------
// Organization roles

export interface OrgRoleCensus {
  /** Members holding one of the wanted roles, sorted by email. */
  readonly holders: readonly Member[];
  /** Members whose organization role no source gave. */
  readonly unknown: readonly Member[];
}

/** Which of `members` hold one of `roles` (org level), and whose org role is unknown. */
export function orgRoleCensus(members: readonly Member[], roles: readonly OrgRole[]): OrgRoleCensus {
  const holders: Member[] = [];
  const unknown: Member[] = [];
  for (const m of members) {
    const r = orgRoleOf(m);
    if (r === undefined) unknown.push(m);
    else if (roles.includes(r)) holders.push(m);
  }
  return { holders, unknown };
}

/** Why organization roles are unknown: only the members export gives them. */
export function orgRoleUnknownReason(snapshot: Snapshot): string {
  const s = snapshot.sources.find((x) => x.source === 'members-export');
  if (!s || !s.configured) return 'organization roles come only from the members export, which is not configured';
  if (!s.ok) return `the members export could not be read${s.error ? ` (${s.error})` : ''}`;
  return 'the members export gives no organization role for them';
}

/** One evidence line per role holder: `Owner: alice@acme.example`, with the fact's source. */
export function orgRoleEvidence(members: readonly Member[]): Evidence[] {
  return members.map((m) =>
    ev(roleName(m.orgRole?.value ?? 'unknown'), m.status?.value === 'invited' ? `${m.email} (invitation pending)` : m.email, m.orgRole?.source, m.orgRole?.pulledAt),
  );
}

/**
 * The check of the org-role count rules (org-owner-count, org-admin-count): one org finding
 * (`over`) when more present members than `max` hold one of `roles`; otherwise one unknown
 * result when the members whose org role is unknown could bring the count above `max`.
 * `holders` names them in evidence and messages, e.g. `Owners`.
 */
export function orgRoleCountResults(snapshot: Snapshot, roles: readonly OrgRole[], max: number, holders: string): RuleResult[] {
  const census = orgRoleCensus(presentMembers(snapshot), roles);
  const count = census.holders.length;
  if (count > max) {
    return [
      {
        subject: orgSubject(snapshot),
        messageId: 'over',
        data: { count, max },
        evidence: [ev(holders, count), ev('Allowed', max), ...orgRoleEvidence(census.holders)],
      },
    ];
  }
  if (count + census.unknown.length > max) {
    return [
      unknownResult(
        snapshot,
        census.unknown.map((m) => ({ id: m.email, why: 'organization role unknown' })),
        { subjects: plural(census.unknown.length, 'member'), known: count, max, reason: orgRoleUnknownReason(snapshot) },
        [ev(`Known ${holders}`, count), ...orgRoleEvidence(census.holders)],
      ),
    ];
  }
  return [];
}

/** True when a source that lists the organization's members (SCIM or the members export) was read. */
export function membersKnown(snapshot: Snapshot): boolean {
  return sourceAvailable(snapshot, 'scim') || sourceAvailable(snapshot, 'members-export');
}

const dateTimeFormatters = new Map<string, Intl.DateTimeFormat>();

/** `2026-10-05 14:03` in time zone `tz` (for messages; evidence keeps the ISO instant in `at`). */
export function localDateTime(instant: Instant, tz: string): string {
  let f = dateTimeFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    dateTimeFormatters.set(tz, f);
  }
  const parts = f.formatToParts(new Date(instant));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** The projects a member holds a role on (sorted, unique), for `RuleResult.projects` (project digests). */
export function memberProjects(snapshot: Snapshot, email: string): string[] {
  return [...new Set(grantsOf(snapshot, email).map((g) => g.projectId))].sort(cmp);
}

/**
 * `{ projects }` with the given project ids sorted and unique, or `{}` when there are none, to
 * spread into a RuleResult: a result that concerns no project stays out of every project digest.
 */
export function withProjects(ids: Iterable<string | undefined>): { readonly projects?: readonly string[] } {
  const unique = [...new Set([...ids].filter((id): id is string => id !== undefined && id !== ''))].sort(cmp);
  return unique.length > 0 ? { projects: unique } : {};
}
