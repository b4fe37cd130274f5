import { describe, expect, it } from 'vitest';
import type { ExceptionEntry } from '../domain/model.js';
import { InputError } from '../errors.js';
import { assertExceptions, exceptionProblems } from './exceptions.js';

const e = (over: Partial<ExceptionEntry>): ExceptionEntry => ({
  rule: 'dormant-account',
  subject: 'ann@acme.example',
  reason: 'r',
  approvedBy: 'ciso',
  approvedOn: '2026-01-15',
  expires: '2026-06-30',
  line: 3,
  ...over,
});

describe('exception validation', () => {
  it.each([
    { name: 'valid', entry: e({}), problems: [] },
    { name: 'exactly one year is allowed', entry: e({ expires: '2027-01-15' }), problems: [] },
    { name: 'one year and a day is not', entry: e({ expires: '2027-01-16' }), problems: ['expires 2027-01-16 is more than a year after approved_on 2026-01-15'] },
    { name: 'unknown rule', entry: e({ rule: 'no-such-rule' }), problems: ['unknown rule "no-such-rule"'] },
    { name: 'missing expiry', entry: e({ expires: '' }), problems: ['the exception has no expiry date'] },
    { name: 'expiry before approval', entry: e({ expires: '2025-12-31' }), problems: ['expires 2025-12-31 is before approved_on 2026-01-15'] },
    { name: 'leap day approval', entry: e({ approvedOn: '2028-02-29', expires: '2029-02-28' }), problems: [] },
  ])('$name', ({ entry, problems }) => {
    expect(exceptionProblems([entry], ['dormant-account']).map((p) => p.problem)).toEqual(problems);
  });

  it('throws one InputError with the file, line and field, the rest in `more`', () => {
    const entries = [e({ rule: 'nope', line: 4 }), e({ expires: '2030-01-01', line: 9 })];
    try {
      assertExceptions(entries, ['dormant-account'], 'exceptions.yaml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      const ie = err as InputError;
      expect(ie.where).toEqual({ file: 'exceptions.yaml', line: 4, field: 'rule' });
      expect(ie.more.map((m) => [m.where.line, m.where.field])).toEqual([[9, 'expires']]);
    }
    expect(() => assertExceptions([e({})], ['dormant-account'])).not.toThrow();
  });
});
