/**
 * The benchmark's workloads: generated organizations and their quarter of audit events,
 * deterministic by seed, cached under `bench/data/<key>/` (git-ignored) and regenerated when
 * missing or when the parameters changed.
 *
 * Every workload reviews the same quarter, 2026-Q1 in the org's time zone (Europe/Berlin), with
 * the generator anchored at 2026-04-01: the org as it stands at the end of the quarter.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Period } from '../src/domain/snapshot.js';
import { parsePeriodLabel } from '../src/period.js';
import { generateOrg, writeEventsNdjson, type GenerateOptions } from '../src/simulator/generator.js';
import type { SimOrg } from '../src/simulator/org.js';

export type Size = 'S' | 'M' | 'L';

export interface Workload {
  /** Cache key and folder name. */
  readonly key: string;
  readonly members: number;
  readonly eventsPerQuarter: number;
  readonly projects?: number;
  readonly keys?: number;
  readonly seed: number;
}

export const SIZES: Readonly<Record<Size, Omit<Workload, 'key' | 'seed'>>> = {
  S: { members: 1_000, eventsPerQuarter: 100_000 },
  M: { members: 10_000, eventsPerQuarter: 1_000_000 },
  L: { members: 50_000, eventsPerQuarter: 5_000_000, projects: 300, keys: 2_000 },
};

export const ANCHOR = '2026-04-01T00:00:00.000Z';
export const PERIOD_LABEL = '2026-Q1';
/** The generator's default zone; the config written for the review uses it too. */
export const TIMEZONE = 'Europe/Berlin';

export function quarter(): Period {
  return parsePeriodLabel(PERIOD_LABEL, TIMEZONE);
}

export function workload(size: Size, seed: number, eventsPerQuarter?: number): Workload {
  const base = SIZES[size];
  const events = eventsPerQuarter ?? base.eventsPerQuarter;
  return { ...base, eventsPerQuarter: events, seed, key: `${size}-${base.members}m-${events}e-s${seed}` };
}

export function generateOptions(w: Workload): GenerateOptions {
  return {
    members: w.members,
    eventsPerQuarter: w.eventsPerQuarter,
    seed: w.seed,
    anchor: ANCHOR,
    ...(w.projects !== undefined ? { projects: w.projects } : {}),
    ...(w.keys !== undefined ? { keys: w.keys } : {}),
  };
}

export function makeOrg(w: Workload): SimOrg {
  return generateOrg(generateOptions(w));
}

/** `bench/` in the source tree (this file runs from `dist/bench/`). */
export function benchDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${join('dist', 'bench')}`) ? resolve(here, '..', '..', 'bench') : here;
}

export interface WorkloadFiles {
  readonly dir: string;
  readonly ndjson: string;
  /** Events written (the quarter's, in time order). */
  readonly events: number;
  readonly bytes: number;
}

interface Meta {
  readonly workload: Workload;
  readonly period: Period;
  readonly events: number;
  readonly bytes: number;
}

/** The workload's NDJSON, generated once (about 280 bytes per event). */
export async function ensureWorkload(w: Workload, log: (line: string) => void): Promise<WorkloadFiles> {
  const dir = join(benchDir(), 'data', w.key);
  const ndjson = join(dir, 'events.ndjson');
  const metaPath = join(dir, 'meta.json');
  const period = quarter();
  if (existsSync(metaPath) && existsSync(ndjson)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
    if (JSON.stringify(meta.workload) === JSON.stringify(w) && meta.period.start === period.start && meta.period.end === period.end) {
      return { dir, ndjson, events: meta.events, bytes: meta.bytes };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`generating workload ${w.key} (${w.members} members, ~${w.eventsPerQuarter} events) into ${dir} ...`);
  const t0 = performance.now();
  const org = makeOrg(w);
  const events = await writeEventsNdjson(org, { from: period.start, to: period.end }, ndjson);
  const { size } = statSync(ndjson);
  const meta: Meta = { workload: w, period, events, bytes: size };
  writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  log(`  ${events} events, ${(size / 2 ** 20).toFixed(0)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { dir, ndjson, events, bytes: size };
}
