import type { Command } from 'commander';
import { relative } from 'node:path';
import { loadAppConfig, openAppStore, policyOf, underRunLock } from '../../app.js';
import { SEVERITIES } from '../../domain/common.js';
import { signingKeyFromEnv } from '../../pack/signing.js';
import { runReview, type ReviewResult } from '../../review/review.js';
import type { CliContext } from '../context.js';
import { println } from '../output.js';
import { deliverReview, type DeliveryReport } from './deliver-hook.js';

export function registerReview(program: Command, ctx: CliContext): void {
  program
    .command('review')
    .description('write the quarterly review pack (PDF, CSVs, manifest) into the archive and mail it')
    .option('-c, --config <file>', 'config file (default: $AMPAUDIT_CONFIG or ./ampaudit.config.yaml)')
    .option('--period <quarter>', 'the quarter to review, e.g. 2026-Q3 (default: the last completed quarter)')
    .option('--no-email', 'write the pack but do not mail it')
    .addHelpText(
      'after',
      `
Examples:
  $ ampaudit review
  $ ampaudit review --period 2026-Q3 --no-email
  $ AMPAUDIT_SIGNING_KEY="$(cat signing-key.pem)" ampaudit review

Findings are evaluated at the end of the quarter with the quarter's events, from the evidence
store (run \`ampaudit collect\` regularly so it holds the whole quarter). The pack is written to
<reports>/<org>/<period>/ atomically; a rerun becomes <period>-r2 and never overwrites.`,
    )
    .action(async (opts: { config?: string; period?: string; email: boolean }) => {
      const config = loadAppConfig(opts, ctx.env, ctx.cwd);
      const policy = policyOf(config);
      const signingKey = signingKeyFromEnv(ctx.env);
      const result: ReviewResult = await underRunLock(config, 'review', ctx.clock, async () => {
        const store = openAppStore(config);
        // Recorded like the daemon's reviews, so `ampaudit runs` lists what was done by hand too.
        const runId = store.startRun('review', ctx.clock.now());
        try {
          const r = await runReview({ config, store, clock: ctx.clock, policy, ...(opts.period ? { period: opts.period } : {}), ...(signingKey ? { signingKey } : {}) });
          const open = r.data.findings.filter((f) => f.status === 'open').length;
          store.finishRun(runId, ctx.clock.now(), 'ok', { summary: { text: `${r.pack.dirName}: ${open} open findings`, trigger: 'command', details: { pack: r.pack.dir } } });
          return r;
        } catch (err) {
          store.finishRun(runId, ctx.clock.now(), 'failed', { error: err instanceof Error ? err.message : String(err), summary: { trigger: 'command' } });
          throw err;
        } finally {
          store.close();
        }
      });
      printReview(ctx, result);
      if (opts.email) {
        const delivery = await deliverReview({ config, ctx, result });
        printDelivery(ctx, delivery);
        if (delivery.failed) ctx.exitCode = 3;
      }
    });
}

export function printReview(ctx: CliContext, r: ReviewResult): void {
  const rel = (p: string) => relative(ctx.cwd, p) || '.';
  const open = r.data.findings.filter((f) => f.status === 'open');
  const counts = SEVERITIES.map((s) => `${open.filter((f) => f.severity === s).length} ${s}`).join(', ');
  const ch = r.data.changes;
  println(ctx, `review ${r.data.periodLabel}: ${open.length} open (${counts}), ${r.data.findings.filter((f) => f.status === 'excepted').length} excepted, ${r.data.findings.filter((f) => f.status === 'unknown').length} unknown`);
  println(ctx, `  changes since ${r.data.previous?.period ?? 'last review (none on record)'}: ${ch.filter((c) => c.kind === 'new').length} new, ${ch.filter((c) => c.kind === 'persisting').length} persisting, ${ch.filter((c) => c.kind === 'resolved').length} resolved`);
  const gaps = r.data.snapshot.coverage.periodGaps;
  if (gaps.length) println(ctx, `  WARNING: the audit log of the quarter has ${gaps.length} gap(s): ${gaps.map((g) => `${g.from} → ${g.to}`).join(', ')}`);
  println(ctx, `  pack:     ${rel(r.pack.dir)}${r.pack.signed ? ' (signed)' : ''}`);
  println(ctx, `  pdf:      ${rel(r.pdfPath)} (${r.pages} pages)`);
  println(ctx, `  csv:      ${Object.values(r.csvs).map((c) => rel(c.path)).join('\n            ')}`);
  if (r.notEmbedded.length) println(ctx, `  not embedded in the PDF (too large): ${r.notEmbedded.join(', ')}`);
  println(ctx, `  manifest: ${rel(r.pack.dir)}/manifest.json sha256 ${r.pack.manifestSha256}`);
}

export function printDelivery(ctx: CliContext, d: DeliveryReport): void {
  for (const line of d.lines) println(ctx, `  ${line}`);
}
