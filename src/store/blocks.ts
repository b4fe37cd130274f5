/**
 * Writing event blocks: events are encoded into a reusable chunk of typed arrays as they
 * arrive, then sorted by (time, fingerprint), de-duplicated (within the chunk and against the
 * blocks already stored for that time range) and laid out as one block (codec.ts).
 */
import type { AuditEvent, RoleChange } from '../domain/events.js';
import {
  allocCols,
  BLOCK_SIZE,
  compareFp,
  encodeSummary,
  FLAG_ERROR,
  FLAG_PRIVILEGED,
  isExport,
  isLogin,
  KIND_CODE,
  parseInstant,
  PRIVILEGED_ROLES,
  type BlockCols,
} from './codec.js';

/** The JSON stored per event in the payload: what `cols` does not hold. */
export type PayloadEntry = [
  act: number,
  target: string | null,
  ip: string | null,
  ua: number | null,
  error: string | null,
  role: RoleChange | null,
  props: Readonly<Record<string, unknown>> | null,
];

export interface Dictionaries {
  /** Dictionary id of a domain/feature/action triple. */
  actId(domain: string, feature: string, action: string): number;
  /** Dictionary id of an email (lower-cased). */
  emailId(raw: string): number;
  /** Dictionary id of another repeating string (user agent, project id). */
  stringId(v: string): number;
}

/** Stored events that a new block must not repeat: (time, fingerprint) pairs. */
export interface ExistingEvents {
  has(ts: number, fp: Uint8Array, i: number): boolean;
}

export interface BuiltBlock {
  readonly tMin: number;
  readonly tMax: number;
  readonly n: number;
  readonly cols: Buffer;
  readonly summary: Buffer;
  readonly payload: string;
  readonly duplicates: number;
}

const MAX_TIME = 8.64e15;

export class Chunk {
  n = 0;
  private sorted = true;
  readonly ts = new Float64Array(BLOCK_SIZE);
  readonly rows = new Float64Array(BLOCK_SIZE);
  readonly users = new Float64Array(BLOCK_SIZE);
  readonly fp = Buffer.alloc(BLOCK_SIZE * 32);
  readonly actor = new Int32Array(BLOCK_SIZE);
  readonly temail = new Int32Array(BLOCK_SIZE);
  readonly project = new Int32Array(BLOCK_SIZE);
  readonly kind = new Uint8Array(BLOCK_SIZE);
  readonly flags = new Uint8Array(BLOCK_SIZE);
  readonly payload: string[] = new Array<string>(BLOCK_SIZE);

  get full(): boolean {
    return this.n === BLOCK_SIZE;
  }

  reset(): void {
    this.n = 0;
    this.sorted = true;
  }

  /** Encodes one event; throws TypeError on an event the store cannot hold (a connector bug). */
  add(e: AuditEvent, dict: Dictionaries): void {
    const i = this.n;
    const t = parseInstant(e.time);
    if (!(t >= 0 && t < MAX_TIME)) throw new TypeError(`audit event time unreadable or out of range (needs an ISO instant with offset): ${String(e.time)}`);
    const fp = e.fp;
    // Buffer.write stops at the first non-hex character: a short write is a bad fingerprint.
    if (typeof fp !== 'string' || fp.length !== 64 || this.fp.write(fp, i * 32, 32, 'hex') !== 32) {
      throw new TypeError(`audit event fingerprint must be 64 hex characters (sha256), got "${String(fp).slice(0, 80)}"`);
    }
    const kind = KIND_CODE[e.kind];
    if (kind === undefined) throw new TypeError(`unknown audit event kind: ${String(e.kind)}`);
    const error = e.error ? e.error : null;
    const role = e.role ?? null;
    let flags = error !== null ? FLAG_ERROR : 0;
    if (kind === KIND_CODE.role_change && role?.to !== undefined && PRIVILEGED_ROLES.has(role.to.toLowerCase())) flags |= FLAG_PRIVILEGED;
    this.ts[i] = t;
    this.rows[i] = num(e.rows, 'rows');
    this.users[i] = num(e.users, 'users');
    this.kind[i] = kind;
    this.flags[i] = flags;
    const actor = e.actor;
    const targetEmail = e.targetEmail;
    const projectId = e.projectId;
    const userAgent = e.userAgent;
    this.actor[i] = actor ? dict.emailId(actor) : -1;
    this.temail[i] = targetEmail ? dict.emailId(targetEmail) : -1;
    this.project[i] = projectId ? dict.stringId(projectId) : -1;
    const entry: PayloadEntry = [
      dict.actId(e.domain, e.feature, e.action),
      e.target ?? null,
      e.ip ?? null,
      userAgent ? dict.stringId(userAgent) : null,
      error,
      role,
      e.props ?? null,
    ];
    this.payload[i] = JSON.stringify(entry);
    if (this.sorted && i > 0) {
      const prev = this.ts[i - 1] as number;
      if (t < prev || (t === prev && compareFp(this.fp, i - 1, this.fp, i) > 0)) this.sorted = false;
    }
    this.n = i + 1;
  }

  /** Sorts, drops duplicates and lays out the chunk as a block; undefined when nothing is new. */
  build(existing: ExistingEvents | undefined): BuiltBlock | undefined {
    const n = this.n;
    if (n === 0) return undefined;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (!this.sorted) {
      const { ts, fp } = this;
      order.sort((a, b) => (ts[a] as number) - (ts[b] as number) || compareFp(fp, a, fp, b));
    }
    const keep: number[] = [];
    let duplicates = 0;
    let prev = -1;
    for (let k = 0; k < n; k++) {
      const i = order[k] as number;
      const t = this.ts[i] as number;
      if (prev >= 0 && this.ts[prev] === t && compareFp(this.fp, prev, this.fp, i) === 0) {
        duplicates++;
        continue;
      }
      prev = i;
      if (existing?.has(t, this.fp, i)) {
        duplicates++;
        continue;
      }
      keep.push(i);
    }
    const m = keep.length;
    if (m === 0) return { tMin: 0, tMax: 0, n: 0, cols: Buffer.alloc(0), summary: Buffer.alloc(0), payload: '', duplicates };
    const { buf, cols } = allocCols(m);
    const parts = new Array<string>(m);
    let off = 0;
    for (let j = 0; j < m; j++) {
      const i = keep[j] as number;
      cols.ts[j] = this.ts[i] as number;
      cols.rows[j] = this.rows[i] as number;
      cols.users[j] = this.users[i] as number;
      cols.fp.set(this.fp.subarray(i * 32, i * 32 + 32), j * 32);
      cols.actor[j] = this.actor[i] as number;
      cols.temail[j] = this.temail[i] as number;
      cols.project[j] = this.project[i] as number;
      cols.kind[j] = this.kind[i] as number;
      cols.flags[j] = this.flags[i] as number;
      const p = this.payload[i] as string;
      cols.poff[j] = off;
      off += p.length + 1;
      parts[j] = p;
    }
    return {
      tMin: cols.ts[0] as number,
      tMax: cols.ts[m - 1] as number,
      n: m,
      cols: buf,
      summary: summarize(cols),
      // Comma-separated, so a whole block parses as one JSON array: `[${payload}]`.
      payload: parts.join(','),
      duplicates,
    };
  }
}

function num(v: number | undefined, what: string): number {
  if (v === undefined || v === null) return NaN;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`audit event ${what} must be a finite number, got ${String(v)}`);
  return v;
}

/** The per-block rollup (codec.ts `BlockSummary`). */
function summarize(c: BlockCols): Buffer {
  const slot = new Map<number, number>();
  const actors: number[] = [];
  const lastLogin: number[] = [];
  const exportCount: number[] = [];
  const exportRows: number[] = [];
  const invites = new Map<number, number>();
  for (let i = 0; i < c.n; i++) {
    const kind = c.kind[i] as number;
    const login = isLogin(kind, c.flags[i] as number);
    const exp = isExport(kind);
    if (kind === KIND_CODE.invite) {
      const target = c.temail[i] as number;
      if (target >= 0 && !invites.has(target)) invites.set(target, c.ts[i] as number);
    }
    const actor = c.actor[i] as number;
    if ((!login && !exp) || actor < 0) continue;
    let s = slot.get(actor);
    if (s === undefined) {
      s = actors.length;
      slot.set(actor, s);
      actors.push(actor);
      lastLogin.push(NaN);
      exportCount.push(0);
      exportRows.push(0);
    }
    if (login) lastLogin[s] = c.ts[i] as number;
    else {
      exportCount[s] = (exportCount[s] as number) + 1;
      const rows = c.rows[i] as number;
      if (!Number.isNaN(rows)) exportRows[s] = (exportRows[s] as number) + rows;
    }
  }
  return encodeSummary({
    actors: Int32Array.from(actors),
    lastLogin: Float64Array.from(lastLogin),
    exportCount: Int32Array.from(exportCount),
    exportRows: Float64Array.from(exportRows),
    inviteTargets: Int32Array.from(invites.keys()),
    firstInvite: Float64Array.from(invites.values()),
  });
}

/** A set of stored (time, fingerprint) pairs, built from the blocks overlapping a chunk's range. */
export class StoredKeys implements ExistingEvents {
  private readonly byTime = new Map<number, { fp: Uint8Array; i: number }[]>();

  /** Adds the events of `cols` with `lo <= ts <= hi`. */
  addBlock(cols: BlockCols, lo: number, hi: number): void {
    for (let i = 0; i < cols.n; i++) {
      const t = cols.ts[i] as number;
      if (t < lo || t > hi) continue;
      let list = this.byTime.get(t);
      if (!list) this.byTime.set(t, (list = []));
      list.push({ fp: cols.fp, i });
    }
  }

  get size(): number {
    return this.byTime.size;
  }

  has(ts: number, fp: Uint8Array, i: number): boolean {
    const list = this.byTime.get(ts);
    if (!list) return false;
    for (const x of list) if (compareFp(x.fp, x.i, fp, i) === 0) return true;
    return false;
  }
}
