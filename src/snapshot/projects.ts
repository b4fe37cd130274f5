/**
 * Projects: Amplitude's APIs give ids only. Names come from the config's `projects:` list,
 * else the members export, else `Project <id>`. A project is production when the config lists
 * it so (or lists it under `policy.production.projects`, by id or name), or when its name
 * matches `policy.production.namePattern` (case-insensitive); an explicit non-production
 * environment in the config wins over the pattern.
 */
import type { Config } from '../config/schema.js';
import type { Project } from '../domain/model.js';
import { InputError } from '../errors.js';

export function productionPattern(config: Config): RegExp {
  const source = config.policy.production.namePattern;
  try {
    return new RegExp(source, 'i');
  } catch {
    throw new InputError(
      `policy.production.namePattern "${source}" is not a valid regular expression`,
      { ...(config.file ? { file: config.file } : {}), field: 'policy.production.namePattern' },
      'write a regular expression such as "prod" or "^(prod|live)-"',
    );
  }
}

function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * @param seenIds project ids the sources mention (assignments, export rows)
 * @param exportNames project names from the members export, by id
 */
export function buildProjects(config: Config, seenIds: Iterable<string>, exportNames: ReadonlyMap<string, string>): Project[] {
  const pattern = productionPattern(config);
  const configured = new Map(config.projects.map((p) => [p.id, p]));
  const listed = new Set(config.policy.production.projects.map((p) => p.toLowerCase()));
  const ids = new Set<string>([...configured.keys(), ...seenIds]);
  const out: Project[] = [];
  for (const id of [...ids].sort(compareIds)) {
    const c = configured.get(id);
    const exportName = exportNames.get(id);
    const name = c?.name ?? exportName ?? `Project ${id}`;
    const nameSource: Project['nameSource'] = c ? 'config' : exportName !== undefined ? 'members-export' : 'default';
    let environment: Project['environment'];
    let environmentReason: string;
    if (c?.environment === 'production') {
      environment = 'production';
      environmentReason = 'listed as production in the config';
    } else if (c?.environment) {
      environment = 'non-production';
      environmentReason = `listed as ${c.environment} in the config`;
    } else if (listed.has(id.toLowerCase()) || listed.has(name.toLowerCase())) {
      environment = 'production';
      environmentReason = 'listed in policy.production.projects';
    } else if (pattern.test(name)) {
      environment = 'production';
      environmentReason = `name matches /${pattern.source}/i`;
    } else {
      environment = 'non-production';
      environmentReason = `not listed as production and name does not match /${pattern.source}/i`;
    }
    out.push({ id, name, nameSource, environment, environmentReason });
  }
  return out;
}
