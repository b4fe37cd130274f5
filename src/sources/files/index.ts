/**
 * The four file sources. Each reader is a pure function of (text, file name, clock) plus a thin
 * `read…File` wrapper; `readConfiguredFileSources` reads every file the config names.
 */
import type { Clock } from '../../clock.js';
import { configLocator } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { ApiKeysPull, ExceptionsPull, MembersExportPull, RegisterPull } from '../../domain/pulls.js';
import { InputError } from '../../errors.js';
import { readApiKeysFile } from './api-keys.js';
import type { FileReadResult, FileWarning } from './common.js';
import { readExceptionsFile } from './exceptions.js';
import { readMembersExportFile } from './members-export.js';
import type { SourceFileRef } from './read-file.js';
import { readRegisterFile } from './register.js';

export * from './api-keys.js';
export * from './common.js';
export * from './exceptions.js';
export * from './members-export.js';
export * from './read-file.js';
export * from './register.js';

export type FileSourceKey = 'membersExport' | 'register' | 'apiKeys' | 'exceptions';

export interface FileSources {
  readonly membersExport?: MembersExportPull;
  readonly register?: RegisterPull;
  readonly apiKeys?: ApiKeysPull;
  readonly exceptions?: ExceptionsPull;
  readonly warnings: readonly FileWarning[];
}

/** The file a `sources.<key>` setting names, with the place of that setting for messages. */
export function sourceFileRef(config: Config, key: FileSourceKey): SourceFileRef | undefined {
  const path = config.sources[key];
  if (path === undefined) return undefined;
  const configKey = `sources.${key}`;
  const at = configLocator(config)(['sources', key]);
  return { path, configKey, configWhere: { ...(at.file ? { file: at.file } : {}), ...(at.line ? { line: at.line, column: at.column } : {}) } };
}

/**
 * Reads every configured file source. Problems in several files are reported together: one
 * InputError (the first) with the others in `more`.
 */
export function readConfiguredFileSources(config: Config, opts: { readonly clock: Clock; readonly knownRules: readonly string[] }): FileSources {
  const errors: InputError[] = [];
  const warnings: FileWarning[] = [];
  function attempt<P>(key: FileSourceKey, read: (ref: SourceFileRef) => FileReadResult<P>): P | undefined {
    const ref = sourceFileRef(config, key);
    if (!ref) return undefined;
    try {
      const r = read(ref);
      warnings.push(...r.warnings);
      return r.pull;
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push(err);
      return undefined;
    }
  }
  const membersExport = attempt('membersExport', (ref) => readMembersExportFile(ref, { clock: opts.clock, timezone: config.timezone }));
  const register = attempt('register', (ref) => readRegisterFile(ref, { clock: opts.clock }));
  const apiKeys = attempt('apiKeys', (ref) => readApiKeysFile(ref, { clock: opts.clock }));
  const exceptions = attempt('exceptions', (ref) => readExceptionsFile(ref, { clock: opts.clock, knownRules: opts.knownRules }));
  if (errors.length > 0) {
    const [first, ...rest] = errors;
    throw new InputError(first!.problem, first!.where, first!.hint, [...first!.more, ...rest.flatMap((e) => [e, ...e.more])]);
  }
  return {
    ...(membersExport ? { membersExport } : {}),
    ...(register ? { register } : {}),
    ...(apiKeys ? { apiKeys } : {}),
    ...(exceptions ? { exceptions } : {}),
    warnings,
  };
}
