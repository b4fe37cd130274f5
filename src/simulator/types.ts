/**
 * Options of the embedded Amplitude simulator (SPEC §4). The connectors' tests and the demo
 * start it in-process on 127.0.0.1 with `startSimulator(options)` from `./server.js`.
 */
import type { Clock } from '../clock.js';

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
  org?: { kind: 'demo' } | { kind: 'generated'; members: number; projects?: number; keys?: number; eventsPerQuarter?: number; seed?: number };
  /** The simulator's "now": retention (90 days) and the window limit are computed against it. */
  clock?: Clock;
  credentials?: SimulatorCredentials;
  /** Server-side rate limits, requests per minute. SCIM defaults to 100 as documented. */
  rateLimits?: { scimPerMinute?: number; userManagementPerMinute?: number; auditLogsPerMinute?: number };
  faults?: FaultSwitches;
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
