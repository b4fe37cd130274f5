/**
 * evaluate: snapshot + rules + policy + exceptions → findings (SPEC §6). Pure: no I/O, no clock;
 * the evaluation time is the snapshot's (or `at`).
 */
import { createHash } from 'node:crypto';
import type { Instant, Severity } from '../domain/common.js';
import { severityRank } from '../domain/common.js';
import type { AppliedException, Finding, Subject } from '../domain/findings.js';
import type { ExceptionEntry } from '../domain/model.js';
import type { Snapshot } from '../domain/snapshot.js';
import { InputError } from '../errors.js';
import { cmp, normEmail } from '../rules/lib.js';
import type { AnyRule, RuleResult } from '../rules/types.js';
import { exceptionNames, exceptionStanding } from './exceptions.js';
import type { ResolvedPolicy, RulePolicy } from './policy.js';

export type { ResolvedPolicy, RulePolicy } from './policy.js';
export { defaultPolicy } from './policy.js';

export interface EvaluateInput {
  readonly snapshot: Snapshot;
  /** The registry (or a subset), any order. */
  readonly rules: readonly AnyRule[];
  readonly policy: ResolvedPolicy;
  /** Accepted risks; defaults to the snapshot's exceptions. */
  readonly exceptions?: readonly ExceptionEntry[];
  /** Evaluation time for exception expiry; defaults to `snapshot.at`. */
  readonly at?: Instant;
}

/**
 * Stable finding id: hex sha256 of `ruleId|subject.kind|subject.id`, first 16 characters. The same
 * rule and subject give the same id every run. A result with an `instance` (several findings about
 * one subject, e.g. one per event) appends `|instance`. A rule's org-level `unknown` result hashes
 * `ruleId|unknown|org` instead, so it never shares an id with an org finding of the same rule.
 */
export function findingId(ruleId: string, subject: Pick<Subject, 'kind' | 'id'>, status?: Finding['status'], instance?: string): string {
  const kind = status === 'unknown' ? 'unknown' : subject.kind;
  const key = `${ruleId}|${kind}|${subject.id}${instance !== undefined ? `|${instance}` : ''}`;
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

const PLACEHOLDER = /\{([A-Za-z0-9_]+)\}/g;

/** Fills `{name}` placeholders from `data`. A placeholder without a value is a bug in the rule: it throws. */
export function renderMessage(template: string, data: Readonly<Record<string, string | number>>, where = 'message'): string {
  return template.replace(PLACEHOLDER, (_all, key: string) => {
    const v = data[key];
    if (v === undefined) throw new Error(`${where}: no value for placeholder {${key}}`);
    return String(v);
  });
}

/**
 * A rule's title with its `{option}` placeholders filled from the policy's options (defaults when
 * none are given), so a pack made with `dormant-account: { days: 30 }` says "30 days", not the
 * default's 60. Only top-level number and string options can appear in a title.
 */
export function ruleTitle(rule: Pick<AnyRule, 'meta'>, options?: unknown): string {
  const parsed = rule.meta.options.safeParse(options ?? {});
  const values = (parsed.success && parsed.data !== null && typeof parsed.data === 'object' ? parsed.data : {}) as Record<string, unknown>;
  const data: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === 'number' || typeof v === 'string') data[k] = v;
  return renderMessage(rule.meta.title, data, `${rule.meta.id}: title`);
}

/** The placeholder names of a template. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Parses a rule's options from the policy; bad options are the user's configuration error. */
export function ruleOptions(rule: AnyRule, raw: unknown): unknown {
  const parsed = rule.meta.options.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue && issue.path.length > 0 ? `.${issue.path.join('.')}` : '';
    throw new InputError(
      `invalid options for rule ${rule.meta.id}: ${issue?.message ?? 'invalid'}`,
      { field: `policy.${rule.meta.id}${path}` },
      `see \`ampaudit rules explain ${rule.meta.id}\` for the options and their defaults`,
    );
  }
  return parsed.data;
}

function policyFor(rule: AnyRule, policy: ResolvedPolicy): RulePolicy {
  return policy[rule.meta.id] ?? { enabled: true, severity: rule.meta.severity, options: {} };
}

/** Exceptions by rule, then by normalized subject (emails lower-cased, so matching is case-insensitive). */
type ExceptionIndex = Map<string, Map<string, ExceptionEntry[]>>;

function indexExceptions(exceptions: readonly ExceptionEntry[]): ExceptionIndex {
  const idx: ExceptionIndex = new Map();
  for (const e of exceptions) {
    let bySubject = idx.get(e.rule);
    if (!bySubject) idx.set(e.rule, (bySubject = new Map()));
    const key = normEmail(e.subject);
    const list = bySubject.get(key);
    if (list) list.push(e);
    else bySubject.set(key, [e]);
  }
  return idx;
}

/**
 * Exceptions naming this finding: by subject id (emails case-insensitively), by the result's
 * instance (e.g. `event:…`), and for keys also by inventory id or fingerprint.
 */
function matchingExceptions(idx: ExceptionIndex, ruleId: string, subject: Subject, instance: string | undefined, snapshot: Snapshot): ExceptionEntry[] {
  const bySubject = idx.get(ruleId);
  if (!bySubject) return [];
  return [...exceptionNames(subject, instance, snapshot.keys)].flatMap((n) => bySubject.get(n) ?? []);
}

/**
 * The exception for a finding: a valid one if any (the latest expiry wins), else the most recently
 * expired one. Exceptions approved after the evaluation date do not apply yet.
 */
function pickException(
  candidates: readonly ExceptionEntry[],
  at: Instant,
  tz: string,
): { entry: ExceptionEntry; expired: boolean } | undefined {
  let best: { entry: ExceptionEntry; expired: boolean } | undefined;
  for (const entry of candidates) {
    const standing = exceptionStanding(entry, at, tz);
    if (standing === 'not-yet-approved') continue;
    const expired = standing === 'expired';
    if (!best) best = { entry, expired };
    else if (best.expired && !expired) best = { entry, expired };
    else if (best.expired === expired && entry.expires > best.entry.expires) best = { entry, expired };
  }
  return best;
}

function applied(entry: ExceptionEntry, expired: boolean): AppliedException {
  const a: { -readonly [K in keyof AppliedException]: AppliedException[K] } = {
    reason: entry.reason,
    approvedBy: entry.approvedBy,
    approvedOn: entry.approvedOn,
    expires: entry.expires,
    expired,
  };
  if (entry.ticket !== undefined) a.ticket = entry.ticket;
  return a;
}

/** The sentence an expired exception adds to its finding's message. */
export function expiredSentence(e: Pick<ExceptionEntry, 'approvedBy' | 'expires' | 'ticket'>): string {
  const ticket = e.ticket ? `, ${e.ticket}` : '';
  return `The exception for this finding (approved by ${e.approvedBy}${ticket}) expired on ${e.expires}.`;
}

function resultSeverity(rule: AnyRule, rp: RulePolicy, r: RuleResult): Severity {
  // An operator's re-grade wins over the rule's own escalations (e.g. dormant owner → high).
  if (rp.severity !== rule.meta.severity) return rp.severity;
  return r.severity ?? rule.meta.severity;
}

/** Deterministic order: most severe first, then rule id, then subject id. */
export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(a.severity) - severityRank(b.severity) || cmp(a.ruleId, b.ruleId) || cmp(a.subject.id, b.subject.id);
}

/** Runs every enabled rule and applies exceptions. Throws on rule bugs (missing placeholder, duplicate subject). */
export function evaluate(input: EvaluateInput): Finding[] {
  const { snapshot, rules, policy } = input;
  const at = input.at ?? snapshot.at;
  const tz = snapshot.timezone;
  const exceptions = input.exceptions ?? snapshot.exceptions ?? [];
  const exceptionIndex = indexExceptions(exceptions);

  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const rp = policyFor(rule, policy);
    if (!rp.enabled) continue;
    const options = ruleOptions(rule, rp.options);
    const results = rule.check(snapshot, options);
    let unknowns = 0;
    for (const r of results) {
      const template = rule.meta.messages[r.messageId];
      if (template === undefined) throw new Error(`rule ${rule.meta.id}: no message template "${r.messageId}"`);
      let message = renderMessage(template, r.data, `rule ${rule.meta.id} message "${r.messageId}"`);
      const status = r.status ?? 'open';
      if (status === 'unknown' && ++unknowns > 1) throw new Error(`rule ${rule.meta.id}: more than one unknown result`);
      const id = findingId(rule.meta.id, r.subject, status, r.instance);
      if (seen.has(id)) throw new Error(`rule ${rule.meta.id}: two results for subject ${r.subject.kind} ${r.subject.id}${r.instance !== undefined ? ` (${r.instance})` : ''}`);
      seen.add(id);

      let finalStatus: Finding['status'] = status;
      let exception: AppliedException | undefined;
      if (status === 'open') {
        const candidates = matchingExceptions(exceptionIndex, rule.meta.id, r.subject, r.instance, snapshot);
        const picked = pickException(candidates, at, tz);
        if (picked) {
          exception = applied(picked.entry, picked.expired);
          if (picked.expired) message = `${message} ${expiredSentence(picked.entry)}`;
          else finalStatus = 'excepted';
        }
      }
      const finding: { -readonly [K in keyof Finding]: Finding[K] } = {
        id,
        ruleId: rule.meta.id,
        severity: resultSeverity(rule, rp, r),
        status: finalStatus,
        subject: r.subject,
        message,
        evidence: r.evidence,
        remediation: rule.meta.remediation,
      };
      if (exception) finding.exception = exception;
      if (r.projects && r.projects.length > 0) finding.projects = [...new Set(r.projects)].sort();
      findings.push(finding);
    }
  }
  return findings.sort(compareFindings);
}
