/**
 * The embedded Amplitude simulator (SPEC §4): one `node:http` server on 127.0.0.1 serving
 * SCIM, User Management and Audit Logs for a simulated organization, as of its clock's now
 * (read on every request, so a test can move the clock).
 *
 * Per request: latency → connection reset → 429 burst → 5xx → rate limit → route → (truncated
 * body). `GET /__sim/stats` needs no auth and is not counted.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../clock.js';
import { buildDemoOrg } from './demo-org.js';
import { cachingSource, countEvents } from './events.js';
import { FaultState } from './faults.js';
import { generateOrg } from './generator.js';
import type { RouteEnv, SimRequest, SimResponse } from './http-types.js';
import { DAY_MS, type SimOrg } from './org.js';
import { fixedWindowLimiter, type RateLimiter } from './rate-limit.js';
import { AUDIT_PREFIX, AUDIT_RETENTION_DAYS, auditError, handleAuditLogs } from './routes-audit.js';
import { SCIM_PREFIX, handleScim, scimError } from './routes-scim.js';
import { UM_PREFIX, handleUserManagement, umError } from './routes-um.js';
import { stateView } from './state.js';
import { DEMO_CREDENTIALS, type RunningSimulator, type SimulatorOptions, type SimulatorStats } from './types.js';

type Api = 'scim' | 'um' | 'audit';

const MAX_BODY = 1 << 20;

function apiOf(path: string): Api | undefined {
  if (path === SCIM_PREFIX || path.startsWith(`${SCIM_PREFIX}/`)) return 'scim';
  if (path === UM_PREFIX || path.startsWith(`${UM_PREFIX}/`)) return 'um';
  if (path.startsWith(`${AUDIT_PREFIX}/`)) return 'audit';
  return undefined;
}

/** A 429 or 5xx in the API's own error style. */
function apiError(api: Api, status: number, path: string, retryAfter?: number): SimResponse {
  const header = retryAfter !== undefined && api !== 'um' ? { 'Retry-After': String(retryAfter) } : undefined;
  const limited = status === 429;
  const detail = limited ? 'Too many requests: rate limit exceeded.' : 'The server failed to process the request.';
  if (api === 'scim') {
    const r = scimError(status, detail, limited ? 'tooMany' : undefined);
    return header ? { ...r, headers: header } : r;
  }
  if (api === 'um') return umError(status, limited ? 'rate_limited' : 'internal_error', detail, path, limited ? retryAfter : undefined);
  return auditError(status, limited ? 'rate_limited' : 'internal_error', detail, header);
}

/** Builds the organization the options ask for, anchored at `now` unless the options say otherwise. */
export function buildOrg(options: SimulatorOptions, now: Date): SimOrg {
  const spec = options.org ?? { kind: 'demo' };
  if (spec.kind === 'demo') return buildDemoOrg(spec.anchor !== undefined ? new Date(spec.anchor) : now);
  return generateOrg({
    members: spec.members,
    ...(spec.projects !== undefined ? { projects: spec.projects } : {}),
    ...(spec.keys !== undefined ? { keys: spec.keys } : {}),
    ...(spec.eventsPerQuarter !== undefined ? { eventsPerQuarter: spec.eventsPerQuarter } : {}),
    seed: spec.seed ?? 1,
    anchor: spec.anchor !== undefined ? new Date(spec.anchor) : now,
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const clock = options.clock ?? systemClock;
  const credentials = options.credentials ?? DEMO_CREDENTIALS;
  const org = options.simOrg ?? buildOrg(options, clock.now());
  const servedOrg: SimOrg = { ...org, events: cachingSource(org.events, 4) };
  const states = stateView(servedOrg);
  const faults = new FaultState(options.faults ?? {});
  const mono = (): number => performance.now();
  const limiters: Record<Api, RateLimiter> = {
    scim: fixedWindowLimiter(options.rateLimits?.scimPerMinute ?? 100, mono),
    um: fixedWindowLimiter(options.rateLimits?.userManagementPerMinute, mono),
    audit: fixedWindowLimiter(options.rateLimits?.auditLogsPerMinute, mono),
  };
  let requests = 0;
  let answered429 = 0;

  const stats = (): SimulatorStats => {
    const now = clock.now().getTime();
    const state = states.at(now);
    return {
      users: state.users.length,
      groups: state.groups.length,
      assignments: state.assignments.length,
      roles: servedOrg.roles.length,
      eventsInRetention: countEvents(servedOrg, now - AUDIT_RETENTION_DAYS * DAY_MS, now),
      requests,
      answered429,
    };
  };

  const send = (res: ServerResponse, path: string, r: SimResponse): void => {
    if (r.status === 429) answered429++;
    let body = Buffer.from(JSON.stringify(r.body), 'utf8');
    // Fault: a body cut in the middle, with a Content-Length that matches the cut (clean HTTP, broken JSON).
    if (path !== '/__sim/stats' && faults.take('truncated', path)) body = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
    res.writeHead(r.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length), ...r.headers });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = url.pathname;
    }
    if (path === '/__sim/stats') {
      send(res, path, { status: 200, body: stats() });
      return;
    }
    requests++;
    const body = await readBody(req);
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (faults.take('resets', path)) {
      req.socket.destroy();
      return;
    }
    const api = apiOf(path);
    if (!api) {
      send(res, path, { status: 404, body: { error: 'not_found', message: `No simulated API at ${path}.` } });
      return;
    }
    const burst = faults.take('burst429', path);
    if (burst) {
      send(res, path, apiError(api, 429, path, burst.retryAfterSeconds));
      return;
    }
    const failure = faults.take('serverErrors', path);
    if (failure) {
      send(res, path, apiError(api, failure.status ?? 500, path));
      return;
    }
    const wait = limiters[api].check();
    if (wait !== undefined) {
      send(res, path, apiError(api, 429, path, wait));
      return;
    }
    const now = clock.now().getTime();
    const env: RouteEnv = {
      org: servedOrg,
      state: states.at(now),
      credentials,
      faults,
      auditLogShape: options.auditLogShape ?? 'data',
      auditLogKeyVariant: options.auditLogKeyVariant ?? 'standard',
    };
    const sreq: SimRequest = { method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, body, now };
    const r = api === 'scim' ? handleScim(sreq, env) : api === 'um' ? handleUserManagement(sreq, env) : handleAuditLogs(sreq, env);
    send(res, path, r);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      const message = err instanceof Error ? err.message : String(err);
      res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: 'internal_error', message }));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  let closing: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    orgId: servedOrg.id,
    credentials,
    setFaults: (f) => faults.set(f),
    stats,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        // Already closed is fine: close() is idempotent.
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    closed,
  };
}
