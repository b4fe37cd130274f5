import { TZDate } from '@date-fns/tz';
import type { Command } from 'commander';
import { amplitudeClients, loadAppConfig, openAppStore, policyOf, readInputs, runCollect, cliLogger, underRunLock } from '../../app.js';
import type { CollectReport } from '../../collect/collect.js';
import { SEVERITIES, atLeast, type Severity } from '../../domain/common.js';
import type { Finding } from '../../domain/findings.js';
import { InputError } from '../../errors.js';
import { FINDINGS_HEADER, findingRows } from '../../pack/csv/findings.js';
import { toCell } from '../../pack/csv/cell.js';
import { CSV_FORMAT, csvRecord } from '../../pack/csv/writer.js';
import { checkPeriod, endOfLocalDay, isLocalDate } from '../../period.js';
import { ruleTitle } from '../../engine/evaluate.js';
import type { ResolvedPolicy } from '../../engine/policy.js';
import { evaluateAt, type Evaluation } from '../../review/evaluate-at.js';
import { withHistory } from '../../review/review.js';
import { RULES } from '../../rules/index.js';
import { localDateTime } from '../../rules/lib.js';
import type { EvidenceStore } from '../../store/types.js';
import type { CliContext } from '../context.js';
import { days, eprintln, println, table } from '../output.js';
import { progressFor } from '../progress.js';
import { printCollectReport } from './collect.js';

const CHECK_SLACK_MS = 15 * 60_000;

interface CheckOptions {
  config?: string;
  at?: string;
  format: 'table' | 'json' | 'csv';
  failOn?: Severity;
  collect: boolean;
}

export function registerCheck(program: Command, ctx: CliContext): void {
  program
    .command('check')
    .description('evaluate the policy now (or at a date) and print the findings grouped by severity')
    .option('-c, --config <file>', 'config file (default: $AMPAUDIT_CONFIG or ./ampaudit.config.yaml)')
    .option('--at <date>', 'evaluate at this time (ISO date or date-time) from the evidence store; implies --no-collect')
    .option('--format <format>', 'table | json | csv', 'table')
    .option('--fail-on <severity>', 'exit 1 when an open finding is at or above: high | medium | low | info')
    .option('--no-collect', 'do not collect first; evaluate what the evidence store holds, as of the last successful collect')
    .addHelpText(
      'after',
      `
Examples:
  $ ampaudit check
  $ ampaudit check --format json --fail-on high
  $ ampaudit check --at 2026-09-30 --format csv > findings.csv

The state is the latest collected at or before the evaluation time; the events are those from
the start of the quarter containing it. JSON: { period, at, coverage, findings }.
Exit 1 when an open finding is at or above --fail-on; 3 when a source could not be collected.`,
    )
    .action(async (opts: CheckOptions) => {
      if (!['table', 'json', 'csv'].includes(opts.format)) {
        throw new InputError(`unknown format \`${opts.format}\``, { field: '--format' }, 'use table, json or csv');
      }
      if (opts.failOn && !SEVERITIES.includes(opts.failOn)) {
        throw new InputError(`unknown severity \`${opts.failOn}\``, { field: '--fail-on' }, `use one of ${SEVERITIES.join(', ')}`);
      }
      const config = loadAppConfig(opts, ctx.env, ctx.cwd);
      const policy = policyOf(config);
      const fixedAt = opts.at ? parseAt(opts.at, config.timezone) : undefined;
      let collected: CollectReport | undefined;
      if (opts.collect && !fixedAt) {
        const files = readInputs(config, ctx.clock);
        const log = cliLogger(config, ctx.env, ctx.stderr);
        const clients = amplitudeClients({ config, clock: ctx.clock, log });
        const progress = progressFor(ctx);
        try {
          collected = await underRunLock(config, 'collect', ctx.clock, () => runCollect({ config, clock: ctx.clock, progress, files, clients, log }));
        } finally {
          progress.stop();
        }
        if (collected.outcome !== 'ok' || opts.format === 'table') {
          // Machine formats keep stdout clean; the collect summary goes to stderr there.
          const out = opts.format === 'table' ? ctx : { ...ctx, stdout: ctx.stderr };
          printCollectReport(out, collected);
          println(out);
        }
      }
      const store = openAppStore(config);
      let result: Evaluation;
      try {
        // Evaluated after the collect, so the state it just pulled is part of the snapshot. Without
        // a collect, at the moment the stored evidence describes: "now" would turn the minutes
        // since the last collect into an audit-log gap and every event rule into "unknown".
        const lastCollect = !fixedAt && !opts.collect ? lastGoodCollect(store) : undefined;
        const at = fixedAt ?? lastCollect ?? ctx.clock.now();
        if (lastCollect && opts.format === 'table') {
          println(ctx, `evaluated as of the last collect (${localDateTime(lastCollect.toISOString(), config.timezone)} ${config.timezone}), because of --no-collect`);
        }
        const period = checkPeriod(at, config.timezone, config.fiscalYearStartMonth);
        // Right after a collect, the moments between reading the audit log and now are not a gap.
        const trailingSlackMs = collected?.outcome === 'ok' || lastCollect ? CHECK_SLACK_MS : 0;
        const evaluated = evaluateAt({ config, store, policy, at: at.toISOString(), period, trailingSlackMs });
        // First-seen quarters from the archive, as the review pack shows them.
        const history = withHistory(config, policy, period.label, evaluated.findings);
        if (history.problem) eprintln(ctx, `warning: first-seen quarters are not shown: ${history.problem}`);
        result = { snapshot: evaluated.snapshot, findings: history.findings };
      } finally {
        store.close();
      }
      print(ctx, opts.format, result, policy);
      if (collected && collected.outcome !== 'ok') {
        eprintln(ctx, 'ampaudit: a source could not be collected; the findings above may be based on older data (see the collect report).');
        ctx.exitCode = 3;
      } else if (opts.failOn) {
        const threshold = opts.failOn;
        if (result.findings.some((f) => f.status === 'open' && atLeast(f.severity, threshold))) ctx.exitCode = 1;
      }
    });
}

/** When the newest collect that succeeded finished, if any. */
function lastGoodCollect(store: EvidenceStore): Date | undefined {
  const run = store.listRuns({ kind: 'collect', limit: 50 }).find((r) => r.outcome === 'ok' && r.finishedAt);
  return run?.finishedAt ? new Date(run.finishedAt) : undefined;
}

const AT_HINT = 'use YYYY-MM-DD or an ISO date-time such as 2026-09-30T12:00:00Z';

/**
 * `--at` in the configured time zone: a date is the last moment of that local day (the whole day
 * counts, as everywhere else), a date-time without an offset is local time there. Never the
 * machine's own zone, which `new Date()` would use.
 */
export function parseAt(s: string, tz: string): Date {
  const bad = (): InputError => new InputError(`\`${s}\` is not a date`, { field: '--at' }, AT_HINT);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(s.trim());
  if (!m || !isLocalDate(`${m[1]}-${m[2]}-${m[3]}`)) throw bad();
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  if (m[4] === undefined) {
    if (m[8] !== undefined) throw bad();
    return new Date(Date.parse(endOfLocalDay(day, tz)) - 1);
  }
  const [h, mi, sec, ms] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0), Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0'))];
  if (h > 23 || mi > 59 || sec > 59) throw bad();
  const zone = m[8]?.toUpperCase().replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const d =
    zone !== undefined
      ? new Date(`${day}T${m[4]}:${m[5]}:${m[6] ?? '00'}.${String(ms).padStart(3, '0')}${zone}`)
      : new Date(new TZDate(Number(m[1]), Number(m[2]) - 1, Number(m[3]), h, mi, sec, ms, tz).getTime());
  if (Number.isNaN(d.getTime())) throw bad();
  return d;
}

function print(ctx: CliContext, format: CheckOptions['format'], r: Evaluation, policy: ResolvedPolicy): void {
  const { snapshot, findings } = r;
  if (format === 'json') {
    println(ctx, JSON.stringify({ period: snapshot.period, at: snapshot.at, coverage: snapshot.coverage, findings }, null, 2));
    return;
  }
  if (format === 'csv') {
    const rules = RULES.map((x) => ({ id: x.meta.id, title: ruleTitle(x, policy[x.meta.id]?.options) }));
    // The pack's CSV writing (RFC 4180: cells with line breaks quoted), so both read the same.
    let out = CSV_FORMAT.bom ? '\ufeff' : '';
    out += csvRecord(FINDINGS_HEADER.map((h) => toCell(h)));
    for (const row of findingRows({ findings, rules })) out += csvRecord(row.map(toCell));
    ctx.stdout.write(out);
    return;
  }
  printTable(ctx, r);
}

function printTable(ctx: CliContext, { snapshot, findings }: Evaluation): void {
  const p = snapshot.period;
  println(ctx, `${snapshot.org.name} (org ${snapshot.org.id}) — evaluated at ${snapshot.at}; events of ${p.label} from ${p.start}`);
  const c = snapshot.coverage;
  if (c.auditLog.length === 0) println(ctx, 'audit log: no coverage in the evidence store: login, export and change checks are unknown');
  else {
    const last = c.auditLog.at(-1)!;
    println(ctx, `audit log: complete ${last.from} → ${last.to} (${days(last.from, last.to)})${c.periodGaps.length ? `; ${c.periodGaps.length} gap(s) in the period` : ''}`);
  }
  for (const n of snapshot.dataQuality.slice(0, 10)) println(ctx, `note: ${n}`);
  if (snapshot.dataQuality.length > 10) println(ctx, `note: … and ${snapshot.dataQuality.length - 10} more data-quality notes`);
  println(ctx);
  const open = findings.filter((f) => f.status === 'open');
  for (const sev of SEVERITIES) {
    const group = open.filter((f) => f.severity === sev);
    if (group.length === 0) continue;
    println(ctx, `${sev.toUpperCase()} (${group.length})`);
    println(ctx, table(group.map(row), '  '));
    println(ctx);
  }
  const excepted = findings.filter((f) => f.status === 'excepted');
  if (excepted.length) {
    println(ctx, `EXCEPTED (${excepted.length})`);
    println(ctx, table(excepted.map((f) => [...row(f).slice(0, 2), `${f.exception?.reason ?? ''} — approved by ${f.exception?.approvedBy ?? '?'}, expires ${f.exception?.expires ?? '?'}`]), '  '));
    println(ctx);
  }
  const unknown = findings.filter((f) => f.status === 'unknown');
  if (unknown.length) {
    println(ctx, `UNKNOWN (${unknown.length}) — not decided: the evidence does not reach far enough`);
    println(ctx, table(unknown.map(row), '  '));
    println(ctx);
  }
  const counts = SEVERITIES.map((s) => `${open.filter((f) => f.severity === s).length} ${s}`).join(', ');
  println(ctx, `${open.length} open (${counts}); ${excepted.length} excepted; ${unknown.length} unknown.`);
}

function row(f: Finding): string[] {
  return [f.ruleId, f.subject.label, f.message];
}
