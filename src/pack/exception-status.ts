/**
 * How each exceptions-file entry stood at the evaluation time and which current findings it names,
 * for the PDF section "Exceptions in force" and exceptions.csv. Standing and matching are the
 * engine's own (`exceptionStanding`, `exceptionNames`), so the pack cannot list as in force an
 * exception the findings did not apply, nor say "no current finding" while its finding is open.
 */
import { normEmail, type Instant } from '../domain/common.js';
import type { Finding } from '../domain/findings.js';
import type { ExceptionEntry } from '../domain/model.js';
import { findingId } from '../engine/evaluate.js';
import { exceptionNames, exceptionStanding, type ExceptionStanding } from '../engine/exceptions.js';
import { InputError } from '../errors.js';
import type { ReviewData } from './types.js';

export type { ExceptionStanding } from '../engine/exceptions.js';

export interface ExceptionStatus {
  readonly entry: ExceptionEntry;
  /** `unknown` when a date, the evaluation time or the time zone is malformed (the parsers refuse those). */
  readonly standing: ExceptionStanding | 'unknown';
  /** Current findings (open or excepted; never unknown) of the entry's rule that it names. */
  readonly findings: readonly Finding[];
  /** How many of those this entry excepts (0 unless it is in force). */
  readonly covered: number;
}

/** The applied exception a finding carries is this entry (the finding keeps no line number; the reason is free text). */
function isEntry(f: Finding, e: ExceptionEntry): boolean {
  const x = f.exception;
  return x !== undefined && x.approvedOn === e.approvedOn && x.expires === e.expires && x.approvedBy === e.approvedBy && x.ticket === e.ticket;
}

function standingOf(entry: ExceptionEntry, at: Instant, tz: string): ExceptionStanding | 'unknown' {
  try {
    return exceptionStanding(entry, at, tz);
  } catch (err) {
    // A malformed date, instant or time zone: the pack says "unknown" rather than failing.
    if (err instanceof InputError || err instanceof RangeError) return 'unknown';
    throw err;
  }
}

/** One status per entry, in file order; undefined when no exceptions file was configured. */
export function exceptionStatuses(data: Pick<ReviewData, 'snapshot' | 'findings'>): ExceptionStatus[] | undefined {
  const s = data.snapshot;
  if (!s.exceptions) return undefined;
  // Findings of the rules the file names, indexed by every name an exception may use for them.
  const rules = new Set(s.exceptions.map((e) => e.rule));
  const byRule = new Map<string, { all: Finding[]; byName: Map<string, Finding[]> }>();
  for (const f of data.findings) {
    // Exceptions apply only to open results; an unknown result is never excepted.
    if (f.status === 'unknown' || !rules.has(f.ruleId)) continue;
    let idx = byRule.get(f.ruleId);
    if (!idx) byRule.set(f.ruleId, (idx = { all: [], byName: new Map() }));
    idx.all.push(f);
    for (const n of exceptionNames(f.subject, undefined, s.keys)) {
      const list = idx.byName.get(n);
      if (list) list.push(f);
      else idx.byName.set(n, [f]);
    }
  }
  return s.exceptions.map((entry) => {
    const standing = standingOf(entry, s.at, s.timezone);
    const name = normEmail(entry.subject);
    const idx = byRule.get(entry.rule);
    // A finding does not keep the rule's instance (e.g. `event:…`), but its id hashes it in.
    const findings = idx?.byName.get(name) ?? (idx?.all ?? []).filter((f) => findingId(f.ruleId, f.subject, f.status, name) === f.id);
    const covered = standing === 'in-force' ? findings.filter((f) => f.status === 'excepted' && isEntry(f, entry)).length : 0;
    return { entry, standing, findings, covered };
  });
}
