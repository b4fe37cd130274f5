/**
 * The daemon with the real jobs (collect against the simulator, review, mail), two daemons on one
 * evidence store: when the quarterly review slot comes, exactly one pack is written and one
 * review mail is sent. Real timers, a clock shifted to just before the slot (07:00 Europe/Berlin
 * on the first day of the quarter).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollect, policyOf } from '../src/app.js';
import { manualClock, type Clock } from '../src/clock.js';
import { loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { daemonJobs } from '../src/jobs.js';
import { createLogger } from '../src/log.js';
import { startSmtpSink, type SmtpSink } from '../src/mail/testing/smtp-sink.js';
import { runDaemon, systemTimers } from '../src/schedule/index.js';
import { buildDemoOrg } from '../src/simulator/demo-org.js';
import { writeDemoFiles } from '../src/simulator/demo-files.js';
import { startSimulator } from '../src/simulator/server.js';
import type { RunningSimulator } from '../src/simulator/types.js';
import { openStore } from '../src/store/sqlite.js';

// 06:59:57 in Berlin on the first day of Q4: the Q3 review is due three seconds later.
const START = Date.parse('2026-10-01T04:59:57.000Z');

describe('two daemons with the real jobs on one store', () => {
  let dir: string;
  let sim: RunningSimulator;
  let sink: SmtpSink;
  let config: Config;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ampaudit-daemons-'));
    const simClock = manualClock(new Date(START));
    sim = await startSimulator({ simOrg: buildDemoOrg(new Date(START)), clock: simClock });
    sink = await startSmtpSink();
    const files = writeDemoFiles(dir, new Date(START), { baseUrl: sim.url });
    const env = { AMPLITUDE_SCIM_TOKEN: sim.credentials.scimToken, AMPLITUDE_ORG_API_KEY: sim.credentials.orgApiKey, AMPLITUDE_ORG_SECRET_KEY: sim.credentials.orgSecretKey };
    const loaded = loadConfig({ path: files.config, env });
    config = { ...loaded, mail: { from: 'ampaudit@acme.example', to: ['security@acme.example'], attachmentLimitBytes: 10_000_000, projectDigests: false, smtp: { host: '127.0.0.1', port: sink.port, secure: false, requireTLS: false } } };
    // The evidence the daily collects would have gathered: one mid-quarter, one after its end.
    const store = openStore(config.store);
    for (const t of ['2026-09-19T00:00:00Z', '2026-09-30T23:30:00Z']) {
      simClock.set(t);
      writeDemoFiles(dir, new Date(START), { baseUrl: sim.url, asOf: t });
      const clock = { now: () => new Date(t) };
      const r = await runCollect({ config, clock, store });
      expect(r.outcome).toBe('ok');
    }
    store.close();
    writeDemoFiles(dir, new Date(START), { baseUrl: sim.url });
    // From here on the simulator follows real time shifted to START, as the daemons do.
    const offset = START - Date.now();
    simClock.set(new Date(Date.now() + offset));
    setInterval(() => simClock.set(new Date(Date.now() + offset)), 50).unref();
  }, 60_000);

  afterAll(async () => {
    await sim.close();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one pack and sends one review mail', async () => {
    const offset = START - Date.now();
    const clock: Clock = { now: () => new Date(Date.now() + offset) };
    const policy = policyOf(config);
    const quiet = new Writable({ write: (_c, _e, cb) => cb() });
    const daemons = ['a', 'b'].map((name) => {
      const store = openStore(config.store);
      const log = createLogger({ level: 'warn', destination: quiet });
      const daemon = runDaemon({ config, store, clock, timers: systemTimers, jobs: daemonJobs({ config, store, policy, clock, log }), log, lockPollMs: 200, deliverRetry: false });
      return { name, store, daemon };
    });
    // Past the 07:00 slot, then until both have nothing left to do.
    await new Promise((r) => setTimeout(r, 4_000));
    await Promise.all(daemons.map((d) => d.daemon.idle()));
    for (const d of daemons) {
      await d.daemon.stop('test done');
      d.store.close();
    }
    const orgDir = join(config.reports, readdirSync(config.reports).find((n) => n.startsWith('123456-'))!);
    expect(readdirSync(orgDir).filter((n) => !n.startsWith('.'))).toEqual(['2026-Q3']);
    const reviews = sink.received.filter((m) => m.raw.toString('utf8').includes('2026-Q3 access review'));
    expect(reviews).toHaveLength(1);
    const store = openStore(config.store);
    const runs = store.listRuns({ kind: 'review' });
    store.close();
    expect(runs.filter((r) => r.outcome === 'ok' && !(r.summary as { skipped?: string } | undefined)?.skipped)).toHaveLength(1);
  }, 60_000);
});
