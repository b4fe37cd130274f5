/**
 * Validation of the exceptions file against the rule registry: an exception must name a known
 * rule and expire at most a year after its approval (SPEC §11). The file parser checks the shape;
 * this checks what needs the registry.
 */
import type { Instant } from '../domain/common.js';
import type { Subject } from '../domain/findings.js';
import type { ApiKey, ExceptionEntry } from '../domain/model.js';
import { InputError } from '../errors.js';
import { datePassed, localDate, normEmail } from '../rules/lib.js';

/**
 * Where an exception stands at an evaluation time. The one rule `evaluate` applies, shared with
 * the review pack so the pack never calls "in force" an exception the findings did not apply:
 * an exception approved after the local evaluation date does not apply yet; it applies through
 * its expiry date (inclusive) and has expired from the day after.
 */
export type ExceptionStanding = 'not-yet-approved' | 'in-force' | 'expired';

export function exceptionStanding(e: Pick<ExceptionEntry, 'approvedOn' | 'expires'>, at: Instant, tz: string): ExceptionStanding {
  if (e.approvedOn > localDate(at, tz)) return 'not-yet-approved';
  return datePassed(e.expires, at, tz) ? 'expired' : 'in-force';
}

/**
 * The names an exception's `subject` may use for a finding (normalized like `normEmail`): the
 * subject id, the result's instance (e.g. `event:…`), and for keys the inventory id, ref or
 * fingerprint.
 */
export function exceptionNames(
  subject: Pick<Subject, 'kind' | 'id'>,
  instance: string | undefined,
  keys: readonly Pick<ApiKey, 'id' | 'ref' | 'fingerprint'>[] | undefined,
): Set<string> {
  const names = new Set([normEmail(subject.id)]);
  if (instance !== undefined) names.add(normEmail(instance));
  if (subject.kind === 'key') {
    const key = keys?.find((k) => k.ref === subject.id);
    if (key) for (const x of [key.id, key.ref, key.fingerprint]) names.add(normEmail(x));
  }
  return names;
}

function addYear(date: string): string {
  const y = Number(date.slice(0, 4)) + 1;
  const rest = date.slice(4);
  // 29 February + 1 year → 28 February (no such day in the next year).
  return rest === '-02-29' ? `${y}-02-28` : `${y}${rest}`;
}

/** The problems of each entry, in file order (empty when all are fine). */
export function exceptionProblems(entries: readonly ExceptionEntry[], ruleIds: readonly string[], file?: string): InputError[] {
  const known = new Set(ruleIds);
  const problems: InputError[] = [];
  const where = (e: ExceptionEntry, field: string) => ({ ...(file !== undefined ? { file } : {}), line: e.line, field });
  for (const e of entries) {
    if (!known.has(e.rule)) {
      problems.push(new InputError(`unknown rule "${e.rule}"`, where(e, 'rule'), `use one of the ids from \`ampaudit rules list\``));
    }
    if (!e.expires) {
      problems.push(new InputError('the exception has no expiry date', where(e, 'expires'), 'add `expires: YYYY-MM-DD`, at most a year after approved_on'));
    } else if (e.expires < e.approvedOn) {
      problems.push(new InputError(`expires ${e.expires} is before approved_on ${e.approvedOn}`, where(e, 'expires')));
    } else if (e.expires > addYear(e.approvedOn)) {
      problems.push(
        new InputError(`expires ${e.expires} is more than a year after approved_on ${e.approvedOn}`, where(e, 'expires'), `use ${addYear(e.approvedOn)} or earlier and renew the exception when it runs out`),
      );
    }
  }
  return problems;
}

/** Throws one InputError (the first problem, the rest in `more`) when any exception is invalid. */
export function assertExceptions(entries: readonly ExceptionEntry[], ruleIds: readonly string[], file?: string): void {
  const problems = exceptionProblems(entries, ruleIds, file);
  const [first, ...more] = problems;
  if (first) throw new InputError(first.problem, first.where, first.hint, more);
}
