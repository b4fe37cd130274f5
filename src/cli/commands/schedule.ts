import type { Command } from 'commander';
import { hostname } from 'node:os';
import { loadAppConfig, openAppStore, policyOf } from '../../app.js';
import { daemonJobs } from '../../jobs.js';
import { createLogger } from '../../log.js';
import { signingKeyFromEnv } from '../../pack/signing.js';
import { handleStopSignals, runDaemon, systemTimers } from '../../schedule/index.js';
import type { CliContext } from '../context.js';

export function registerSchedule(program: Command, ctx: CliContext): void {
  program
    .command('schedule')
    .description('the daemon: daily collect and alerts, monthly dormancy notice, quarterly review, in the configured time zone')
    .option('-c, --config <file>', 'config file (default: $AMPAUDIT_CONFIG or ./ampaudit.config.yaml)')
    .option('--no-catch-up', 'do not catch up missed collects, reviews and notices on start')
    .addHelpText(
      'after',
      `
Examples:
  $ ampaudit schedule
  $ AMPAUDIT_LOG_LEVEL=debug ampaudit schedule --config /etc/ampaudit/ampaudit.config.yaml

Jobs come from \`schedule:\` in the config (cron, in \`timezone\`). On start it catches up what it
missed while down (a quarter without a pack gets one). Runs never overlap, also not between two
daemons on the same evidence store. Logs are JSON lines on stderr (secrets redacted). SIGTERM
lets the current run finish (up to 60 s), then exits 0; a second signal exits at once.
See \`ampaudit runs\` for what it did.`,
    )
    .action(async (opts: { config?: string; catchUp: boolean }) => {
      const config = loadAppConfig(opts, ctx.env, ctx.cwd);
      const policy = policyOf(config);
      const signingKey = signingKeyFromEnv(ctx.env);
      const log = createLogger({ level: ctx.env.AMPAUDIT_LOG_LEVEL ?? 'info', destination: ctx.stderr, pretty: ctx.env.AMPAUDIT_LOG_FORMAT === 'pretty', secrets: config.secrets });
      const store = openAppStore(config);
      try {
        const jobs = daemonJobs({ config, store, policy, clock: ctx.clock, log, ...(signingKey ? { signingKey } : {}) });
        const daemon = runDaemon({ config, store, clock: ctx.clock, timers: systemTimers, jobs, log, catchUp: opts.catchUp });
        log.info({ store: config.store, reports: config.reports, timezone: config.timezone, host: hostname() }, 'ampaudit daemon started');
        const off = handleStopSignals(process, daemon, (code) => process.exit(code), log);
        try {
          const result = await daemon.done;
          log.info({ interrupted: result.interrupted }, 'ampaudit daemon stopped');
        } finally {
          off();
        }
      } finally {
        store.close();
      }
    });
}
