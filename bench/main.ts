/**
 * `npm run bench`: the figures of /work/shared/BENCH.md (issue 6), side by side with their
 * references, each measured `--runs` times in child processes; prints a table and writes
 * `bench/results.json`. See BENCHMARKS.md for the definitions and the latest figures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, type BenchArgs, type Measurement } from './args.js';
import { runChild, type WithRss } from './child.js';
import { compareFacts, type FactsDiff } from './facts.js';
import { summarize, type Summary } from './stats.js';
import type { CollectArgs, CollectResult } from './tasks/collect.js';
import type { DuckResult } from './tasks/ingest-duckdb.js';
import type { IngestResult } from './tasks/ingest-ampaudit.js';
import type { FillResult } from './tasks/fill.js';
import type { ReviewBenchResult } from './tasks/review.js';
import { benchDir, ensureWorkload, quarter, TIMEZONE, workload, type Workload, type WorkloadFiles } from './workloads.js';

const MIB = 2 ** 20;

/**
 * The collect workload, the same for every --size (it is bound by the rate limit, not by size):
 * at R = 100/min per API about 300 SCIM, 220 User Management and 300 Audit Logs requests, so each
 * API makes at least two whole blocks of R requests (see rate.ts) in about three minutes.
 */
const COLLECT: Omit<CollectArgs, 'seed'> = {
  members: 30_000,
  eventsPerQuarter: 300_000,
  perMinute: 100,
  latencyMs: 20,
  lookbackDays: 90,
};

const TARGETS = {
  collectRatio: { op: '>=', value: 0.95 },
  collect429Share: { op: '<=', value: 0.01 },
  ingestRatio: { op: '<=', value: 2 },
  reviewSeconds: { op: '<=', value: 60 },
  reviewPeakRssMiB: { op: '<=', value: 512 },
  memoryRatio: { op: '<=', value: 1.3 },
} as const;

type FigureName = keyof typeof TARGETS | 'ingestAmpauditSeconds' | 'ingestDuckdbSeconds' | 'memorySmallRssMiB' | 'memoryFullRssMiB';

interface Figure extends Summary {
  readonly unit: string;
  readonly label: string;
  readonly target?: string;
  readonly pass?: boolean;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function check(name: keyof typeof TARGETS, v: number, unit: string): { target: string; pass: boolean } {
  const t = TARGETS[name];
  const shown = unit === '%' ? `${t.value * 100}%` : String(t.value);
  return { target: `${t.op} ${shown}`, pass: t.op === '>=' ? v >= t.value : v <= t.value };
}

function figure(name: FigureName, label: string, unit: string, values: readonly number[]): Figure {
  const s = summarize(values);
  return { ...s, label, unit, ...(name in TARGETS ? check(name as keyof typeof TARGETS, s.median, unit) : {}) };
}

function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `ampaudit-bench-${tag}-`));
}

// ---- ingest + aggregate ---------------------------------------------------------------------

interface IngestRun {
  readonly ampaudit: Omit<WithRss<IngestResult>, 'facts'>;
  readonly duckdb: Omit<WithRss<DuckResult>, 'facts'>;
  readonly ratio: number;
  readonly agreement: FactsDiff;
}

async function benchIngest(files: WorkloadFiles, runs: number, cpuProf?: string): Promise<IngestRun[]> {
  const out: IngestRun[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = tempDir('ingest');
    try {
      const runAmpaudit = (): Promise<WithRss<IngestResult>> =>
        runChild<IngestResult>(
          'ingest-ampaudit',
          { ndjson: files.ndjson, db: join(dir, 'evidence.db'), period: quarter(), timezone: TIMEZONE },
          cpuProf ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] } : {},
        );
      const runDuck = (): Promise<WithRss<DuckResult>> => runChild<DuckResult>('ingest-duckdb', { ndjson: files.ndjson, db: join(dir, 'events.duckdb') });
      // Alternate which goes first, so a slow phase of the shared machine does not always hit the same side.
      let a: WithRss<IngestResult>;
      let d: WithRss<DuckResult>;
      if (i % 2 === 0) {
        a = await runAmpaudit();
        d = await runDuck();
      } else {
        d = await runDuck();
        a = await runAmpaudit();
      }
      const { facts: fa, ...ra } = a;
      const { facts: fd, ...rd } = d;
      const agreement = compareFacts(fa, fd);
      const ratio = a.totalMs / d.totalMs;
      log(
        `  ingest run ${i + 1}: ampaudit ${(a.totalMs / 1000).toFixed(2)} s (ingest ${(a.ingestMs / 1000).toFixed(2)}, aggregate ${(a.aggregateMs / 1000).toFixed(2)}, close ${(a.closeMs / 1000).toFixed(2)}; ${(a.maxRssBytes / MIB).toFixed(0)} MiB)` +
          ` | duckdb ${(d.totalMs / 1000).toFixed(2)} s (load ${(d.loadMs / 1000).toFixed(2)}, aggregate ${(d.aggregateMs / 1000).toFixed(2)}, close ${(d.closeMs / 1000).toFixed(2)}; ${(d.maxRssBytes / MIB).toFixed(0)} MiB)` +
          ` | ratio ${ratio.toFixed(2)} | ${agreement.mismatches === 0 ? `agree on ${agreement.members} members` : `${agreement.mismatches} MISMATCHES`}`,
      );
      for (const ex of agreement.examples) log(`    ${ex}`);
      out.push({ ampaudit: ra, duckdb: rd, ratio, agreement });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

// ---- review and memory ------------------------------------------------------------------------

interface ReviewRuns {
  readonly workload: Workload;
  readonly fill: Omit<WithRss<FillResult>, 'configFile' | 'store'>;
  readonly runs: WithRss<ReviewBenchResult>[];
}

async function benchReview(w: Workload, files: WorkloadFiles, runs: number, cpuProf?: string): Promise<ReviewRuns> {
  const dir = tempDir(`review-${w.key}`);
  try {
    log(`  filling an evidence store for ${w.key} (setup, not timed) ...`);
    const fill = await runChild<FillResult>('fill-store', { workload: w, ndjson: files.ndjson, period: quarter(), dir: join(dir, 'org') });
    log(
      `    state pulls ${(fill.stateMs / 1000).toFixed(1)} s (${JSON.stringify(fill.pulled)}), ${fill.inserted} events ${(fill.eventsMs / 1000).toFixed(1)} s, store ${(fill.storeBytes / MIB).toFixed(0)} MiB`,
    );
    const results: WithRss<ReviewBenchResult>[] = [];
    for (let i = 0; i < runs; i++) {
      const reports = join(dir, `reports-${i + 1}`);
      try {
        const r = await runChild<ReviewBenchResult>(
          'review',
          { configFile: fill.configFile, reports, period: quarter() },
          cpuProf ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] } : {},
        );
        log(
          `  review run ${i + 1} (${w.key}): ${(r.ms / 1000).toFixed(1)} s, peak RSS ${(r.maxRssBytes / MIB).toFixed(0)} MiB, ${r.pages} pages, ${r.findings} findings, ${r.eventsInPeriod} events, pack ${(r.packBytes / MIB).toFixed(0)} MiB`,
        );
        results.push(r);
      } finally {
        if (!KEEP) rmSync(reports, { recursive: true, force: true });
      }
    }
    const { configFile: _c, store: _s, ...fillRest } = fill;
    return { workload: w, fill: fillRest, runs: results };
  } finally {
    if (KEEP) log(`  kept ${dir} (AMPAUDIT_BENCH_KEEP): the store, config and packs, to look at`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** AMPAUDIT_BENCH_KEEP=1 keeps the review's store and packs (e.g. to look at the L PDF). */
const KEEP = process.env.AMPAUDIT_BENCH_KEEP === '1';

// ---- collect ------------------------------------------------------------------------------------

async function benchCollect(seed: number, runs: number): Promise<WithRss<CollectResult>[]> {
  const out: WithRss<CollectResult>[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runChild<CollectResult>('collect', { ...COLLECT, seed });
    const apis = Object.entries(r.apis)
      .map(([k, v]) => `${k} ${v.accepted}/${v.requests} req, ${v.ratio !== undefined ? `${v.perMinute?.toFixed(1)}/min = ${v.ratio.toFixed(3)}` : 'too few for a block'}`)
      .join('; ');
    log(`  collect run ${i + 1}: ${(r.elapsedMs / 1000).toFixed(0)} s, ${r.outcome}, ${r.answered429} × 429 of ${r.requests}; ${apis}`);
    out.push(r);
  }
  return out;
}

/** The run's headline ratio: the lowest of the APIs that made at least one whole block. */
function collectRatio(r: CollectResult): number {
  const ratios = Object.values(r.apis).flatMap((a) => (a.ratio !== undefined ? [a.ratio] : []));
  return ratios.length > 0 ? Math.min(...ratios) : Number.NaN;
}

// ---- report -------------------------------------------------------------------------------------

function fmt(v: number, unit: string): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (unit === '%') return `${(v * 100).toFixed(2)}%`;
  if (unit === 's') return v.toFixed(1);
  if (unit === 'MiB') return v.toFixed(0);
  return v.toFixed(3);
}

function table(figures: Record<string, Figure>): string {
  const rows = [['figure', 'median', 'min–max', 'runs', 'target', 'result']];
  for (const f of Object.values(figures)) {
    rows.push([
      `${f.label}${f.unit && f.unit !== '%' && f.unit !== 'x' ? ` (${f.unit})` : ''}`,
      fmt(f.median, f.unit),
      `${fmt(f.min, f.unit)}–${fmt(f.max, f.unit)}`,
      String(f.runs.length),
      f.target ?? '',
      f.pass === undefined ? '' : f.pass ? 'pass' : 'FAIL',
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] as string).length)));
  const line = (r: string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function machine(): Record<string, unknown> {
  const c = cpus();
  return {
    cpus: c.length,
    cpuModel: c[0]?.model,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

async function main(args: BenchArgs): Promise<void> {
  const started = new Date();
  const info = machine();
  log(`ampaudit bench: size ${args.size}, ${args.runs} run(s), ${args.only.join(', ')}; ${info.cpus} × ${String(info.cpuModel)}, node ${process.version}`);
  if (args.cpuProf) mkdirSync(resolve(args.cpuProf), { recursive: true });
  const cpuProf = args.cpuProf ? resolve(args.cpuProf) : undefined;
  const figures: Partial<Record<FigureName, Figure>> = {};
  const details: Record<string, unknown> = {};
  const workloads: Record<string, unknown> = {};
  const want = (m: Measurement): boolean => args.only.includes(m);

  const full = workload(args.size, args.seed);
  const small = workload(args.size, args.seed, full.eventsPerQuarter / 10);
  let fullFiles: WorkloadFiles | undefined;
  if (want('ingest') || want('review') || want('memory')) {
    fullFiles = await ensureWorkload(full, log);
    workloads[full.key] = { ...full, events: fullFiles.events, ndjsonBytes: fullFiles.bytes };
  }

  if (want('ingest') && fullFiles) {
    log(`ingest + aggregate: ${fullFiles.events} events (${(fullFiles.bytes / MIB).toFixed(0)} MiB NDJSON), ampaudit vs DuckDB`);
    const runs = await benchIngest(fullFiles, args.runs, cpuProf);
    figures.ingestAmpauditSeconds = figure('ingestAmpauditSeconds', 'ingest + aggregate, ampaudit', 's', runs.map((r) => r.ampaudit.totalMs / 1000));
    figures.ingestDuckdbSeconds = figure('ingestDuckdbSeconds', 'ingest + aggregate, DuckDB', 's', runs.map((r) => r.duckdb.totalMs / 1000));
    figures.ingestRatio = figure('ingestRatio', 'ingest + aggregate, ampaudit ÷ DuckDB', 'x', runs.map((r) => r.ratio));
    details.ingest = { workload: full.key, events: fullFiles.events, runs };
  }

  let fullReview: ReviewRuns | undefined;
  if ((want('review') || want('memory')) && fullFiles) {
    log(`quarterly review on ${full.key}`);
    fullReview = await benchReview(full, fullFiles, args.runs, cpuProf);
    figures.reviewSeconds = figure('reviewSeconds', `quarterly review ${args.size}, time`, 's', fullReview.runs.map((r) => r.ms / 1000));
    figures.reviewPeakRssMiB = figure('reviewPeakRssMiB', `quarterly review ${args.size}, peak RSS`, 'MiB', fullReview.runs.map((r) => r.maxRssBytes / MIB));
    details.review = fullReview;
  }

  if (want('memory') && fullReview) {
    const smallFiles = await ensureWorkload(small, log);
    workloads[small.key] = { ...small, events: smallFiles.events, ndjsonBytes: smallFiles.bytes };
    log(`memory vs events: the review on ${small.key}`);
    const smallReview = await benchReview(small, smallFiles, args.runs, cpuProf);
    const rssSmall = smallReview.runs.map((r) => r.maxRssBytes / MIB);
    const rssFull = fullReview.runs.map((r) => r.maxRssBytes / MIB);
    figures.memorySmallRssMiB = figure('memorySmallRssMiB', `review peak RSS, ${smallFiles.events} events`, 'MiB', rssSmall);
    figures.memoryFullRssMiB = figure('memoryFullRssMiB', `review peak RSS, ${fullFiles?.events} events`, 'MiB', rssFull);
    // Runs are paired in order (run i of each); the figure is the ratio of the medians.
    const ratios = rssFull.map((v, i) => v / (rssSmall[i] as number));
    const m = summarize(ratios);
    const medianRatio = figures.memoryFullRssMiB.median / figures.memorySmallRssMiB.median;
    figures.memoryRatio = { ...m, median: medianRatio, label: `review peak RSS, ${fullFiles?.events} ÷ ${smallFiles.events} events`, unit: 'x', ...check('memoryRatio', medianRatio, 'x') };
    details.memory = { small: smallReview };
  }

  if (want('collect')) {
    log(
      `collect efficiency: ${COLLECT.members} members, ~${COLLECT.eventsPerQuarter} events/quarter (${COLLECT.lookbackDays}-day lookback), R = ${COLLECT.perMinute}/min per API, ${COLLECT.latencyMs} ms latency`,
    );
    const runs = await benchCollect(args.seed, args.runs);
    figures.collectRatio = figure('collectRatio', 'collect: achieved rate ÷ R (worst API)', 'x', runs.map(collectRatio));
    figures.collect429Share = figure('collect429Share', 'collect: requests answered 429', '%', runs.map((r) => r.answered429 / Math.max(1, r.requests)));
    details.collect = { workload: { ...COLLECT, seed: args.seed }, runs };
  }

  const finished = new Date();
  const order: FigureName[] = [
    'collectRatio',
    'collect429Share',
    'ingestAmpauditSeconds',
    'ingestDuckdbSeconds',
    'ingestRatio',
    'reviewSeconds',
    'reviewPeakRssMiB',
    'memorySmallRssMiB',
    'memoryFullRssMiB',
    'memoryRatio',
  ];
  const ordered: Record<string, Figure> = {};
  for (const k of order) if (figures[k]) ordered[k] = figures[k];
  const results = {
    machine: { ...info, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
    node: process.version,
    date: started.toISOString(),
    durationSeconds: Math.round((finished.getTime() - started.getTime()) / 1000),
    size: args.size,
    seed: args.seed,
    runs: args.runs,
    measurements: args.only,
    period: quarter(),
    workloads,
    figures: ordered,
    details,
  };
  const out = join(benchDir(), 'results.json');
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${table(ordered)}\n\nmedian of ${args.runs} run(s), size ${args.size}; details in ${out}\n`);
}

let parsed: BenchArgs;
try {
  parsed = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
main(parsed).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

