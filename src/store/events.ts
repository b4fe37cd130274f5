/**
 * Audit events in the store: appending windows of events as blocks, listing and loading
 * blocks, streaming events back. Layout: codec.ts; block writing: blocks.ts.
 */
import { isAscii } from 'node:buffer';
import type Database from 'better-sqlite3';
import type { AuditEvent, EventKind, RoleChange } from '../domain/events.js';
import { Chunk, StoredKeys, type Dictionaries, type PayloadEntry } from './blocks.js';
import { decodeSummary, fpHex, KIND_OF_CODE, viewCols, type BlockCols, type BlockSummary } from './codec.js';
import type { Dict } from './dict.js';
import { lowerBound, MergeCursor, type BlockRef } from './reader.js';

export interface LoadedBlock {
  readonly ref: BlockRef;
  readonly cols: BlockCols;
  /** The concatenated per-event JSON; loaded on demand. */
  payload?: string;
}

/** Event `i`'s JSON in a block's payload (entries are comma-separated). */
export function payloadSlice(payload: string, cols: BlockCols, i: number): string {
  const start = cols.poff[i] as number;
  const end = i + 1 < cols.n ? (cols.poff[i + 1] as number) - 1 : payload.length;
  return payload.slice(start, end);
}

/** Entries parsed at a time when streaming events (see `iterate`). */
const ITERATE_BATCH = 256;

/** A block being streamed: its payload as ASCII bytes (or as text), and the entries parsed so far. */
interface ReadingBlock extends LoadedBlock {
  readonly bytes: Buffer | undefined;
  batch: PayloadEntry[];
  batchFrom: number;
  batchTo: number;
}

export class EventBlocks implements Dictionaries {
  private readonly actCache = new Map<string, Map<string, Map<string, number>>>();
  private readonly actDecoded = new Map<number, readonly [string, string, string]>();
  private readonly emailAlias = new Map<string, number>();
  private chunk: Chunk | undefined;
  private readonly stmts;

  constructor(
    private readonly db: Database.Database,
    readonly emails: Dict,
    readonly strings: Dict,
  ) {
    this.stmts = {
      insert: db.prepare('INSERT INTO event_blocks (t_min, t_max, n, run_id, summary, cols, payload) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      overlapping: db
        .prepare<[number, number], [number, number, number, number]>('SELECT id, t_min, t_max, n FROM event_blocks WHERE t_max >= ? AND t_min <= ? ORDER BY t_min, id')
        .raw(true),
      cols: db.prepare<[number], Buffer>('SELECT cols FROM event_blocks WHERE id = ?').pluck(true),
      payload: db.prepare<[number], string>('SELECT payload FROM event_blocks WHERE id = ?').pluck(true),
      payloadBytes: db.prepare<[number], Buffer>('SELECT CAST(payload AS BLOB) FROM event_blocks WHERE id = ?').pluck(true),
      summary: db.prepare<[number], Buffer>('SELECT summary FROM event_blocks WHERE id = ?').pluck(true),
      countAll: db.prepare<[], number>('SELECT COALESCE(SUM(n), 0) FROM event_blocks').pluck(true),
    };
  }

  // ---- dictionaries ---------------------------------------------------------------------------

  actId(domain: string, feature: string, action: string): number {
    // Nested maps: no key string is built per event.
    let byFeature = this.actCache.get(domain);
    if (!byFeature) this.actCache.set(domain, (byFeature = new Map()));
    let byAction = byFeature.get(feature);
    if (!byAction) byFeature.set(feature, (byAction = new Map()));
    let id = byAction.get(action);
    if (id === undefined) {
      id = this.strings.idOf(JSON.stringify([domain, feature, action]));
      byAction.set(action, id);
    }
    return id;
  }

  /** By the lower-cased email; spellings seen before skip the lower-casing. */
  emailId(raw: string): number {
    let id = this.emailAlias.get(raw);
    if (id === undefined) {
      id = this.emails.idOf(raw.toLowerCase());
      this.emailAlias.set(raw, id);
    }
    return id;
  }

  stringId(v: string): number {
    return this.strings.idOf(v);
  }

  decodeAct(id: number): readonly [string, string, string] {
    let v = this.actDecoded.get(id);
    if (!v) {
      v = JSON.parse(this.strings.valueOf(id)) as [string, string, string];
      this.actDecoded.set(id, v);
    }
    return v;
  }

  /** After a rolled-back transaction the caches may hold ids that do not exist. */
  resetCaches(): void {
    this.emails.reset();
    this.strings.reset();
    this.actCache.clear();
    this.emailAlias.clear();
    this.chunk?.reset();
  }

  // ---- writing --------------------------------------------------------------------------------

  /** Appends events as blocks; call inside a write transaction. */
  append(runId: number, events: Iterable<AuditEvent>): { inserted: number; duplicates: number } {
    const chunk = (this.chunk ??= new Chunk());
    chunk.reset();
    let inserted = 0;
    let duplicates = 0;
    const flush = (): void => {
      if (chunk.n === 0) return;
      const built = chunk.build(this.storedKeys(chunk));
      chunk.reset();
      if (!built) return;
      duplicates += built.duplicates;
      if (built.n === 0) return;
      this.stmts.insert.run(built.tMin, built.tMax, built.n, runId, built.summary, built.cols, built.payload);
      inserted += built.n;
    };
    for (const e of events) {
      chunk.add(e, this);
      if (chunk.full) flush();
    }
    flush();
    return { inserted, duplicates };
  }

  /** The stored events in the chunk's time range, or undefined when there are none (the usual case). */
  private storedKeys(chunk: Chunk): StoredKeys | undefined {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < chunk.n; i++) {
      const t = chunk.ts[i] as number;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    const refs = this.refs(lo, hi);
    if (refs.length === 0) return undefined;
    const keys = new StoredKeys();
    for (const ref of refs) keys.addBlock(this.loadCols(ref).cols, lo, hi);
    return keys;
  }

  // ---- reading --------------------------------------------------------------------------------

  /** Blocks with an event in [lo, hi] (both inclusive), by tMin. */
  refs(lo: number, hi: number): BlockRef[] {
    return this.stmts.overlapping.all(lo, hi).map(([id, tMin, tMax, n]) => ({ id, tMin, tMax, n }));
  }

  loadCols(ref: BlockRef): LoadedBlock {
    const blob = this.stmts.cols.get(ref.id);
    if (blob === undefined) throw new Error(`evidence store is inconsistent: event block ${ref.id} vanished`);
    return { ref, cols: viewCols(blob, ref.n) };
  }

  loadFull(ref: BlockRef): LoadedBlock {
    const b = this.loadCols(ref);
    b.payload = this.payloadOf(ref.id);
    return b;
  }

  payloadOf(id: number): string {
    const p = this.stmts.payload.get(id);
    if (p === undefined) throw new Error(`evidence store is inconsistent: event block ${id} vanished`);
    return p;
  }

  summaryOf(id: number): BlockSummary {
    const s = this.stmts.summary.get(id);
    if (s === undefined) throw new Error(`evidence store is inconsistent: event block ${id} vanished`);
    return decodeSummary(s);
  }

  /** The stored JSON of event `i` of a loaded block. */
  entry(b: LoadedBlock, i: number): PayloadEntry {
    if (b.payload === undefined) b.payload = this.payloadOf(b.ref.id);
    return JSON.parse(payloadSlice(b.payload, b.cols, i)) as PayloadEntry;
  }

  /** Every event's stored JSON of a block, parsed at once. */
  entries(b: LoadedBlock): PayloadEntry[] {
    if (b.payload === undefined) b.payload = this.payloadOf(b.ref.id);
    const all = JSON.parse(`[${b.payload}]`) as PayloadEntry[];
    if (all.length !== b.cols.n) throw new Error(`evidence store is inconsistent: event block ${b.ref.id} has ${all.length} payload entries for ${b.cols.n} events`);
    return all;
  }

  /** The full event `i` of a loaded block (`entry`: its stored JSON, when already parsed). */
  event(b: LoadedBlock, i: number, entry: PayloadEntry = this.entry(b, i)): AuditEvent {
    const c = b.cols;
    const [act, target, ip, ua, error, role, props] = entry;
    const [domain, feature, action] = this.decodeAct(act);
    const e: { -readonly [K in keyof AuditEvent]: AuditEvent[K] } = {
      fp: fpHex(c.fp, i),
      time: new Date(c.ts[i] as number).toISOString(),
      kind: KIND_OF_CODE[c.kind[i] as number] as EventKind,
      domain,
      feature,
      action,
      props: props ?? {},
    };
    const actor = c.actor[i] as number;
    const temail = c.temail[i] as number;
    const project = c.project[i] as number;
    const rows = c.rows[i] as number;
    const users = c.users[i] as number;
    if (actor >= 0) e.actor = this.emails.valueOf(actor);
    if (target !== null) e.target = target;
    if (temail >= 0) e.targetEmail = this.emails.valueOf(temail);
    if (project >= 0) e.projectId = this.strings.valueOf(project);
    if (ip !== null) e.ip = ip;
    if (ua !== null) e.userAgent = this.strings.valueOf(ua);
    if (error !== null) e.error = error;
    if (!Number.isNaN(rows)) e.rows = rows;
    if (!Number.isNaN(users)) e.users = users;
    if (role !== null) e.role = role as RoleChange;
    return e;
  }

  /**
   * Events with lo <= ts < hi in time order; no statement stays open between events.
   *
   * A block's JSON is read as bytes and parsed ITERATE_BATCH entries at a time, as the cursor
   * reaches them. Parsing a whole block at once (a 2–3 MB string and 8,192 entries alive while
   * the block is read) gets all of it promoted to the old generation: streaming millions of
   * events then grows the heap by hundreds of MB between full collections. Small batches die
   * young, so memory stays flat whatever the number of events.
   */
  *iterate(lo: number, hi: number): IterableIterator<AuditEvent> {
    if (!(hi > lo)) return;
    const cursor = new MergeCursor(this.refs(lo, hi), (ref) => this.openForReading(ref), lo, hi);
    while (cursor.next()) {
      const b = cursor.block;
      const i = cursor.i;
      if (i < b.batchFrom || i >= b.batchTo) this.parseBatch(b, i);
      yield this.event(b, i, b.batch[i - b.batchFrom]);
    }
  }

  private openForReading(ref: BlockRef): ReadingBlock {
    const b = this.loadCols(ref);
    const bytes = this.stmts.payloadBytes.get(ref.id);
    if (bytes === undefined) throw new Error(`evidence store is inconsistent: event block ${ref.id} vanished`);
    // `poff` counts UTF-16 units of the payload text: byte offsets only while it is ASCII.
    const ascii = isAscii(bytes);
    return { ...b, ...(ascii ? {} : { payload: bytes.toString('utf8') }), bytes: ascii ? bytes : undefined, batch: [], batchFrom: 0, batchTo: 0 };
  }

  /** Parses the entries [i, i + ITERATE_BATCH) of a block being read. */
  private parseBatch(b: ReadingBlock, i: number): void {
    const c = b.cols;
    const to = Math.min(c.n, i + ITERATE_BATCH);
    const start = c.poff[i] as number;
    const end = to < c.n ? (c.poff[to] as number) - 1 : b.bytes ? b.bytes.length : (b.payload as string).length;
    const text = b.bytes ? b.bytes.toString('latin1', start, end) : (b.payload as string).slice(start, end);
    const batch = JSON.parse(`[${text}]`) as PayloadEntry[];
    if (batch.length !== to - i) throw new Error(`evidence store is inconsistent: event block ${b.ref.id} has ${batch.length} payload entries where ${to - i} were expected`);
    b.batch = batch;
    b.batchFrom = i;
    b.batchTo = to;
  }

  count(lo?: number, hi?: number): number {
    if (lo === undefined || hi === undefined) return this.stmts.countAll.get() ?? 0;
    if (!(hi > lo)) return 0;
    let n = 0;
    for (const ref of this.refs(lo, hi)) {
      if (ref.tMin >= lo && ref.tMax < hi) n += ref.n;
      else {
        const ts = this.loadCols(ref).cols.ts;
        n += lowerBound(ts, hi) - lowerBound(ts, lo);
      }
    }
    return n;
  }
}
