/**
 * The per-member facts both sides of the ingest benchmark compute, in one comparable shape:
 * last successful login, the worst 60-minute window of failed logins, export count and rows.
 */
import type { MemberActivity } from '../src/domain/snapshot.js';

export interface MemberFacts {
  /** Epoch ms of the last successful login, or null. */
  readonly lastLogin: number | null;
  /** Failed logins in the worst 60-minute window (0 = none). */
  readonly worstBurst: number;
  readonly exports: number;
  readonly rows: number;
}

export type FactsByMember = Record<string, MemberFacts>;

export function factsFromActivity(activity: ReadonlyMap<string, MemberActivity>): FactsByMember {
  const out: FactsByMember = {};
  for (const [email, a] of activity) {
    const f: MemberFacts = {
      lastLogin: a.lastLogin !== undefined ? Date.parse(a.lastLogin) : null,
      worstBurst: a.worstFailedBurst?.count ?? 0,
      exports: a.exports.count,
      rows: a.exports.rows,
    };
    if (f.lastLogin === null && f.worstBurst === 0 && f.exports === 0) continue;
    out[email] = f;
  }
  return out;
}

export interface FactsDiff {
  readonly members: number;
  readonly mismatches: number;
  /** Up to 5 examples: member, ampaudit's facts, DuckDB's facts. */
  readonly examples: readonly string[];
}

const EMPTY: MemberFacts = { lastLogin: null, worstBurst: 0, exports: 0, rows: 0 };

export function compareFacts(a: FactsByMember, b: FactsByMember): FactsDiff {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  let mismatches = 0;
  const examples: string[] = [];
  for (const k of keys) {
    const x = a[k] ?? EMPTY;
    const y = b[k] ?? EMPTY;
    if (x.lastLogin !== y.lastLogin || x.worstBurst !== y.worstBurst || x.exports !== y.exports || x.rows !== y.rows) {
      mismatches++;
      if (examples.length < 5) examples.push(`${k}: ampaudit ${JSON.stringify(x)} vs duckdb ${JSON.stringify(y)}`);
    }
  }
  return { members: keys.size, mismatches, examples };
}
