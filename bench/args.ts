/** Command line of `npm run bench -- [--size S|M|L] [--runs N] [--only a,b] [--seed N]`. */
import type { Size } from './workloads.js';

export const MEASUREMENTS = ['collect', 'ingest', 'review', 'memory'] as const;
export type Measurement = (typeof MEASUREMENTS)[number];

export interface BenchArgs {
  readonly size: Size;
  readonly runs: number;
  readonly only: readonly Measurement[];
  readonly seed: number;
  /** Write a CPU profile of each review / ampaudit ingest child into this folder. */
  readonly cpuProf?: string;
}

export const USAGE = `usage: npm run bench -- [--size S|M|L] [--runs N] [--only ${MEASUREMENTS.join(',')}] [--seed N] [--cpu-prof DIR]

  --size      workload: S (1k members, 100k events), M (10k, 1M), L (50k, 5M; default)
  --runs      repetitions of each measurement (default 3; the median is reported)
  --only      comma-separated subset of: ${MEASUREMENTS.join(', ')}
  --seed      generator seed (default 1)
  --cpu-prof  write .cpuprofile files of the ampaudit children into DIR`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  let size: Size = 'L';
  let runs = 3;
  let only: Measurement[] = [...MEASUREMENTS];
  let seed = 1;
  let cpuProf: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--size': {
        const v = value().toUpperCase();
        if (v !== 'S' && v !== 'M' && v !== 'L') throw new Error(`--size must be S, M or L, got ${v}\n${USAGE}`);
        size = v;
        break;
      }
      case '--runs':
        runs = Number(value());
        if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number\n${USAGE}`);
        break;
      case '--only': {
        const list = value().split(',').map((s) => s.trim()).filter(Boolean);
        const bad = list.filter((m) => !(MEASUREMENTS as readonly string[]).includes(m));
        if (bad.length > 0 || list.length === 0) throw new Error(`--only takes ${MEASUREMENTS.join(', ')}; got ${bad.join(', ') || 'nothing'}\n${USAGE}`);
        only = list as Measurement[];
        break;
      }
      case '--seed':
        seed = Number(value());
        if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number\n${USAGE}`);
        break;
      case '--cpu-prof':
        cpuProf = value();
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  return { size, runs, only, seed, ...(cpuProf !== undefined ? { cpuProf } : {}) };
}
