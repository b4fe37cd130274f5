/**
 * Test seams for the scheduler: timers driven by a manual clock (no global fake time, no real
 * waiting), fake jobs that take fake time and write pack folders, and a log capture.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { manualClock } from '../../clock.js';
import { createLogger, type Logger } from '../../log.js';
import { orgFolderName } from '../../pack/archive.js';
import { ok, type JobName, type JobOutcome, type Jobs, type Timers } from '../types.js';

export type ManualClock = ReturnType<typeof manualClock>;

interface Pending {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/** Lets every promise chain that does not wait on real I/O run to its end. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

export class FakeTimers implements Timers {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(readonly clock: ManualClock) {}

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { id, at: this.clock.now().getTime() + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Fires the timers due up to `until` in time order (ties in the order they were set), moving
   * the clock to each one's time and letting promises settle in between; leaves the clock at `until`.
   */
  async runUntil(until: Date | string): Promise<void> {
    const end = new Date(until).getTime();
    for (let guard = 0; guard < 1_000_000; guard++) {
      await settle();
      let next: Pending | undefined;
      for (const p of this.pending.values()) if (p.at <= end && (!next || p.at < next.at || (p.at === next.at && p.id < next.id))) next = p;
      if (!next) {
        if (this.clock.now().getTime() < end) this.clock.set(new Date(end));
        await settle();
        return;
      }
      this.pending.delete(next.id);
      if (next.at > this.clock.now().getTime()) this.clock.set(new Date(next.at));
      next.fn();
    }
    throw new Error('FakeTimers.runUntil: too many timers (a loop?)');
  }

  /** A promise resolved after `ms` of fake time. */
  sleep(ms: number): Promise<void> {
    return new Promise((r) => this.setTimeout(r, ms));
  }
}

export interface JobCall {
  readonly job: JobName;
  readonly daemon: string;
  readonly start: string;
  end?: string;
  readonly period?: string;
}

export interface FakeJobsOptions {
  readonly timers: FakeTimers;
  /** Shared between daemons, to see every call in order. */
  readonly calls: JobCall[];
  readonly daemon?: string;
  /** Fake minutes each job takes. */
  readonly minutes?: Partial<Record<JobName, number>>;
  /** Where a review "writes" its pack (a folder is enough for the archive listing). */
  readonly reports: string;
  readonly org: { readonly id: string; readonly name: string };
  /** Make a job fail (return failed) or throw. */
  readonly failing?: Partial<Record<JobName, 'fail' | 'throw'>>;
}

export function fakeJobs(o: FakeJobsOptions): Jobs {
  const run = async (job: JobName, at: Date, period?: string): Promise<JobOutcome> => {
    const call: JobCall = { job, daemon: o.daemon ?? 'a', start: at.toISOString(), ...(period ? { period } : {}) };
    o.calls.push(call);
    const minutes = o.minutes?.[job] ?? 0;
    if (minutes > 0) await o.timers.sleep(minutes * 60_000);
    call.end = o.timers.clock.now().toISOString();
    const failing = o.failing?.[job];
    if (failing === 'throw') throw new Error(`${job} blew up`);
    if (failing === 'fail') return { outcome: 'failed', summary: `${job} failed`, error: `${job} failed on purpose` };
    if (job === 'review' && period) {
      const dir = join(o.reports, orgFolderName(o.org), period);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'manifest.json'), '{}');
      return ok(`${period} pack written`, { dir });
    }
    return ok(`${job} done`);
  };
  return {
    collect: (at) => run('collect', at),
    alerts: (at) => run('alerts', at),
    dormancyNotice: (at) => run('dormancyNotice', at),
    review: (period, at) => run('review', at, period),
    deliver: (at) => run('deliver', at),
  };
}

export interface LogCapture {
  readonly log: Logger;
  /** Parsed JSON lines. */
  readonly lines: Record<string, unknown>[];
}

export function captureLog(): LogCapture {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: createLogger({ destination, level: 'info' }), lines };
}

export { manualClock };
