import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock, manualClock } from '../clock.js';
import { SourceError } from '../errors.js';
import { createHttpClient } from './client.js';
import type { HttpAuth, HttpClientOptions } from './types.js';

type Step = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  contentType?: string;
  body: string;
}

/** A scripted server on 127.0.0.1: the n-th request is answered by steps[n] (the last step repeats). */
async function scripted(steps: Step[]) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        ...(req.headers.authorization !== undefined && { authorization: req.headers.authorization }),
        ...(req.headers['content-type'] !== undefined && { contentType: req.headers['content-type'] }),
        body,
      });
      const step = steps[Math.min(seen.length - 1, steps.length - 1)]!;
      step(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  servers.push(server);
  return { url: `http://127.0.0.1:${port}/api/1`, seen };
}

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); })));
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Step => (_req, res) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const reset: Step = (req) => req.socket.destroy();

const TOKEN = 'tok-SECRET-1234567890';
const KEY = 'org-api-key-ABCDEF';
const SECRET = 'org-secret-key-XYZ987';
const basic: HttpAuth = { kind: 'basic', username: KEY, password: SECRET };
const BASIC_B64 = Buffer.from(`${KEY}:${SECRET}`).toString('base64');

function client(url: string, extra: Partial<HttpClientOptions> = {}) {
  const sleeps: number[] = [];
  const logs: string[] = [];
  const http = createHttpClient({
    source: 'scim',
    baseUrl: url,
    auth: { kind: 'bearer', token: TOKEN },
    authHint: 'check AMPLITUDE_SCIM_TOKEN',
    retries: 3,
    baseDelayMs: 100,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    log: { warn: (fields, msg) => logs.push(`${msg} ${JSON.stringify(fields)}`) },
    ...extra,
  });
  return { http, sleeps, logs };
}

async function failure(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SourceError);
    return err as SourceError;
  }
  throw new Error('expected the request to fail');
}

function expectNoSecrets(texts: string[]) {
  for (const t of texts) for (const s of [TOKEN, KEY, SECRET, BASIC_B64]) expect(t).not.toContain(s);
}

function renderings(err: SourceError): string[] {
  return [err.message, String(err), JSON.stringify(err), err.stack ?? '', inspect(err, { depth: 10, showHidden: true })];
}

describe('createHttpClient: success', () => {
  it('sends the bearer token and query, and returns the parsed body', async () => {
    const srv = await scripted([json(200, { ok: 1 })]);
    const { http } = client(srv.url);
    expect(await http.get('/Users', { startIndex: 1, itemsPerPage: 100, filter: undefined })).toEqual({ ok: 1 });
    expect(srv.seen).toEqual([{ method: 'GET', url: '/api/1/Users?startIndex=1&itemsPerPage=100', authorization: `Bearer ${TOKEN}`, body: '' }]);
  });

  it('posts JSON with Basic auth', async () => {
    const srv = await scripted([json(200, [1, 2])]);
    const { http } = client(`${srv.url}/`, { auth: basic });
    expect(await http.post('42', { start_date: 'a' })).toEqual([1, 2]);
    expect(srv.seen[0]).toEqual({ method: 'POST', url: '/api/1/42', authorization: `Basic ${BASIC_B64}`, contentType: 'application/json', body: '{"start_date":"a"}' });
  });
});

describe('createHttpClient: retries', () => {
  it('honours Retry-After in seconds on 429', async () => {
    const srv = await scripted([json(429, { error: 'slow down' }, { 'Retry-After': '2' }), json(200, { ok: true })]);
    const { http, sleeps } = client(srv.url);
    expect(await http.get('x')).toEqual({ ok: true });
    expect(sleeps).toEqual([2_000]);
    expect(http.stats()).toMatchObject({ requests: 2, retries: 1, answered429: 1, backoffMs: 2_000 });
  });

  it('honours Retry-After as an HTTP date, read against the injected clock', async () => {
    const clock = fixedClock('2026-11-02T10:00:00.000Z');
    const srv = await scripted([json(429, '', { 'Retry-After': 'Mon, 02 Nov 2026 10:00:05 GMT' }), json(200, {})]);
    const { http, sleeps } = client(srv.url, { clock });
    await http.get('x');
    expect(sleeps).toEqual([5_000]);
  });

  it('honours retry_after_seconds of a problem body (User Management)', async () => {
    const problem = { type: 'about:blank', title: 'Too Many Requests', status: 429, error_code: 'rate_limited', retryable: true, retry_after_seconds: 3 };
    const srv = await scripted([json(429, problem), json(503, { ...problem, status: 503, error_code: 'internal_error', retry_after_seconds: 1 }), json(200, {})]);
    const { http, sleeps } = client(srv.url);
    await http.get('x');
    expect(sleeps).toEqual([3_000, 1_000]);
  });

  it('backs off exponentially without Retry-After, then gives up with E_SOURCE_RATE_LIMITED', async () => {
    const srv = await scripted([json(429, '')]);
    const { http, sleeps, logs } = client(srv.url);
    const err = await failure(http.get('Users'));
    expect(err.code).toBe('E_SOURCE_RATE_LIMITED');
    expect(err.retryable).toBe(true);
    expect(err.details.status).toBe(429);
    expect(err.message).toBe(`scim: GET ${srv.url}/Users was still rate limited after 4 attempts (try again later, or lower amplitude.rateLimits)`);
    expect(sleeps).toEqual([50, 100, 200]);
    expect(srv.seen).toHaveLength(4);
    expect(logs).toHaveLength(3);
    expect(http.stats()).toMatchObject({ requests: 4, retries: 3, answered429: 4 });
  });

  it('gives up when the server asks to wait longer than allowed', async () => {
    const srv = await scripted([json(429, '', { 'Retry-After': '3600' })]);
    const { http, sleeps } = client(srv.url, { maxRetryAfterMs: 60_000 });
    const err = await failure(http.get('x'));
    expect(err.code).toBe('E_SOURCE_RATE_LIMITED');
    expect(err.message).toMatch(/asks to wait 3600 s, longer than the 60 s allowed/);
    expect(sleeps).toEqual([]);
  });

  it.each([
    ['500', json(500, { message: 'boom' })],
    ['502 with HTML', json(502, '<html>bad gateway</html>')],
    ['connection reset', reset],
    ['truncated JSON', json(200, '{"Resources":[{"id":"a@x.com"},{"id":"b@')],
    ['empty 200 body', json(200, '')],
    ['body cut off below its Content-Length', (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"data":[1,2');
      setTimeout(() => res.socket?.destroy(), 10);
    }],
  ] as const)('retries after %s and then succeeds', async (_name, first) => {
    const srv = await scripted([first, json(200, { fine: true })]);
    const { http, sleeps } = client(srv.url);
    expect(await http.get('x')).toEqual({ fine: true });
    expect(sleeps).toEqual([50]);
    expect(srv.seen).toHaveLength(2);
  });

  it('reports truncated JSON that never heals as E_SOURCE_PROTOCOL', async () => {
    const srv = await scripted([json(200, '{"data":[{"a":1},')]);
    const { http } = client(srv.url);
    const err = await failure(http.get('x'));
    expect(err.code).toBe('E_SOURCE_PROTOCOL');
    expect(err.message).toMatch(/truncated or not valid JSON \(17 bytes\) after 4 attempts$/);
    expect(http.stats().protocolErrors).toBe(4);
  });

  it('reports resets that never heal as a retryable E_SOURCE', async () => {
    const srv = await scripted([reset]);
    const { http } = client(srv.url);
    const err = await failure(http.get('x'));
    expect(err.code).toBe('E_SOURCE');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/connection failed \(ECONNRESET: .*\) after 4 attempts$/);
  });

  it('times out a request that never answers and retries it', async () => {
    const hang: Step = () => undefined;
    const srv = await scripted([hang, json(200, { late: false })]);
    const { http } = client(srv.url, { timeoutMs: 150 });
    expect(await http.get('x')).toEqual({ late: false });
    expect(http.stats()).toMatchObject({ requests: 2, networkErrors: 1 });
  });

  it('does not retry a 5xx whose problem body says retryable: false', async () => {
    const srv = await scripted([json(500, { error_code: 'internal_error', detail: 'corrupt tenant', retryable: false })]);
    const { http } = client(srv.url);
    const err = await failure(http.get('x'));
    expect(err.message).toBe(`scim: GET ${srv.url}/x failed (HTTP 500, internal_error): corrupt tenant`);
    expect(srv.seen).toHaveLength(1);
  });
});

describe('createHttpClient: failures that are not retried', () => {
  it.each([
    [401, {}, `was refused (HTTP 401): {} (check AMPLITUDE_SCIM_TOKEN)`],
    [403, { error_code: 'insufficient_permissions', detail: 'key lacks scope' }, 'was refused (HTTP 403, insufficient_permissions): key lacks scope (check AMPLITUDE_SCIM_TOKEN)'],
  ] as const)('%i fails at once with E_SOURCE_AUTH and names the variable to check', async (status, body, tail) => {
    const srv = await scripted([json(status, body)]);
    const { http } = client(srv.url);
    const err = await failure(http.get('Users'));
    expect(err.code).toBe('E_SOURCE_AUTH');
    expect(err.exitCode).toBe(3);
    expect(err.message).toBe(`scim: GET ${srv.url}/Users ${tail}`);
    expect(srv.seen).toHaveLength(1);
  });

  it('400 fails at once with the server detail', async () => {
    const srv = await scripted([json(400, { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'start_date is more than 90 days ago', error_code: 'invalid_request' })]);
    const { http } = client(srv.url);
    const err = await failure(http.post('7', {}));
    expect(err.code).toBe('E_SOURCE');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(`scim: POST ${srv.url}/7 was rejected (HTTP 400, invalid_request): start_date is more than 90 days ago`);
  });

  it('org_id_mismatch says which config key to check', async () => {
    const srv = await scripted([json(403, { error_code: 'org_id_mismatch', detail: 'orgId does not match the key' })]);
    const { http } = client(srv.url);
    const err = await failure(http.get('roles', { orgId: 1 }));
    expect(err.code).toBe('E_SOURCE_AUTH');
    expect(err.message).toMatch(/org_id_mismatch\): orgId does not match the key \(check org\.id in the config/);
  });

  it('an invalid base URL is not retried', async () => {
    const { http, sleeps } = client('http://127.0.0.1:99999/scim/1');
    const err = await failure(http.get('Users'));
    expect(err.message).toBe('scim: GET http://127.0.0.1:99999/scim/1/Users could not connect (ERR_INVALID_URL: Invalid URL) (check the base URL under amplitude: in the config)');
    expect(sleeps).toEqual([]);
  });
});

describe('createHttpClient: no credentials in errors or logs', () => {
  // A hostile or buggy server that echoes the request headers into its error bodies.
  const echo = (status: number): Step => (req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    const auth = req.headers.authorization ?? '';
    const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString() : auth.slice(7);
    res.end(JSON.stringify({ detail: `bad credentials: ${auth} (${decoded}) user ${decoded.split(':')[0]} pass ${decoded.split(':')[1] ?? ''}` }));
  };

  it.each([
    ['401 echoing the Authorization header', [echo(401)]],
    ['400 echoing it', [echo(400)]],
    ['500s echoing it until retries run out', [echo(500)]],
    ['resets until retries run out', [reset]],
    ['truncated bodies until retries run out', [json(200, '{"a":')]],
  ] as const)('%s', async (_name, steps) => {
    for (const auth of [{ kind: 'bearer', token: TOKEN } as const, basic]) {
      const srv = await scripted([...steps]);
      const { http, logs } = client(srv.url, { auth });
      const err = await failure(http.get('Users'));
      expectNoSecrets([...renderings(err), ...logs]);
      expect(srv.seen[0]!.authorization).toMatch(/^(Bearer|Basic) /);
    }
  });

  it('strips user-info from a base URL in messages', async () => {
    const srv = await scripted([json(404, { detail: 'nope' })]);
    const withUserInfo = srv.url.replace('http://', `http://${KEY}:${SECRET}@`);
    const { http } = client(withUserInfo, { auth: basic });
    const err = await failure(http.get('x'));
    expectNoSecrets(renderings(err));
    expect(err.message).toBe(`scim: GET ${srv.url}/x was rejected (HTTP 404): nope`);
  });
});

describe('createHttpClient: rate limiter', () => {
  it('spaces requests to the configured rate, with fake time', async () => {
    const clock = manualClock('2026-11-02T00:00:00.000Z');
    const t0 = clock.now().getTime();
    const srv = await scripted([json(200, {})]);
    const sentAt: number[] = [];
    const { http } = client(srv.url, {
      clock,
      ratePerMinute: 2,
      sleep: async (ms) => clock.advance(ms),
      log: { warn: () => undefined },
    });
    for (let i = 0; i < 5; i++) {
      await http.get('x');
      sentAt.push(clock.now().getTime() - t0);
    }
    expect(sentAt).toEqual([0, 0, 60_240, 60_240, 120_480]);
    expect(http.stats()).toMatchObject({ requests: 5, limiterWaitMs: 120_480 });
  });

  it('holds the limiter for Retry-After after a 429', async () => {
    const clock = manualClock('2026-11-02T00:00:00.000Z');
    const t0 = clock.now().getTime();
    const srv = await scripted([json(429, '', { 'Retry-After': '7' }), json(200, {})]);
    const { http } = client(srv.url, { clock, ratePerMinute: 100, sleep: async (ms) => clock.advance(ms) });
    await http.get('x');
    expect(clock.now().getTime() - t0).toBe(7_000);
    expect(http.stats()).toMatchObject({ requests: 2, answered429: 1, backoffMs: 7_000 });
  });
});
