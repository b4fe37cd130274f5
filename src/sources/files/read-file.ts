/** Reading a file source from disk; a missing file names the config key that points to it. */
import { readFileSync } from 'node:fs';
import { InputError, type InputLocation } from '../../errors.js';

export interface SourceFileRef {
  /** Absolute path (the config loader resolves relative ones against the config file's folder). */
  readonly path: string;
  /** The config key that names the file, e.g. `sources.register`. */
  readonly configKey: string;
  /** Where that key is in the config file, when known. */
  readonly configWhere?: InputLocation;
}

export function readSourceBytes(ref: SourceFileRef): Uint8Array {
  try {
    return readFileSync(ref.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const where: InputLocation = { ...(ref.configWhere ?? {}), field: ref.configKey };
    if (code === 'ENOENT') {
      throw new InputError(
        `\`${ref.configKey}\` points to ${ref.path}, which does not exist`,
        where,
        `check the path (relative paths are read from the config file's folder), or remove \`${ref.configKey}\` if you do not use this source`,
      );
    }
    if (code === 'EISDIR') throw new InputError(`\`${ref.configKey}\` points to ${ref.path}, which is a folder, not a file`, where, 'name the file itself');
    throw new InputError(`\`${ref.configKey}\` points to ${ref.path}, which cannot be read (${code ?? 'unknown error'})`, where, 'check its permissions');
  }
}
