import type { Command } from 'commander';
import { relative, resolve } from 'node:path';
import { SEVERITIES } from '../../domain/common.js';
import type { Finding } from '../../domain/findings.js';
import { runDemo, type DemoResult } from '../../demo/demo.js';
import type { CliContext } from '../context.js';
import { println } from '../output.js';
import { printReview } from './review.js';
import { deliverDemo } from './deliver-hook.js';
import { startSmtpSink } from '../../mail/testing/smtp-sink.js';

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('the whole pipeline on the built-in simulator, no setup: collect, check, review pack, email')
    .option('--dir <dir>', "the demo's own folder, recreated on every run", '.ampaudit/demo')
    .addHelpText(
      'after',
      `
Examples:
  $ ampaudit demo            (also: npm start)
  $ ampaudit demo --dir /tmp/ampaudit-demo

It starts the simulator in-process, replays two quarters of daily collects with an injected
clock (Amplitude keeps the audit log only 90 days; ampaudit's evidence store keeps it), writes
the packs of the last two completed quarters, checks the current quarter, and mails the latest
pack to a local SMTP sink. Then try the other commands with --config <dir>/ampaudit.config.yaml.`,
    )
    .action(async (opts: { dir: string }) => {
      const dir = resolve(ctx.cwd, opts.dir);
      const t0 = performance.now();
      // A local SMTP server stands in for the company's mail relay, so the demo shows a real delivery.
      const sink = await startSmtpSink();
      let result: DemoResult;
      try {
        result = await runDemo({
          dir,
          clock: ctx.clock,
          smtpPort: sink.port,
          log: (line) => println(ctx, `demo: ${line}`),
          deliver: deliverDemo,
        });
      } finally {
        await sink.stop();
      }
      printDemo(ctx, result, performance.now() - t0, sink.received.length);
      if (result.delivery?.failed) ctx.exitCode = 3;
    });
}

function counts(findings: readonly Finding[]): string {
  const open = findings.filter((f) => f.status === 'open');
  return `${open.length} open (${SEVERITIES.map((s) => `${open.filter((f) => f.severity === s).length} ${s}`).join(', ')}), ${findings.filter((f) => f.status === 'excepted').length} excepted, ${findings.filter((f) => f.status === 'unknown').length} unknown`;
}

function printDemo(ctx: CliContext, r: DemoResult, ms: number, received: number): void {
  const rel = (p: string) => relative(ctx.cwd, p) || '.';
  println(ctx);
  println(ctx, `ampaudit demo: ${r.orgName} (simulated, ${r.members} members), ${r.collects} collects replayed since ${r.historyFrom.slice(0, 10)}, done in ${(ms / 1000).toFixed(1)} s`);
  println(ctx, `check of ${r.checkPeriod} so far: ${counts(r.checkFindings)}`);
  println(ctx, `earlier pack ${r.earlier.data.periodLabel}: ${rel(r.earlier.pack.dir)}`);
  printReview(ctx, r.review);
  if (r.delivery) for (const line of r.delivery.lines) println(ctx, `  ${line}`);
  println(ctx, `  the local SMTP sink received ${received} message(s) (the review mail and one digest per project with admins and findings)`);
  const cfg = rel(r.configFile);
  println(ctx);
  println(ctx, 'Next:');
  println(ctx, `  open ${rel(r.review.pdfPath)}`);
  println(ctx, `  npx ampaudit check --config ${cfg} --no-collect`);
  println(ctx, `  npx ampaudit packs verify --all --config ${cfg}`);
  println(ctx, `  npx ampaudit rules explain dormant-account`);
}
