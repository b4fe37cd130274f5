/**
 * Validation of the exceptions file against the rule registry: an exception must name a known
 * rule and expire at most a year after its approval (SPEC §11). The file parser checks the shape;
 * this checks what needs the registry.
 */
import type { ExceptionEntry } from '../domain/model.js';
import { InputError } from '../errors.js';

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
