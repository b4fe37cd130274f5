/**
 * Resolves `policy:` against the rule registry: for each rule whether it runs, at which
 * severity, and its options (validated by the rule's own schema, defaults filled in).
 */
import type { z } from 'zod';
import { SEVERITIES, type Severity } from '../domain/common.js';
import { configLocator, problemsToError } from './load.js';
import type { Config } from './schema.js';
import { didYouMean, listWords } from './suggest.js';
import { describeGot, problemsFromIssues, undeclaredKeys, type Problem } from './zod-problems.js';
import { formatKeyPath, type Locate } from './yaml-source.js';

/** What resolvePolicy needs of a rule (the registry's rules satisfy it). */
export interface PolicyRule {
  readonly meta: { readonly id: string; readonly options: z.ZodType; readonly severity: Severity };
}

export interface RulePolicy<O = unknown> {
  readonly enabled: boolean;
  readonly severity: Severity;
  readonly options: O;
}

/** Keys of `policy:` that are shared settings, not rule ids. */
export const POLICY_SETTINGS: readonly string[] = ['production', 'customRoles'];

/** Keys of a rule's entry that belong to ampaudit, not to the rule's options. */
const RULE_SETTINGS = new Set(['enabled', 'severity']);

function ruleDocsHint(id: string): string {
  return `see \`ampaudit rules explain ${id}\` for its options`;
}

/**
 * Options that must agree across rules. Left out, the option follows the other rule's (which the
 * sorted registry resolves first); set to another value, it is a configuration error.
 */
const LINKED: readonly { rule: string; option: string; from: string; fromOption: string; why: string }[] = [
  {
    rule: 'dormant-account-notice',
    option: 'dormantDays',
    from: 'dormant-account',
    fromOption: 'days',
    why: 'members between the two would be reported by both rules, or by neither',
  },
];

/**
 * Per rule id: enabled, severity and options. Throws one InputError listing every bad entry:
 * unknown rule ids (with "did you mean"), bad `enabled`/`severity`, unknown or invalid options.
 */
export function resolvePolicy(
  config: Pick<Config, 'policy'> & Partial<Pick<Config, 'file'>>,
  rules: readonly PolicyRule[],
  locate: Locate = configLocator(config as Config),
): Readonly<Record<string, RulePolicy>> {
  const policy = config.policy as Readonly<Record<string, unknown>>;
  const ids = rules.map((r) => r.meta.id);
  const problems: Problem[] = [];

  for (const key of Object.keys(policy)) {
    if (POLICY_SETTINGS.includes(key) || ids.includes(key)) continue;
    const guess = didYouMean(key, [...ids, ...POLICY_SETTINGS]);
    problems.push({
      path: ['policy', key],
      problem: `unknown rule \`${key}\` in \`policy\`${guess ? `; did you mean \`${guess}\`?` : ''}`,
      hint: 'run `ampaudit rules list` for the rule ids',
      target: 'key',
    });
  }

  const out: Record<string, RulePolicy> = {};
  for (const rule of rules) {
    const { id } = rule.meta;
    const raw = policy[id];
    let entry: Record<string, unknown> = {};
    let enabled = true;
    if (raw === false || raw === true) {
      enabled = raw;
    } else if (raw !== undefined && raw !== null) {
      if (typeof raw !== 'object' || Array.isArray(raw)) {
        problems.push({
          path: ['policy', id],
          problem: `expected a mapping of settings (enabled, severity, options) or true/false, got ${describeGot(raw)}`,
          hint: ruleDocsHint(id),
          target: 'value',
        });
        continue;
      }
      entry = raw as Record<string, unknown>;
    }

    let severity = rule.meta.severity;
    let entryOk = true;
    if (entry.enabled !== undefined) {
      if (typeof entry.enabled === 'boolean') enabled = entry.enabled;
      else {
        entryOk = false;
        problems.push({ path: ['policy', id, 'enabled'], problem: `expected true or false, got ${describeGot(entry.enabled)}`, target: 'value' });
      }
    }
    if (entry.severity !== undefined) {
      if (typeof entry.severity === 'string' && (SEVERITIES as readonly string[]).includes(entry.severity.toLowerCase())) {
        severity = entry.severity.toLowerCase() as Severity;
      } else {
        entryOk = false;
        const guess = typeof entry.severity === 'string' ? didYouMean(entry.severity, SEVERITIES) : undefined;
        problems.push({
          path: ['policy', id, 'severity'],
          problem: `expected one of ${listWords(SEVERITIES)}, got ${describeGot(entry.severity)}${guess ? `; did you mean \`${guess}\`?` : ''}`,
          target: 'value',
        });
      }
    }

    const optionsInput = Object.fromEntries(Object.entries(entry).filter(([k]) => !RULE_SETTINGS.has(k)));
    // A plain z.object strips unknown keys silently; a misspelt option must not fall back to its default unnoticed.
    for (const u of undeclaredKeys(rule.meta.options, optionsInput)) {
      const key = String(u.path[u.path.length - 1]);
      const guess = didYouMean(key, u.path.length === 1 ? [...u.allowed, ...RULE_SETTINGS] : u.allowed);
      const suffix = guess ? `; did you mean \`${guess}\`?` : '';
      entryOk = false;
      problems.push(
        u.path.length === 1
          ? {
              path: ['policy', id, key],
              problem: `unknown option \`${key}\` for rule \`${id}\`${suffix}`,
              hint: u.allowed.length > 0 ? `its options are ${listWords(u.allowed)}; plus enabled and severity` : 'it has no options; only enabled and severity',
              target: 'key',
            }
          : {
              path: ['policy', id, ...u.path],
              problem: `unknown key \`${key}\` in \`${formatKeyPath(['policy', id, ...u.path.slice(0, -1)])}\`${suffix}`,
              hint: `allowed keys: ${listWords(u.allowed)}`,
              target: 'key',
            },
      );
    }
    for (const link of LINKED.filter((l) => l.rule === id)) {
      const source = (out[link.from]?.options as Record<string, unknown> | undefined)?.[link.fromOption];
      if (source === undefined) continue;
      if (optionsInput[link.option] === undefined) optionsInput[link.option] = source;
      else if (optionsInput[link.option] !== source) {
        entryOk = false;
        problems.push({
          path: ['policy', id, link.option],
          problem: `\`${link.option}\` is ${describeGot(optionsInput[link.option])} but \`policy.${link.from}.${link.fromOption}\` is ${describeGot(source)}: ${link.why}`,
          hint: `make them equal, or leave \`${link.option}\` out to follow ${link.from}`,
          target: 'value',
        });
      }
    }
    const parsed = rule.meta.options.safeParse(optionsInput);
    if (!parsed.success) {
      const optionProblems = problemsFromIssues(parsed.error.issues, rule.meta.options, optionsInput, ['policy', id])
        // unknown keys were reported above
        .filter((p) => !(p.target === 'key' && problems.some((q) => q.path.join('\0') === p.path.join('\0'))))
        .map((p) => ({ ...p, hint: p.hint ?? ruleDocsHint(id) }));
      problems.push(...optionProblems);
      continue;
    }
    if (entryOk) out[id] = { enabled, severity, options: parsed.data };
  }

  const err = problemsToError(problems, locate);
  if (err) throw err;
  return out;
}

