/**
 * DuckDB's side of "ingest + aggregate", the reference: the same NDJSON file loaded into a
 * DuckDB database **file** (`CREATE TABLE ... AS SELECT * FROM read_json(...)`, every column),
 * then the same per-member aggregation in SQL, read back into JavaScript, and the database
 * closed (checkpointed).
 *
 * Which actions are logins, failed logins and exports is taken from the simulator's action table
 * (`RAW_ACTIONS`, which the connector's classifier is tested against): the same classification
 * ampaudit applies, written as SQL lists. A login entry with a non-empty error is a failed login.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { EXPORT_KINDS, type EventKind } from '../../src/domain/events.js';
import { RAW_ACTIONS } from '../../src/simulator/actions.js';
import type { FactsByMember } from '../facts.js';

function actionsOf(kinds: readonly EventKind[]): string {
  const names = [...new Set(Object.values(RAW_ACTIONS).filter((a) => kinds.includes(a.kind)).map((a) => a.action))].sort();
  return names.map((n) => `'${n.replace(/'/g, "''")}'`).join(', ');
}

/** The load statement; `file` is a path the bench wrote (quoted for SQL). */
export function loadSql(file: string): string {
  return `CREATE TABLE events AS SELECT * FROM read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited')`;
}

/**
 * Per member (lower-cased user_email): last successful login; the most failed logins in any
 * 60-minute window, inclusive at both ends (a window per failure: it and every failure up to 60
 * minutes after it); export count and exported rows (`event_properties.row_count`).
 */
export function aggregateSql(burstMinutes = 60): string {
  const login = actionsOf(['login']);
  const failed = actionsOf(['login_failed']);
  const exports = actionsOf(EXPORT_KINDS);
  return `
WITH e AS (
  SELECT lower(user_email) AS member, "timestamp" AS ts, action, nullif(trim(error), '') AS error, event_properties AS props
  FROM events
  WHERE user_email IS NOT NULL
),
logins AS (
  SELECT member, max(ts) AS last_login FROM e WHERE action IN (${login}) AND error IS NULL GROUP BY member
),
windows AS (
  SELECT member,
         count(*) OVER (PARTITION BY member ORDER BY ts RANGE BETWEEN CURRENT ROW AND INTERVAL ${burstMinutes} MINUTES FOLLOWING) AS n
  FROM e
  WHERE action IN (${failed}) OR (action IN (${login}) AND error IS NOT NULL)
),
bursts AS (
  SELECT member, max(n) AS worst FROM windows GROUP BY member
),
exports AS (
  SELECT member, count(*) AS n, coalesce(sum(TRY_CAST(json_extract_string(to_json(props), '$.row_count') AS DOUBLE)), 0) AS row_sum
  FROM e WHERE action IN (${exports}) GROUP BY member
)
SELECT coalesce(l.member, b.member, x.member) AS member,
       epoch_ms(l.last_login) AS last_login,
       coalesce(b.worst, 0) AS worst,
       coalesce(x.n, 0) AS exports,
       coalesce(x.row_sum, 0) AS row_sum
FROM logins l
FULL OUTER JOIN bursts b ON b.member = l.member
FULL OUTER JOIN exports x ON x.member = coalesce(l.member, b.member)
`;
}

export interface DuckResult {
  readonly loadMs: number;
  readonly aggregateMs: number;
  readonly closeMs: number;
  readonly totalMs: number;
  readonly rows: number;
  readonly members: number;
  readonly facts: FactsByMember;
}

export async function ingestDuckdb(args: { ndjson: string; db: string; threads?: number }): Promise<DuckResult> {
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(args.db, args.threads ? { threads: String(args.threads) } : {});
  const conn = await instance.connect();
  await conn.run(loadSql(args.ndjson));
  const t1 = performance.now();
  const reader = await conn.runAndReadAll(aggregateSql());
  const rows = reader.getRows();
  const facts: FactsByMember = {};
  for (const [member, last, worst, n, rowSum] of rows) {
    facts[String(member)] = {
      lastLogin: last === null ? null : Number(last),
      worstBurst: Number(worst),
      exports: Number(n),
      rows: Number(rowSum),
    };
  }
  const t2 = performance.now();
  const count = Number((await conn.runAndReadAll('SELECT count(*) FROM events')).getRows()[0]?.[0]);
  const t3a = performance.now();
  conn.closeSync();
  instance.closeSync();
  const t3 = performance.now();
  return {
    loadMs: t1 - t0,
    aggregateMs: t2 - t1,
    closeMs: t3 - t3a,
    totalMs: t1 - t0 + (t2 - t1) + (t3 - t3a),
    rows: count,
    members: rows.length,
    facts,
  };
}
