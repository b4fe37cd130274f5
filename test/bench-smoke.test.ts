/**
 * The benchmark's cross-checks on a small sample (not the benchmark: `npm run bench`):
 * ampaudit's store + activity() and the DuckDB reference compute the same per-member facts from
 * the same NDJSON, and the collect-rate figure is exact for bursty and evenly spaced traffic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFacts } from '../bench/facts.js';
import { rateFigures, type Arrival } from '../bench/rate.js';
import { ingestAmpaudit, type IngestResult } from '../bench/tasks/ingest-ampaudit.js';
import { ingestDuckdb, type DuckResult } from '../bench/tasks/ingest-duckdb.js';
import { quarter, TIMEZONE } from '../bench/workloads.js';
import { generateOrg, writeEventsNdjson } from '../src/simulator/generator.js';

let dir: string;
let events: number;
let ampaudit: IngestResult;
let duck: DuckResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ampaudit-bench-smoke-'));
  const period = quarter();
  const org = generateOrg({ members: 150, eventsPerQuarter: 10_000, seed: 3, anchor: period.end });
  const ndjson = join(dir, 'events.ndjson');
  events = await writeEventsNdjson(org, { from: period.start, to: period.end }, ndjson);
  ampaudit = ingestAmpaudit({ ndjson, db: join(dir, 'evidence.db'), period, timezone: TIMEZONE });
  duck = await ingestDuckdb({ ndjson, db: join(dir, 'events.duckdb'), threads: 1 });
}, 30_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ingest + aggregate: ampaudit and DuckDB', () => {
  it('store every event of the sample', () => {
    expect(events).toBeGreaterThan(9_000);
    expect(ampaudit).toMatchObject({ lines: events, inserted: events, duplicates: 0, windows: 30 });
    expect(duck.rows).toBe(events);
  });

  it('agree on every member: last login, worst 60-minute failed-login window, export count and rows', () => {
    const facts = Object.values(ampaudit.facts);
    // The sample has what the comparison is about: bursts of failed logins and sized exports.
    expect(facts.some((f) => f.worstBurst >= 12)).toBe(true);
    expect(facts.some((f) => f.exports > 0 && f.rows > 0)).toBe(true);
    expect(facts.filter((f) => f.lastLogin !== null).length).toBeGreaterThan(100);
    expect(compareFacts(ampaudit.facts, duck.facts)).toEqual({ members: Object.keys(duck.facts).length, mismatches: 0, examples: [] });
  });

  it('notices a disagreement', () => {
    const [member, f] = Object.entries(duck.facts)[0] as [string, DuckResult['facts'][string]];
    const changed = { ...duck.facts, [member]: { ...f, exports: f.exports + 1 } };
    expect(compareFacts(ampaudit.facts, changed).mismatches).toBe(1);
  });
});

describe('collect rate over whole blocks of R requests', () => {
  const R = 100;
  // A sliding-window client: bursts of R requests 25 ms apart, one burst every 60.24 s.
  const bursty: Arrival[] = [];
  for (let b = 0; b < 3; b++) for (let i = 0; i < R; i++) bursty.push({ t: b * 60_240 + i * 25, status: 200 });
  for (let i = 0; i < 60; i++) bursty.push({ t: 3 * 60_240 + i * 25, status: 200 });

  it('is R per 60.24 s for the bursty client, whatever the partial last burst', () => {
    const r = rateFigures(bursty, R);
    expect(r.blocks).toBe(3);
    expect(r.perMinute).toBeCloseTo((3 * R * 60_000) / (3 * 60_240), 9);
    expect(r.ratio).toBeCloseTo(60_000 / 60_240, 9);
    // Requests ÷ elapsed overstates it: the last burst is partly counted without its wait.
    expect(r.plainPerMinute).toBeGreaterThan(1.15 * R);
  });

  it('is the spacing for evenly spaced requests, and leaves 429s out', () => {
    const even: Arrival[] = Array.from({ length: 250 }, (_, i) => ({ t: i * 700, status: i % 50 === 7 ? 429 : 200 }));
    const r = rateFigures(even, R);
    expect(r).toMatchObject({ requests: 250, accepted: 245, answered429: 5, blocks: 2 });
    const ok = even.filter((a) => a.status !== 429);
    expect(r.perMinute).toBeCloseTo((200 * 60_000) / ((ok[200] as Arrival).t - (ok[0] as Arrival).t), 9);
  });

  it('gives no rate for fewer than R + 1 accepted requests', () => {
    expect(rateFigures(bursty.slice(0, R), R)).toMatchObject({ blocks: 0 });
    expect(rateFigures(bursty.slice(0, R), R).ratio).toBeUndefined();
  });
});
