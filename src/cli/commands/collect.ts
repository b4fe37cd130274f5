import type { Command } from 'commander';
import { amplitudeClients, cliLogger, loadAppConfig, openAppStore, policyOf, readInputs, runCollect, underRunLock } from '../../app.js';
import { alertsAndSend } from '../../jobs.js';
import type { CollectReport } from '../../collect/collect.js';
import type { CliContext } from '../context.js';
import { days, println, seconds, table } from '../output.js';
import { progressFor } from '../progress.js';

export function registerCollect(program: Command, ctx: CliContext): void {
  program
    .command('collect')
    .description('pull SCIM, User Management, the audit log and the configured files into the evidence store')
    .option('-c, --config <file>', 'config file (default: $AMPAUDIT_CONFIG or ./ampaudit.config.yaml)')
    .option('--json', 'print the collect report as JSON')
    .option('--no-alerts', 'do not mail alerts about high-risk events found since the last collect')
    .addHelpText(
      'after',
      `
Examples:
  $ ampaudit collect
  $ ampaudit collect --config /etc/ampaudit/ampaudit.config.yaml --json

The audit log is read from where the last collect stopped (with a short overlap), in windows of
at most 30 days, and never further back than Amplitude's 90-day retention. Exit 3 when a source
failed (the others are still stored), 2 on bad configuration or input files (nothing is stored).`,
    )
    .action(async (opts: { config?: string; json?: boolean; alerts: boolean }) => {
      const config = loadAppConfig(opts, ctx.env, ctx.cwd);
      const policy = policyOf(config);
      // Inputs are validated before the store is opened: bad input leaves it untouched.
      const files = readInputs(config, ctx.clock);
      const log = cliLogger(config, ctx.env, ctx.stderr);
      const clients = amplitudeClients({ config, clock: ctx.clock, log });
      await underRunLock(config, 'collect', ctx.clock, async () => {
        const store = openAppStore(config);
        try {
          const progress = progressFor(ctx);
          let report: CollectReport;
          try {
            report = await runCollect({ config, clock: ctx.clock, progress, store, files, clients, log });
          } finally {
            progress.stop();
          }
          if (opts.json) println(ctx, JSON.stringify(report, null, 2));
          else printCollectReport(ctx, report);
          if (report.outcome !== 'ok') ctx.exitCode = 3;
          if (opts.alerts && config.mail) {
            const { result, delivery } = await alertsAndSend({ config, store, policy, clock: ctx.clock });
            const out = opts.json ? { ...ctx, stdout: ctx.stderr } : ctx;
            println(out, result.alerts.length ? `alerts: ${result.alerts.length} high-risk event(s) mailed${delivery ? ` (${delivery.note})` : ''}` : 'alerts: no high-risk events since the last run');
            if (delivery && delivery.retrying.length + delivery.failed.length > 0) ctx.exitCode = 3;
          }
        } finally {
          store.close();
        }
      });
    });
}

export function printCollectReport(ctx: CliContext, r: CollectReport): void {
  println(ctx, `collect run ${r.runId}: ${r.outcome} (${seconds(new Date(r.finishedAt).getTime() - new Date(r.startedAt).getTime())})`);
  println(
    ctx,
    table(
      r.sources.map((s) => [s.source, s.status, s.status === 'failed' ? `${s.detail}: ${s.error ?? ''}` : s.detail, s.ms ? seconds(s.ms) : '']),
      '  ',
    ),
  );
  if (r.coverage.length === 0) println(ctx, 'audit-log coverage: none yet');
  for (const span of r.coverage) println(ctx, `audit-log coverage: ${span.from} → ${span.to} (${days(span.from, span.to)})`);
  if (r.coverage.length > 1) println(ctx, `  ${r.coverage.length - 1} gap(s) in the audit-log coverage; a check that needs that time will say "unknown"`);
  for (const w of r.warnings) println(ctx, `warning: ${w}`);
  const h = Object.entries(r.http)
    .map(([s, st]) => `${s} ${st.requests} requests${st.retries ? `, ${st.retries} retries` : ''}${st.answered429 ? `, ${st.answered429}×429` : ''}`)
    .join('; ');
  if (h) println(ctx, `http: ${h}`);
}
