import type { Command } from 'commander';
import { loadAppConfig, openAppStore } from '../../app.js';
import { InputError } from '../../errors.js';
import { runsText } from '../../schedule/runs.js';
import type { RunKind } from '../../store/types.js';
import type { CliContext } from '../context.js';
import { println } from '../output.js';

const KINDS: readonly RunKind[] = ['collect', 'check', 'review', 'alerts', 'dormancy-notice', 'deliver', 'catch-up'];

export function registerRuns(program: Command, ctx: CliContext): void {
  program
    .command('runs')
    .description('what the daemon and the commands did: start, duration, outcome, error')
    .option('-c, --config <file>', 'config file (default: $AMPAUDIT_CONFIG or ./ampaudit.config.yaml)')
    .option('--limit <n>', 'how many runs, newest first', '20')
    .option('--kind <kind>', `only one kind: ${KINDS.join(', ')}`)
    .addHelpText('after', '\nExamples:\n  $ ampaudit runs\n  $ ampaudit runs --kind review --limit 8')
    .action((opts: { config?: string; limit: string; kind?: string }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new InputError(`\`${opts.limit}\` is not a positive whole number`, { field: '--limit' });
      if (opts.kind && !KINDS.includes(opts.kind as RunKind)) throw new InputError(`unknown run kind \`${opts.kind}\``, { field: '--kind' }, `use one of ${KINDS.join(', ')}`);
      const config = loadAppConfig(opts, ctx.env, ctx.cwd);
      const store = openAppStore(config);
      try {
        println(ctx, runsText(store, { timeZone: config.timezone, now: ctx.clock.now(), limit, ...(opts.kind ? { kind: opts.kind as RunKind } : {}) }).trimEnd());
      } finally {
        store.close();
      }
    });
}
