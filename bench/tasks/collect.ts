/**
 * Collect efficiency: `runCollect` (the real wiring: connectors, HTTP client with its client-side
 * limiter from `amplitude.rateLimits`, evidence store) pulls a generated org from the simulator,
 * which adds `latencyMs` to every response and enforces a fixed-window rate limit of R requests
 * per minute on each API. A recording proxy in front of the simulator notes when each request
 * arrived and how it was answered. Figures: see rate.ts.
 *
 * Not timed: generating the org, starting the simulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCollect } from '../../src/app.js';
import type { Config } from '../../src/config/schema.js';
import { generateOrg } from '../../src/simulator/generator.js';
import { startSimulator } from '../../src/simulator/server.js';
import { startRecordingProxy } from '../proxy.js';
import { rateFigures, type RateFigures } from '../rate.js';
import { runningClock, simConfig } from '../setup.js';
import { ANCHOR } from '../workloads.js';

export interface CollectArgs {
  readonly members: number;
  readonly eventsPerQuarter: number;
  readonly seed: number;
  readonly perMinute: number;
  readonly latencyMs: number;
  readonly lookbackDays: number;
}

export interface CollectResult {
  readonly apis: Readonly<Record<string, RateFigures>>;
  readonly outcome: string;
  readonly elapsedMs: number;
  readonly requests: number;
  readonly answered429: number;
  readonly simulatorRequests: number;
  readonly simulator429: number;
  readonly pulled: Readonly<Record<string, number | undefined>>;
}

export async function collectBench(args: CollectArgs): Promise<CollectResult> {
  const org = generateOrg({ members: args.members, eventsPerQuarter: args.eventsPerQuarter, seed: args.seed, anchor: ANCHOR });
  const clock = runningClock(ANCHOR);
  const R = args.perMinute;
  const sim = await startSimulator({
    simOrg: org,
    clock,
    rateLimits: { scimPerMinute: R, userManagementPerMinute: R, auditLogsPerMinute: R },
    faults: { latencyMs: args.latencyMs },
  });
  const proxy = await startRecordingProxy(sim.url);
  const dir = mkdtempSync(join(tmpdir(), 'ampaudit-bench-collect-'));
  try {
    const base = simConfig(org, dir, proxy.url);
    const config: Config = {
      ...base,
      sources: {},
      store: join(dir, 'evidence.db'),
      amplitude: {
        ...base.amplitude,
        auditLogLookbackDays: args.lookbackDays,
        rateLimits: { scimPerMinute: R, userManagementPerMinute: R, auditLogsPerMinute: R },
      },
    };
    const t0 = performance.now();
    const report = await runCollect({ config, clock });
    const elapsedMs = performance.now() - t0;
    const arrivals = proxy.arrivals();
    const apis: Record<string, RateFigures> = {};
    for (const api of ['scim', 'user-management', 'audit-logs']) apis[api] = rateFigures(arrivals[api] ?? [], R);
    const stats = sim.stats();
    const all = Object.values(arrivals).flat();
    return {
      apis,
      outcome: report.outcome,
      elapsedMs,
      requests: all.length,
      answered429: all.filter((a) => a.status === 429).length,
      simulatorRequests: stats.requests,
      simulator429: stats.answered429,
      pulled: Object.fromEntries(report.sources.map((s) => [s.source, s.count])),
    };
  } finally {
    await proxy.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
