/**
 * A recording reverse proxy on 127.0.0.1 in front of the simulator: notes when each request
 * arrived and what status it was answered with, as the server sees it. The simulator itself
 * only counts; the collect figures need arrival times.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Arrival } from './rate.js';

export interface RecordingProxy {
  readonly url: string;
  /** Arrivals per API prefix (`scim`, `user-management`, `audit-logs`). */
  arrivals(): Record<string, Arrival[]>;
  close(): Promise<void>;
}

export function apiOfPath(path: string): string {
  if (path.startsWith('/scim/')) return 'scim';
  if (path.startsWith('/user-management/')) return 'user-management';
  if (path.startsWith('/api/2/audit-logs')) return 'audit-logs';
  return 'other';
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const to = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const log: Record<string, Arrival[]> = {};
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const t = performance.now();
    const api = apiOfPath(req.url ?? '/');
    const up = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers, agent },
      (ur) => {
        (log[api] ??= []).push({ t, status: ur.statusCode ?? 0 });
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on('error', () => {
      (log[api] ??= []).push({ t, status: 502 });
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals: () => log,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
