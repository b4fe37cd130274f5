/**
 * `ampaudit config validate`: problems beyond the schema that would make a later run fail or
 * see less than the operator expects (a missing secret, a missing file, mail that cannot go).
 */
import { createPrivateKey } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import cron from 'node-cron';
import type { Clock } from '../clock.js';
import { InputError, type InputLocation } from '../errors.js';
import { readConfiguredFileSources } from '../sources/files/index.js';
import { configLocator, SECRET_ENV, secretsFromEnv } from './load.js';
import type { Config } from './schema.js';

export interface ConfigCheck {
  readonly level: 'error' | 'warning';
  readonly message: string;
  readonly where: InputLocation;
  readonly hint?: string;
}

export interface CheckConfigOptions {
  /** With a clock and the rule ids, the configured source files are also parsed and checked. */
  readonly clock?: Clock;
  readonly knownRules?: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

/** True when the value parses as an Ed25519 private key (PEM, or base64 PKCS#8 DER). */
function isEd25519PrivateKey(value: string): boolean {
  try {
    const key = value.includes('-----BEGIN')
      ? createPrivateKey(value)
      : createPrivateKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'pkcs8' });
    return key.asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

export function checkConfig(config: Config, env: Env, options: CheckConfigOptions = {}): ConfigCheck[] {
  const out: ConfigCheck[] = [];
  const locate = configLocator(config);
  const add = (level: ConfigCheck['level'], path: readonly (string | number)[], message: string, hint?: string): void => {
    out.push({ level, message, where: locate(path), ...(hint ? { hint } : {}) });
  };
  const secrets = secretsFromEnv(env);
  const a = config.amplitude;

  // APIs switched on need their credentials.
  if (a.scim && !secrets.scimToken) {
    add('error', ['amplitude', 'scim'], `the SCIM API is switched on but ${SECRET_ENV.scimToken} is not set`, 'set it to the SCIM key (Settings → Access and SSO → SCIM provisioning), or set `amplitude.scim: false`');
  }
  for (const api of ['userManagement', 'auditLogs'] as const) {
    if (!a[api]) continue;
    const missing = [!secrets.orgApiKey && SECRET_ENV.orgApiKey, !secrets.orgSecretKey && SECRET_ENV.orgSecretKey].filter(Boolean);
    if (missing.length > 0) {
      const name = api === 'userManagement' ? 'User Management API' : 'Audit Logs API';
      add('error', ['amplitude', api], `the ${name} is switched on but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`, `set the org API key and secret key, or set \`amplitude.${api}: false\``);
    }
  }
  for (const key of ['baseUrl', 'scimUrl', 'userManagementUrl', 'auditLogsUrl'] as const) {
    const url = a[key];
    if (url && url.startsWith('http://') && !isLoopback(url)) {
      add('warning', ['amplitude', key], `${url} is plain http: API keys would cross the network unencrypted`, 'use https (plain http is only for the simulator on 127.0.0.1)');
    }
  }
  if (a.region === 'eu' && a.auditLogs && !a.auditLogsUrl && !a.baseUrl) {
    add('warning', ['amplitude', 'region'], "Amplitude's documentation disagrees on the EU Audit Logs host", 'set `amplitude.auditLogsUrl` to the host your EU organization uses');
  }

  // What the run will and will not see.
  if (!a.scim && !a.userManagement && !config.sources.membersExport) {
    add('error', ['amplitude'], 'no source gives the members: the SCIM and User Management APIs are off and there is no `sources.membersExport`', 'switch an API on or export Members & Groups to a CSV and name it in `sources.membersExport`');
  } else if (!config.sources.membersExport) {
    add('warning', ['sources'], 'no `sources.membersExport`: organization roles, invite status and add-ons come only from it, so the rules that need them will report unknown', 'export Members & Groups to a CSV and name it in `sources.membersExport`');
  }
  if (!config.sources.register) {
    add('warning', ['sources'], 'no `sources.register`: every member will be reported as unregistered and contractor rules cannot run', 'keep an access register (CSV or YAML) and name it in `sources.register`');
  }
  if (!config.sources.apiKeys) {
    add('warning', ['sources'], 'no `sources.apiKeys`: Amplitude has no key-listing API, so the key rules have nothing to check', 'keep a key inventory and name it in `sources.apiKeys`');
  }
  const fileOk: Record<string, boolean> = {};
  for (const [key, path] of Object.entries(config.sources)) {
    if (typeof path !== 'string') continue;
    fileOk[key] = false;
    if (!existsSync(path)) {
      add('error', ['sources', key], `\`sources.${key}\` points to ${path}, which does not exist`, "relative paths are read from the config file's folder");
    } else if (statSync(path).isDirectory()) {
      add('error', ['sources', key], `\`sources.${key}\` points to ${path}, which is a folder, not a file`);
    } else fileOk[key] = true;
  }
  if (options.clock && options.knownRules && Object.values(fileOk).every(Boolean)) {
    try {
      const r = readConfiguredFileSources(config, { clock: options.clock, knownRules: options.knownRules });
      for (const w of r.warnings) out.push({ level: 'warning', message: w.message, where: w.where });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      for (const e of [err, ...err.more]) out.push({ level: 'error', message: e.problem, where: e.where, ...(e.hint ? { hint: e.hint } : {}) });
    }
  }

  // Mail.
  const mail = config.mail;
  if (!mail) {
    if (secrets.smtpUser || secrets.smtpPassword) {
      add('warning', [], 'SMTP credentials are set in the environment but the config has no `mail:` section, so no mail is sent', 'add `mail:` with `from`, `to` and `smtp`');
    }
  } else {
    if (!mail.smtp) {
      add('warning', ['mail'], 'no `mail.smtp`: messages are written to the outbox as .eml files and not sent', 'add `mail.smtp: { host, port, secure }`');
    } else {
      if (Boolean(secrets.smtpUser) !== Boolean(secrets.smtpPassword)) {
        add('warning', ['mail', 'smtp'], `only one of ${SECRET_ENV.smtpUser} and ${SECRET_ENV.smtpPassword} is set`, 'set both for an authenticated server, or neither');
      }
      if (mail.smtp.port === 465 && !mail.smtp.secure) {
        add('warning', ['mail', 'smtp', 'port'], 'port 465 expects TLS from the start, but `mail.smtp.secure` is false', 'set `secure: true`, or use port 587 with STARTTLS');
      }
      if (!mail.smtp.secure && !mail.smtp.requireTLS && secrets.smtpPassword) {
        add('warning', ['mail', 'smtp'], 'the SMTP password may be sent unencrypted if the server offers no STARTTLS', 'set `mail.smtp.requireTLS: true` or `secure: true`');
      }
    }
    if (mail.templates && !existsSync(mail.templates)) {
      add('error', ['mail', 'templates'], `\`mail.templates\` points to ${mail.templates}, which does not exist`, 'create the folder or remove the setting to use the built-in templates');
    }
  }

  // Signing key (never echoed).
  if (secrets.signingKey && !isEd25519PrivateKey(secrets.signingKey)) {
    add('error', [], `${SECRET_ENV.signingKey} is set but is not an Ed25519 private key`, 'give the key as PEM (PKCS#8, as `openssl genpkey -algorithm ed25519` writes it) or as base64 of its PKCS#8 DER');
  }

  // Schedules.
  for (const [job, expr] of Object.entries(config.schedule)) {
    if (typeof expr === 'string' && !cron.validate(expr)) {
      add('error', ['schedule', job], `${JSON.stringify(expr)} is not a valid cron expression`, 'five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * *"');
    }
  }
  return out;
}
