/**
 * Wiring: the one place where the real clock, file system, HTTP clients, store and logger are
 * created from the configuration and handed to the pure core.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from './clock.js';
import { collect, type CollectReport } from './collect/collect.js';
import type { CollectProgress } from './collect/progress.js';
import { locateConfigFile, loadConfig } from './config/load.js';
import { resolvePolicy } from './config/policy.js';
import type { Config } from './config/schema.js';
import type { ResolvedPolicy } from './engine/policy.js';
import { createLogger, type Logger } from './log.js';
import { RULES, RULE_IDS } from './rules/index.js';
import { readConfiguredFileSources, type FileSources } from './sources/files/index.js';
import { createAmplitudeClients, type AmplitudeClients, type ClientDeps } from './sources/types.js';
import { openStore } from './store/sqlite.js';
import type { EvidenceStore } from './store/types.js';
import { withRunLock } from './schedule/lock.js';

export interface ConfigFlags {
  readonly config?: string;
}

export function loadAppConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv, cwd: string): Config {
  const { path, origin } = locateConfigFile({ ...(flags.config ? { flag: flags.config } : {}), env, cwd });
  return loadConfig({ path, env, cwd, origin });
}

/** The policy from the config, validated against the rule registry (InputError on a bad entry). */
export function policyOf(config: Config): ResolvedPolicy {
  const policy = resolvePolicy(config, RULES);
  return linkDormancyDays(config, policy);
}

/**
 * The notice warns before an account becomes dormant, so by default it uses the dormancy rule's
 * limit: setting `dormant-account.days` alone moves both.
 */
function linkDormancyDays(config: Config, policy: ResolvedPolicy): ResolvedPolicy {
  const raw = (config.policy as Record<string, unknown>)['dormant-account-notice'];
  const explicit = typeof raw === 'object' && raw !== null && 'dormantDays' in raw;
  const dormant = policy['dormant-account']?.options as { days?: number } | undefined;
  const notice = policy['dormant-account-notice'];
  if (explicit || !notice || typeof dormant?.days !== 'number') return policy;
  const current = notice.options as Record<string, unknown>;
  if (typeof current.days === 'number' && current.days >= dormant.days) return policy;
  const options = { ...current, dormantDays: dormant.days };
  return { ...policy, 'dormant-account-notice': { ...notice, options } };
}

export function openAppStore(config: Config): EvidenceStore {
  mkdirSync(dirname(config.store), { recursive: true });
  return openStore(config.store);
}

/** Reads and validates every input file before anything is written. */
export function readInputs(config: Config, clock: Clock): FileSources {
  return readConfiguredFileSources(config, { clock, knownRules: RULE_IDS });
}

export interface RunCollectOptions {
  readonly config: Config;
  readonly clock: Clock;
  readonly progress?: CollectProgress;
  readonly log?: Logger;
  /** Test seams: fewer retries, a fake sleep. */
  readonly http?: Omit<ClientDeps, 'clock' | 'log'>;
  /** An already open store (the caller closes it); otherwise one is opened and closed here. */
  readonly store?: EvidenceStore;
  /** Inputs the caller already read and validated (see `readInputs`). */
  readonly files?: FileSources;
  /** Clients the caller already made (a missing secret is bad input: check it before locking). */
  readonly clients?: AmplitudeClients;
}

/**
 * Validates inputs, then opens the store and collects. Bad input throws before the store is
 * opened, so it is left untouched (not even created).
 */
export async function runCollect(options: RunCollectOptions): Promise<CollectReport> {
  const { config, clock } = options;
  let files = options.files;
  if (!files) {
    policyOf(config); // a bad policy is bad input too: fail before anything is written
    files = readInputs(config, clock);
  }
  const clients = options.clients ?? amplitudeClients(options);
  const store = options.store ?? openAppStore(config);
  try {
    return await collect({ config, store, clock, files, clients, ...(options.progress ? { progress: options.progress } : {}) });
  } finally {
    if (!options.store) store.close();
  }
}

/** One HTTP client per enabled API; throws InputError naming the missing secret. */
export function amplitudeClients(options: Pick<RunCollectOptions, 'config' | 'clock' | 'log' | 'http'>): AmplitudeClients {
  return createAmplitudeClients(options.config, { clock: options.clock, ...(options.log ? { log: options.log } : {}), ...options.http });
}

export function cliLogger(config: Config | undefined, env: NodeJS.ProcessEnv, stderr: NodeJS.WritableStream): Logger {
  return createLogger({
    level: env.AMPAUDIT_LOG_LEVEL ?? 'warn',
    destination: stderr,
    pretty: env.AMPAUDIT_LOG_FORMAT !== 'json',
    ...(config ? { secrets: config.secrets } : {}),
  });
}

/**
 * Runs a one-shot command's work under the store's run lock, so it never overlaps a daemon's
 * job (or another command) on the same evidence store. Call it after inputs are validated: it
 * creates the store file if needed.
 */
export async function underRunLock<T>(config: Config, job: string, clock: Clock, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(config.store), { recursive: true });
  return withRunLock(config.store, job, { clock }, fn);
}
