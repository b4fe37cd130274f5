import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../clock.js';
import { InputError } from '../../errors.js';
import { sha256Hex } from '../../fsutil.js';
import { oneYearAfter, parseExceptions } from './exceptions.js';

const clock = fixedClock('2026-10-01T08:00:00Z');
const knownRules = ['dormant-account', 'key-rotation-overdue', 'org-owner-count'];
const opts = { file: 'exceptions.yaml', clock, knownRules };

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

function item(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v], i) => `${i === 0 ? '- ' : '  '}${k}: ${v}`)
    .join('\n');
}

const base = { rule: 'dormant-account', subject: 'Ann@Acme.example', reason: 'On parental leave', approved_by: 'CISO@acme.example', approved_on: '2026-03-01', ticket: 'SEC-7', expires: '2026-12-31' };

describe('parseExceptions', () => {
  it('reads exceptions, lower-casing emails', () => {
    const text = `${item(base)}\n${item({ rule: 'org-owner-count', subject: 'ORG', reason: 'merger', approved_by: 'Board', approved_on: '2026-01-15', expires: '2027-01-15' })}\n`;
    const { pull, warnings } = parseExceptions(text, opts);
    expect(warnings).toEqual([]);
    expect(pull).toEqual({
      source: 'exceptions',
      file: 'exceptions.yaml',
      sha256: sha256Hex(text),
      pulledAt: '2026-10-01T08:00:00.000Z',
      exceptions: [
        { rule: 'dormant-account', subject: 'ann@acme.example', reason: 'On parental leave', approvedBy: 'ciso@acme.example', approvedOn: '2026-03-01', ticket: 'SEC-7', expires: '2026-12-31', line: 1 },
        { rule: 'org-owner-count', subject: 'org', reason: 'merger', approvedBy: 'Board', approvedOn: '2026-01-15', expires: '2027-01-15', line: 8 },
      ],
    });
  });

  it('keeps an expired exception (the engine says it expired)', () => {
    expect(parseExceptions(item({ ...base, approved_on: '2025-01-01', expires: '2025-06-30' }), opts).pull.exceptions[0]!.expires).toBe('2025-06-30');
  });

  it('an empty file is no exceptions', () => {
    expect(parseExceptions('', opts).pull.exceptions).toEqual([]);
  });

  it.each([
    ['2026-01-15', '2027-01-15'],
    ['2024-02-29', '2025-02-28'],
    ['2026-12-31', '2027-12-31'],
  ])('oneYearAfter(%s) = %s', (day, latest) => {
    expect(oneYearAfter(day)).toBe(latest);
  });

  it.each([
    [
      'no expiry',
      { rule: 'dormant-account', subject: 'a@b.co', reason: 'r', approved_by: 'x', approved_on: '2026-03-01' },
      'exceptions.yaml:1:3 expires: every exception needs an expiry date, and `expires` is missing (add `expires: YYYY-MM-DD`, at most one year after approved_on (2027-03-01 at the latest), so the risk is looked at again)',
    ],
    [
      'misspelt expiry key',
      { rule: 'dormant-account', subject: 'a@b.co', reason: 'r', approved_by: 'x', approved_on: '2026-03-01', expirs: '2026-06-01' },
      'exceptions.yaml:1:3 expires: every exception needs an expiry date, and `expires` is missing (`expirs` looks like a misspelling of `expires`; add `expires: YYYY-MM-DD`, at most one year after approved_on (2027-03-01 at the latest), so the risk is looked at again)',
    ],
    [
      'expiry more than a year after approval',
      { ...base, expires: '2027-03-02' },
      'exceptions.yaml:7:12 expires: expires 2027-03-02 is more than one year after approved_on 2026-03-01 (set it to 2027-03-01 or earlier; renew the exception with a new approval when it runs out)',
    ],
    ['expiry before approval', { ...base, expires: '2026-02-28' }, 'exceptions.yaml:7:12 expires: expires 2026-02-28 is before approved_on 2026-03-01 (check both dates)'],
    ['unknown rule', { ...base, rule: 'dormant-acount' }, 'exceptions.yaml:1:9 rule: unknown rule "dormant-acount"; did you mean `dormant-account`? (run `ampaudit rules list` for the rule ids)'],
    ['missing approver', { ...base, approved_by: '""' }, 'exceptions.yaml:4:16 approved_by: missing a value; expected text'],
    ['bad approval date', { ...base, approved_on: '2026-02-30' }, 'exceptions.yaml:5:16 approved_on: "2026-02-30" is not a calendar date (February 2026 has 28 days) (write dates as YYYY-MM-DD, e.g. 2026-03-31)'],
    ['bad email subject', { ...base, subject: 'ann@' }, 'exceptions.yaml:2:12 subject: expected an email address, got "ann@" (write the address the person signs in with, e.g. jane.doe@acme.example)'],
  ])('%s', (_name, fields, message) => {
    const e = inputError(() => parseExceptions(item(fields as Record<string, string>), opts));
    expect(e.message).toBe(message);
    expect(e.more).toEqual([]);
  });

  it('names both lines of a duplicate rule and subject', () => {
    const e = inputError(() => parseExceptions(`${item(base)}\n${item({ ...base, subject: 'ann@acme.EXAMPLE' })}\n`, opts));
    expect(e.message).toBe('exceptions.yaml:9:12 subject: the exception for rule dormant-account and subject ann@acme.example is listed twice, on lines 1 and 8 (keep one exception per rule and subject)');
  });

  it('replaces a secret key id by its ref, with a warning', () => {
    const secret = '9f86d081884c7d659a2feaa0c55ad015';
    const ref = `key-${sha256Hex(secret).slice(0, 12)}`;
    const { pull, warnings } = parseExceptions(item({ ...base, rule: 'key-rotation-overdue', subject: secret }), opts);
    expect(pull.exceptions[0]!.subject).toBe(ref);
    expect(warnings).toEqual([
      {
        message: `the subject looks like a secret API key; write its ref \`${ref}\` instead and keep key values out of version control`,
        where: { file: 'exceptions.yaml', line: 2, column: 12, field: 'subject' },
      },
    ]);
  });

  it('is YAML only', () => {
    expect(inputError(() => parseExceptions('rule,subject\n', { ...opts, file: 'exceptions.csv' })).problem).toBe('cannot tell the format of exceptions.csv: expected a file name ending in .yaml or .yml');
  });
});
