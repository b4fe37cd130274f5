/**
 * View models for the mail templates: everything a template shows, already worded and formatted
 * (dates in the configured time zone, counts, plain sentences). Templates only lay it out, so
 * an operator's replacement template cannot get the facts wrong. Strings from data are cleaned
 * of control characters here and escaped by Handlebars in HTML.
 */
import { SEVERITIES, severityRank, type Severity } from '../domain/common.js';
import type { Finding, FindingChange } from '../domain/findings.js';
import type { SourceStatus } from '../domain/snapshot.js';
import { clean, dateTime, duration, plural, spanDays, spanMs, spanTimes } from '../pack/pdf/format.js';
import type { ReviewData, SeverityCounts } from '../pack/types.js';

export const SEVERITY_COLORS: Readonly<Record<Severity, string>> = {
  high: '#b42318',
  medium: '#b54708',
  low: '#175cd3',
  info: '#475467',
};

const SEVERITY_LABELS: Readonly<Record<Severity, string>> = { high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

const SOURCE_LABELS: Readonly<Record<string, string>> = {
  scim: 'SCIM (members and groups)',
  'user-management': 'User Management API (project roles)',
  'audit-logs': 'Audit log',
  'members-export': 'Members export',
  register: 'Access register',
  'api-keys': 'API key inventory',
  exceptions: 'Exceptions file',
  config: 'Config file',
};

export interface FindingItem {
  readonly severity: Severity;
  readonly severityLabel: string;
  readonly color: string;
  readonly ruleId: string;
  readonly subject: string;
  readonly message: string;
  readonly status: string;
  /** First seen in this period. */
  readonly isNew: boolean;
  /** e.g. "open since 2026-Q1", "new this quarter", "excepted until 2026-10-31 (approved by ...)". */
  readonly note: string;
}

export interface SeverityRow {
  readonly severity: Severity;
  readonly label: string;
  readonly color: string;
  readonly open: number;
  /** `+2`, `-1`, `0`, or `n/a` without a previous quarter. */
  readonly change: string;
  readonly excepted: number;
  readonly unknown: number;
}

export function countOpen(findings: readonly Finding[]): Record<Severity, number> {
  const c: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) if (f.status === 'open') c[f.severity] += 1;
  return c;
}

/** `3 high, 5 medium, 2 low, 1 info open`, or `no open findings`. */
export function countsPhrase(counts: Readonly<Record<Severity, number>>): string {
  const total = SEVERITIES.reduce((s, k) => s + counts[k], 0);
  if (total === 0) return 'no open findings';
  return `${SEVERITIES.map((s) => `${counts[s]} ${s}`).join(', ')} open`;
}

function subjectText(f: Finding): string {
  const label = clean(f.subject.label);
  const id = clean(f.subject.id);
  if (!id || label.includes(id) || f.subject.kind === 'org') return label || id;
  return `${label} (${id})`;
}

function statusNote(f: Finding, period: string): string {
  if (f.status === 'excepted' && f.exception) {
    return `excepted until ${f.exception.expires}, approved by ${clean(f.exception.approvedBy)}${f.exception.ticket ? ` (${clean(f.exception.ticket)})` : ''}`;
  }
  if (f.status === 'unknown') return 'could not be decided';
  const parts: string[] = [];
  parts.push(!f.firstSeen || f.firstSeen === period ? 'new this quarter' : `open since ${clean(f.firstSeen)}`);
  if (f.exception?.expired) parts.push(`exception expired ${f.exception.expires}`);
  return parts.join('; ');
}

export function findingItem(f: Finding, period: string): FindingItem {
  return {
    severity: f.severity,
    severityLabel: SEVERITY_LABELS[f.severity],
    color: SEVERITY_COLORS[f.severity],
    ruleId: clean(f.ruleId),
    subject: subjectText(f),
    message: clean(f.message),
    status: f.status,
    isNew: !f.firstSeen || f.firstSeen === period,
    note: statusNote(f, period),
  };
}

/** Most severe first, then new before old, then by rule and subject: a stable order for "top" lists. */
export function byImportance(period: string): (a: Finding, b: Finding) => number {
  const isNew = (f: Finding): number => (!f.firstSeen || f.firstSeen === period ? 0 : 1);
  return (a, b) =>
    severityRank(a.severity) - severityRank(b.severity) ||
    isNew(a) - isNew(b) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.subject.label.localeCompare(b.subject.label) ||
    a.id.localeCompare(b.id);
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** The previous quarter's open counts from the trend, when the review has one. */
export function previousCounts(data: ReviewData): { period: string; counts: SeverityCounts } | undefined {
  const past = data.trend.filter((t) => t.period < data.periodLabel);
  const wanted = data.previous ? past.find((t) => t.period === data.previous?.period) : undefined;
  const p = wanted ?? past[past.length - 1];
  return p ? { period: p.period, counts: p.counts } : undefined;
}

export function severityRows(findings: readonly Finding[], previous?: SeverityCounts): SeverityRow[] {
  const open = countOpen(findings);
  return SEVERITIES.map((s) => ({
    severity: s,
    label: SEVERITY_LABELS[s],
    color: SEVERITY_COLORS[s],
    open: open[s],
    change: previous ? signed(open[s] - previous[s]) : 'n/a',
    excepted: findings.filter((f) => f.status === 'excepted' && f.severity === s).length,
    unknown: findings.filter((f) => f.status === 'unknown' && f.severity === s).length,
  }));
}

function sourceSentence(s: SourceStatus): string | undefined {
  const label = SOURCE_LABELS[s.source] ?? s.source;
  if (!s.configured) {
    if (s.source === 'config' || s.source === 'members-export' || s.source === 'exceptions') return undefined;
    return `${label} is not configured: the checks that need it report "unknown", not "fine".`;
  }
  if (!s.ok) return `${label} could not be read${s.error ? ` (${clean(s.error)})` : ''}: its facts are unknown in this review.`;
  return undefined;
}

/** Plain sentences on what the review could not see. Empty when nothing is missing. */
export function coverageGaps(data: ReviewData, maxNotes = 5): string[] {
  const snap = data.snapshot;
  const tz = snap.timezone;
  const out: string[] = [];
  if (!snap.events) out.push('The audit log is not collected: logins, role changes, exports and failed logins are unknown for this quarter.');
  for (const g of snap.coverage.periodGaps) {
    out.push(`No audit-log data for ${spanTimes(g, tz)} (${duration(spanMs(g))}): logins, role changes and exports in that time are not in this review.`);
  }
  for (const s of snap.sources) {
    const line = sourceSentence(s);
    if (line) out.push(line);
  }
  const unknown = data.findings.filter((f) => f.status === 'unknown');
  for (const f of unknown) out.push(`Undecided (${clean(f.ruleId)}): ${clean(f.message)}`);
  const notes = snap.dataQuality.slice(0, maxNotes).map((n) => clean(n));
  out.push(...notes);
  if (snap.dataQuality.length > maxNotes) out.push(`${plural(snap.dataQuality.length - maxNotes, 'more data-quality note')} in the PDF (data provenance page).`);
  return out;
}

export interface ChangeSummary {
  readonly since?: string;
  readonly newCount: number;
  readonly resolvedCount: number;
  readonly persistingCount: number;
  readonly topNew: readonly FindingItem[];
  readonly moreNew: number;
}

export function changeSummary(data: ReviewData, cap: number): ChangeSummary {
  const of = (k: FindingChange['kind']) => data.changes.filter((c) => c.kind === k);
  const fresh = of('new')
    .map((c) => c.finding)
    .filter((f) => f.status === 'open')
    .sort(byImportance(data.periodLabel));
  return {
    ...(data.previous ? { since: data.previous.period } : {}),
    newCount: of('new').length,
    resolvedCount: of('resolved').length,
    persistingCount: of('persisting').length,
    topNew: fresh.slice(0, cap).map((f) => findingItem(f, data.periodLabel)),
    moreNew: Math.max(0, fresh.length - cap),
  };
}

export function periodRange(data: ReviewData): string {
  const p = data.snapshot.period;
  return spanDays({ from: p.start, to: p.end }, data.snapshot.timezone);
}

export function generatedText(data: ReviewData): string {
  return `${dateTime(data.generatedAt, data.snapshot.timezone)} (${data.snapshot.timezone})`;
}

