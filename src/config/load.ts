/**
 * Loads `ampaudit.config.yaml`: finds it, parses it with positions, validates it against the
 * schema, refuses secrets in the file, reads secrets from the environment and makes paths
 * absolute. Every problem names file:line:column and the key path; all problems are reported
 * at once (the first as the error, the rest in `more`).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { sha256Hex } from '../fsutil.js';
import { InputError, type InputLocation } from '../errors.js';
import { configSchema, type Config, type ParsedConfig, type Secrets } from './schema.js';
import { describeGot, objectKeys, problemsFromIssues, schemaAt, valueAt, type Problem } from './zod-problems.js';
import { formatKeyPath, parseYamlSource, type KeyPath, type Locate } from './yaml-source.js';

export const DEFAULT_CONFIG_FILE = 'ampaudit.config.yaml';
export const CONFIG_ENV = 'AMPAUDIT_CONFIG';

/** The environment variables secrets are read from, by `Secrets` field. */
export const SECRET_ENV: Readonly<Record<keyof Secrets, string>> = {
  scimToken: 'AMPLITUDE_SCIM_TOKEN',
  orgApiKey: 'AMPLITUDE_ORG_API_KEY',
  orgSecretKey: 'AMPLITUDE_ORG_SECRET_KEY',
  smtpUser: 'SMTP_USER',
  smtpPassword: 'SMTP_PASSWORD',
  signingKey: 'AMPAUDIT_SIGNING_KEY',
};

type Env = Readonly<Record<string, string | undefined>>;

export type ConfigOrigin = 'flag' | 'env' | 'default';

export interface ConfigPathOptions {
  /** The `--config` value, if given. */
  readonly flag?: string;
  readonly env: Env;
  readonly cwd: string;
}

/** Where the config file is and what chose it: `--config`, then `AMPAUDIT_CONFIG`, then `./ampaudit.config.yaml`. */
export function locateConfigFile(opts: ConfigPathOptions): { path: string; origin: ConfigOrigin } {
  const flag = opts.flag?.trim();
  if (flag) return { path: resolve(opts.cwd, flag), origin: 'flag' };
  const fromEnv = opts.env[CONFIG_ENV]?.trim();
  if (fromEnv) return { path: resolve(opts.cwd, fromEnv), origin: 'env' };
  return { path: resolve(opts.cwd, DEFAULT_CONFIG_FILE), origin: 'default' };
}

/** The absolute path of the config file (see `locateConfigFile`). */
export function resolveConfigPath(opts: ConfigPathOptions): string {
  return locateConfigFile(opts).path;
}

/** Secrets from the environment; blank values count as unset. */
export function secretsFromEnv(env: Env): Secrets {
  const out: Record<string, string> = {};
  for (const [field, name] of Object.entries(SECRET_ENV)) {
    const v = env[name]?.trim();
    if (v) out[field] = v;
  }
  return out as Secrets;
}

// ---------------------------------------------------------------------------------------------
// Secrets written into the file

const SECRET_KEY_RE = /token|passw(or)?d|^pass$|secret|api[-_ ]?key|private[-_ ]?key|signing[-_ ]?key|credential|bearer/i;
const SMTP_CREDENTIAL_RE = /^(user|username|login|auth)$/i;
/**
 * `policy:` is skipped: its keys are rule ids, rule options (`periodDays.secret` is a key type)
 * and custom role names, all validated against the rules themselves.
 */
const NOT_SCANNED = new Set(['policy']);

function envVarFor(path: KeyPath): string {
  const key = String(path[path.length - 1]).toLowerCase();
  const inMail = path.some((p) => p === 'mail' || p === 'smtp');
  if (/sign|private/.test(key)) return SECRET_ENV.signingKey;
  if (inMail) return /user|login/.test(key) ? SECRET_ENV.smtpUser : SECRET_ENV.smtpPassword;
  if (/scim|token|bearer/.test(key)) return SECRET_ENV.scimToken;
  if (/secret/.test(key)) return SECRET_ENV.orgSecretKey;
  if (/api[-_ ]?key/.test(key)) return SECRET_ENV.orgApiKey;
  return Object.values(SECRET_ENV).join(', ');
}

function secretKeyProblems(data: unknown, path: KeyPath = []): Problem[] {
  if (data === null || typeof data !== 'object') return [];
  if (NOT_SCANNED.has(formatKeyPath(path))) return [];
  const known = new Set(objectKeys(schemaAt(configSchema, path)));
  const out: Problem[] = [];
  const entries: [string | number, unknown][] = Array.isArray(data) ? data.map((v, i) => [i, v]) : Object.entries(data);
  for (const [k, v] of entries) {
    const here = [...path, k];
    const inMail = path.some((p) => p === 'mail' || p === 'smtp');
    if (typeof k === 'string' && !known.has(k) && (SECRET_KEY_RE.test(k) || (inMail && SMTP_CREDENTIAL_RE.test(k)))) {
      const envVar = envVarFor(here);
      out.push({
        path: here,
        problem: `\`${k}\` looks like a secret; ampaudit never reads secrets from the config file`,
        hint: `remove it and set ${envVar.includes(',') ? 'the matching environment variable (one of ' + envVar + ')' : 'the environment variable ' + envVar} instead; rotate the secret if this file was shared`,
        target: 'key',
      });
      continue;
    }
    out.push(...secretKeyProblems(v, here));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks the schema cannot express

/** Checks on the raw input, so they are reported together with the schema's problems. */
function rawProblems(root: object): Problem[] {
  const pattern = valueAt(root, ['policy', 'production', 'namePattern']);
  if (typeof pattern !== 'string') return [];
  try {
    new RegExp(pattern, 'i');
    return [];
  } catch {
    return [
      {
        path: ['policy', 'production', 'namePattern'],
        problem: `expected a regular expression, got ${describeGot(pattern)}`,
        hint: 'e.g. `prod` or `^(prod|live)\\b`; escape special characters such as ( [ + with a backslash',
        target: 'value',
      },
    ];
  }
}

function semanticProblems(parsed: ParsedConfig): Problem[] {
  const out: Problem[] = [];
  const seen = new Map<string, number>();
  parsed.projects.forEach((p, i) => {
    const first = seen.get(p.id);
    if (first !== undefined) {
      out.push({
        path: ['projects', i, 'id'],
        problem: `project ${p.id} is listed twice (also at projects[${first}])`,
        hint: 'keep one entry per project id',
        target: 'value',
      });
    } else seen.set(p.id, i);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------

/** Positions of keys in the loaded file, for later errors about the config (policy options, sources). */
const locators = new WeakMap<Config, Locate>();

/** A locator for keys of a loaded config; without a file, places are named by key path only. */
export function configLocator(config: Config): Locate {
  return (
    locators.get(config) ??
    ((path) => ({ ...(config.file ? { file: config.file } : {}), ...(path.length > 0 ? { field: formatKeyPath(path) } : {}) }))
  );
}

/** Joins problems into one InputError: the first (earliest in the file) with the rest in `more`. */
export function problemsToError(problems: readonly Problem[], locate: Locate): InputError | undefined {
  const errs = problems.map((p) => new InputError(p.problem, locate(p.path, p.target), p.hint));
  errs.sort((a, b) => (a.where.line ?? 0) - (b.where.line ?? 0) || (a.where.column ?? 0) - (b.where.column ?? 0));
  const [first, ...rest] = errs;
  return first ? new InputError(first.problem, first.where, first.hint, rest) : undefined;
}

function missingFileError(path: string, origin: ConfigOrigin, cwd: string, code: string | undefined): InputError {
  const where: InputLocation = { file: path };
  const start = 'to start, run `ampaudit demo`, or copy examples/ampaudit.config.yaml and edit it';
  if (code === 'EISDIR') return new InputError(`the config path ${path} is a folder, not a file`, where, 'point --config or AMPAUDIT_CONFIG at the YAML file');
  if (code && code !== 'ENOENT') return new InputError(`the config file ${path} cannot be read (${code})`, where, 'check its permissions');
  const looked =
    origin === 'flag'
      ? 'config file not found (the path given with --config)'
      : origin === 'env'
        ? `config file not found (the path given by ${CONFIG_ENV})`
        : `config file not found (neither --config nor ${CONFIG_ENV} is set, so ampaudit looked for ./${DEFAULT_CONFIG_FILE} in ${cwd})`;
  return new InputError(looked, where, origin === 'default' ? `${start}; or pass --config <file>` : `check the path; ${start}`);
}

function resolvePath(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

function resolvePaths(parsed: ParsedConfig, baseDir: string): ParsedConfig {
  const sources = Object.fromEntries(
    Object.entries(parsed.sources).map(([k, v]) => [k, typeof v === 'string' ? resolvePath(baseDir, v) : v]),
  ) as ParsedConfig['sources'];
  const mail = parsed.mail && {
    ...parsed.mail,
    ...(parsed.mail.templates !== undefined ? { templates: resolvePath(baseDir, parsed.mail.templates) } : {}),
    ...(parsed.mail.outbox !== undefined ? { outbox: resolvePath(baseDir, parsed.mail.outbox) } : {}),
  };
  return {
    ...parsed,
    sources,
    store: resolvePath(baseDir, parsed.store),
    reports: resolvePath(baseDir, parsed.reports),
    ...(mail ? { mail } : {}),
  };
}

export interface ParseConfigOptions {
  readonly file: string;
  readonly env: Env;
  /** Folder relative paths are resolved against; defaults to the file's folder. */
  readonly baseDir?: string;
}

/** Parses and validates config text; pure except for reading nothing: the caller gives the text. */
export function parseConfigText(text: string, opts: ParseConfigOptions): Config {
  const { data, locate } = parseYamlSource(text, opts.file);
  if (data === null || data === undefined) {
    throw new InputError('the config file is empty', { file: opts.file, line: 1, column: 1 }, 'to start, run `ampaudit demo`, or copy examples/ampaudit.config.yaml and edit it');
  }
  const root = data;
  if (typeof root !== 'object' || Array.isArray(root)) {
    throw new InputError('expected a mapping of settings at the top level (`org:`, `amplitude:`, …)', { file: opts.file, line: 1, column: 1 }, 'see examples/ampaudit.config.yaml');
  }
  const secretProblems = secretKeyProblems(root);
  const secretPaths = new Set(secretProblems.map((p) => formatKeyPath(p.path)));
  const result = configSchema.safeParse(root);
  const problems: Problem[] = [...secretProblems, ...rawProblems(root)];
  if (!result.success) {
    // A secret key is also an unknown key; one message about it is enough.
    problems.push(...problemsFromIssues(result.error.issues, configSchema, root).filter((p) => !secretPaths.has(formatKeyPath(p.path))));
  } else {
    problems.push(...semanticProblems(result.data));
  }
  const err = problemsToError(problems, locate);
  if (err || !result.success) throw err ?? new InputError('invalid configuration', { file: opts.file });
  const baseDir = opts.baseDir ?? dirname(opts.file);
  const config: Config = { ...resolvePaths(result.data, baseDir), file: opts.file, baseDir, secrets: secretsFromEnv(opts.env) };
  locators.set(config, locate);
  return config;
}

export interface LoadConfigOptions {
  /** The config file (absolute, or relative to `cwd`). */
  readonly path: string;
  readonly env: Env;
  readonly cwd?: string;
  /** What chose the path, for the message when it does not exist; inferred when absent. */
  readonly origin?: ConfigOrigin;
}

/** Reads and validates the config file. Throws InputError (exit 2) for every kind of bad input. */
export function loadConfig(opts: LoadConfigOptions): Config {
  const cwd = opts.cwd ?? process.cwd();
  const file = resolve(cwd, opts.path);
  let text: string;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof TypeError) {
      throw new InputError('the config file is not UTF-8 text', { file }, 'save it as UTF-8');
    }
    const envPath = opts.env[CONFIG_ENV]?.trim();
    const origin: ConfigOrigin =
      opts.origin ?? (envPath && resolve(cwd, envPath) === file ? 'env' : file === resolve(cwd, DEFAULT_CONFIG_FILE) ? 'default' : 'flag');
    throw missingFileError(file, origin, cwd, code);
  }
  const config = parseConfigText(text, { file, env: opts.env });
  return withFileHash(config, bytes);
}


/** The loaded file's hash, kept with the config so a pack records the bytes that were used. */
function withFileHash(config: Config, bytes: Buffer): Config {
  const hashed: Config = { ...config, fileHash: { sha256: sha256Hex(bytes), bytes: bytes.length } };
  const locate = locators.get(config);
  if (locate) locators.set(hashed, locate);
  return hashed;
}
