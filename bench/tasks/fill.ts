/**
 * Setup for the review benchmark (not timed): an evidence store filled the way `ampaudit
 * collect` fills it. The org's state is collected with the real connectors from the simulator
 * (no latency, no rate limit) plus the org files (register, key inventory, exceptions; see below
 * for the members export) an hour before the quarter ends; then the quarter's NDJSON is appended
 * with `appendWindow` in 3-day windows with their coverage, as the audit-log connector would.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCollect } from '../../src/app.js';
import type { Config } from '../../src/config/schema.js';
import type { Period } from '../../src/domain/snapshot.js';
import { writeOrgFiles } from '../../src/simulator/files.js';
import { startSimulator } from '../../src/simulator/server.js';
import { openStore } from '../../src/store/sqlite.js';
import { runningClock, simConfig } from '../setup.js';
import { makeOrg, type Workload } from '../workloads.js';
import { appendNdjson, type AppendStats } from './ingest-ampaudit.js';

const HOUR_MS = 3_600_000;

export interface FillArgs {
  readonly workload: Workload;
  readonly ndjson: string;
  readonly period: Period;
  /** Folder for the config, the org files and the store (`store.db`). */
  readonly dir: string;
}

export interface FillResult extends AppendStats {
  readonly configFile: string;
  readonly store: string;
  readonly stateMs: number;
  readonly eventsMs: number;
  readonly storeBytes: number;
  readonly pulled: Readonly<Record<string, number | undefined>>;
}

export async function fillStore(args: FillArgs): Promise<FillResult> {
  const org = makeOrg(args.workload);
  const pulledAt = Date.parse(args.period.end) - HOUR_MS;
  mkdirSync(args.dir, { recursive: true });
  writeOrgFiles(org, args.dir, { asOf: pulledAt });
  const clock = runningClock(pulledAt);
  const sim = await startSimulator({
    simOrg: org,
    clock,
    rateLimits: { scimPerMinute: 1e9, userManagementPerMinute: 1e9, auditLogsPerMinute: 1e9 },
  });
  let configFile: string;
  let pulled: Record<string, number | undefined>;
  const t0 = performance.now();
  try {
    // Every source a large customer would have, the members export (org roles, statuses) included.
    const config = simConfig(org, args.dir, sim.url);
    configFile = config.file as string;
    const collectConfig: Config = {
      ...config,
      amplitude: { ...config.amplitude, auditLogs: false, rateLimits: { scimPerMinute: 1e9, userManagementPerMinute: 1e9, auditLogsPerMinute: 1e9 } },
    };
    const report = await runCollect({ config: collectConfig, clock });
    if (report.outcome !== 'ok') throw new Error(`filling the store: collect was ${report.outcome}: ${JSON.stringify(report.sources)}`);
    pulled = Object.fromEntries(report.sources.map((s) => [s.source, s.count]));
  } finally {
    await sim.close();
  }
  const t1 = performance.now();
  const storePath = join(args.dir, '.ampaudit', 'evidence.db');
  const store = openStore(storePath);
  let stats: AppendStats;
  try {
    const runId = store.startRun('collect', new Date(args.period.end));
    stats = appendNdjson(store, runId, args.ndjson, { from: args.period.start, to: args.period.end });
    store.finishRun(runId, new Date(args.period.end), 'ok');
  } finally {
    store.close();
  }
  const t2 = performance.now();
  let storeBytes = 0;
  for (const f of readdirSync(join(args.dir, '.ampaudit'))) storeBytes += statSync(join(args.dir, '.ampaudit', f)).size;
  return { ...stats, configFile, store: storePath, stateMs: t1 - t0, eventsMs: t2 - t1, storeBytes, pulled };
}

