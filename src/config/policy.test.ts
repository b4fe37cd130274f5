import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { parseConfigText } from './load.js';
import { resolvePolicy, type PolicyRule } from './policy.js';
import dormantNotice from '../rules/dormant-account-notice.js';

const dormant: PolicyRule = {
  meta: {
    id: 'dormant-account',
    severity: 'medium',
    options: z.object({ days: z.number().int().min(1).default(60) }),
  },
};
const rotation: PolicyRule = {
  meta: {
    id: 'key-rotation-overdue',
    severity: 'high',
    options: z.object({
      periodDays: z.object({ org: z.number().int().min(1).default(90), secret: z.number().int().min(1).default(180) }).prefault({}),
      dueSoonDays: z.number().int().min(0).default(14),
    }),
  },
};
const loose: PolicyRule = {
  meta: { id: 'security-settings-changed', severity: 'info', options: z.looseObject({}) },
};
const RULES = [dormant, rotation, loose];

function load(policyYaml: string) {
  return parseConfigText(`org: { id: 1, name: A }\npolicy:\n${policyYaml}`, { file: '/c/ampaudit.config.yaml', env: {} });
}

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('resolvePolicy', () => {
  it('gives every rule its defaults when the policy says nothing', () => {
    expect(resolvePolicy(load('  production: { namePattern: prod }\n'), RULES)).toEqual({
      'dormant-account': { enabled: true, severity: 'medium', options: { days: 60 } },
      'key-rotation-overdue': { enabled: true, severity: 'high', options: { periodDays: { org: 90, secret: 180 }, dueSoonDays: 14 } },
      'security-settings-changed': { enabled: true, severity: 'info', options: {} },
    });
  });

  it('applies enabled, severity and options, keeping enabled/severity out of the options', () => {
    const p = resolvePolicy(
      load(
        [
          '  dormant-account: { days: 45, severity: High }',
          '  key-rotation-overdue:',
          '    enabled: false',
          '    periodDays: { secret: 365 }',
          '  security-settings-changed: false',
          '  customRoles: { Analyst: viewer }',
          '',
        ].join('\n'),
      ),
      RULES,
    );
    expect(p['dormant-account']).toEqual({ enabled: true, severity: 'high', options: { days: 45 } });
    expect(p['key-rotation-overdue']).toEqual({ enabled: false, severity: 'high', options: { periodDays: { org: 90, secret: 365 }, dueSoonDays: 14 } });
    expect(p['security-settings-changed']).toEqual({ enabled: false, severity: 'info', options: {} });
  });

  it('accepts an empty entry and `true`', () => {
    const p = resolvePolicy(load('  dormant-account:\n  key-rotation-overdue: true\n'), RULES);
    expect(p['dormant-account']).toEqual({ enabled: true, severity: 'medium', options: { days: 60 } });
    expect(p['key-rotation-overdue']?.enabled).toBe(true);
  });

  it.each([
    [
      'unknown rule with did-you-mean',
      '  dormant-acount: { days: 30 }\n',
      '/c/ampaudit.config.yaml:3:3 policy.dormant-acount: unknown rule `dormant-acount` in `policy`; did you mean `dormant-account`? (run `ampaudit rules list` for the rule ids)',
    ],
    [
      'bad option value',
      '  dormant-account: { days: sixty }\n',
      '/c/ampaudit.config.yaml:3:28 policy.dormant-account.days: expected a whole number of days ≥ 1, got "sixty" (see `ampaudit rules explain dormant-account` for its options)',
    ],
    [
      'option out of range',
      '  dormant-account:\n    days: 0\n',
      '/c/ampaudit.config.yaml:4:11 policy.dormant-account.days: expected a whole number of days ≥ 1, got 0 (see `ampaudit rules explain dormant-account` for its options)',
    ],
    [
      'nested option',
      '  key-rotation-overdue: { periodDays: { org: 1.5 } }\n',
      '/c/ampaudit.config.yaml:3:46 policy.key-rotation-overdue.periodDays.org: expected a whole number ≥ 1, got 1.5 (see `ampaudit rules explain key-rotation-overdue` for its options)',
    ],
    [
      'misspelt option',
      '  dormant-account: { dayz: 30 }\n',
      '/c/ampaudit.config.yaml:3:22 policy.dormant-account.dayz: unknown option `dayz` for rule `dormant-account`; did you mean `days`? (its options are days; plus enabled and severity)',
    ],
    [
      'misspelt nested option',
      '  key-rotation-overdue: { periodDays: { scret: 30 } }\n',
      '/c/ampaudit.config.yaml:3:41 policy.key-rotation-overdue.periodDays.scret: unknown key `scret` in `policy.key-rotation-overdue.periodDays`; did you mean `secret`? (allowed keys: org, secret)',
    ],
    ['bad severity', '  dormant-account: { severity: critical }\n', '/c/ampaudit.config.yaml:3:32 policy.dormant-account.severity: expected one of high, medium, low, info, got "critical"'],
    ['bad enabled', '  dormant-account: { enabled: "no" }\n', '/c/ampaudit.config.yaml:3:31 policy.dormant-account.enabled: expected true or false, got "no"'],
    [
      'entry not a mapping',
      '  dormant-account: 60\n',
      '/c/ampaudit.config.yaml:3:20 policy.dormant-account: expected a mapping of settings (enabled, severity, options) or true/false, got 60 (see `ampaudit rules explain dormant-account` for its options)',
    ],
  ])('%s', (_name, yaml, message) => {
    const e = inputError(() => resolvePolicy(load(yaml), RULES));
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(2);
  });

  it('reports every bad entry at once', () => {
    const e = inputError(() => resolvePolicy(load('  dormant-account: { days: -1 }\n  dormant-acount: {}\n  key-rotation-overdue: { dueSoonDays: x }\n'), RULES));
    expect([e, ...e.more].map((x) => x.where.field)).toEqual(['policy.dormant-account.days', 'policy.dormant-acount', 'policy.key-rotation-overdue.dueSoonDays']);
  });

  it('names places by key path when the config has no file', () => {
    const e = inputError(() => resolvePolicy({ policy: { production: { projects: [], namePattern: 'prod' }, customRoles: {}, 'dormant-account': { days: 'x' } } }, RULES));
    expect(e.message).toBe('policy.dormant-account.days: expected a whole number of days ≥ 1, got "x" (see `ampaudit rules explain dormant-account` for its options)');
  });

  describe('the dormancy notice follows dormant-account', () => {
    const rules = [dormant, dormantNotice as unknown as PolicyRule];
    const notice = (yaml: string) => resolvePolicy(load(yaml), rules)['dormant-account-notice']?.options;

    it('takes dormantDays from dormant-account.days when it is left out', () => {
      expect(notice('  dormant-account: { days: 90 }\n')).toEqual({ days: 30, dormantDays: 90 });
      expect(notice('  dormant-account: { days: 45 }\n  dormant-account-notice: { days: 20 }\n')).toEqual({ days: 20, dormantDays: 45 });
    });

    it('refuses a dormantDays that differs, and a notice that would not come before dormancy', () => {
      const differs = inputError(() => notice('  dormant-account: { days: 30 }\n  dormant-account-notice: { dormantDays: 60, days: 20 }\n'));
      expect(differs.where.field).toBe('policy.dormant-account-notice.dormantDays');
      expect(differs.problem).toBe('`dormantDays` is 60 but `policy.dormant-account.days` is 30: members between the two would be reported by both rules, or by neither');
      const late = inputError(() => notice('  dormant-account: { days: 30 }\n'));
      expect(late.where.field).toBe('policy.dormant-account-notice.days');
    });
  });
});
