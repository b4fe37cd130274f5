import type { Command } from 'commander';
import { loadAppConfig, policyOf } from '../../app.js';
import { InputError } from '../../errors.js';
import { didYouMean } from '../../config/suggest.js';
import { RULES, RULE_IDS, findRule } from '../../rules/index.js';
import { ruleExplainText, rulesListText, type RuleState } from '../../rules/explain.js';
import type { CliContext } from '../context.js';
import { println } from '../output.js';

export function registerRules(program: Command, ctx: CliContext): void {
  const rules = program.command('rules').description('the rule catalogue');
  rules
    .command('list')
    .description('list every rule with its severity and whether the policy enables it')
    .option('-c, --config <file>', 'show enabled/severity from this config (default: the rule defaults)')
    .addHelpText('after', '\nExamples:\n  $ ampaudit rules list\n  $ ampaudit rules list --config ./ampaudit.config.yaml')
    .action((opts: { config?: string }) => {
      println(ctx, rulesListText(RULES, opts.config ? stateFrom(opts.config) : undefined).trimEnd());
    });
  rules
    .command('explain <id>')
    .description("a rule's description, risk, options with defaults, remediation and controls")
    .option('-c, --config <file>', 'show the options this config sets')
    .addHelpText('after', '\nExamples:\n  $ ampaudit rules explain dormant-account\n  $ ampaudit rules explain key-rotation-overdue')
    .action((id: string, opts: { config?: string }) => {
      const rule = findRule(id);
      if (!rule) {
        const guess = didYouMean(id, RULE_IDS);
        throw new InputError(`unknown rule \`${id}\`${guess ? `; did you mean \`${guess}\`?` : ''}`, { field: 'id' }, 'run `ampaudit rules list` for the rule ids');
      }
      println(ctx, ruleExplainText(rule, opts.config ? stateFrom(opts.config)[id] : undefined).trimEnd());
    });

  function stateFrom(configFile: string): Record<string, RuleState> {
    const policy = policyOf(loadAppConfig({ config: configFile }, ctx.env, ctx.cwd));
    return Object.fromEntries(Object.entries(policy).map(([id, p]) => [id, p as RuleState]));
  }
}
