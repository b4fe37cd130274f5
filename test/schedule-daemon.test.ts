import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { ConflictError } from '../src/errors.js';
import { orgFolderName } from '../src/pack/archive.js';
import { runDaemon, type DaemonHandle, type DaemonOptions } from '../src/schedule/daemon.js';
import { openRunLock, withRunLock } from '../src/schedule/lock.js';
import { formatLocalTime } from '../src/schedule/runs.js';
import { handleStopSignals } from '../src/schedule/signals.js';
import { captureLog, fakeJobs, FakeTimers, manualClock, type FakeJobsOptions, type JobCall, type LogCapture } from '../src/schedule/testing/harness.js';
import type { JobName, Jobs } from '../src/schedule/types.js';
import { openStore } from '../src/store/sqlite.js';
import type { EvidenceStore, RunKind, RunOutcome } from '../src/store/types.js';

const TZ = 'Europe/Berlin';

interface Env {
  readonly dir: string;
  readonly config: Config;
  readonly clock: ReturnType<typeof manualClock>;
  readonly timers: FakeTimers;
  readonly calls: JobCall[];
  readonly stores: EvidenceStore[];
  readonly daemons: DaemonHandle[];
}

let env: Env | undefined;

afterEach(async () => {
  if (!env) return;
  for (const d of env.daemons) d.abortNow('test ended');
  for (const s of env.stores) s.close();
  rmSync(env.dir, { recursive: true, force: true });
  env = undefined;
});

function setup(start: string, schedule: Record<string, string> = {}, timezone = TZ): Env {
  const dir = mkdtempSync(join(tmpdir(), 'ampaudit-schedule-'));
  const lines = ['org: { id: 123456, name: Acme }', `timezone: ${timezone}`, 'policy: {}', 'store: ./data/evidence.db', 'reports: ./reports'];
  if (Object.keys(schedule).length) lines.push('schedule:', ...Object.entries(schedule).map(([k, v]) => `  ${k}: "${v}"`));
  writeFileSync(join(dir, 'ampaudit.config.yaml'), `${lines.join('\n')}\n`);
  const config = loadConfig({ path: 'ampaudit.config.yaml', env: {}, cwd: dir });
  const clock = manualClock(start);
  env = { dir, config, clock, timers: new FakeTimers(clock), calls: [], stores: [], daemons: [] };
  return env;
}

function openTestStore(e: Env): EvidenceStore {
  const s = openStore(e.config.store);
  e.stores.push(s);
  return s;
}

interface Started {
  readonly daemon: DaemonHandle;
  readonly store: EvidenceStore;
  readonly log: LogCapture;
}

function start(
  e: Env,
  o: { name?: string; minutes?: FakeJobsOptions['minutes']; failing?: FakeJobsOptions['failing']; jobs?: Jobs } & Partial<Omit<DaemonOptions, 'jobs'>> = {},
): Started {
  const { name, minutes, failing, jobs: customJobs, ...rest } = o;
  const store = openTestStore(e);
  const log = captureLog();
  const jobs =
    customJobs ??
    fakeJobs({
      timers: e.timers,
      calls: e.calls,
      daemon: name ?? 'a',
      reports: e.config.reports,
      org: e.config.org,
      ...(minutes ? { minutes } : {}),
      ...(failing ? { failing } : {}),
    });
  const daemon = runDaemon({ config: e.config, store, clock: e.clock, timers: e.timers, jobs, log: log.log, deliverRetry: false, ...rest });
  e.daemons.push(daemon);
  return { daemon, store, log };
}

function addPack(e: Env, period: string): string {
  const dir = join(e.config.reports, orgFolderName(e.config.org), period);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), '{}');
  return dir;
}

function record(store: EvidenceStore, kind: RunKind, at: string, outcome: RunOutcome = 'ok'): number {
  const id = store.startRun(kind, new Date(at));
  store.finishRun(id, new Date(new Date(at).getTime() + 1000), outcome);
  return id;
}

const localCalls = (e: Env, job?: JobName): string[] =>
  e.calls.filter((c) => !job || c.job === job).map((c) => `${c.job}${c.period ? ` ${c.period}` : ''} @ ${formatLocalTime(c.start, TZ)}`);

function expectNoOverlap(calls: readonly JobCall[]): void {
  const sorted = [...calls].sort((a, b) => a.start.localeCompare(b.start));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as JobCall;
    const cur = sorted[i] as JobCall;
    expect(prev.end, `${prev.job} (${prev.daemon}) still running`).toBeDefined();
    expect(cur.start >= (prev.end as string), `${cur.job} (${cur.daemon}) at ${cur.start} overlaps ${prev.job} (${prev.daemon}) until ${prev.end}`).toBe(true);
  }
}

describe('schedule in a non-UTC zone across DST changes', () => {
  it.each([
    {
      name: 'Europe/Berlin spring forward: 02:30 runs at 03:00 on 2026-03-29',
      tz: 'Europe/Berlin',
      from: '2026-03-27T12:00:00Z',
      to: '2026-03-31T12:00:00Z',
      want: ['2026-03-28 02:30:00 +01:00', '2026-03-29 03:00:00 +02:00', '2026-03-30 02:30:00 +02:00', '2026-03-31 02:30:00 +02:00'],
    },
    {
      name: 'Europe/Berlin fall back: 02:30 runs once on 2026-10-25',
      tz: 'Europe/Berlin',
      from: '2026-10-23T12:00:00Z',
      to: '2026-10-27T12:00:00Z',
      want: ['2026-10-24 02:30:00 +02:00', '2026-10-25 02:30:00 +02:00', '2026-10-26 02:30:00 +01:00', '2026-10-27 02:30:00 +01:00'],
    },
    {
      name: 'America/New_York spring forward: 02:30 runs at 03:00 on 2026-03-08',
      tz: 'America/New_York',
      from: '2026-03-06T12:00:00Z',
      to: '2026-03-09T12:00:00Z',
      want: ['2026-03-07 02:30:00 -05:00', '2026-03-08 03:00:00 -04:00', '2026-03-09 02:30:00 -04:00'],
    },
  ])('$name', async ({ tz, from, to, want }) => {
    const e = setup(from, { collect: '30 2 * * *' }, tz);
    start(e, { catchUp: false });
    await e.timers.runUntil(to);
    const collects = e.calls.filter((c) => c.job === 'collect').map((c) => formatLocalTime(c.start, tz));
    expect(collects).toEqual(want);
    // Alerts follow each collect at once (no own schedule).
    expect(e.calls.filter((c) => c.job === 'alerts').map((c) => formatLocalTime(c.start, tz))).toEqual(want);
  });

  it('the quarterly review runs at 07:00 local on April 1 and July 1, for the quarter that ended', async () => {
    const e = setup('2026-03-31T12:00:00Z');
    addPack(e, '2025-Q4');
    start(e, { catchUp: false });
    await e.timers.runUntil('2026-07-02T00:00:00Z');
    expect(localCalls(e, 'review')).toEqual(['review 2026-Q1 @ 2026-04-01 07:00:00 +02:00', 'review 2026-Q2 @ 2026-07-01 07:00:00 +02:00']);
    expect(localCalls(e, 'dormancyNotice')).toEqual([
      'dormancyNotice @ 2026-04-01 08:00:00 +02:00',
      'dormancyNotice @ 2026-05-01 08:00:00 +02:00',
      'dormancyNotice @ 2026-06-01 08:00:00 +02:00',
      'dormancyNotice @ 2026-07-01 08:00:00 +02:00',
    ]);
    // Every day from April 1 to July 2 (02:00 CEST on July 2 is 00:00Z, the end of the run).
    expect(e.calls.filter((c) => c.job === 'collect')).toHaveLength(30 + 31 + 30 + 2);
  });
});

describe('catch-up on start', () => {
  it('after a missed quarter runs exactly one review for it, then nothing on the next start', async () => {
    const e = setup('2026-04-10T10:00:00Z');
    const seed = openTestStore(e);
    record(seed, 'collect', '2026-01-05T01:00:00Z');
    record(seed, 'collect', '2026-03-20T01:00:00Z');
    record(seed, 'dormancy-notice', '2026-03-01T07:00:00Z');
    addPack(e, '2025-Q4');

    const first = start(e);
    await e.timers.runUntil('2026-04-10T11:00:00Z');
    await first.daemon.idle();
    expect(localCalls(e)).toEqual([
      'collect @ 2026-04-10 12:00:00 +02:00',
      'alerts @ 2026-04-10 12:00:00 +02:00',
      'deliver @ 2026-04-10 12:00:00 +02:00',
      'review 2026-Q1 @ 2026-04-10 12:00:00 +02:00',
      'dormancyNotice @ 2026-04-10 12:00:00 +02:00',
      'deliver @ 2026-04-10 12:00:00 +02:00',
    ]);
    const catchUps = first.store.listRuns({ kind: 'catch-up' });
    expect(catchUps).toHaveLength(1);
    expect(catchUps[0]).toMatchObject({ outcome: 'ok' });
    expect((catchUps[0]?.summary as { ran: string[] }).ran).toEqual(['collect', 'alerts', 'deliver', 'review 2026-Q1', 'dormancy-notice', 'deliver']);
    const reviews = first.store.listRuns({ kind: 'review' });
    expect(reviews.map((r) => [r.outcome, (r.summary as { period: string; trigger: string }).period, (r.summary as { trigger: string }).trigger])).toEqual([['ok', '2026-Q1', 'catch-up']]);
    expect(await first.daemon.stop()).toEqual({ interrupted: false });

    e.calls.length = 0;
    const second = start(e);
    await e.timers.runUntil('2026-04-10T11:30:00Z');
    await second.daemon.idle();
    expect(localCalls(e)).toEqual(['deliver @ 2026-04-10 13:00:00 +02:00']);
    expect(second.store.listRuns({ kind: 'catch-up', limit: 1 })[0]).toMatchObject({ outcome: 'ok', summary: { text: 'nothing was missed' } });
    expect(second.store.listRuns({ kind: 'review' })).toHaveLength(1);
  });

  it('a stop during the catch-up lets the current run finish and records what was not run', async () => {
    const e = setup('2026-04-10T10:00:00Z');
    const seed = openTestStore(e);
    record(seed, 'collect', '2026-03-20T01:00:00Z');
    record(seed, 'dormancy-notice', '2026-03-01T07:00:00Z');
    addPack(e, '2025-Q4');
    const s = start(e, { minutes: { collect: 10 }, stopTimeoutMs: 15 * 60_000 });
    await e.timers.runUntil('2026-04-10T10:05:00Z');
    const stopped = s.daemon.stop('received SIGTERM');
    await e.timers.runUntil('2026-04-10T10:30:00Z');
    expect(await stopped).toEqual({ interrupted: false });
    expect(localCalls(e)).toEqual(['collect @ 2026-04-10 12:00:00 +02:00']);
    expect(s.store.listRuns()).toMatchObject([
      { kind: 'collect', outcome: 'ok', finishedAt: '2026-04-10T10:10:00.000Z' },
      { kind: 'catch-up', outcome: 'interrupted', error: 'stopped before: review 2026-Q1, dormancy-notice', finishedAt: '2026-04-10T10:10:00.000Z' },
      { kind: 'dormancy-notice' },
      { kind: 'collect' },
    ]);
  });

  it('stops at a failed review: a later quarter would make the failed one unreachable', async () => {
    const e = setup('2026-07-10T10:00:00Z');
    const seed = openTestStore(e);
    record(seed, 'collect', '2026-07-10T00:00:01Z');
    record(seed, 'dormancy-notice', '2026-07-01T06:00:01Z');
    addPack(e, '2025-Q4');
    const s = start(e, { failing: { review: 'throw' } });
    await e.timers.runUntil('2026-07-10T11:00:00Z');
    await s.daemon.idle();
    expect(localCalls(e)).toEqual(['review 2026-Q1 @ 2026-07-10 12:00:00 +02:00', 'deliver @ 2026-07-10 12:00:00 +02:00']);
    expect(s.store.listRuns({ kind: 'review' })).toMatchObject([{ outcome: 'failed', error: 'review blew up' }]);
    expect(s.store.listRuns({ kind: 'catch-up' })).toMatchObject([{ outcome: 'partial', error: 'a caught-up run did not succeed; see its own record' }]);
  });
});

describe('runs never overlap', () => {
  it('two daemons on one store, started together, produce one review for the quarter', async () => {
    const e = setup('2026-04-10T10:00:00Z');
    const seed = openTestStore(e);
    record(seed, 'collect', '2026-03-20T01:00:00Z');
    record(seed, 'dormancy-notice', '2026-04-01T06:00:01Z');
    addPack(e, '2025-Q4');
    const minutes = { collect: 5, alerts: 1, deliver: 1, review: 10, dormancyNotice: 1 };
    const a = start(e, { name: 'a', minutes });
    const b = start(e, { name: 'b', minutes });
    await e.timers.runUntil('2026-04-10T12:00:00Z');
    await Promise.all([a.daemon.idle(), b.daemon.idle()]);

    expect(e.calls.filter((c) => c.job === 'review').map((c) => c.period)).toEqual(['2026-Q1']);
    expect(e.calls.filter((c) => c.job === 'collect')).toHaveLength(1);
    expectNoOverlap(e.calls);
    expect(seed.listRuns({ kind: 'review' })).toMatchObject([{ outcome: 'ok' }]);
    const catchUps = seed.listRuns({ kind: 'catch-up' }).map((r) => (r.summary as { text: string }).text);
    expect(catchUps.sort()).toEqual(['missed: collect, review 2026-Q1; ran: collect, alerts, deliver, review 2026-Q1, deliver', 'nothing was missed']);
    const waited = [...a.log.lines, ...b.log.lines].filter((l) => l.msg === 'waiting for the run lock');
    expect(waited).toHaveLength(1);
  });

  it('slots due while a run is going wait, then each runs once, one after another', async () => {
    const e = setup('2026-05-09T22:00:00Z', { collect: '0 2 * * *', alerts: '30 2,3 * * *', dormancyNotice: '0 3 * * *' });
    const s = start(e, { catchUp: false, minutes: { collect: 150 } });
    await e.timers.runUntil('2026-05-10T04:00:00Z');
    await s.daemon.idle();
    expect(localCalls(e)).toEqual([
      'collect @ 2026-05-10 02:00:00 +02:00',
      'alerts @ 2026-05-10 04:30:00 +02:00',
      'deliver @ 2026-05-10 04:30:00 +02:00',
      'dormancyNotice @ 2026-05-10 04:30:00 +02:00',
      'deliver @ 2026-05-10 04:30:00 +02:00',
    ]);
    expectNoOverlap(e.calls);
    expect(s.log.lines.filter((l) => l.msg === 'job already waiting; this slot is covered by it').map((l) => l.job)).toEqual(['alerts']);
  });

  it('a due review whose period already has a pack is skipped, and the skip is recorded with the reason', async () => {
    const e = setup('2026-07-01T04:00:00Z');
    addPack(e, '2026-Q1');
    const dir = addPack(e, '2026-Q2');
    const s = start(e, { catchUp: false });
    await e.timers.runUntil('2026-07-01T06:00:00Z');
    await s.daemon.idle();
    expect(e.calls.filter((c) => c.job === 'review')).toEqual([]);
    expect(s.store.listRuns({ kind: 'review' })).toMatchObject([
      { outcome: 'ok', startedAt: '2026-07-01T05:00:00.000Z', summary: { skipped: `2026-Q2 already has a pack (${dir}); a period is reviewed once`, trigger: 'schedule' } },
    ]);
  });
});

describe('stopping', () => {
  const collectAt2 = (): Env => setup('2026-05-09T23:59:00Z'); // 01:59 CEST; the collect slot is 02:00

  it('SIGTERM during a job lets it finish, records it, releases the lock and starts nothing more', async () => {
    const e = collectAt2();
    const s = start(e, { catchUp: false, minutes: { collect: 10 }, stopTimeoutMs: 15 * 60_000 });
    const signals = new EventEmitter();
    const exits: number[] = [];
    handleStopSignals(signals, s.daemon, (code) => exits.push(code));
    await e.timers.runUntil('2026-05-10T00:05:00Z');
    signals.emit('SIGTERM');
    await e.timers.runUntil('2026-05-10T00:30:00Z');
    expect(await s.daemon.done).toEqual({ interrupted: false });
    expect(localCalls(e)).toEqual(['collect @ 2026-05-10 02:00:00 +02:00']);
    expect(s.store.listRuns()).toMatchObject([{ kind: 'collect', outcome: 'ok', startedAt: '2026-05-10T00:00:00.000Z', finishedAt: '2026-05-10T00:10:00.000Z' }]);
    const lock = openRunLock(e.config.store, { clock: e.clock });
    expect(lock.holder()).toBeUndefined();
    lock.close();
    expect(exits).toEqual([]);
    expect(s.log.lines.filter((l) => l.msg === 'job started').map((l) => [l.job, l.trigger])).toEqual([['collect', 'schedule']]);
    const finished = s.log.lines.find((l) => l.msg === 'job finished');
    expect(finished).toMatchObject({ job: 'collect', outcome: 'ok', durationMs: 600_000, trigger: 'schedule' });
  });

  it('a job that outlives the stop timeout is recorded as interrupted', async () => {
    const e = collectAt2();
    const s = start(e, { catchUp: false, minutes: { collect: 10 }, stopTimeoutMs: 60_000 });
    await e.timers.runUntil('2026-05-10T00:05:00Z');
    const stopping = s.daemon.stop('received SIGTERM');
    await e.timers.runUntil('2026-05-10T00:06:00Z');
    expect(await stopping).toEqual({ interrupted: true });
    expect(s.store.listRuns()).toMatchObject([
      { kind: 'collect', outcome: 'interrupted', finishedAt: '2026-05-10T00:06:00.000Z', error: 'received SIGTERM: the run did not finish within 60 s' },
    ]);
    const lock = openRunLock(e.config.store, { clock: e.clock });
    expect(lock.holder()).toBeUndefined();
    lock.close();
    // The job ending later changes nothing.
    await e.timers.runUntil('2026-05-10T00:20:00Z');
    expect(s.store.listRuns()).toMatchObject([{ outcome: 'interrupted' }]);
  });

  it('a second signal records the run as interrupted, releases the lock and exits at once', async () => {
    const e = collectAt2();
    const s = start(e, { catchUp: false, minutes: { collect: 10 } });
    const signals = new EventEmitter();
    const exits: number[] = [];
    handleStopSignals(signals, s.daemon, (code) => exits.push(code));
    await e.timers.runUntil('2026-05-10T00:05:00Z');
    signals.emit('SIGINT');
    signals.emit('SIGTERM');
    expect(exits).toEqual([143]);
    expect(s.store.listRuns()).toMatchObject([{ kind: 'collect', outcome: 'interrupted', error: 'received a second stop signal (SIGTERM)' }]);
    const lock = openRunLock(e.config.store, { clock: e.clock });
    expect(lock.holder()).toBeUndefined();
    lock.close();
  });

  it('an abort signal stops it too', async () => {
    const e = collectAt2();
    const ac = new AbortController();
    const s = start(e, { catchUp: false, signal: ac.signal });
    ac.abort();
    expect(await s.daemon.done).toEqual({ interrupted: false });
    await e.timers.runUntil('2026-05-10T01:00:00Z');
    expect(e.calls).toEqual([]);
  });
});

describe('the run lock', () => {
  it('a stale lock of a dead process on this host is taken over at once', async () => {
    const e = setup('2026-04-10T10:00:00Z');
    openTestStore(e);
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    expect(typeof dead).toBe('number');
    const old = openRunLock(e.config.store, { clock: e.clock, pid: dead as number });
    expect(old.tryAcquire('review')).toEqual({ acquired: true });
    old.close(); // the process "died" holding it, in the middle of a review
    const orphan = e.stores[0]?.startRun('review', e.clock.now()) as number;
    e.clock.advance(1000);
    const s = start(e);
    await e.timers.runUntil('2026-04-10T10:05:00Z');
    await s.daemon.idle();
    const took = s.log.lines.find((l) => l.msg === 'took over a stale run lock');
    expect(took).toMatchObject({ reason: `process ${dead} on ${hostname()} no longer exists`, previous: { pid: dead, job: 'review' } });
    expect(s.store.listRuns({ kind: 'catch-up' })).toMatchObject([{ outcome: 'ok', startedAt: '2026-04-10T10:00:01.000Z' }]);
    expect(s.store.listRuns({ kind: 'review' }).find((r) => r.id === orphan)).toMatchObject({
      outcome: 'interrupted',
      finishedAt: '2026-04-10T10:00:01.000Z',
      error: expect.stringContaining(`whose run lock was taken over (process ${dead} on ${hostname()} no longer exists)`),
    });
  });

  it('a holder process that is alive keeps the lock; once it is gone, the lock is taken over', async () => {
    const e = setup('2026-04-10T10:00:00Z');
    openTestStore(e);
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const holder = openRunLock(e.config.store, { clock: e.clock, pid: child.pid as number });
      expect(holder.tryAcquire('collect').acquired).toBe(true);
      holder.close();
      const s = start(e, { lockPollMs: 5_000 });
      await e.timers.runUntil('2026-04-10T10:01:00Z');
      expect(s.store.listRuns({ kind: 'catch-up' })).toEqual([]);
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      await e.timers.runUntil('2026-04-10T10:01:05Z');
      await s.daemon.idle();
      expect(s.store.listRuns({ kind: 'catch-up' })).toMatchObject([{ outcome: 'ok', startedAt: '2026-04-10T10:01:05.000Z' }]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a lock of another host is taken over only after its heartbeat is older than the limit', async () => {
    const e = setup('2026-04-10T10:00:00Z');
    openTestStore(e);
    const other = openRunLock(e.config.store, { clock: e.clock, host: 'elsewhere', pid: 4242 });
    expect(other.tryAcquire('collect').acquired).toBe(true);
    const s = start(e, { lockPollMs: 5_000 });
    await e.timers.runUntil('2026-04-10T10:20:00Z');
    await s.daemon.idle();
    // Stale when silent for more than 600 s: the first poll after that is at 605 s.
    expect(s.store.listRuns({ kind: 'catch-up' })).toMatchObject([{ startedAt: '2026-04-10T10:10:05.000Z' }]);
    expect(s.log.lines.find((l) => l.msg === 'took over a stale run lock')).toMatchObject({ reason: 'no heartbeat for 605 s (limit 600 s)' });
    expect(other.heartbeat()).toBe(false);
    other.close();
  });

  it('a live holder keeps it while it sends heartbeats', () => {
    const e = setup('2026-04-10T10:00:00Z');
    openTestStore(e);
    const a = openRunLock(e.config.store, { clock: e.clock, host: 'h1', pid: 1 });
    const b = openRunLock(e.config.store, { clock: e.clock, host: 'h2', pid: 2 });
    expect(a.tryAcquire('collect')).toEqual({ acquired: true });
    e.clock.advance(500_000);
    expect(a.heartbeat()).toBe(true);
    e.clock.advance(500_000);
    const r = b.tryAcquire('review');
    expect(r).toMatchObject({ acquired: false, holder: { host: 'h1', job: 'collect', heartbeatAt: '2026-04-10T10:08:20.000Z' } });
    b.release(); // not the holder: no effect
    expect(a.holder()?.owner).toBe(a.owner);
    a.release();
    expect(b.tryAcquire('review')).toEqual({ acquired: true });
    a.close();
    b.close();
  });
});

describe('withRunLock (one-shot commands)', () => {
  it('runs under the lock, refuses while a daemon holds it, and releases it', async () => {
    const e = setup('2026-04-10T10:00:00Z');
    openTestStore(e);
    const daemonLock = openRunLock(e.config.store, { clock: e.clock, host: 'h1', pid: 1 });
    expect(daemonLock.tryAcquire('collect').acquired).toBe(true);
    await expect(withRunLock(e.config.store, 'review', { clock: e.clock, timers: e.timers }, async () => 'ran')).rejects.toThrow(ConflictError);
    daemonLock.release();
    let heldDuring: string | undefined;
    const out = await withRunLock(e.config.store, 'review', { clock: e.clock, timers: e.timers }, async () => {
      heldDuring = daemonLock.holder()?.job;
      return 'ran';
    });
    expect([out, heldDuring, daemonLock.holder()]).toEqual(['ran', 'review', undefined]);
    expect(e.timers.size).toBe(0);
    daemonLock.close();
  });
});

describe('jobs that record their own runs', () => {
  it('are not recorded twice; one that throws before recording is still recorded as failed', async () => {
    const e = setup('2026-05-09T23:59:00Z');
    const store = openTestStore(e);
    let n = 0;
    const base = fakeJobs({ timers: e.timers, calls: e.calls, reports: e.config.reports, org: e.config.org });
    const jobs: Jobs = {
      ...base,
      recordsOwnRuns: ['collect'],
      async collect(at) {
        if (n++ === 1) throw new Error('the config file cannot be read');
        const id = store.startRun('collect', at);
        store.finishRun(id, at, 'partial', { error: 'scim: 503' });
        return { outcome: 'partial', summary: '1 of 2 sources', runId: id };
      },
    };
    const s = start(e, { catchUp: false, jobs });
    await e.timers.runUntil('2026-05-11T01:00:00Z');
    await s.daemon.idle();
    const runs = s.store.listRuns({ kind: 'collect' });
    expect(runs.map((r) => [r.startedAt, r.outcome, r.error])).toEqual([
      ['2026-05-11T00:00:00.000Z', 'failed', 'the config file cannot be read'],
      ['2026-05-10T00:00:00.000Z', 'partial', 'scim: 503'],
    ]);
    expect(s.log.lines.filter((l) => l.msg === 'job finished' && l.job === 'collect').map((l) => [l.outcome, l.runId])).toEqual([
      ['partial', runs[1]?.id],
      ['failed', runs[0]?.id],
    ]);
  });
});
