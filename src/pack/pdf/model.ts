/**
 * What the PDF shows, derived from ReviewData: counts, rule groups, the pack id, and the caps
 * that keep a 50k-member org's pack readable (the full lists are in the CSVs).
 */
import { SEVERITIES, severityRank, type Severity } from '../../domain/common.js';
import type { Finding, Subject } from '../../domain/findings.js';
import type { SeverityCounts, ReviewData } from '../types.js';
import { looksLikeSecret, fingerprintOf } from '../../config/secret-like.js';
import { clean, spanMs } from './format.js';

/**
 * How many rows the PDF shows before pointing to the CSV: enough to see the pattern and act on
 * the worst, few enough that a 50k-member org's pack stays a document someone reads.
 */
export const CAPS = {
  /** Findings with evidence, per high rule. */
  highFindings: 50,
  /** Findings with evidence, per medium (or low/info with few findings) rule. */
  detailedFindings: 25,
  /** Findings in the compact form, per low/info rule with many findings. */
  compactFindings: 25,
  changes: 50,
  topDecisions: 10,
  owners: 50,
  orgAdmins: 100,
  projectAdmins: 100,
  contractors: 100,
  keys: 50,
  topExporters: 20,
  largeExports: 20,
  exceptions: 150,
  evidencePerFinding: 5,
  cellChars: 400,
} as const;

export type RuleMeta = ReviewData['rules'][number];

export interface RuleGroup {
  readonly rule: RuleMeta;
  readonly open: readonly Finding[];
  readonly excepted: readonly Finding[];
  readonly unknown: readonly Finding[];
  /** The most severe open or excepted finding's severity, else the rule's. */
  readonly severity: Severity;
}

export interface Counts {
  readonly open: SeverityCounts;
  readonly openTotal: number;
  readonly excepted: number;
  readonly unknown: number;
  /** Open findings whose exception has expired. */
  readonly expiredExceptions: number;
}

export function countFindings(findings: readonly Finding[]): Counts {
  const open: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
  let excepted = 0;
  let unknown = 0;
  let expiredExceptions = 0;
  for (const f of findings) {
    if (f.status === 'open') {
      open[f.severity] += 1;
      if (f.exception?.expired) expiredExceptions += 1;
    } else if (f.status === 'excepted') excepted += 1;
    else unknown += 1;
  }
  return { open, openTotal: SEVERITIES.reduce((s, v) => s + open[v], 0), excepted, unknown, expiredExceptions };
}

/** Most severe first, then new before persisting, then by subject. */
export function byUrgency(firstSeenNow: string): (a: Finding, b: Finding) => number {
  return (a, b) =>
    severityRank(a.severity) - severityRank(b.severity) ||
    Number(b.firstSeen === firstSeenNow || b.firstSeen === undefined) - Number(a.firstSeen === firstSeenNow || a.firstSeen === undefined) ||
    a.subject.label.localeCompare(b.subject.label) ||
    a.id.localeCompare(b.id);
}

/**
 * One group per rule that has findings, most severe first, then by open count. Findings of a
 * rule that `data.rules` does not describe still get a group (with a plain title), so nothing
 * is dropped.
 */
export function ruleGroups(data: ReviewData): RuleGroup[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of data.findings) {
    const list = byRule.get(f.ruleId) ?? [];
    list.push(f);
    byRule.set(f.ruleId, list);
  }
  const meta = new Map(data.rules.map((r) => [r.id, r]));
  const order = byUrgency(data.periodLabel);
  const groups: RuleGroup[] = [];
  for (const [ruleId, list] of byRule) {
    const first = list[0];
    const rule: RuleMeta = meta.get(ruleId) ?? {
      id: ruleId,
      title: ruleId,
      severity: first?.severity ?? 'info',
      description: '',
      risk: '',
      remediation: first?.remediation ?? [],
      enabled: true,
      controls: [],
    };
    const sorted = [...list].sort(order);
    const open = sorted.filter((f) => f.status === 'open');
    const excepted = sorted.filter((f) => f.status === 'excepted');
    const unknown = sorted.filter((f) => f.status === 'unknown');
    const decided = [...open, ...excepted];
    const severity = decided.length > 0 ? decided.reduce<Severity>((s, f) => (severityRank(f.severity) < severityRank(s) ? f.severity : s), 'info') : rule.severity;
    groups.push({ rule, open, excepted, unknown, severity });
  }
  return groups.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      b.open.length - a.open.length ||
      b.excepted.length + b.unknown.length - (a.excepted.length + a.unknown.length) ||
      a.rule.id.localeCompare(b.rule.id),
  );
}

/** The pack's id: org id / period directory (a rerun is `-r2`, `-r3`…), as in the archive. */
export function packIdOf(data: Pick<ReviewData, 'snapshot' | 'periodLabel' | 'revision'>): string {
  const dir = data.revision > 1 ? `${data.periodLabel}-r${data.revision}` : data.periodLabel;
  return `${data.snapshot.org.id}/${dir}`;
}

/** What may be shown of a key's id or label: itself, unless it looks like a secret. */
function keySafe(value: string): string {
  return looksLikeSecret(value) ? `key-${fingerprintOf(value)}` : value;
}

/**
 * Subject for display: label, and the id when it says more. A key subject should carry the key's
 * ref already; if a rule passed a raw id that looks like a secret, it is replaced by its fingerprint.
 */
export function subjectParts(s: Subject): { label: string; id: string } {
  const id = s.kind === 'key' ? keySafe(s.id) : s.id;
  const label = s.kind === 'key' ? keySafe(s.label) : s.label;
  return { label: clean(label), id: id === label || s.kind === 'org' ? '' : clean(id) };
}

/** An exception's subject for display: key ids become their ref; emails, project ids and `org` as given. */
export function safeSubject(subject: string, keys: ReviewData['snapshot']['keys']): string {
  const key = keys?.find((k) => k.id === subject);
  if (key) return key.ref;
  if (subject.includes('@') || /^\d+$/.test(subject) || subject === 'org') return subject;
  return keySafe(subject);
}

/** Share of the period the audit log covers, 0..1. */
export function periodCoverage(data: ReviewData): number {
  const period = spanMs({ from: data.snapshot.period.start, to: data.snapshot.period.end });
  if (period <= 0) return 0;
  const covered = data.snapshot.coverage.periodCovered.reduce((s, sp) => s + spanMs(sp), 0);
  return Math.min(1, covered / period);
}

export function severityLabel(s: Severity): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `and 40 more — see findings.csv`. */
export function moreNote(shown: number, total: number, where: string): string | undefined {
  return total > shown ? `Showing ${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}; the remaining ${(total - shown).toLocaleString('en-US')} are in ${where}.` : undefined;
}
