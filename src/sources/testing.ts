/**
 * Test helpers for the connectors: clients wired to a running simulator with fast, recorded
 * retries, and a tiny scripted JSON server for response shapes the simulator does not produce.
 * Used by tests only.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { manualClock, type Clock } from '../clock.js';
import { createHttpClient } from '../http/client.js';
import type { HttpClient, HttpLogger } from '../http/types.js';
import type { RunningSimulator, SimulatorCredentials } from '../simulator/types.js';
import { resolveApiUrls } from './types.js';

export interface SimClients {
  readonly scim: HttpClient;
  readonly userManagement: HttpClient;
  readonly auditLogs: HttpClient;
  /** Every retry delay asked for (ms), in order; nothing really waits. */
  readonly sleeps: number[];
}

export interface SimClientOptions {
  /** Start of the clients' own clock (Retry-After dates, limiter); it moves forward on each sleep. */
  readonly start?: string;
  readonly retries?: number;
  readonly credentials?: Partial<SimulatorCredentials>;
  readonly log?: HttpLogger;
  /** Client-side limits; none by default (the fake clock would make the limiter spin). */
  readonly ratePerMinute?: number;
}

export function simClients(sim: RunningSimulator, options: SimClientOptions = {}): SimClients {
  const urls = resolveApiUrls({ region: 'us', baseUrl: sim.url });
  const creds = { ...sim.credentials, ...options.credentials };
  const sleeps: number[] = [];
  const clientClock = manualClock(options.start ?? '2026-10-01T00:00:00.000Z');
  const common = {
    clock: clientClock as Clock,
    retries: options.retries ?? 4,
    baseDelayMs: 100,
    random: () => 0,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clientClock.advance(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
    ...(options.log && { log: options.log }),
    ...(options.ratePerMinute !== undefined && { ratePerMinute: options.ratePerMinute }),
  };
  const org = { kind: 'basic' as const, username: creds.orgApiKey, password: creds.orgSecretKey };
  return {
    scim: createHttpClient({ ...common, source: 'scim', baseUrl: urls.scim, auth: { kind: 'bearer', token: creds.scimToken }, authHint: 'check AMPLITUDE_SCIM_TOKEN' }),
    userManagement: createHttpClient({ ...common, source: 'user-management', baseUrl: urls.userManagement, auth: org, authHint: 'check AMPLITUDE_ORG_API_KEY and AMPLITUDE_ORG_SECRET_KEY' }),
    auditLogs: createHttpClient({ ...common, source: 'audit-logs', baseUrl: urls.auditLogs, auth: org, authHint: 'check AMPLITUDE_ORG_API_KEY and AMPLITUDE_ORG_SECRET_KEY' }),
    sleeps,
  };
}

export interface ScriptedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export interface ScriptedServer {
  readonly url: string;
  readonly requests: ScriptedRequest[];
  client(source?: string): HttpClient;
  close(): Promise<void>;
}

/** A server answering each request with `respond(request)` as JSON (status 200 unless it returns `{ status, body }`). */
export async function scriptedServer(respond: (req: ScriptedRequest) => unknown): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const r: ScriptedRequest = { method: req.method ?? '', path: url.pathname, query: url.searchParams, body: raw ? (JSON.parse(raw) as unknown) : undefined };
      requests.push(r);
      const out = respond(r);
      const withStatus = out !== null && typeof out === 'object' && 'status' in out && 'body' in out ? (out as { status: number; body: unknown }) : { status: 200, body: out };
      res.writeHead(withStatus.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(withStatus.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    client: (source = 'test') =>
      createHttpClient({ source, baseUrl: url, auth: { kind: 'bearer', token: 'scripted-token' }, retries: 0, sleep: async () => undefined }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
