/** Shared setup for the benchmark tasks: clocks and configs for a simulated org. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../src/clock.js';
import { parseConfigText } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { simConfigYaml } from '../src/simulator/demo-files.js';
import type { SimOrg } from '../src/simulator/org.js';
import { SIM_ENV } from './env.js';

/** A clock that starts at `start` and runs in real time (the HTTP limiter needs time to pass). */
export function runningClock(start: string | number): Clock {
  const base = typeof start === 'number' ? start : Date.parse(start);
  const t0 = performance.now();
  return { now: () => new Date(base + Math.floor(performance.now() - t0)) };
}


/**
 * The config `ampaudit simulate --files` would write for this org, saved as
 * `<dir>/ampaudit.config.yaml` and loaded as ampaudit loads it (relative paths against `dir`).
 * `membersExport: false` leaves the members export out of the config.
 */
export function simConfig(org: SimOrg, dir: string, baseUrl: string, opts: { membersExport?: boolean } = {}): Config {
  let text = simConfigYaml(org, baseUrl, `the benchmark org ${org.name}`);
  if (opts.membersExport === false) text = text.replace(/^ {2}membersExport: .*\n/m, '');
  const file = join(dir, 'ampaudit.config.yaml');
  writeFileSync(file, text);
  return parseConfigText(text, { file, env: SIM_ENV });
}
