/**
 * The scheduler daemon (`ampaudit schedule`).
 *
 * Time: the cron expressions of `config.schedule` are evaluated in `config.timezone` by cron.ts;
 * the daemon sleeps on an injected `setTimeout`-like timer until the next slot (at most an hour
 * at a time, so a clock change or a suspended machine is noticed) and reads the injected clock.
 * Tests drive it with a manual clock and fake timers; production passes Node's timers. (node-cron
 * is not used for the triggers: its real timers could not be fast-forwarded, and one code path
 * for tests and production is worth more than the few lines it would save.)
 *
 * Order: one queue, one run at a time. A slot that comes due while another run is going waits
 * and then runs once (a job already waiting is not queued twice). Each queued task runs under the
 * store's run lock (lock.ts), so two daemons on one store never run at the same time either;
 * after taking the lock a task re-checks whether its work was already done (a run of the same job
 * since its slot, or — for a review — a pack in the archive) and then records a skip instead.
 *
 * Chains: a collect is followed by alerts (unless `schedule.alerts` gives them their own times)
 * and a review, dormancy notice or alerts run by a delivery of the outbox, all under one lock.
 *
 * Start: a catch-up run (kind `catch-up`) plans what was missed while down (plan.ts) and runs it.
 *
 * Stop (stop(), the abort signal, SIGTERM via signals.ts): nothing new starts, the current run may
 * finish; after `stopTimeoutMs` it is recorded as interrupted. Then the lock is released and
 * `done` resolves.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { EvidenceStore, RunKind, RunRecord } from '../store/types.js';
import { archiveOf, type PackArchive } from './archive.js';
import { scheduleSpecOf } from './config.js';
import { nextRun, parseCron, type CronSchedule } from './cron.js';
import { openRunLock, type LockHolder, type RunLock } from './lock.js';
import { planCatchUp, reviewPeriodsDue, type CatchUpPlan } from './plan.js';
import { failed, isSkip, RUN_KIND, type JobName, type JobOutcome, type Jobs, type Timers } from './types.js';

export interface DaemonOptions {
  readonly config: Config;
  readonly store: EvidenceStore;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly jobs: Jobs;
  readonly log: Logger;
  /** Aborting it stops the daemon gracefully (like stop()). */
  readonly signal?: AbortSignal;
  /** Default: the lock in the store's SQLite file (closed by the daemon when it stops). */
  readonly lock?: RunLock;
  /** Default: the archive under `config.reports`. */
  readonly archive?: PackArchive;
  /** Run the catch-up at start (default true). */
  readonly catchUp?: boolean;
  /** How long a stop waits for the current run before recording it as interrupted (default 60 s). */
  readonly stopTimeoutMs?: number;
  /** How often to retry a lock held by another daemon (default 5 s). */
  readonly lockPollMs?: number;
  /** Heartbeat of a held lock (default 30 s). */
  readonly heartbeatMs?: number;
  /** When to retry the outbox besides after each mail-producing run (default hourly at :15); false: never. */
  readonly deliverRetry?: string | false;
  /** Longest single sleep (default 1 h). */
  readonly maxSleepMs?: number;
}

export interface DaemonResult {
  /** A run was cut off by the stop timeout (or a forced stop) and recorded as interrupted. */
  readonly interrupted: boolean;
}

export interface DaemonHandle {
  /** Stops scheduling, lets the current run finish (up to the stop timeout), releases the lock. */
  stop(reason?: string): Promise<DaemonResult>;
  /** Immediate stop (a second signal): records the current run as interrupted and releases the lock, synchronously. */
  abortNow(reason?: string): void;
  /** Resolves once nothing runs and nothing is queued (or the daemon stopped). For tests. */
  idle(): Promise<void>;
  readonly done: Promise<DaemonResult>;
  /** The next slot of every trigger, soonest first. */
  upcoming(): { readonly job: TriggerName; readonly at: Date }[];
}

export type TriggerName = 'collect' | 'alerts' | 'dormancyNotice' | 'review' | 'deliver';
type TaskName = TriggerName | 'catchUp';
type Trigger = 'schedule' | 'catch-up' | 'after-collect' | 'after-mail';

interface Task {
  readonly name: TaskName;
  readonly slot: Date;
}

interface CurrentRun {
  readonly job: JobName;
  readonly kind: RunKind;
  readonly runId: number | undefined;
  readonly started: Date;
  readonly trigger: Trigger;
  interrupted: boolean;
}

const DEFAULTS = {
  stopTimeoutMs: 60_000,
  lockPollMs: 5_000,
  heartbeatMs: 30_000,
  deliverRetry: '15 * * * *',
  maxSleepMs: 3_600_000,
};

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function completed(r: RunRecord): boolean {
  return (r.outcome === 'ok' || r.outcome === 'partial') && !isSkip(r);
}

/**
 * Starts the daemon. Throws InputError (naming `schedule.<job>`) for a bad expression before
 * anything runs. The catch-up and the first slots start after this returns.
 */
export function runDaemon(o: DaemonOptions): DaemonHandle {
  const { config, store, clock, timers, jobs, log } = o;
  const spec = scheduleSpecOf(config);
  const tz = spec.timeZone;
  const fy = config.fiscalYearStartMonth;
  const stopTimeoutMs = o.stopTimeoutMs ?? DEFAULTS.stopTimeoutMs;
  const lockPollMs = o.lockPollMs ?? DEFAULTS.lockPollMs;
  const heartbeatMs = o.heartbeatMs ?? DEFAULTS.heartbeatMs;
  const maxSleepMs = o.maxSleepMs ?? DEFAULTS.maxSleepMs;
  const deliverRetry = o.deliverRetry ?? DEFAULTS.deliverRetry;
  const archive = o.archive ?? archiveOf(config);
  const selfRecorded = new Set<JobName>(jobs.recordsOwnRuns ?? []);

  const triggers: { name: TriggerName; schedule: CronSchedule; next: Date | null }[] = [];
  const addTrigger = (name: TriggerName, schedule: CronSchedule): void => {
    triggers.push({ name, schedule, next: nextRun(schedule, tz, clock.now()) });
  };
  addTrigger('collect', spec.collect);
  if (spec.alerts) addTrigger('alerts', spec.alerts);
  addTrigger('dormancyNotice', spec.dormancyNotice);
  addTrigger('review', spec.review);
  if (deliverRetry !== false) addTrigger('deliver', parseCron(deliverRetry));
  // Opened last: nothing above may fail and leave it open.
  const ownsLock = o.lock === undefined;
  const lock = o.lock ?? openRunLock(store.path, { clock });

  const queue: Task[] = [];
  let working = false;
  let stopping = false;
  let stopped = false;
  let current: CurrentRun | undefined;
  let catchUpRunId: number | undefined;
  /** While a catch-up runs: the runs it completed (`collect`, `review 2026-Q1`, ...). */
  let catchUpLog: string[] | undefined;
  let wakeTimer: unknown;
  let stopTimer: unknown;
  let heartbeatTimer: unknown;
  let lockHeld = false;
  const sleepers = new Set<{ handle: unknown; resolve: (woke: boolean) => void }>();
  const idleWaiters: (() => void)[] = [];
  let resolveDone!: (r: DaemonResult) => void;
  const done = new Promise<DaemonResult>((r) => (resolveDone = r));

  // ---- timers -------------------------------------------------------------------------------

  const sleep = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const entry = {
        handle: undefined as unknown,
        resolve: (woke: boolean) => {
          sleepers.delete(entry);
          resolve(woke);
        },
      };
      entry.handle = timers.setTimeout(() => entry.resolve(true), ms);
      sleepers.add(entry);
    });

  const arm = (): void => {
    if (stopping) return;
    const now = clock.now().getTime();
    let due = Infinity;
    for (const t of triggers) if (t.next && t.next.getTime() < due) due = t.next.getTime();
    if (due === Infinity) {
      log.warn('no schedule fires again; the scheduler only waits for a stop');
      return;
    }
    wakeTimer = timers.setTimeout(wake, Math.max(0, Math.min(due - now, maxSleepMs)));
  };

  function wake(): void {
    wakeTimer = undefined;
    if (stopping) return;
    const now = clock.now();
    for (const t of triggers) {
      if (t.next && t.next.getTime() <= now.getTime()) {
        enqueue({ name: t.name, slot: t.next });
        // Slots missed in a long sleep (a suspended machine) collapse into this one run.
        t.next = nextRun(t.schedule, tz, now);
      }
    }
    arm();
  }

  const enqueue = (task: Task): void => {
    if (stopping) return;
    if (queue.some((q) => q.name === task.name)) {
      log.info({ job: task.name, slot: task.slot.toISOString() }, 'job already waiting; this slot is covered by it');
      return;
    }
    queue.push(task);
    void Promise.resolve().then(drain);
  };

  // ---- the lock -----------------------------------------------------------------------------

  const beat = (): void => {
    heartbeatTimer = undefined;
    if (!lockHeld) return;
    try {
      if (!lock.heartbeat()) log.error({ owner: lock.owner }, 'the run lock was taken over by another process while this run was going');
    } catch (err) {
      log.error({ error: errorText(err) }, 'could not refresh the run lock');
    }
    heartbeatTimer = timers.setTimeout(beat, heartbeatMs);
  };

  /** Runs left `running` by the holder whose lock was taken over: that process will not finish them. */
  const closeOrphanedRuns = (holder: LockHolder, reason: string): void => {
    const since = Date.parse(holder.acquiredAt);
    const now = clock.now();
    for (const r of store.listRuns({ limit: 100 })) {
      if (r.outcome !== 'running' || !(Date.parse(r.startedAt) >= since)) continue;
      store.finishRun(r.id, now, 'interrupted', { error: `left unfinished by ${holder.owner}, whose run lock was taken over (${reason})` });
      log.warn({ job: r.kind, runId: r.id, previous: holder.owner }, 'recorded an orphaned run as interrupted');
    }
  };

  const acquire = async (job: string): Promise<boolean> => {
    let waitingLogged = false;
    while (!stopping) {
      const r = lock.tryAcquire(job);
      if (r.acquired) {
        if (r.tookOver) {
          log.warn({ previous: r.tookOver.holder, reason: r.tookOver.reason }, 'took over a stale run lock');
          closeOrphanedRuns(r.tookOver.holder, r.tookOver.reason);
        }
        lockHeld = true;
        heartbeatTimer = timers.setTimeout(beat, heartbeatMs);
        return true;
      }
      if (!waitingLogged) {
        log.info({ job, holder: r.holder?.owner, reason: r.reason }, 'waiting for the run lock');
        waitingLogged = true;
      }
      if (!(await sleep(lockPollMs))) return false;
    }
    return false;
  };

  const release = (): void => {
    if (heartbeatTimer !== undefined) timers.clearTimeout(heartbeatTimer);
    heartbeatTimer = undefined;
    if (!lockHeld) return;
    lockHeld = false;
    try {
      lock.release();
    } catch (err) {
      log.error({ error: errorText(err) }, 'could not release the run lock');
    }
  };

  // ---- recording ----------------------------------------------------------------------------

  const recordSkip = (job: JobName, reason: string, trigger: Trigger, extra: Record<string, unknown> = {}): void => {
    const now = clock.now();
    const kind = RUN_KIND[job];
    const id = store.startRun(kind, now);
    store.finishRun(id, now, 'ok', { summary: { skipped: reason, trigger, ...extra } });
    log.info({ job: kind, runId: id, trigger, reason, ...extra }, 'job skipped');
  };

  /** Runs one job and records it. Returns undefined when it was interrupted by a stop. */
  const runJob = async (job: JobName, trigger: Trigger, call: (at: Date) => Promise<JobOutcome>, extra: Record<string, unknown> = {}): Promise<JobOutcome | undefined> => {
    const kind = RUN_KIND[job];
    const started = clock.now();
    const own = selfRecorded.has(job);
    const runId = own ? undefined : store.startRun(kind, started);
    const cur: CurrentRun = { job, kind, runId, started, trigger, interrupted: false };
    current = cur;
    log.info({ job: kind, runId, trigger, ...extra }, 'job started');
    let result: JobOutcome;
    try {
      result = await call(started);
    } catch (err) {
      result = failed(errorText(err));
    }
    current = undefined;
    if (cur.interrupted) return undefined;
    const finished = clock.now();
    const details = {
      ...(result.error ? { error: result.error } : {}),
      summary: { text: result.summary, trigger, ...extra, ...(result.details ? { details: result.details } : {}) },
    };
    let recordedId = result.runId ?? runId;
    if (runId !== undefined) store.finishRun(runId, finished, result.outcome, details);
    else if (result.runId === undefined) {
      // A self-recording job that failed before recording: the run still goes into the table.
      recordedId = store.startRun(kind, started);
      store.finishRun(recordedId, finished, result.outcome, details);
    }
    const line = {
      job: kind,
      runId: recordedId,
      trigger,
      ...extra,
      outcome: result.outcome,
      durationMs: finished.getTime() - started.getTime(),
      summary: result.summary,
      ...(result.error ? { error: result.error } : {}),
    };
    catchUpLog?.push(typeof extra.period === 'string' ? `${kind} ${extra.period}` : kind);
    if (result.outcome === 'failed') log.error(line, 'job finished');
    else log.info(line, 'job finished');
    return result;
  };

  const interruptCurrent = (reason: string): boolean => {
    const now = clock.now();
    let interrupted = false;
    const cur = current;
    if (cur && !cur.interrupted) {
      cur.interrupted = true;
      interrupted = true;
      let id = cur.runId;
      if (id === undefined) {
        // The job records its own run: close the one it left running.
        id = store.listRuns({ kind: cur.kind, limit: 5 }).find((r) => r.outcome === 'running' && Date.parse(r.startedAt) >= cur.started.getTime())?.id;
      }
      if (id === undefined) id = store.startRun(cur.kind, cur.started);
      store.finishRun(id, now, 'interrupted', { error: reason, summary: { text: 'interrupted', trigger: cur.trigger } });
      log.warn({ job: cur.kind, runId: id, reason, durationMs: now.getTime() - cur.started.getTime() }, 'job interrupted');
    }
    if (catchUpRunId !== undefined) {
      store.finishRun(catchUpRunId, now, 'interrupted', { error: reason });
      catchUpRunId = undefined;
    }
    return interrupted;
  };

  // ---- what is due --------------------------------------------------------------------------

  const lastDone = (job: JobName): RunRecord | undefined => store.listRuns({ kind: RUN_KIND[job], limit: 50 }).find(completed);

  const doneSince = (job: JobName, slot: Date): RunRecord | undefined => {
    const r = lastDone(job);
    return r && Date.parse(r.startedAt) >= slot.getTime() ? r : undefined;
  };

  const firstCollectAt = (): Date | undefined => {
    const collects = store.listRuns({ kind: 'collect' }).filter(completed);
    const first = collects[collects.length - 1];
    return first ? new Date(first.startedAt) : undefined;
  };

  const catchUpPlan = (now: Date): CatchUpPlan => {
    const last: Partial<Record<JobName, Date>> = {};
    for (const job of ['collect', 'alerts', 'dormancyNotice'] as const) {
      const r = lastDone(job);
      if (r) last[job] = new Date(r.startedAt);
    }
    const first = firstCollectAt();
    return planCatchUp({
      now,
      timeZone: tz,
      fiscalYearStartMonth: fy,
      schedules: spec,
      lastDone: last,
      packs: archive.periodsWithPack(),
      ...(first ? { firstCollectAt: first } : {}),
    });
  };

  // ---- job chains ---------------------------------------------------------------------------

  const deliver = (trigger: Trigger): Promise<JobOutcome | undefined> => runJob('deliver', trigger, (at) => jobs.deliver(at));

  /** Collect, then (default) alerts and a delivery of what they queued. */
  const collectChain = async (trigger: Trigger): Promise<JobOutcome[]> => {
    const out: JobOutcome[] = [];
    const c = await runJob('collect', trigger, (at) => jobs.collect(at));
    if (!c) return out;
    out.push(c);
    if (spec.alerts || stopping) return out;
    const a = await runJob('alerts', 'after-collect', (at) => jobs.alerts(at));
    if (!a) return out;
    out.push(a);
    if (!stopping) {
      const d = await deliver('after-mail');
      if (d) out.push(d);
    }
    return out;
  };

  /**
   * Reviews `periods` oldest first. Stops at the first failure: the archive refuses a period
   * older than its newest pack, so reviewing a later quarter would make the failed one unreachable.
   */
  const reviewChain = async (periods: readonly string[], trigger: Trigger): Promise<JobOutcome[]> => {
    const results: JobOutcome[] = [];
    for (const [i, period] of periods.entries()) {
      if (stopping) return results;
      const existing = archive.periodsWithPack().get(period);
      if (existing) {
        recordSkip('review', `${period} already has a pack (${existing}); a period is reviewed once`, trigger, { period });
        continue;
      }
      const r = await runJob('review', trigger, (at) => jobs.review(period, at), { period });
      if (!r) return results;
      results.push(r);
      if (r.outcome === 'failed') {
        const later = periods.slice(i + 1);
        if (later.length) log.warn({ period, waiting: later }, 'review failed; later quarters wait until it succeeds');
        return results;
      }
    }
    return results;
  };

  const catchUp = async (): Promise<void> => {
    const started = clock.now();
    const id = store.startRun('catch-up', started);
    catchUpRunId = id;
    const plan = catchUpPlan(started);
    log.info({ runId: id, plan }, 'catch-up started');
    const planned = [
      ...(plan.collect ? ['collect'] : []),
      ...plan.reviews.map((p) => `review ${p}`),
      ...(plan.dormancyNotice ? ['dormancy-notice'] : []),
      ...(plan.alerts ? ['alerts'] : []),
    ];
    const ran: string[] = [];
    catchUpLog = ran;
    const results: JobOutcome[] = [];
    if (plan.collect) results.push(...(await collectChain('catch-up')));
    if (plan.reviews.length && !stopping) results.push(...(await reviewChain(plan.reviews, 'catch-up')));
    if (plan.dormancyNotice && !stopping) {
      const r = await runJob('dormancyNotice', 'catch-up', (at) => jobs.dormancyNotice(at));
      if (r) results.push(r);
    }
    if (plan.alerts && !stopping) {
      const r = await runJob('alerts', 'catch-up', (at) => jobs.alerts(at));
      if (r) results.push(r);
    }
    // Always: what the outbox kept from before the restart goes out now.
    if (!stopping) {
      const r = await deliver('catch-up');
      if (r) results.push(r);
    }
    catchUpLog = undefined;
    if (catchUpRunId === undefined) return; // already recorded as interrupted
    catchUpRunId = undefined;
    const finished = clock.now();
    const notRun = planned.filter((p) => !ran.includes(p) && !(p.startsWith('review ') && archive.periodsWithPack().has(p.slice(7))));
    const anyFailed = results.some((r) => r.outcome !== 'ok');
    const interrupted = stopping && notRun.length > 0;
    const text = planned.length ? `missed: ${planned.join(', ')}; ran: ${ran.join(', ') || 'none'}` : 'nothing was missed';
    store.finishRun(id, finished, interrupted ? 'interrupted' : anyFailed ? 'partial' : 'ok', {
      ...(interrupted ? { error: `stopped before: ${notRun.join(', ')}` } : anyFailed ? { error: 'a caught-up run did not succeed; see its own record' } : {}),
      summary: { text, plan, ran, ...(notRun.length ? { notRun } : {}) },
    });
    log.info({ runId: id, missed: planned, ran, notRun, durationMs: finished.getTime() - started.getTime() }, 'catch-up finished');
  };

  const runTask = async (task: Task): Promise<void> => {
    const job = task.name === 'catchUp' ? 'catch-up' : RUN_KIND[task.name];
    if (!(await acquire(job))) return;
    try {
      switch (task.name) {
        case 'catchUp':
          await catchUp();
          return;
        case 'collect': {
          const prior = doneSince('collect', task.slot);
          if (prior) recordSkip('collect', `a collect already ran for the ${task.slot.toISOString()} slot (run ${prior.id} at ${prior.startedAt})`, 'schedule');
          else await collectChain('schedule');
          return;
        }
        case 'alerts':
        case 'dormancyNotice': {
          const name = task.name;
          const prior = doneSince(name, task.slot);
          if (prior) {
            recordSkip(name, `already ran for the ${task.slot.toISOString()} slot (run ${prior.id} at ${prior.startedAt})`, 'schedule');
            return;
          }
          const r = await runJob(name, 'schedule', (at) => jobs[name](at));
          if (r && !stopping) await deliver('after-mail');
          return;
        }
        case 'review': {
          const first = firstCollectAt();
          const plan = reviewPeriodsDue({
            ref: task.slot,
            timeZone: tz,
            fiscalYearStartMonth: fy,
            packs: archive.periodsWithPack(),
            ...(first ? { firstCollectAt: first } : {}),
          });
          if (plan.due.length === 0) {
            recordSkip('review', plan.reason ?? 'no quarter is due', 'schedule');
            return;
          }
          const r = await reviewChain(plan.due, 'schedule');
          if (r.length && !stopping) await deliver('after-mail');
          return;
        }
        case 'deliver':
          await deliver('schedule');
          return;
      }
    } finally {
      release();
    }
  };

  async function drain(): Promise<void> {
    if (working || stopped) return;
    working = true;
    try {
      while (!stopping && queue.length > 0) {
        const task = queue.shift() as Task;
        try {
          await runTask(task);
        } catch (err) {
          // Only the store or the lock failing gets here (jobs' errors are outcomes).
          log.error({ job: task.name, error: errorText(err) }, 'scheduler error; the run was not completed');
        }
      }
    } finally {
      working = false;
      if (stopping) finishStop(false);
      else if (queue.length === 0) wakeIdle();
    }
  }

  // ---- idle and stop ------------------------------------------------------------------------

  const wakeIdle = (): void => {
    for (const w of idleWaiters.splice(0)) w();
  };

  const idle = (): Promise<void> =>
    new Promise((resolve) => {
      if (stopped || (!working && queue.length === 0)) resolve();
      else idleWaiters.push(resolve);
    });

  function finishStop(interrupted: boolean): void {
    if (stopped) return;
    stopped = true;
    if (stopTimer !== undefined) timers.clearTimeout(stopTimer);
    release();
    if (ownsLock) {
      try {
        lock.close();
      } catch {
        // closing a read connection cannot lose data
      }
    }
    o.signal?.removeEventListener('abort', onAbort);
    log.info({ interrupted }, 'scheduler stopped');
    wakeIdle();
    resolveDone({ interrupted });
  }

  const stop = (reason = 'stop requested'): Promise<DaemonResult> => {
    if (stopping) return done;
    stopping = true;
    if (wakeTimer !== undefined) timers.clearTimeout(wakeTimer);
    wakeTimer = undefined;
    queue.length = 0;
    for (const s of [...sleepers]) {
      timers.clearTimeout(s.handle);
      s.resolve(false);
    }
    log.info({ reason, running: current?.kind }, current ? 'stopping: the current run may finish' : 'stopping');
    if (working) {
      stopTimer = timers.setTimeout(() => {
        stopTimer = undefined;
        const cut = interruptCurrent(`${reason}: the run did not finish within ${Math.round(stopTimeoutMs / 1000)} s`);
        finishStop(cut);
      }, stopTimeoutMs);
    } else finishStop(false);
    return done;
  };

  const abortNow = (reason = 'forced stop'): void => {
    if (stopped) return;
    if (!stopping) void stop(reason);
    if (stopped) return;
    const cut = interruptCurrent(reason);
    finishStop(cut);
  };

  function onAbort(): void {
    void stop('abort signal');
  }

  // ---- start --------------------------------------------------------------------------------

  const upcoming = (): { job: TriggerName; at: Date }[] =>
    triggers
      .filter((t): t is typeof t & { next: Date } => t.next !== null)
      .map((t) => ({ job: t.name, at: t.next }))
      .sort((a, b) => a.at.getTime() - b.at.getTime());

  log.info({ timeZone: tz, lock: lock.owner, next: upcoming().map((u) => ({ job: u.job, at: u.at.toISOString() })) }, 'scheduler started');
  if (o.catchUp !== false) enqueue({ name: 'catchUp', slot: clock.now() });
  arm();
  if (o.signal) {
    if (o.signal.aborted) void stop('abort signal');
    else o.signal.addEventListener('abort', onAbort, { once: true });
  }

  return { stop, abortNow, idle, done, upcoming };
}
