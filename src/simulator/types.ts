/**
 * Options of the embedded Amplitude simulator (SPEC §4). The connectors' tests and the demo
 * start it in-process on 127.0.0.1 with `startSimulator(options)` from `./server.js`.
 */
import type { Clock } from '../clock.js';
import type { SimOrg } from './org.js';

export interface FaultSwitches {
  /** Added to every response, in ms. */
  latencyMs?: number;
  /** The next N requests (to matching paths) answer 429. */
  burst429?: { count: number; retryAfterSeconds?: number; pathPrefix?: string };
  /** The next N requests answer 500 (or the given status). */
  serverErrors?: { count: number; status?: number; pathPrefix?: string };
  /** The next N requests have their connection destroyed before any response. */
  resets?: { count: number; pathPrefix?: string };
  /** The next N responses are cut in the middle of the JSON body. */
  truncated?: { count: number; pathPrefix?: string };
  /** SCIM /Users answers a page shorter than asked although more remain (once). */
  shortPage?: { count: number; pathPrefix?: string };
  /** A cursor-paginated route returns the same nextCursor again (N times). */
  repeatCursor?: { count: number; pathPrefix?: string };
}

export interface SimulatorCredentials {
  scimToken: string;
  orgApiKey: string;
  orgSecretKey: string;
}

export const DEMO_CREDENTIALS: SimulatorCredentials = {
  scimToken: 'sim-scim-token-demo',
  orgApiKey: 'sim-org-api-key-demo',
  orgSecretKey: 'sim-org-secret-key-demo',
};

export interface SimulatorOptions {
  /** 0 = any free port. */
  port?: number;
  host?: string;
  /** `demo` (a few dozen members with planted violations) or a generated org of this many members. */
  org?:
    | { kind: 'demo'; /** The demo's "now" (default: the clock's now at start); its timeline is relative to it. */ anchor?: Date | string }
    | {
        kind: 'generated';
        members: number;
        projects?: number;
        keys?: number;
        eventsPerQuarter?: number;
        seed?: number;
        /** Dates of the generated org are relative to this (default: the clock's now at start). */
        anchor?: Date | string;
      };
  /** A ready-made organization (from `generateOrg` or `buildDemoOrg`); takes precedence over `org`. */
  simOrg?: SimOrg;
  /** The simulator's "now": retention (90 days) and the window limit are computed against it. */
  clock?: Clock;
  credentials?: SimulatorCredentials;
  /** Server-side rate limits, requests per minute. SCIM defaults to 100 as documented. */
  rateLimits?: { scimPerMinute?: number; userManagementPerMinute?: number; auditLogsPerMinute?: number };
  faults?: FaultSwitches;
  /**
   * Audit Logs response envelope (undocumented at Amplitude, so connectors must tolerate each):
   * `data` = `{ data, pagination: { next_cursor } }` (default), `events` = `{ events, pagination: { nextCursor } }`,
   * `bare` = a bare array without continuation.
   */
  auditLogShape?: 'data' | 'events' | 'bare';
  /** Entry key names: `standard` (timestamp, user_email, app_id, ip_address, event_properties) or
   * `alternate` (event_time, user, project_id, ip, properties). */
  auditLogKeyVariant?: 'standard' | 'alternate';
}

export interface RunningSimulator {
  readonly url: string;
  readonly port: number;
  readonly orgId: string;
  readonly credentials: SimulatorCredentials;
  /** Change fault switches while running (tests). */
  setFaults(faults: FaultSwitches): void;
  /** Counts of what it serves, for "collect pulled everything" checks. */
  stats(): SimulatorStats;
  close(): Promise<void>;
  /** Settles when the server has closed (by `close()` or otherwise). */
  readonly closed?: Promise<void>;
}

export interface SimulatorStats {
  users: number;
  groups: number;
  assignments: number;
  roles: number;
  /** Audit events within retention (the last 90 days of the simulator's clock). */
  eventsInRetention: number;
  requests: number;
  answered429: number;
}
