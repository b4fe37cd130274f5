/**
 * The configuration file (`ampaudit.config.yaml`), SPEC §11. Key names are a contract: other
 * people and tools write this file. Secrets are never read from it, only from the environment.
 *
 * Zod 4 note: `.prefault(x)` parses `x` through the schema (filling inner defaults);
 * `.default(x)` would return `x` as is.
 */
import { z } from 'zod';
import { ROLE_LEVELS } from '../domain/model.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const projectConfigSchema = z.strictObject({
  id: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(String),
  name: z.string().min(1),
  environment: z.enum(['production', 'non-production', 'staging', 'development', 'test']).optional()
    .describe('production, or anything else for non-production'),
});

export const amplitudeSchema = z.strictObject({
  region: z.enum(['us', 'eu']).default('us'),
  /** One override for all three APIs (a proxy, or the simulator). */
  baseUrl: z.url().optional(),
  scimUrl: z.url().optional(),
  userManagementUrl: z.url().optional(),
  auditLogsUrl: z.url().optional(),
  scim: z.boolean().default(true),
  userManagement: z.boolean().default(true),
  auditLogs: z.boolean().default(true),
  /** Per-request timeout. */
  timeoutMs: z.number().int().positive().default(30_000),
  /**
   * Client-side rate limits, requests per minute. SCIM's 100/min is documented; Amplitude
   * publishes no number for the other two, so they are unlimited unless set (429s are still
   * honoured with backoff).
   */
  rateLimits: z
    .strictObject({
      scimPerMinute: z.number().positive().default(100),
      userManagementPerMinute: z.number().positive().optional(),
      auditLogsPerMinute: z.number().positive().optional(),
    })
    .prefault({}),
  /** Re-read this much of the audit log before the last collected point (logging is asynchronous). */
  auditLogOverlapHours: z.number().min(0).max(72).default(6),
  /**
   * Days per audit-log query (Amplitude allows 30). A window is held in memory until it is
   * stored, so smaller windows keep a large org's collect small.
   */
  auditLogWindowDays: z.number().int().min(1).max(30).default(3),
  /** How far back the first collect reads the audit log (Amplitude keeps 90 days). */
  auditLogLookbackDays: z.number().int().min(1).max(90).default(90),
});

export const sourcesSchema = z.strictObject({
  membersExport: z.string().min(1).optional(),
  register: z.string().min(1).optional(),
  apiKeys: z.string().min(1).optional(),
  exceptions: z.string().min(1).optional(),
});

/** `policy:` holds the two shared settings below plus one entry per rule id (validated against the rule registry). */
export const productionSchema = z.strictObject({
  projects: z.array(z.union([z.number().int(), z.string()]).transform(String)).default([]),
  namePattern: z.string().default('prod'),
});

export const ruleSettingSchema = z
  .looseObject({
    enabled: z.boolean().optional(),
    severity: z.enum(['high', 'medium', 'low', 'info']).optional(),
  })
  .describe('enabled, severity, and the rule options (see `ampaudit rules explain <id>`)');

export const policySchema = z
  .looseObject({
    production: productionSchema.prefault({}),
    /** Custom RBAC role (name or uuid) → the default level it is treated as. */
    customRoles: z.record(z.string(), z.enum(ROLE_LEVELS as [string, ...string[]])).default({}),
  })
  .prefault({});

export const smtpSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  secure: z.boolean().default(false),
  /** Refuse to send over an unencrypted connection when the server offers no STARTTLS. */
  requireTLS: z.boolean().default(false),
});

export const mailSchema = z.strictObject({
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
  /** Where alert mails go; defaults to `to`. */
  alertsTo: z.array(z.string().min(3)).optional(),
  smtp: smtpSchema.optional(),
  /** Attach the PDF and findings.csv only when together they are at most this big. */
  attachmentLimitBytes: z.number().int().positive().default(10 * 1024 * 1024),
  /** A folder with templates that replace the built-in ones (same file names). */
  templates: z.string().optional(),
  /** Send each project's admins a digest of their project's findings. */
  projectDigests: z.boolean().default(false),
  outbox: z.string().optional(),
});

export const scheduleSchema = z.strictObject({
  collect: z.string().default('0 2 * * *'),
  alerts: z.string().optional().describe('defaults to right after each collect'),
  dormancyNotice: z.string().default('0 8 1 * *'),
  review: z.string().default('0 7 1 1,4,7,10 *'),
});

export const configSchema = z.strictObject({
  org: z.strictObject({
    id: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'expected the numeric organization id')]).transform(String),
    name: z.string().min(1),
  }),
  timezone: z.string().refine(validTimeZone, 'expected an IANA time zone such as Europe/Berlin').default('UTC'),
  /** Month (1-12) the fiscal year starts; quarters count from it. */
  fiscalYearStartMonth: z.number().int().min(1).max(12).default(1),
  amplitude: amplitudeSchema.prefault({}),
  projects: z.array(projectConfigSchema).default([]),
  sources: sourcesSchema.prefault({}),
  policy: policySchema,
  store: z.string().default('./.ampaudit/evidence.db'),
  reports: z.string().default('./reports'),
  mail: mailSchema.optional(),
  schedule: scheduleSchema.prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

/** Secrets, read only from the environment. */
export interface Secrets {
  readonly scimToken?: string;
  readonly orgApiKey?: string;
  readonly orgSecretKey?: string;
  readonly smtpUser?: string;
  readonly smtpPassword?: string;
  /** PEM or base64 PKCS#8 Ed25519 private key. */
  readonly signingKey?: string;
}

/** The loaded configuration: parsed, paths made absolute, secrets attached. */
export interface Config extends ParsedConfig {
  /** Absolute path of the config file, or undefined for the built-in demo config. */
  readonly file?: string;
  /** Folder relative paths were resolved against. */
  readonly baseDir: string;
  /** sha256 and size of the config file's bytes as loaded (what a pack's manifest records). */
  readonly fileHash?: { readonly sha256: string; readonly bytes: number };
  readonly secrets: Secrets;
}

export { isoDate };
