/**
 * The run lock: at most one scheduled run at a time per evidence store, across processes.
 *
 * It lives in the store's own SQLite file, in a one-row table `schedule_lock` (created on first
 * use by this module's own small connection, outside the store's numbered migrations, so the lock
 * never depends on, or changes, the evidence schema). Taking it is a `BEGIN IMMEDIATE`
 * transaction: read the row, and write ours if there is none, it is ours, or it is stale. SQLite's
 * write lock makes that read-then-write atomic between processes, and the file is already where
 * every daemon of that store looks — a lock file beside it would need its own crash handling.
 *
 * The holder refreshes `heartbeat_at` while it runs. A lock is stale, and taken over, when
 * - its holder is a process on this host that no longer exists (checked with signal 0), or
 * - its heartbeat is older than `staleAfterMs` (default 10 minutes; for holders on other hosts,
 *   whose pid cannot be checked). The default is far above the heartbeat interval because a
 *   long synchronous step (SQLite ingest, PDF rendering) can delay a heartbeat.
 * A takeover is logged by the caller with the previous holder.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import { ConflictError } from '../errors.js';
import { processAlive } from '../pid.js';
import { systemTimers, type Timers } from './types.js';

export interface LockHolder {
  readonly owner: string;
  readonly pid: number;
  readonly host: string;
  readonly job: string;
  readonly acquiredAt: string;
  readonly heartbeatAt: string;
}

export type AcquireResult =
  | { readonly acquired: true; readonly tookOver?: { readonly holder: LockHolder; readonly reason: string } }
  | { readonly acquired: false; readonly holder?: LockHolder; readonly reason: string };

export interface RunLock {
  /** This lock user's id: `<host>:<pid>:<random>`. */
  readonly owner: string;
  /** Takes the lock for `job` if it is free, ours or stale. Never waits. */
  tryAcquire(job: string): AcquireResult;
  /** Refreshes the heartbeat; false when the lock is no longer ours (it was taken over). */
  heartbeat(): boolean;
  /** Gives the lock up (no-op when not held). */
  release(): void;
  /** The current holder, if any. */
  holder(): LockHolder | undefined;
  close(): void;
}

export interface LockOptions {
  readonly clock: Clock;
  /** A holder without a heartbeat for this long is stale (default 10 minutes). */
  readonly staleAfterMs?: number;
  readonly pid?: number;
  readonly host?: string;
  /** Whether a process on this host exists (default: `process.kill(pid, 0)`). */
  readonly isAlive?: (pid: number) => boolean;
  /** How long to wait for SQLite's write lock, ms (default 2 s). */
  readonly busyTimeoutMs?: number;
}

export const DEFAULT_STALE_AFTER_MS = 10 * 60_000;
const LOCK_NAME = 'runs';

export { processAlive };

function newOwner(host: string, pid: number): string {
  return `${host}:${pid}:${randomBytes(4).toString('hex')}`;
}

interface Row {
  owner: string;
  pid: number;
  host: string;
  job: string;
  acquired_at: string;
  heartbeat_at: string;
}

function toHolder(r: Row): LockHolder {
  return { owner: r.owner, pid: r.pid, host: r.host, job: r.job, acquiredAt: r.acquired_at, heartbeatAt: r.heartbeat_at };
}

/** Why `holder` may be taken over, or undefined while it is live. */
export function staleReason(holder: LockHolder, now: Date, me: { host: string; staleAfterMs: number; isAlive: (pid: number) => boolean }): string | undefined {
  if (holder.host === me.host && !me.isAlive(holder.pid)) return `process ${holder.pid} on ${holder.host} no longer exists`;
  const beat = Date.parse(holder.heartbeatAt);
  if (!Number.isFinite(beat)) return 'its heartbeat time is unreadable';
  const silentMs = now.getTime() - beat;
  if (silentMs > me.staleAfterMs) return `no heartbeat for ${Math.round(silentMs / 1000)} s (limit ${Math.round(me.staleAfterMs / 1000)} s)`;
  return undefined;
}

class SqliteRunLock implements RunLock {
  readonly owner: string;
  private readonly db: Database.Database;
  private readonly host: string;
  private readonly pid: number;
  private readonly staleAfterMs: number;
  private readonly isAlive: (pid: number) => boolean;
  private readonly clock: Clock;

  constructor(path: string, o: LockOptions) {
    this.clock = o.clock;
    this.host = o.host ?? hostname();
    this.pid = o.pid ?? process.pid;
    this.owner = newOwner(this.host, this.pid);
    this.staleAfterMs = o.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    this.isAlive = o.isAlive ?? processAlive;
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { timeout: o.busyTimeoutMs ?? 2_000 });
    try {
      this.db.exec(`CREATE TABLE IF NOT EXISTS schedule_lock (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        job TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
      )`);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  private row(): Row | undefined {
    return this.db.prepare<[string], Row>('SELECT owner, pid, host, job, acquired_at, heartbeat_at FROM schedule_lock WHERE name = ?').get(LOCK_NAME);
  }

  tryAcquire(job: string): AcquireResult {
    const take = this.db.transaction((): AcquireResult => {
      const now = this.clock.now();
      const current = this.row();
      let tookOver: { holder: LockHolder; reason: string } | undefined;
      if (current && current.owner !== this.owner) {
        const holder = toHolder(current);
        const reason = staleReason(holder, now, { host: this.host, staleAfterMs: this.staleAfterMs, isAlive: this.isAlive });
        if (!reason) return { acquired: false, holder, reason: `held by ${holder.owner} (${holder.job}) since ${holder.acquiredAt}` };
        tookOver = { holder, reason };
      }
      const t = now.toISOString();
      this.db
        .prepare(
          `INSERT INTO schedule_lock (name, owner, pid, host, job, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host, job = excluded.job,
             acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`,
        )
        .run(LOCK_NAME, this.owner, this.pid, this.host, job, t, t);
      return tookOver ? { acquired: true, tookOver } : { acquired: true };
    });
    try {
      return take.immediate();
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_BUSY') return { acquired: false, reason: 'the store is busy' };
      throw err;
    }
  }

  heartbeat(): boolean {
    const info = this.db
      .prepare('UPDATE schedule_lock SET heartbeat_at = ? WHERE name = ? AND owner = ?')
      .run(this.clock.now().toISOString(), LOCK_NAME, this.owner);
    return info.changes === 1;
  }

  release(): void {
    if (!this.db.open) return;
    this.db.prepare('DELETE FROM schedule_lock WHERE name = ? AND owner = ?').run(LOCK_NAME, this.owner);
  }

  holder(): LockHolder | undefined {
    const r = this.row();
    return r ? toHolder(r) : undefined;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** For a `:memory:` store, which no other process can open: a lock only this process sees. */
class LocalRunLock implements RunLock {
  readonly owner: string;
  private held: LockHolder | undefined;
  constructor(private readonly clock: Clock) {
    this.owner = newOwner(hostname(), process.pid);
  }
  tryAcquire(job: string): AcquireResult {
    const t = this.clock.now().toISOString();
    this.held = { owner: this.owner, pid: process.pid, host: hostname(), job, acquiredAt: t, heartbeatAt: t };
    return { acquired: true };
  }
  heartbeat(): boolean {
    return this.held !== undefined;
  }
  release(): void {
    this.held = undefined;
  }
  holder(): LockHolder | undefined {
    return this.held;
  }
  close(): void {
    this.held = undefined;
  }
}

/** The run lock of the evidence store at `storePath`. */
export function openRunLock(storePath: string, options: LockOptions): RunLock {
  return storePath === ':memory:' ? new LocalRunLock(options.clock) : new SqliteRunLock(storePath, options);
}

/**
 * For one-shot commands (`ampaudit collect`, `review`, `deliver`) that must not overlap a daemon:
 * runs `fn` under the run lock with a heartbeat, or throws ConflictError naming the holder.
 */
export async function withRunLock<T>(
  storePath: string,
  job: string,
  options: LockOptions & { readonly timers?: Timers; readonly heartbeatMs?: number },
  fn: () => Promise<T>,
): Promise<T> {
  const lock = openRunLock(storePath, options);
  const timers = options.timers ?? systemTimers;
  let beat: unknown;
  try {
    const r = lock.tryAcquire(job);
    if (!r.acquired) {
      throw new ConflictError(`another ampaudit run is using the store ${storePath}: ${r.reason}; try again when it has finished`);
    }
    const tick = (): void => {
      lock.heartbeat();
      beat = timers.setTimeout(tick, options.heartbeatMs ?? 30_000);
    };
    beat = timers.setTimeout(tick, options.heartbeatMs ?? 30_000);
    try {
      return await fn();
    } finally {
      timers.clearTimeout(beat);
      lock.release();
    }
  } finally {
    lock.close();
  }
}
