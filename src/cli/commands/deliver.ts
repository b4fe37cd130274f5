import type { Command } from 'commander';
import { loadAppConfig } from '../../app.js';
import { deliverOutbox } from '../../jobs.js';
import { listOutbox, outboxDirFor } from '../../mail/index.js';
import type { CliContext } from '../context.js';
import { println, table } from '../output.js';

export function registerDeliver(program: Command, ctx: CliContext): void {
  program
    .command('deliver')
    .description('send the messages waiting in the outbox (review mails, digests, alerts)')
    .option('-c, --config <file>', 'config file (default: $AMPAUDIT_CONFIG or ./ampaudit.config.yaml)')
    .option('--retry', 'send every pending message now, whatever its next-attempt time, and try failed ones once more')
    .addHelpText(
      'after',
      `
Examples:
  $ ampaudit deliver
  $ SMTP_USER=ampaudit SMTP_PASSWORD=... ampaudit deliver --retry

A message is written to the outbox as the .eml that is sent, then sent; each is sent once.
Without mail.smtp in the config the messages stay in the outbox. Exit 3 when a send failed.`,
    )
    .action(async (opts: { config?: string; retry?: boolean }) => {
      const config = loadAppConfig(opts, ctx.env, ctx.cwd);
      const d = await deliverOutbox(config, ctx.clock, opts.retry === true);
      println(ctx, d.note);
      if (d.failed.length || d.retrying.length) ctx.exitCode = 3;
    });

  const outbox = program.command('outbox').description('the mail outbox');
  outbox
    .command('list')
    .description('every message in the outbox with its state (pending, sent, failed) and .eml path')
    .option('-c, --config <file>', 'config file (default: $AMPAUDIT_CONFIG or ./ampaudit.config.yaml)')
    .addHelpText('after', '\nExamples:\n  $ ampaudit outbox list')
    .action((opts: { config?: string }) => {
      const config = loadAppConfig(opts, ctx.env, ctx.cwd);
      const dir = outboxDirFor(config);
      const { items, problems } = listOutbox(dir);
      if (items.length === 0) println(ctx, `the outbox ${dir} is empty`);
      else {
        println(
          ctx,
          table([
            ['ID', 'KIND', 'CREATED', 'STATUS', 'ATTEMPTS', 'TO', 'SUBJECT'],
            ...items.map((i) => [i.id, i.state.kind, i.state.created, i.state.status + (i.state.lastError ? ` (${i.state.lastError})` : ''), String(i.state.attempts), i.state.recipients.join(', '), i.state.subject]),
          ]),
        );
        println(ctx, `.eml files in ${dir}`);
      }
      for (const p of problems) println(ctx, `warning: ${p.file}: ${p.error}`);
    });
}
