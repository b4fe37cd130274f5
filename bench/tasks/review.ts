/**
 * The quarterly review on a filled evidence store (see fill.ts), timed: load the config, open
 * the store, `runReview` end to end (snapshot, rules, CSVs, PDF, manifest, atomic archive),
 * close the store. Only what the review needs is imported, so the child's peak RSS is the
 * review's.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { policyOf } from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { Period } from '../../src/domain/snapshot.js';
import { runReview } from '../../src/review/review.js';
import { openStore } from '../../src/store/sqlite.js';
import { SIM_ENV } from '../env.js';

const HOUR_MS = 3_600_000;

export interface ReviewArgs {
  readonly configFile: string;
  /** A fresh reports folder. */
  readonly reports: string;
  readonly period: Period;
  /** The review runs this long after the quarter ended. */
  readonly afterEndHours?: number;
}

export interface ReviewBenchResult {
  readonly ms: number;
  readonly pages: number;
  readonly findings: number;
  readonly eventsInPeriod: number;
  readonly members: number;
  readonly csvBytes: Readonly<Record<string, number>>;
  readonly notEmbedded: readonly string[];
  readonly packBytes: number;
}

export async function reviewBench(args: ReviewArgs): Promise<ReviewBenchResult> {
  const now = new Date(Date.parse(args.period.end) + (args.afterEndHours ?? 8) * HOUR_MS);
  const t0 = performance.now();
  const loaded = loadConfig({ path: args.configFile, env: SIM_ENV });
  const config: Config = { ...loaded, reports: args.reports };
  const policy = policyOf(config);
  const store = openStore(config.store);
  let result;
  try {
    result = await runReview({ config, store, clock: fixedClock(now), policy, period: args.period.label });
  } finally {
    store.close();
  }
  const ms = performance.now() - t0;
  let packBytes = 0;
  for (const f of readdirSync(result.pack.dir)) packBytes += statSync(join(result.pack.dir, f)).size;
  return {
    ms,
    pages: result.pages,
    findings: result.data.findings.length,
    eventsInPeriod: result.data.snapshot.events?.total ?? 0,
    members: result.data.snapshot.members.length,
    csvBytes: Object.fromEntries(Object.entries(result.csvs).map(([k, v]) => [k, v.bytes])),
    notEmbedded: result.notEmbedded,
    packBytes,
  };
}
