/** The one thing the scheduler asks the pack archive: which periods already have a pack. */
import type { Config } from '../config/schema.js';
import { listPacks } from '../pack/archive.js';

export interface PackArchive {
  /** Period label → folder of its newest pack, for every period of this org in the archive. */
  periodsWithPack(): ReadonlyMap<string, string>;
}

/** The archive under `config.reports`, for `config.org`. A folder with an unreadable manifest still counts: never a second pack. */
export function archiveOf(config: Pick<Config, 'reports' | 'org'>): PackArchive {
  return {
    periodsWithPack() {
      const out = new Map<string, string>();
      for (const p of listPacks(config.reports, { id: config.org.id, name: config.org.name })) out.set(p.period, p.dir);
      return out;
    },
  };
}
