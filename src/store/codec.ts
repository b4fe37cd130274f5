/**
 * How audit events are laid out in SQLite.
 *
 * Per-event rows cost ~3 µs each in SQLite alone (VDBE + B-tree + binding), which is more than
 * DuckDB needs for the whole load-and-aggregate (BENCH.md). So events are stored in **blocks**:
 * one row of `event_blocks` per up to BLOCK_SIZE events, sorted by (time, fingerprint), with
 *
 * - `cols`: fixed-width columns as typed arrays (time ms, rows, users, the full sha256, actor /
 *   target-email / project dictionary ids, payload offset, kind code, flags; 74 bytes an event):
 *   what the aggregation reads, with no parsing;
 * - `summary`: a per-block rollup (per actor: last successful login, export count and rows;
 *   per invite target: earliest invite), so whole-store questions ("last login before this
 *   quarter") read a few bytes per actor per block instead of every event;
 * - `payload`: the remaining fields of each event as JSON (action, target, IP, user agent, error,
 *   role change, properties as received, `{}` included), comma-separated; `cols.poff` says where
 *   each event's JSON starts, so the few rows that need details (privilege grants, security
 *   changes) are parsed alone, and a whole block parses as one array.
 *
 * Measured on this 2-core machine under load (1M synthetic events; `npm run bench` measures it now):
 * per-event rows with a time-ordered rowid key ≈ 7–10 s CPU to ingest; blocks ≈ 3 s.
 *
 * Blocks are keyed by insertion; `t_min`/`t_max` give their time range (blocks written from
 * sorted input do not overlap; readers merge the ones that do). De-duplication is by
 * (time, fingerprint): the fingerprint is a content hash that covers the timestamp.
 */
import type { EventKind } from '../domain/events.js';

export const BLOCK_SIZE = 8192;

/** On-disk kind codes. Append new kinds with new numbers; never reuse or renumber. */
export const KIND_CODE: Readonly<Record<EventKind, number>> = {
  login: 0,
  login_failed: 1,
  logout: 2,
  invite: 3,
  invite_accepted: 4,
  registration: 5,
  member_removed: 6,
  role_change: 7,
  permission_change: 8,
  group_change: 9,
  export: 10,
  cohort_export: 11,
  user_export: 12,
  sso_change: 13,
  scim_change: 14,
  security_change: 15,
  project_change: 16,
  password_reset: 17,
  api_key_change: 18,
  other: 19,
};

export const KIND_OF_CODE: readonly EventKind[] = (() => {
  const out: EventKind[] = [];
  for (const [kind, code] of Object.entries(KIND_CODE) as [EventKind, number][]) out[code] = kind;
  return out;
})();

/** Flag bits in `cols.flags`. */
export const FLAG_ERROR = 1;
/** A role change whose new role is admin or owner (org or project). */
export const FLAG_PRIVILEGED = 2;

export const PRIVILEGED_ROLES: ReadonlySet<string> = new Set(['admin', 'owner']);

export function isFailedLogin(kind: number, flags: number): boolean {
  return kind === KIND_CODE.login_failed || (kind === KIND_CODE.login && (flags & FLAG_ERROR) !== 0);
}

export function isLogin(kind: number, flags: number): boolean {
  return kind === KIND_CODE.login && (flags & FLAG_ERROR) === 0;
}

export function isExport(kind: number): boolean {
  return kind >= KIND_CODE.export && kind <= KIND_CODE.user_export;
}

export function isSecurityChange(kind: number): boolean {
  return kind >= KIND_CODE.sso_change && kind <= KIND_CODE.security_change;
}

/**
 * Bytes per event in `cols`: ts, rows, users (f64) + sha256 + actor, temail, project (dictionary
 * ids) and the event's offset in `payload` (i32) + kind, flags (u8).
 */
export const COL_BYTES = 8 * 3 + 32 + 4 * 4 + 2;

/** Typed-array views of one block's columns. Missing values: NaN (numbers), -1 (dictionary ids). */
export interface BlockCols {
  readonly n: number;
  readonly ts: Float64Array;
  readonly rows: Float64Array;
  readonly users: Float64Array;
  /** 32 bytes per event. */
  readonly fp: Uint8Array;
  readonly actor: Int32Array;
  readonly temail: Int32Array;
  readonly project: Int32Array;
  /** Start of each event's JSON in the block's payload string (it ends where the next starts). */
  readonly poff: Int32Array;
  readonly kind: Uint8Array;
  readonly flags: Uint8Array;
}

/** Lays out `n` events' columns in one buffer; the views write into it. */
export function allocCols(n: number): { buf: Buffer; cols: BlockCols } {
  const buf = Buffer.alloc(n * COL_BYTES);
  return { buf, cols: viewCols(buf, n) };
}

/** Views over a stored `cols` blob (copied when the blob is not 8-byte aligned). */
export function viewCols(blob: Uint8Array, n: number): BlockCols {
  if (blob.byteLength !== n * COL_BYTES) throw new Error(`evidence store is inconsistent: event block of ${n} events has ${blob.byteLength} column bytes`);
  let ab = blob.buffer;
  let off = blob.byteOffset;
  if (off % 8 !== 0) {
    const copy = new Uint8Array(blob.byteLength);
    copy.set(blob);
    ab = copy.buffer;
    off = 0;
  }
  let p = off;
  const f64 = (): Float64Array => {
    const v = new Float64Array(ab, p, n);
    p += 8 * n;
    return v;
  };
  const ts = f64();
  const rows = f64();
  const users = f64();
  const fp = new Uint8Array(ab, p, 32 * n);
  p += 32 * n;
  const actor = new Int32Array(ab, p, n);
  p += 4 * n;
  const temail = new Int32Array(ab, p, n);
  p += 4 * n;
  const project = new Int32Array(ab, p, n);
  p += 4 * n;
  const poff = new Int32Array(ab, p, n);
  p += 4 * n;
  const kind = new Uint8Array(ab, p, n);
  p += n;
  const flags = new Uint8Array(ab, p, n);
  return { n, ts, rows, users, fp, actor, temail, project, poff, kind, flags };
}

/**
 * Per-block rollup. Actors: those with a successful login or an export in the block.
 * Invites: targets of invite events.
 */
export interface BlockSummary {
  readonly actors: Int32Array;
  /** Last successful login of each actor in the block, NaN when none. */
  readonly lastLogin: Float64Array;
  readonly exportCount: Int32Array;
  readonly exportRows: Float64Array;
  readonly inviteTargets: Int32Array;
  /** Earliest invite of each target in the block. */
  readonly firstInvite: Float64Array;
}

export function encodeSummary(s: BlockSummary): Buffer {
  const a = s.actors.length;
  const i = s.inviteTargets.length;
  const buf = Buffer.alloc(8 + 8 * (2 * a + i) + 4 * (2 * a + i));
  buf.writeUInt32LE(a, 0);
  buf.writeUInt32LE(i, 4);
  let p = 8;
  for (const arr of [s.lastLogin, s.exportRows, s.firstInvite]) {
    buf.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), p);
    p += arr.byteLength;
  }
  for (const arr of [s.actors, s.exportCount, s.inviteTargets]) {
    buf.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), p);
    p += arr.byteLength;
  }
  return buf;
}

export function decodeSummary(blob: Uint8Array): BlockSummary {
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  const dv = new DataView(copy.buffer);
  const a = dv.getUint32(0, true);
  const i = dv.getUint32(4, true);
  let p = 8;
  const lastLogin = new Float64Array(copy.buffer, p, a);
  p += 8 * a;
  const exportRows = new Float64Array(copy.buffer, p, a);
  p += 8 * a;
  const firstInvite = new Float64Array(copy.buffer, p, i);
  p += 8 * i;
  const actors = new Int32Array(copy.buffer, p, a);
  p += 4 * a;
  const exportCount = new Int32Array(copy.buffer, p, a);
  p += 4 * a;
  const inviteTargets = new Int32Array(copy.buffer, p, i);
  return { actors, lastLogin, exportCount, exportRows, inviteTargets, firstInvite };
}

/** Compares the 32-byte fingerprints at positions i of `a` and j of `b`. */
export function compareFp(a: Uint8Array, i: number, b: Uint8Array, j: number): number {
  const ai = i * 32;
  const bj = j * 32;
  for (let k = 0; k < 32; k++) {
    const d = (a[ai + k] as number) - (b[bj + k] as number);
    if (d !== 0) return d;
  }
  return 0;
}

export function fpHex(fp: Uint8Array, i: number): string {
  return Buffer.from(fp.buffer, fp.byteOffset + i * 32, 32).toString('hex');
}

const C0 = 48;

function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - C0;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Epoch ms of an ISO instant. The common shape `YYYY-MM-DDTHH:MM:SS[.sss]Z` is read directly
 * (ingest parses one per event); other ISO forms with an explicit offset go through
 * `Date.parse`. NaN when unreadable or when the offset is missing (Date.parse would read the
 * machine's local time).
 */
export function parseInstant(s: string): number {
  if (typeof s !== 'string') return NaN;
  const len = s.length;
  if ((len === 20 || len === 24) && s.charCodeAt(len - 1) === 90 /* Z */ && s.charCodeAt(10) === 84 /* T */) {
    const year = digits(s, 0, 4);
    const month = digits(s, 5, 2);
    const day = digits(s, 8, 2);
    const h = digits(s, 11, 2);
    const mi = digits(s, 14, 2);
    const sec = digits(s, 17, 2);
    const ms = len === 24 ? digits(s, 20, 3) : 0;
    if (
      s.charCodeAt(4) === 45 &&
      s.charCodeAt(7) === 45 &&
      s.charCodeAt(13) === 58 &&
      s.charCodeAt(16) === 58 &&
      (len === 20 || s.charCodeAt(19) === 46) &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= daysInMonth(year, month) &&
      h < 24 &&
      mi < 60 &&
      sec < 60 &&
      !Number.isNaN(ms)
    ) {
      return Date.UTC(year, month - 1, day, h, mi, sec, ms);
    }
  }
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(s)) return NaN;
  return Date.parse(s);
}
