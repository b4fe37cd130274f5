import { describe, expect, it } from 'vitest';
import type { ExceptionEntry } from '../domain/model.js';
import { InputError } from '../errors.js';
import { assertExceptions, exceptionNames, exceptionProblems, exceptionStanding } from './exceptions.js';

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

describe('exceptionStanding (the rule evaluate applies)', () => {
  // 2026-09-30T22:00Z is 2026-10-01 00:00 in Berlin: the local evaluation date is 2026-10-01.
  const AT = '2026-09-30T22:00:00.000Z';
  it.each([
    { approvedOn: '2026-10-26', expires: '2027-04-24', tz: 'Europe/Berlin', want: 'not-yet-approved' },
    { approvedOn: '2026-10-02', expires: '2026-12-31', tz: 'Europe/Berlin', want: 'not-yet-approved' },
    { approvedOn: '2026-10-01', expires: '2026-12-31', tz: 'Europe/Berlin', want: 'in-force' },
    // In UTC the evaluation date is still 2026-09-30.
    { approvedOn: '2026-10-01', expires: '2026-12-31', tz: 'UTC', want: 'not-yet-approved' },
    { approvedOn: '2026-07-01', expires: '2026-10-01', tz: 'Europe/Berlin', want: 'in-force' },
    { approvedOn: '2026-07-01', expires: '2026-09-30', tz: 'Europe/Berlin', want: 'expired' },
    { approvedOn: '2026-07-01', expires: '2026-09-30', tz: 'UTC', want: 'in-force' },
  ])('approved $approvedOn, expires $expires, in $tz: $want', ({ approvedOn, expires, tz, want }) => {
    expect(exceptionStanding({ approvedOn, expires }, AT, tz)).toBe(want);
  });
});

describe('exceptionNames', () => {
  const keys = [{ id: 'secret-value-pasted-as-id', ref: 'key-1a2b3c4d5e6f', fingerprint: '1A2B3C4D5E6F' }];
  it.each([
    { subject: { kind: 'member' as const, id: ' Ann@Acme.Example ' }, instance: undefined, want: ['ann@acme.example'] },
    { subject: { kind: 'org' as const, id: 'org' }, instance: 'event:E47DD8224277EAF0', want: ['org', 'event:e47dd8224277eaf0'] },
    { subject: { kind: 'key' as const, id: 'key-1a2b3c4d5e6f' }, instance: undefined, want: ['key-1a2b3c4d5e6f', 'secret-value-pasted-as-id', '1a2b3c4d5e6f'] },
    { subject: { kind: 'key' as const, id: 'key-not-in-inventory' }, instance: undefined, want: ['key-not-in-inventory'] },
  ])('$subject.kind $subject.id', ({ subject, instance, want }) => {
    expect([...exceptionNames(subject, instance, keys)]).toEqual(want);
  });
});
