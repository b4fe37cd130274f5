/** Small HTTP helpers for the simulator's own tests (real requests to 127.0.0.1). */
import type { RunningSimulator } from './types.js';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export async function scimGet(sim: RunningSimulator, path: string, token = sim.credentials.scimToken): Promise<Reply> {
  return reply(await fetch(`${sim.url}/scim/1${path}`, { headers: { authorization: `Bearer ${token}` } }));
}

export async function umGet(sim: RunningSimulator, path: string, params: Record<string, string> = {}, auth?: string): Promise<Reply> {
  const q = new URLSearchParams({ orgId: sim.orgId, ...params });
  for (const [k, v] of Object.entries(params)) if (v === '<omit>') q.delete(k);
  const a = auth ?? basic(sim.credentials.orgApiKey, sim.credentials.orgSecretKey);
  return reply(await fetch(`${sim.url}/user-management/1${path}?${q.toString()}`, { headers: { authorization: a } }));
}

export async function auditPost(sim: RunningSimulator, body: unknown, opts: { orgId?: string; auth?: string } = {}): Promise<Reply> {
  const a = opts.auth ?? basic(sim.credentials.orgApiKey, sim.credentials.orgSecretKey);
  return reply(
    await fetch(`${sim.url}/api/2/audit-logs/${opts.orgId ?? sim.orgId}`, {
      method: 'POST',
      headers: { authorization: a, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

export function obj(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`expected an object, got ${JSON.stringify(v)?.slice(0, 200)}`);
  return v as Record<string, unknown>;
}

export function arr(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new Error(`expected an array, got ${JSON.stringify(v)?.slice(0, 200)}`);
  return v;
}
