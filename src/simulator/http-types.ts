/** What a simulator route gets and gives. */
import type { IncomingHttpHeaders } from 'node:http';
import type { FaultState } from './faults.js';
import type { SimOrg } from './org.js';
import type { OrgState } from './state.js';
import type { SimulatorCredentials } from './types.js';

export interface SimRequest {
  readonly method: string;
  /** Decoded path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The simulator clock at the start of the request, epoch ms. */
  readonly now: number;
}

export interface SimResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface RouteEnv {
  readonly org: SimOrg;
  readonly state: OrgState;
  readonly credentials: SimulatorCredentials;
  readonly faults: FaultState;
  readonly auditLogShape: 'data' | 'events' | 'bare';
  readonly auditLogKeyVariant: 'standard' | 'alternate';
}

export function json(status: number, body: unknown, headers?: Record<string, string>): SimResponse {
  return headers ? { status, body, headers } : { status, body };
}

/** Compares without leaking timing (the simulator is not a real vault, but it is cheap to do right). */
export function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return d === 0;
}

/** True when the request carries HTTP Basic credentials `user:password`. */
export function basicAuthOk(headers: IncomingHttpHeaders, user: string, password: string): boolean {
  const h = headers.authorization;
  if (typeof h !== 'string' || !/^basic /i.test(h)) return false;
  const decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  return safeEqual(decoded, `${user}:${password}`);
}

export function bearerOk(headers: IncomingHttpHeaders, token: string): boolean {
  const h = headers.authorization;
  if (typeof h !== 'string' || !/^bearer /i.test(h)) return false;
  return safeEqual(h.slice(7).trim(), token);
}

/** Opaque cursors: base64url of a small JSON object. */
export function encodeCursor(value: Record<string, number | string>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
