import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadAppConfig } from '../../app.js';
import { InputError } from '../../errors.js';
import { listPacks, readPack, type PackInfo } from '../../pack/archive.js';
import { verifyAll, verifyPack, type PackVerification } from '../../pack/verify.js';
import type { CliContext } from '../context.js';
import { println, table } from '../output.js';

interface PacksOptions {
  config?: string;
  key?: string;
}

export function registerPacks(program: Command, ctx: CliContext): void {
  const packs = program.command('packs').description('the archive of review packs: list, show, verify');
  packs
    .command('list')
    .description('every pack of the org: period, revision, generated, open counts, verified?')
    .option('-c, --config <file>', 'config file (default: $AMPAUDIT_CONFIG or ./ampaudit.config.yaml)')
    .option('--key <public-key-file>', 'trusted Ed25519 public key (PEM) every pack must be signed with')
    .addHelpText('after', '\nExamples:\n  $ ampaudit packs list\n  $ ampaudit packs list --key ampaudit-signing.pub.pem')
    .action((opts: PacksOptions) => {
      const config = loadAppConfig(opts, ctx.env, ctx.cwd);
      const list = listPacks(config.reports, config.org.id, { verify: true, ...(opts.key ? { publicKey: readKey(opts.key) } : {}) });
      if (list.length === 0) {
        println(ctx, `no packs for org ${config.org.id} in ${config.reports} yet (run \`ampaudit review\`)`);
        return;
      }
      println(ctx, table([['PACK', 'GENERATED', 'OPEN H/M/L/I', 'EXCEPTED', 'UNKNOWN', 'SIGNED', 'VERIFIED'], ...list.map(row)]));
      if (list.some((p) => !p.verified)) ctx.exitCode = 1;
    });
  packs
    .command('show <period>')
    .description("one pack's manifest summary and files (period like 2026-Q3, or 2026-Q3-r2)")
    .option('-c, --config <file>', 'config file (default: $AMPAUDIT_CONFIG or ./ampaudit.config.yaml)')
    .addHelpText('after', '\nExamples:\n  $ ampaudit packs show 2026-Q3\n  $ ampaudit packs show 2026-Q3-r2')
    .action((period: string, opts: PacksOptions) => {
      const config = loadAppConfig(opts, ctx.env, ctx.cwd);
      const pack = findPack(listPacks(config.reports, config.org.id), period);
      const contents = readPack(pack.dir);
      const m = contents.manifest;
      println(ctx, `${pack.org}/${pack.dirName}  (${relative(ctx.cwd, pack.dir) || '.'})`);
      if (!m) {
        println(ctx, `  manifest unreadable: ${pack.error ?? 'missing'}`);
        ctx.exitCode = 1;
        return;
      }
      println(ctx, `  org ${m.org.name} (${m.org.id}), period ${m.period}, revision ${m.revision}, generated ${m.generatedAt} by ${m.tool.name} ${m.tool.version}`);
      println(ctx, `  manifest sha256 ${pack.manifestSha256 ?? '?'}; previous: ${m.previous ? `${m.previous.dir} (${m.previous.manifestSha256.slice(0, 16)}…)` : 'none (first pack)'}`);
      println(ctx, `  signed: ${m.signing ? `Ed25519, key ${m.signing.publicKeyFingerprint.slice(0, 16)}…` : 'no'}`);
      const c = m.counts;
      println(ctx, `  findings: ${c.findings} (open ${c.byStatus.open}, excepted ${c.byStatus.excepted}, unknown ${c.byStatus.unknown}); changes: ${c.changes.new} new, ${c.changes.persisting} persisting, ${c.changes.resolved} resolved`);
      println(ctx, `  coverage of the period: ${m.coverage.periodGaps.length ? `${m.coverage.periodGaps.length} gap(s)` : 'complete'}`);
      println(ctx, '  files:');
      println(ctx, table(Object.entries(m.files).map(([name, f]) => [name, `${f.bytes} bytes`, f.sha256]), '    '));
      if (m.inputs.length) {
        println(ctx, '  inputs:');
        println(ctx, table(m.inputs.map((i) => [i.kind, i.path, i.sha256]), '    '));
      }
    });
  packs
    .command('verify [period]')
    .description('check hashes, the hash chain and signatures; exits 1 naming the exact file that fails')
    .option('-c, --config <file>', 'config file (default: $AMPAUDIT_CONFIG or ./ampaudit.config.yaml)')
    .option('--all', 'verify every pack of the org, oldest to newest (the default without a period)')
    .option('--key <public-key-file>', 'trusted Ed25519 public key (PEM) every pack must be signed with')
    .addHelpText(
      'after',
      `
Examples:
  $ ampaudit packs verify --all
  $ ampaudit packs verify 2026-Q3 --key ampaudit-signing.pub.pem

Without --key, signatures are checked against the key each manifest names (which proves the
files match what was signed, not who signed). Exit 0 all good, 1 a check failed.`,
    )
    .action((period: string | undefined, opts: PacksOptions & { all?: boolean }) => {
      const config = loadAppConfig(opts, ctx.env, ctx.cwd);
      const publicKey = opts.key ? readKey(opts.key) : undefined;
      if (period && opts.all) throw new InputError('give a period or --all, not both', { field: 'period' });
      let results: readonly PackVerification[];
      let warnings: readonly string[];
      if (period) {
        const pack = findPack(listPacks(config.reports, config.org.id), period);
        const r = verifyPack(pack.dir, { archiveRoot: config.reports, ...(publicKey ? { publicKey } : {}) });
        results = [r];
        warnings = r.warnings;
      } else {
        const r = verifyAll(config.reports, config.org.id, publicKey ? { publicKey } : {});
        results = r.packs;
        warnings = r.warnings;
        if (results.length === 0) println(ctx, `no packs for org ${config.org.id} in ${config.reports}`);
      }
      for (const r of results) {
        println(ctx, `${r.ok ? 'ok  ' : 'FAIL'} ${r.pack}${r.signed ? ' (signed)' : ''}`);
        for (const f of r.failures) println(ctx, `     ${f.file}: ${f.message} [${f.cause}]`);
      }
      for (const w of new Set(warnings)) println(ctx, `warning: ${w}`);
      if (results.some((r) => !r.ok)) ctx.exitCode = 1;
    });

  function readKey(file: string): string {
    try {
      return readFileSyncText(ctx.cwd, file);
    } catch {
      throw new InputError(`cannot read the public key file ${file}`, { file, field: '--key' }, 'give the PEM file of the Ed25519 public key');
    }
  }
}

function readFileSyncText(cwd: string, file: string): string {
  return readFileSync(resolve(cwd, file), 'utf8');
}

function row(p: PackInfo): string[] {
  const c = p.counts;
  const o = c?.openBySeverity;
  return [
    `${p.org}/${p.dirName}`,
    p.generatedAt ?? '?',
    o ? `${o.high}/${o.medium}/${o.low}/${o.info}` : '?',
    String(c?.byStatus.excepted ?? '?'),
    String(c?.byStatus.unknown ?? '?'),
    p.signed ? 'yes' : 'no',
    p.verified ? 'yes' : 'NO',
  ];
}

function findPack(list: readonly PackInfo[], period: string): PackInfo {
  const exact = list.find((p) => p.dirName === period);
  if (exact) return exact;
  const same = list.filter((p) => p.period === period);
  const newest = same[same.length - 1];
  if (newest) return newest;
  throw new InputError(
    `no pack for ${period} in the archive`,
    { field: 'period' },
    list.length ? `the archive has ${list.map((p) => p.dirName).join(', ')}` : 'run `ampaudit review` first',
  );
}
