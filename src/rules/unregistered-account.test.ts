import { describe, expect, it } from 'vitest';
import rule from './unregistered-account.js';
import { brief, runRule, snapshotOf, type SnapshotInput } from './testing.js';

const A = 'ann@acme.example';
const B = 'bob@acme.example';

interface Case {
  name: string;
  input: SnapshotInput;
  expect: [string, string][];
  message?: string;
}

const cases: Case[] = [
  {
    name: 'fires: Bob has no entry',
    input: { members: [A, B], register: [{ email: A }] },
    expect: [['open', B]],
    message: `${B} has access to Amplitude but no entry in the access register.`,
  },
  { name: 'does not fire: everyone registered', input: { members: [A, B], register: [{ email: A }, { email: B }] }, expect: [] },
  {
    name: 'matching is case-insensitive (register written in mixed case)',
    input: { members: [A], register: [{ email: 'Ann@ACME.example' }] },
    expect: [],
  },
  {
    name: 'boundary: a pending invitation needs an entry too; a deactivated member does not',
    input: { members: [{ email: A, status: 'invited' }, { email: B, status: 'deactivated' }], register: [] },
    expect: [['open', A]],
  },
  {
    name: 'unknown: no register configured',
    input: {
      members: [A, B],
      unknown: ['register'],
      sources: [{ source: 'register', configured: false, ok: false }],
    },
    expect: [['unknown', 'org']],
    message: 'Register entries not checked for 2 members: no access register is configured (sources.register).',
  },
  {
    name: 'unknown: register configured but unreadable',
    input: { members: [A], unknown: ['register'], sources: [{ source: 'register', configured: true, ok: false, error: 'bad' }] },
    expect: [['unknown', 'org']],
    message: 'Register entries not checked for 1 member: the access register could not be read.',
  },
];

describe('unregistered-account', () => {
  it.each(cases)('$name', (c) => {
    const findings = runRule(rule, snapshotOf(c.input));
    expect(brief(findings)).toEqual(c.expect);
    if (c.message) expect(findings[0]!.message).toBe(c.message);
  });

  it.each([
    { expires: '2027-02-01', status: 'excepted' },
    { expires: '2026-11-10', status: 'open' },
  ])('exception (subject in upper case) expiring $expires → $status', ({ expires, status }) => {
    const [f] = runRule(rule, snapshotOf({ members: [B], register: [] }), { exceptions: [{ rule: 'unregistered-account', subject: B.toUpperCase(), expires }] });
    expect(f!.status).toBe(status);
    expect(f!.message.includes(`expired on ${expires}`)).toBe(status === 'open');
  });
});
