/**
 * The fault matrix of issue 2: each connector against the simulator with each injected fault
 * (429 with and without Retry-After, 5xx, connection reset, truncated JSON, short page, repeating
 * cursor). Every run ends either in a pull equal to the fault-free one (counts equal to what the
 * simulator holds) or in a clear SourceError — never in partial data handed on as complete. For
 * the audit log that means: no onWindow call for a window that failed.
 */
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import type { Span } from '../src/domain/common.js';
import type { ScimPull, UserManagementPull } from '../src/domain/pulls.js';
import { SourceError } from '../src/errors.js';
import type { HttpLogger } from '../src/http/types.js';
import { startSimulator } from '../src/simulator/server.js';
import type { FaultSwitches, RunningSimulator, SimulatorCredentials } from '../src/simulator/types.js';
import { pullAuditLogs } from '../src/sources/audit-logs/pull.js';
import { pullScim } from '../src/sources/scim/pull.js';
import { simClients, type SimClients } from '../src/sources/testing.js';
import { pullUserManagement } from '../src/sources/user-management/pull.js';

const NOW = '2026-10-01T06:00:00.000Z';
const clock = fixedClock(NOW);
const DAY = 86_400_000;
const FROM = new Date(Date.parse(NOW) - 90 * DAY);
const TO = new Date(NOW);

type Api = 'scim' | 'user-management' | 'audit-logs';
const PREFIX: Record<Api, string> = { scim: '/scim/1/', 'user-management': '/user-management/1/', 'audit-logs': '/api/2/audit-logs/' };

/** What a pull gave, in a comparable form; `windows` are the spans handed to onWindow. */
interface Outcome {
  readonly summary?: unknown;
  readonly error?: unknown;
  readonly windows: Span[];
  readonly windowEvents: number[];
}

/** Hooks let a case arm a fault part-way: after the first page or the first window. */
interface Hooks {
  afterFirstPage?: () => void;
  afterFirstWindow?: () => void;
}

let sim: RunningSimulator;

async function run(api: Api, clients: SimClients, hooks: Hooks = {}): Promise<Outcome> {
  const windows: Span[] = [];
  const windowEvents: number[] = [];
  let pages = 0;
  const onPage = () => {
    if (++pages === 1) hooks.afterFirstPage?.();
  };
  try {
    if (api === 'scim') {
      const p: ScimPull = await pullScim({ http: clients.scim, clock, onPage });
      return { summary: p, windows, windowEvents };
    }
    if (api === 'user-management') {
      const p: UserManagementPull = await pullUserManagement({ http: clients.userManagement, clock, orgId: sim.orgId, onPage });
      return { summary: p, windows, windowEvents };
    }
    const fps: string[] = [];
    await pullAuditLogs({
      http: clients.auditLogs,
      clock,
      orgId: sim.orgId,
      from: FROM,
      to: TO,
      retentionMarginMs: 0,
      // ~2,000 events a window: 4 pages each, so a cursor is sent and handed back more than once.
      pageLimit: 500,
      onWindow: (events, covered) => {
        windows.push(covered);
        windowEvents.push(events.length);
        fps.push(...events.map((e) => e.fp));
        if (windows.length === 1) hooks.afterFirstWindow?.();
      },
    });
    return { summary: fps, windows, windowEvents };
  } catch (error) {
    return { error, windows, windowEvents };
  }
}

function countsOf(api: Api, summary: unknown): Record<string, number> {
  if (api === 'scim') {
    const p = summary as ScimPull;
    return { users: p.users.length, groups: p.groups.length };
  }
  if (api === 'user-management') {
    const p = summary as UserManagementPull;
    return { roles: p.roles.length, assignments: p.assignments.length };
  }
  return { events: (summary as string[]).length };
}

function simCounts(api: Api): Record<string, number> {
  const s = sim.stats();
  if (api === 'scim') return { users: s.users, groups: s.groups };
  if (api === 'user-management') return { roles: s.roles, assignments: s.assignments };
  return { events: s.eventsInRetention };
}

const reference = new Map<Api, unknown>();

beforeAll(async () => {
  // Big enough that every API pages: 6+ SCIM pages, 3+ assignment pages, 4 audit pages per window.
  sim = await startSimulator({ clock, org: { kind: 'generated', members: 600, eventsPerQuarter: 6_000, seed: 5 } });
  for (const api of ['scim', 'user-management', 'audit-logs'] as const) {
    const clean = await run(api, simClients(sim));
    expect(clean.error).toBeUndefined();
    expect(countsOf(api, clean.summary)).toEqual(simCounts(api));
    reference.set(api, clean.summary);
  }
  expect(sim.stats().assignments).toBeGreaterThan(400);
  expect(sim.stats().users).toBeGreaterThan(500);
  expect(sim.stats().eventsInRetention).toBeGreaterThan(4_000);
});

afterAll(() => sim.close());

const APIS: readonly Api[] = ['scim', 'user-management', 'audit-logs'];

interface RecoverCase {
  readonly name: string;
  readonly faults: (prefix: string) => FaultSwitches;
  /** The retry delays the client must have used (ms); backoff is base 100 ms with zero jitter. */
  readonly sleeps?: (api: Api) => number[];
  /** Only for these APIs (the fault has no meaning elsewhere). */
  readonly only?: readonly Api[];
}

const RECOVERABLE: readonly RecoverCase[] = [
  { name: '429 with Retry-After', faults: (p) => ({ burst429: { count: 2, retryAfterSeconds: 3, pathPrefix: p } }), sleeps: () => [3_000, 3_000] },
  { name: '429 without Retry-After', faults: (p) => ({ burst429: { count: 2, pathPrefix: p } }), sleeps: () => [50, 100] },
  { name: '500', faults: (p) => ({ serverErrors: { count: 2, pathPrefix: p } }), sleeps: () => [50, 100] },
  { name: '503', faults: (p) => ({ serverErrors: { count: 1, status: 503, pathPrefix: p } }), sleeps: () => [50] },
  { name: 'connection reset', faults: (p) => ({ resets: { count: 2, pathPrefix: p } }), sleeps: () => [50, 100] },
  { name: 'truncated JSON', faults: (p) => ({ truncated: { count: 2, pathPrefix: p } }), sleeps: () => [50, 100] },
  { name: 'short page', faults: (p) => ({ shortPage: { count: 1, pathPrefix: p } }), sleeps: () => [] },
  { name: 'latency', faults: () => ({ latencyMs: 30 }), sleeps: () => [], only: ['scim'] },
];

describe.each(APIS)('%s: faults the connector recovers from give the complete, correct pull', (api) => {
  it.each(RECOVERABLE.filter((c) => !c.only || c.only.includes(api)).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const clients = simClients(sim);
    sim.setFaults(c.faults(PREFIX[api]));
    try {
      const out = await run(api, clients);
      expect(out.error).toBeUndefined();
      expect(out.summary).toEqual(reference.get(api));
      expect(countsOf(api, out.summary)).toEqual(simCounts(api));
      if (c.sleeps) expect(clients.sleeps).toEqual(c.sleeps(api));
    } finally {
      sim.setFaults({});
    }
  });
});

interface FailCase {
  readonly name: string;
  readonly faults: (prefix: string) => FaultSwitches;
  readonly code: SourceError['code'];
  readonly message: RegExp;
  readonly only?: readonly Api[];
}

const FOREVER = 1_000;
const FAILING: readonly FailCase[] = [
  { name: '429 that never ends', faults: (p) => ({ burst429: { count: FOREVER, retryAfterSeconds: 1, pathPrefix: p } }), code: 'E_SOURCE_RATE_LIMITED', message: /was still rate limited after 5 attempts/ },
  { name: '500 that never ends', faults: (p) => ({ serverErrors: { count: FOREVER, pathPrefix: p } }), code: 'E_SOURCE', message: /server error \(HTTP 500.*after 5 attempts/ },
  { name: 'resets that never end', faults: (p) => ({ resets: { count: FOREVER, pathPrefix: p } }), code: 'E_SOURCE', message: /connection failed \(ECONNRESET: .*\) after 5 attempts/ },
  { name: 'truncated JSON that never heals', faults: (p) => ({ truncated: { count: FOREVER, pathPrefix: p } }), code: 'E_SOURCE_PROTOCOL', message: /response body is truncated or not valid JSON \(\d+ bytes\) after 5 attempts/ },
  { name: 'repeating cursor', faults: (p) => ({ repeatCursor: { count: FOREVER, pathPrefix: p } }), code: 'E_SOURCE_PROTOCOL', message: /cursor it had already given.*(stopped instead of looping)/, only: ['user-management', 'audit-logs'] },
];

function expectSourceError(api: Api, out: Outcome, c: FailCase): SourceError {
  expect(out.summary).toBeUndefined();
  expect(out.error).toBeInstanceOf(SourceError);
  const err = out.error as SourceError;
  expect(err.source).toBe(api);
  expect(err.code).toBe(c.code);
  expect(err.exitCode).toBe(3);
  expect(err.message).toMatch(c.message);
  // The audit log names the window that failed and says it was not handed on.
  if (api === 'audit-logs') expect(err.message).toMatch(/the window \d{4}-\d\d-\d\dT[\d:.]+Z\.\.\d{4}-\d\d-\d\dT[\d:.]+Z.*was not handed on\)?$/);
  return err;
}

describe.each(APIS)('%s: faults that do not heal end in a clear SourceError, never a partial pull', (api) => {
  const cases = FAILING.filter((c) => !c.only || c.only.includes(api)).map((c) => [c.name, c] as const);

  it.each(cases)('%s from the first request', async (_name, c) => {
    sim.setFaults(c.faults(PREFIX[api]));
    try {
      const out = await run(api, simClients(sim));
      expectSourceError(api, out, c);
      expect(out.windows).toEqual([]);
    } finally {
      sim.setFaults({});
    }
  });

  it.each(cases)('%s after the first page / window', async (_name, c) => {
    const arm = () => sim.setFaults(c.faults(PREFIX[api]));
    try {
      const out = await run(api, simClients(sim), api === 'audit-logs' ? { afterFirstWindow: arm } : { afterFirstPage: arm });
      expectSourceError(api, out, c);
      if (api === 'audit-logs') {
        // The first window was complete and handed on; the failed second one was not.
        expect(out.windows).toEqual([{ from: FROM.toISOString(), to: new Date(FROM.getTime() + 30 * DAY).toISOString() }]);
        expect(out.windowEvents[0]).toBeGreaterThan(1_000);
      }
    } finally {
      sim.setFaults({});
    }
  });
});

describe('no secret in any error message or log line of a failing pull', () => {
  const SECRETS = (c: SimulatorCredentials) => [c.scimToken, c.orgApiKey, c.orgSecretKey, Buffer.from(`${c.orgApiKey}:${c.orgSecretKey}`).toString('base64')];
  const WRONG: SimulatorCredentials = { scimToken: 'wrong-scim-token-123456', orgApiKey: 'wrong-org-key-123456', orgSecretKey: 'wrong-org-secret-123456' };

  /** A real pino logger writing JSON lines into memory, as the CLI would. */
  function memoryLogger(): { log: HttpLogger; lines: string[] } {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    return { log: pino({ level: 'debug' }, stream), lines };
  }

  const cases: readonly [string, FaultSwitches | undefined, Partial<SimulatorCredentials> | undefined][] = [
    ['wrong credentials (401)', undefined, WRONG],
    ['500s until retries run out', { serverErrors: { count: FOREVER } }, undefined],
    ['resets until retries run out', { resets: { count: FOREVER } }, undefined],
    ['truncated bodies until retries run out', { truncated: { count: FOREVER } }, undefined],
    ['429s until retries run out', { burst429: { count: FOREVER, retryAfterSeconds: 1 } }, undefined],
  ];

  it.each(cases)('%s', async (_name, faults, credentials) => {
    for (const api of APIS) {
      const { log, lines } = memoryLogger();
      sim.setFaults(faults ?? {});
      try {
        const out = await run(api, simClients(sim, { log, ...(credentials && { credentials }) }));
        expect(out.error).toBeInstanceOf(SourceError);
        const err = out.error as SourceError;
        if (credentials) {
          expect(err.code).toBe('E_SOURCE_AUTH');
          expect(err.message).toMatch(api === 'scim' ? /\(check AMPLITUDE_SCIM_TOKEN\)$/ : /\(check AMPLITUDE_ORG_API_KEY and AMPLITUDE_ORG_SECRET_KEY\)( \(while pulling the window .*\))?$/);
        } else {
          // Every retry was logged: the scan below has lines to look at.
          expect(lines).toHaveLength(4);
        }
        const texts = [err.message, String(err), JSON.stringify(err), err.stack ?? '', inspect(err, { depth: 20, showHidden: true }), ...lines];
        for (const secret of [...SECRETS(sim.credentials), ...SECRETS(WRONG)]) {
          for (const t of texts) expect(t).not.toContain(secret);
        }
      } finally {
        sim.setFaults({});
      }
    }
  });
});
