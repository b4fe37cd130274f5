import type { Command } from 'commander';
import { loadAppConfig, policyOf } from '../../app.js';
import { checkConfig } from '../../config/check.js';
import { formatLocation } from '../../errors.js';
import { RULE_IDS } from '../../rules/index.js';
import type { CliContext } from '../context.js';
import { println } from '../output.js';

export function registerConfig(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('work with the configuration file');
  config
    .command('validate')
    .description('check the config file, the secrets in the environment and the files it names')
    .option('-c, --config <file>', 'config file (default: $AMPAUDIT_CONFIG or ./ampaudit.config.yaml)')
    .addHelpText(
      'after',
      `
Examples:
  $ ampaudit config validate
  $ AMPAUDIT_CONFIG=./prod.yaml ampaudit config validate

Exit 0 when valid (warnings are printed), 2 with every problem found.`,
    )
    .action((opts: { config?: string }) => {
      const cfg = loadAppConfig(opts, ctx.env, ctx.cwd);
      policyOf(cfg);
      const checks = checkConfig(cfg, ctx.env, { clock: ctx.clock, knownRules: RULE_IDS });
      for (const c of checks) {
        const place = formatLocation(c.where);
        println(ctx, `${c.level}: ${place ? `${place}: ` : ''}${c.message}${c.hint ? `\n  fix: ${c.hint}` : ''}`);
      }
      const errors = checks.filter((c) => c.level === 'error').length;
      println(ctx, errors ? `${cfg.file}: ${errors} error(s)` : `${cfg.file}: valid${checks.length ? ` (${checks.length} warning(s))` : ''}`);
      if (errors) ctx.exitCode = 2;
    });
}
