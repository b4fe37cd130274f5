/**
 * Exceptions (YAML, kept in version control): accepted risks with an approver and an expiry.
 * An exception without expiry, with an expiry more than a year after approval, or naming an
 * unknown rule is a configuration error (issue 3, item 5).
 */
import type { ExceptionEntry } from '../../domain/model.js';
import type { ExceptionsPull } from '../../domain/pulls.js';
import { fingerprintOf, looksLikeSecret, showValue } from '../../config/secret-like.js';
import { didYouMean } from '../../config/suggest.js';
import {
  cells,
  checkEmail,
  decodeSource,
  DuplicateCheck,
  FileProblems,
  formatOf,
  parseRow,
  pulledAtOf,
  readYamlTable,
  type FileReadOptions,
  type FileReadResult,
  type FileWarning,
  withMisspelling,
} from './common.js';
import { readSourceBytes, type SourceFileRef } from './read-file.js';

export const EXCEPTION_KEYS = ['rule', 'subject', 'reason', 'approved_by', 'approved_on', 'ticket', 'expires'] as const;

export interface ExceptionsReadOptions extends FileReadOptions {
  /** The rule ids of the registry; an exception for any other rule is an error. */
  readonly knownRules: readonly string[];
}

/** The latest allowed expiry: the same calendar day a year later (29 February → 28 February). */
export function oneYearAfter(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y + 1, m, 0)).getUTCDate();
  return `${y + 1}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

const shape = {
  rule: cells.text({ required: true }),
  subject: cells.text({ required: true }),
  reason: cells.text({ required: true }),
  approved_by: cells.text({ required: true }),
  approved_on: cells.date({ required: true }),
  ticket: cells.text(),
  expires: cells.date(),
};

/** Parses the exceptions file. Pure: text in, pull out (or one InputError listing up to 20 problems). */
export function parseExceptions(input: string | Uint8Array, opts: ExceptionsReadOptions): FileReadResult<ExceptionsPull> {
  const { file } = opts;
  formatOf(file, opts.format, ['yaml'], 'sources.exceptions');
  const { text, sha256 } = decodeSource(input, file);
  const table = readYamlTable(text, file, EXCEPTION_KEYS, 'exceptions');
  const problems = new FileProblems(file);
  const warnings: FileWarning[] = [...table.warnings];
  const dup = new DuplicateCheck(
    problems,
    (id) => {
      const [rule, subject] = id.split('\0');
      return `the exception for rule ${rule} and subject ${subject}`;
    },
    'subject',
    'keep one exception per rule and subject',
  );
  const exceptions: ExceptionEntry[] = [];

  for (const row of table.rows) {
    const { v: r, failed } = parseRow(row, shape, problems);
    let ok = failed.size === 0;
    const rule = r.rule ?? '';
    if (rule !== '' && !opts.knownRules.includes(rule)) {
      const guess = didYouMean(rule, opts.knownRules);
      problems.add(row.at('rule'), `unknown rule ${showValue(rule)}${guess ? `; did you mean \`${guess}\`?` : ''}`, 'run `ampaudit rules list` for the rule ids');
      ok = false;
    }
    const approvedOn = r.approved_on;
    const latest = approvedOn === undefined ? undefined : oneYearAfter(approvedOn);
    if (r.expires === undefined && !failed.has('expires')) {
      problems.add(
        row.at('expires'),
        'every exception needs an expiry date, and `expires` is missing',
        withMisspelling(`add \`expires: YYYY-MM-DD\`, at most one year after approved_on${latest ? ` (${latest} at the latest)` : ''}, so the risk is looked at again`, 'expires', row),
      );
      ok = false;
    } else if (r.expires === undefined || approvedOn === undefined || latest === undefined) {
      ok = false;
    } else if (r.expires > latest) {
      problems.add(row.at('expires'), `expires ${r.expires} is more than one year after approved_on ${approvedOn}`, `set it to ${latest} or earlier; renew the exception with a new approval when it runs out`);
      ok = false;
    } else if (r.expires < approvedOn) {
      problems.add(row.at('expires'), `expires ${r.expires} is before approved_on ${approvedOn}`, 'check both dates');
      ok = false;
    }
    let subject = r.subject ?? '';
    if (subject.toLowerCase() === 'org') subject = 'org';
    else if (subject.includes('@')) {
      const r = checkEmail(subject);
      if ('problem' in r) {
        problems.add(row.at('subject'), r.problem, r.hint);
        ok = false;
      } else subject = r.email;
    }
    else if (looksLikeSecret(subject)) {
      // A key id that is the key itself must not sit in a version-controlled file, nor be matched by value.
      subject = `key-${fingerprintOf(subject)}`;
      warnings.push({
        message: `the subject looks like a secret API key; write its ref \`${subject}\` instead and keep key values out of version control`,
        where: row.at('subject'),
      });
    }
    if (rule !== '' && subject !== '' && !dup.check(`${rule}\0${subject}`, row)) ok = false;
    if (!ok) continue;
    if (approvedOn === undefined || r.expires === undefined) continue;
    const approvedBy = r.approved_by!.includes('@') ? r.approved_by!.toLowerCase() : r.approved_by!;
    exceptions.push({
      rule,
      subject,
      reason: r.reason!,
      approvedBy,
      approvedOn,
      ...(r.ticket !== undefined ? { ticket: r.ticket } : {}),
      expires: r.expires!,
      line: row.line,
    });
  }
  problems.throwIfAny();
  return { pull: { source: 'exceptions', file, sha256, pulledAt: pulledAtOf(opts.clock), exceptions }, warnings };
}

export function readExceptionsFile(ref: SourceFileRef, opts: Omit<ExceptionsReadOptions, 'file'>): FileReadResult<ExceptionsPull> {
  formatOf(ref.path, opts.format, ['yaml'], ref.configKey);
  return parseExceptions(readSourceBytes(ref), { ...opts, file: ref.path });
}

