/**
 * A dictionary table (`emails` or `strings`): value ↔ small integer id, cached in memory.
 * The cache holds one entry per distinct value (members, user agents, action triples), so it
 * grows with the organization, not with the number of events.
 */
import type Database from 'better-sqlite3';

export class Dict {
  private readonly byValue = new Map<string, number>();
  private readonly byId = new Map<number, string>();
  private loaded = false;
  private readonly selectAll: Database.Statement<[], [number, string]>;
  private readonly insert: Database.Statement<[string]>;
  private readonly selectId: Database.Statement<[string], number>;

  constructor(
    private readonly db: Database.Database,
    table: 'emails' | 'strings',
  ) {
    this.selectAll = db.prepare<[], [number, string]>(`SELECT id, v FROM ${table}`).raw(true);
    this.insert = db.prepare<[string]>(`INSERT INTO ${table} (v) VALUES (?) ON CONFLICT (v) DO NOTHING`);
    this.selectId = db.prepare<[string], number>(`SELECT id FROM ${table} WHERE v = ?`).pluck(true);
  }

  /** Reads the whole table into the cache (also picks up values other processes added). */
  load(): void {
    for (const [id, v] of this.selectAll.iterate()) {
      this.byValue.set(v, id);
      this.byId.set(id, v);
    }
    this.loaded = true;
  }

  /** The id of `v`, adding it to the table when new. Call inside a write transaction. */
  idOf(v: string): number {
    let id = this.byValue.get(v);
    if (id !== undefined) return id;
    if (!this.loaded) {
      this.load();
      id = this.byValue.get(v);
      if (id !== undefined) return id;
    }
    this.insert.run(v);
    id = this.selectId.get(v);
    if (id === undefined) throw new Error(`dictionary insert of "${v.slice(0, 40)}" failed`);
    this.byValue.set(v, id);
    this.byId.set(id, v);
    return id;
  }

  /** The value of `id`; reloads once when another process added it. */
  valueOf(id: number): string {
    let v = this.byId.get(id);
    if (v !== undefined) return v;
    this.load();
    v = this.byId.get(id);
    if (v === undefined) throw new Error(`evidence store is inconsistent: dictionary id ${id} missing`);
    return v;
  }

  /** Id of an existing value, without adding it. */
  find(v: string): number | undefined {
    const id = this.byValue.get(v);
    if (id !== undefined || this.loaded) return id;
    this.load();
    return this.byValue.get(v);
  }

  /** Entries (id, value); loads first. */
  entries(): IterableIterator<[number, string]> {
    this.load();
    return this.byId.entries();
  }

  /** Forget everything: after a rolled-back transaction the cache may hold ids that do not exist. */
  reset(): void {
    this.byValue.clear();
    this.byId.clear();
    this.loaded = false;
  }

  /** Cached entry count (for tests and the probe). */
  get size(): number {
    return this.byId.size;
  }

  get database(): Database.Database {
    return this.db;
  }
}
