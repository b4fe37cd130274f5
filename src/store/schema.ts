/**
 * Numbered migrations of the evidence store. `MIGRATIONS[i]` moves a store from version i to
 * i + 1; opening a store runs the missing ones in one transaction each. A released migration is
 * never edited: change the schema by appending a new one.
 */
import type Database from 'better-sqlite3';
import { InputError } from '../errors.js';

type Db = Database.Database;

export const MIGRATIONS: readonly string[] = [
  // 1: the first layout. See codec.ts for how events are stored.
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT NOT NULL,
    error TEXT,
    summary TEXT
  );

  -- One row per state source per collect; payload = gzip(JSON of the SourcePull).
  CREATE TABLE pulls (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    pulled_at INTEGER NOT NULL,
    count INTEGER NOT NULL,
    payload BLOB NOT NULL
  );
  CREATE INDEX pulls_by_source_time ON pulls(source, pulled_at);

  -- Spans (epoch ms, [from, to)) for which the audit log was stored completely.
  CREATE TABLE coverage (
    id INTEGER PRIMARY KEY,
    from_ms INTEGER NOT NULL,
    to_ms INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    CHECK (to_ms >= from_ms)
  );

  -- Dictionaries: lower-cased emails, and other repeating strings.
  CREATE TABLE emails (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE);
  CREATE TABLE strings (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE);

  -- Audit events in blocks of up to 8192, sorted by (time, fingerprint): see codec.ts.
  CREATE TABLE event_blocks (
    id INTEGER PRIMARY KEY,
    t_min INTEGER NOT NULL,      -- epoch ms of the first event
    t_max INTEGER NOT NULL,      -- epoch ms of the last event
    n INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    summary BLOB NOT NULL,       -- per-actor rollup; first, so it can be read without the rest
    cols BLOB NOT NULL,          -- fixed-width columns
    payload TEXT NOT NULL,       -- JSON array of the remaining fields
    CHECK (t_max >= t_min AND n > 0)
  );
  CREATE INDEX event_blocks_by_time ON event_blocks(t_max, t_min);

  CREATE TRIGGER event_blocks_no_update BEFORE UPDATE ON event_blocks
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END;
  CREATE TRIGGER event_blocks_no_delete BEFORE DELETE ON event_blocks
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END;
  CREATE TRIGGER coverage_no_update BEFORE UPDATE ON coverage
    BEGIN SELECT RAISE(ABORT, 'coverage is append-only: UPDATE refused'); END;
  CREATE TRIGGER coverage_no_delete BEFORE DELETE ON coverage
    BEGIN SELECT RAISE(ABORT, 'coverage is append-only: DELETE refused'); END;

  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

function currentVersion(db: Db): number {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).get();
  if (!table) return 0;
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  return row?.version ?? 0;
}

/** Brings the store to SCHEMA_VERSION. Refuses a store written by a newer ampaudit. */
export function migrate(db: Db, path: string): void {
  const run = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const from = currentVersion(db);
    if (from > SCHEMA_VERSION) {
      throw new InputError(
        `the evidence store has schema version ${from}, newer than this ampaudit understands (${SCHEMA_VERSION})`,
        { file: path, field: 'store' },
        'upgrade ampaudit, or point `store:` in the config at another file',
      );
    }
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] as string);
    if (from === 0) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
    else if (from < SCHEMA_VERSION) db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION);
  });
  // IMMEDIATE: two processes opening a fresh store must not both migrate it.
  run.immediate();
}

export function schemaVersionOf(db: Db): number {
  return currentVersion(db);
}
