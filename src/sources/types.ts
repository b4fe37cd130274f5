/**
 * What the three Amplitude connectors share: their options, schema parsing that fails as a
 * SourceError, the API base URLs, and building their HTTP clients from the configuration.
 */
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { InputError, SourceError } from '../errors.js';
import { createHttpClient } from '../http/client.js';
import type { HttpClient, HttpLogger, Sleep } from '../http/types.js';

export interface ConnectorOptions {
  /** A client from `createHttpClient` (base URL, auth, retries, rate limit already set). */
  readonly http: HttpClient;
  readonly clock: Clock;
}

/**
 * Parses a response with a schema. A response of the wrong shape is not retried: it is a
 * protocol error that names the request and where in the body the shape was wrong (never values).
 */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, source: string, what: string): z.output<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
  const more = r.error.issues.length > 3 ? ` (+${r.error.issues.length - 3} more)` : '';
  return failProtocol(source, `${what}: unexpected response shape: ${issues.join('; ')}${more}`);
}

export function failProtocol(source: string, message: string): never {
  throw new SourceError(source, message, { code: 'E_SOURCE_PROTOCOL', retryable: false });
}

export interface ApiUrls {
  readonly scim: string;
  /** The User Management API root (`…/user-management/1`). */
  readonly userManagement: string;
  /** The Audit Logs root without the org id (`…/api/2/audit-logs`). */
  readonly auditLogs: string;
}

const HOSTS = {
  us: { core: 'https://core.amplitude.com', audit: 'https://amplitude.com' },
  // The EU audit-log host differs between documentation pages; `amplitude.auditLogsUrl` overrides it.
  eu: { core: 'https://core.eu.amplitude.com', audit: 'https://analytics.eu.amplitude.com' },
} as const;

const trim = (u: string): string => u.replace(/\/+$/, '');

/** A URL given as a bare host gets the API's documented path; a URL with a path is used as is. */
function withPath(url: string, path: string): string {
  try {
    const u = new URL(url);
    if (u.pathname === '/' || u.pathname === '') return `${trim(url)}${path}`;
  } catch {
    // the config schema already checked it is a URL
  }
  return trim(url);
}

export function resolveApiUrls(amplitude: Pick<Config['amplitude'], 'region' | 'baseUrl' | 'scimUrl' | 'userManagementUrl' | 'auditLogsUrl'>): ApiUrls {
  const hosts = HOSTS[amplitude.region];
  const base = amplitude.baseUrl ? trim(amplitude.baseUrl) : undefined;
  return {
    scim: amplitude.scimUrl ? withPath(amplitude.scimUrl, '/scim/1') : `${base ?? hosts.core}/scim/1`,
    userManagement: amplitude.userManagementUrl
      ? withPath(amplitude.userManagementUrl, '/user-management/1')
      : `${base ?? hosts.core}/user-management/1`,
    auditLogs: amplitude.auditLogsUrl ? withPath(amplitude.auditLogsUrl, '/api/2/audit-logs') : `${base ?? hosts.audit}/api/2/audit-logs`,
  };
}

export interface AmplitudeClients {
  /** Undefined when the API is switched off in the config. */
  readonly scim?: HttpClient;
  readonly userManagement?: HttpClient;
  readonly auditLogs?: HttpClient;
}

export interface ClientDeps {
  readonly clock: Clock;
  readonly sleep?: Sleep;
  readonly log?: HttpLogger;
  /** Overrides for tests (fewer retries, smaller delays). */
  readonly retries?: number;
  readonly baseDelayMs?: number;
}

function missingSecret(variable: string, api: string, key: string): InputError {
  return new InputError(
    `${variable} is not set, but amplitude.${key} is on`,
    { field: `amplitude.${key}` },
    `export ${variable} with the ${api}, or set amplitude.${key}: false`,
  );
}

/**
 * One client per enabled API, each with its own rate limiter at the configured limit. Secrets
 * come only from `config.secrets` (the environment); a missing one is an InputError.
 */
export function createAmplitudeClients(config: Pick<Config, 'amplitude' | 'secrets'>, deps: ClientDeps): AmplitudeClients {
  const a = config.amplitude;
  const urls = resolveApiUrls(a);
  const common = {
    timeoutMs: a.timeoutMs,
    clock: deps.clock,
    ...(deps.sleep && { sleep: deps.sleep }),
    ...(deps.log && { log: deps.log }),
    ...(deps.retries !== undefined && { retries: deps.retries }),
    ...(deps.baseDelayMs !== undefined && { baseDelayMs: deps.baseDelayMs }),
  };
  const { scimToken, orgApiKey, orgSecretKey } = config.secrets;
  const needOrgKeys = a.userManagement || a.auditLogs;
  if (a.scim && !scimToken) throw missingSecret('AMPLITUDE_SCIM_TOKEN', 'SCIM key', 'scim');
  if (needOrgKeys && !orgApiKey) throw missingSecret('AMPLITUDE_ORG_API_KEY', 'organization API key', a.userManagement ? 'userManagement' : 'auditLogs');
  if (needOrgKeys && !orgSecretKey) throw missingSecret('AMPLITUDE_ORG_SECRET_KEY', 'organization secret key', a.userManagement ? 'userManagement' : 'auditLogs');
  const orgAuth = { kind: 'basic' as const, username: orgApiKey ?? '', password: orgSecretKey ?? '' };
  const orgHint = 'check AMPLITUDE_ORG_API_KEY and AMPLITUDE_ORG_SECRET_KEY';
  return {
    ...(a.scim && {
      scim: createHttpClient({
        ...common,
        source: 'scim',
        baseUrl: urls.scim,
        auth: { kind: 'bearer', token: scimToken ?? '' },
        authHint: 'check AMPLITUDE_SCIM_TOKEN; a regenerated SCIM key disables the old one at once',
        ratePerMinute: a.rateLimits.scimPerMinute,
      }),
    }),
    ...(a.userManagement && {
      userManagement: createHttpClient({
        ...common,
        source: 'user-management',
        baseUrl: urls.userManagement,
        auth: orgAuth,
        authHint: orgHint,
        ratePerMinute: a.rateLimits.userManagementPerMinute,
      }),
    }),
    ...(a.auditLogs && {
      auditLogs: createHttpClient({
        ...common,
        source: 'audit-logs',
        baseUrl: urls.auditLogs,
        auth: orgAuth,
        authHint: orgHint,
        ratePerMinute: a.rateLimits.auditLogsPerMinute,
      }),
    }),
  };
}
