/**
 * The snapshot: the organization as the latest pull of each source describes it at the
 * evaluation time, plus the period's activity from the evidence store (SPEC §2, §3).
 *
 * Fail closed: a source that is switched off or was never pulled leaves its part `undefined`
 * (unknown), never `[]`; where sources disagree the snapshot says so in `dataQuality`.
 */
import type { Config } from '../config/schema.js';
import type { Instant, SourceId, Span } from '../domain/common.js';
import type { ApiKey, Grant, RegisterEntry, AddonGrant, ExceptionEntry } from '../domain/model.js';
import { pullCount, type MembersExportRow, type SourcePull, type StateSourceId } from '../domain/pulls.js';
import type { Coverage, MemberActivity, Period, Snapshot, SourceStatus } from '../domain/snapshot.js';
import { previousQuarters } from '../period.js';
import { clipSpans, gapSpans } from '../store/spans.js';
import type { ActivityResult, EvidenceStore } from '../store/types.js';
import { compareExportWithUserManagement, grantsFromExport, grantsFromUserManagement, roleMapper } from './grants.js';
import { buildGroups, buildMembers, normEmail } from './members.js';
import { releaseMemory } from '../memory.js';
import { Notes } from './notes.js';
import { buildProjects } from './projects.js';

export interface BuildSnapshotArgs {
  readonly store: EvidenceStore;
  readonly config: Config;
  /** Evaluation time. */
  readonly at: Instant | Date;
  readonly period: Period;
  /** Single cohort exports of at least this many users are listed (default 1,000,000). */
  readonly largeExportUsers?: number;
  /** Failed-login burst window (default 60 minutes). */
  readonly burstWindowMinutes?: number;
  /**
   * A gap at the very end of the period shorter than this is not a gap: `check` right after a
   * collect evaluates "now", a moment after the audit log was read. Reviews pass 0.
   */
  readonly trailingSlackMs?: number;
}

const DAY_MS = 86_400_000;
/** A state pull older than this at the evaluation time is called out in the data-quality notes. */
const STALE_DAYS = 7;

type Pulls = Partial<{ [K in StateSourceId]: Extract<SourcePull, { source: K }> }>;

/** Which sources the config asks for. */
export function configuredSources(config: Config): Record<SourceId, boolean> {
  return {
    scim: config.amplitude.scim,
    'user-management': config.amplitude.userManagement,
    'audit-logs': config.amplitude.auditLogs,
    'members-export': Boolean(config.sources.membersExport),
    register: Boolean(config.sources.register),
    'api-keys': Boolean(config.sources.apiKeys),
    exceptions: Boolean(config.sources.exceptions),
    config: true,
  };
}

const SOURCE_LABEL: Record<SourceId, string> = {
  scim: 'SCIM',
  'user-management': 'User Management',
  'audit-logs': 'the audit log',
  'members-export': 'the members export',
  register: 'the access register',
  'api-keys': 'the API key inventory',
  exceptions: 'the exceptions file',
  config: 'the config',
};

export function buildSnapshot(args: BuildSnapshotArgs): Snapshot {
  const { store, config, period } = args;
  const at = typeof args.at === 'string' ? new Date(args.at).toISOString() : args.at.toISOString();
  const atMs = Date.parse(at);
  const configured = configuredSources(config);
  const notes = new Notes();

  // Audit log first: its aggregation's working memory is freed before the state pulls are loaded,
  // so a large org's peak is the larger of the two, not their sum. Coverage and the period's activity.
  const auditLog = configured['audit-logs'];
  const coverage = coverageAt(store.coverage(), period, atMs, args.trailingSlackMs ?? 0);
  for (const g of significantGaps(coverage, period)) {
    if (auditLog) notes.add('audit-gap', `The audit log is missing from ${g.from} to ${g.to}: activity in that time is unknown.`);
  }
  let result: ActivityResult | undefined;
  if (auditLog) {
    result = store.activity({
      at,
      period: { from: period.start, to: period.end },
      largeExportUsers: args.largeExportUsers ?? 1_000_000,
      baselineQuarters: baselineQuarters(period, config),
      burstWindowMinutes: args.burstWindowMinutes ?? 60,
    });
    // The aggregation's block buffers are dead now; collect them before the pulls are parsed.
    releaseMemory();
  }

  // The latest pull of each configured source at or before `at`; switched-off sources are ignored.
  const stored = store.latestPulls(at);
  // Their decompressed text is dead once parsed.
  releaseMemory();
  const pulls: Pulls = {};
  for (const [source, pull] of stored) {
    if (configured[source]) (pulls as Record<string, SourcePull>)[source] = pull;
  }
  for (const pull of Object.values(pulls) as SourcePull[]) {
    const age = Math.floor((atMs - Date.parse(pull.pulledAt)) / DAY_MS);
    if (age >= STALE_DAYS) notes.add('stale', `${cap(SOURCE_LABEL[pull.source])} was last read on ${pull.pulledAt.slice(0, 10)}, ${age} days before the evaluation time.`);
  }
  for (const source of ['scim', 'user-management', 'members-export', 'register', 'api-keys', 'exceptions'] as const) {
    if (configured[source] && !pulls[source]) notes.add('never-pulled', `${cap(SOURCE_LABEL[source])} is configured but was never read at or before ${at}: what it gives is unknown.`);
  }

  const src = { scim: pulls.scim, membersExport: pulls['members-export'], userManagement: pulls['user-management'] };
  const groups = buildGroups(src);
  const members = buildMembers(src, groups, notes);

  // Project ids for export rows that give only a name.
  const configIdByName = new Map(config.projects.map((p) => [p.name.trim().toLowerCase(), p.id]));
  const exportNames = new Map<string, string>();
  const exportIdByName = new Map<string, string>();
  for (const r of src.membersExport?.rows ?? []) {
    if (r.projectId && r.project) {
      if (!exportNames.has(r.projectId)) exportNames.set(r.projectId, r.project);
      exportIdByName.set(r.project.trim().toLowerCase(), r.projectId);
    }
  }
  const projectOf = (r: MembersExportRow): string | undefined => {
    if (r.projectId) return r.projectId;
    if (!r.project) return undefined;
    const name = r.project.trim().toLowerCase();
    return configIdByName.get(name) ?? exportIdByName.get(name);
  };

  const roles = roleMapper(config.policy.customRoles, notes);
  let grants: Grant[] | undefined;
  if (src.userManagement) {
    grants = grantsFromUserManagement(src.userManagement, src, roles, projectOf, notes);
    if (src.membersExport) compareExportWithUserManagement(src.membersExport, grants, projectOf, notes);
  } else if (src.membersExport) {
    grants = grantsFromExport(src.membersExport, src.scim, roles, projectOf, notes);
  }
  grants?.sort((a, b) => cmp(a.email, b.email) || cmp(a.projectId, b.projectId) || cmp(viaKey(a), viaKey(b)));

  const seenProjects = new Set<string>();
  for (const a of src.userManagement?.assignments ?? []) seenProjects.add(a.projectId);
  for (const r of src.membersExport?.rows ?? []) {
    const id = projectOf(r);
    if (id !== undefined) seenProjects.add(id);
  }
  const projects = buildProjects(config, seenProjects, exportNames);

  const addons = src.membersExport ? addonsFrom(src.membersExport.rows, projectOf, src.membersExport.pulledAt) : undefined;
  const register: readonly RegisterEntry[] | undefined = pulls.register?.entries;
  const keys: readonly ApiKey[] | undefined = pulls['api-keys']?.keys;
  const exceptions: readonly ExceptionEntry[] | undefined = pulls.exceptions?.exceptions;

  if (register && (src.scim || src.membersExport || src.userManagement)) {
    const inOrg = new Set(members.map((m) => m.email));
    for (const e of register) {
      const email = normEmail(e.email);
      if (!inOrg.has(email)) notes.add('register-stranger', `The access register lists ${email} (line ${e.line}), who is not a member of the organization.`);
    }
  }

  const sources = sourceStatuses(config, configured, pulls, coverage, period, result?.total, at);

  return {
    org: { id: config.org.id, name: config.org.name },
    at,
    timezone: config.timezone,
    period,
    members,
    ...(groups ? { groups } : {}),
    projects,
    ...(grants ? { grants } : {}),
    ...(addons ? { addons } : {}),
    ...(keys ? { keys } : {}),
    ...(register ? { register } : {}),
    ...(exceptions ? { exceptions } : {}),
    activity: result?.activity ?? new Map<string, MemberActivity>(),
    ...(result ? { events: { privilegeGrants: result.privilegeGrants, securityChanges: result.securityChanges, total: result.total } } : {}),
    coverage,
    sources,
    dataQuality: notes.list(),
  };
}

/** Up to 4 quarters before the period, for the export baseline (none when the label is not a quarter). */
function baselineQuarters(period: Period, config: Config): (Span & { label: string })[] {
  try {
    return previousQuarters(period.label, 4, config.timezone, config.fiscalYearStartMonth).map((q) => ({ from: q.start, to: q.end, label: q.label }));
  } catch {
    return [];
  }
}

/**
 * Coverage for the snapshot, up to the evaluation time. `continuousSince` is the start of the
 * covered span that reaches the evaluation time, allowing one day of slack (a daily collect
 * leaves up to a day uncovered).
 */
export function coverageAt(stored: readonly Span[], period: Period, atMs: number, trailingSlackMs = 0): Coverage {
  const within = { from: period.start, to: period.end };
  // What was known at the evaluation time: coverage after it does not count.
  const spans = clipSpans(stored, { from: new Date(0).toISOString(), to: new Date(atMs).toISOString() });
  const endMs = Date.parse(period.end);
  const gaps = gapSpans(spans, within).filter((g) => !(Date.parse(g.to) === endMs && endMs - Date.parse(g.from) < trailingSlackMs));
  let continuousSince: Instant | undefined;
  for (const s of spans) {
    const from = Date.parse(s.from);
    const to = Date.parse(s.to);
    if (from <= atMs && to >= atMs - DAY_MS) continuousSince = s.from;
  }
  return {
    auditLog: spans,
    periodCovered: clipSpans(spans, within),
    periodGaps: gaps,
    ...(continuousSince !== undefined ? { continuousSince } : {}),
  };
}

/**
 * Period gaps worth a note: all but a trailing gap of less than a day (the time since the last
 * daily collect, when the period ends at the evaluation time).
 */
function significantGaps(coverage: Coverage, period: Period): Span[] {
  const end = Date.parse(period.end);
  return coverage.periodGaps.filter((g) => !(Date.parse(g.to) === end && end - Date.parse(g.from) < DAY_MS));
}

function addonsFrom(rows: readonly MembersExportRow[], projectOf: (r: MembersExportRow) => string | undefined, pulledAt: Instant): AddonGrant[] {
  const seen = new Set<string>();
  const out: AddonGrant[] = [];
  for (const r of rows) {
    for (const addon of r.addons) {
      const email = normEmail(r.email);
      const projectId = projectOf(r);
      const key = `${email}\u0000${addon}\u0000${projectId ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ email, addon, ...(projectId !== undefined ? { projectId } : {}), source: 'members-export', pulledAt });
    }
  }
  return out;
}

function sourceStatuses(
  config: Config,
  configured: Record<SourceId, boolean>,
  pulls: Pulls,
  coverage: Coverage,
  period: Period,
  eventsInPeriod: number | undefined,
  at: Instant,
): SourceStatus[] {
  const out: SourceStatus[] = [];
  const state = (source: StateSourceId): void => {
    const p = pulls[source] as SourcePull | undefined;
    if (!p) {
      out.push({
        source,
        configured: configured[source],
        ok: false,
        ...(configured[source] ? { error: `never read at or before ${at}` } : {}),
        ...(fileOf(config, source) ? { file: fileOf(config, source) } : {}),
      });
      return;
    }
    const file = 'file' in p ? { file: p.file, sha256: p.sha256 } : {};
    out.push({ source, configured: true, pulledAt: p.pulledAt, ok: true, count: pullCount(p), ...file });
  };
  state('scim');
  state('user-management');
  const last = coverage.auditLog[coverage.auditLog.length - 1];
  const gaps = significantGaps(coverage, period);
  out.push({
    source: 'audit-logs',
    configured: configured['audit-logs'],
    ...(last ? { pulledAt: last.to } : {}),
    ok: configured['audit-logs'] && gaps.length === 0,
    ...(eventsInPeriod !== undefined ? { count: eventsInPeriod } : {}),
    ...(configured['audit-logs'] && gaps.length > 0 ? { error: `${gaps.length} gap(s) in the period` } : {}),
  });
  for (const source of ['members-export', 'register', 'api-keys', 'exceptions'] as const) state(source);
  out.push({ source: 'config', configured: true, ok: true, count: config.projects.length, ...(config.file ? { file: config.file } : {}) });
  return out;
}

function fileOf(config: Config, source: StateSourceId): string | undefined {
  switch (source) {
    case 'members-export':
      return config.sources.membersExport;
    case 'register':
      return config.sources.register;
    case 'api-keys':
      return config.sources.apiKeys;
    case 'exceptions':
      return config.sources.exceptions;
    default:
      return undefined;
  }
}

function viaKey(g: Grant): string {
  return g.via.kind === 'direct' ? '' : g.via.groupId;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
