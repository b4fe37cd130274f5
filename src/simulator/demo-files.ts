/**
 * Writes a ready-to-run folder for the demo org: `ampaudit.config.yaml` pointing at a running
 * simulator, plus the members export, register, key inventory and exceptions that match the
 * demo org (as of `asOf`, default the anchor).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../fsutil.js';
import { buildDemoOrg } from './demo-org.js';
import { writeOrgFiles, type OrgFiles } from './files.js';
import type { SimOrg } from './org.js';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:4010';

export interface DemoFiles extends OrgFiles {
  readonly config: string;
}

export interface DemoFilesOptions {
  /** The running simulator's URL (`RunningSimulator.url`). */
  baseUrl?: string;
  /** Describe the org as of this time (for fast-forwarded collects); default: the anchor. */
  asOf?: Date | number | string;
}

/** A config file for a simulated org (demo or generated) served at `baseUrl`, with the org files next to it. */
export function simConfigYaml(org: Pick<SimOrg, 'id' | 'name' | 'timezone' | 'projects' | 'roles'>, baseUrl: string, what: string): string {
  const projects = org.projects
    .map((p) => `  - { id: ${p.id}, name: ${JSON.stringify(p.name)}, environment: ${p.production ? 'production' : 'non-production'} }`)
    .join('\n');
  const custom = org.roles.filter((r) => r.custom).map((r) => `    ${JSON.stringify(r.name)}: ${r.level}`);
  return `# ampaudit configuration for ${what} served by the built-in simulator.
# Secrets come from the environment only (the simulator's are printed by \`ampaudit simulate\`):
#   AMPLITUDE_SCIM_TOKEN, AMPLITUDE_ORG_API_KEY, AMPLITUDE_ORG_SECRET_KEY
org: { id: ${org.id}, name: ${JSON.stringify(org.name)} }
timezone: ${org.timezone}
amplitude:
  baseUrl: ${JSON.stringify(baseUrl)}
  scim: true
  userManagement: true
  auditLogs: true
projects:
${projects}
sources:
  membersExport: ./members.csv
  register: ./register.csv
  apiKeys: ./api-keys.csv
  exceptions: ./exceptions.yaml
policy:
  production: { namePattern: prod }
  customRoles:${custom.length === 0 ? ' {}' : `\n${custom.join('\n')}`}
store: ./.ampaudit/evidence.db
reports: ./reports
`;
}

/** The org files plus a config for any simulated org (as of `asOf`, default its latest state). */
export function writeSimFiles(org: SimOrg, dir: string, options: DemoFilesOptions & { what?: string } = {}): DemoFiles {
  const files = writeOrgFiles(org, dir, options.asOf !== undefined ? { asOf: new Date(options.asOf) } : {});
  const config = join(dir, 'ampaudit.config.yaml');
  writeFileAtomic(config, simConfigYaml(org, options.baseUrl ?? DEFAULT_BASE_URL, options.what ?? `the organization ${org.name}`));
  return { ...files, config };
}

export function writeDemoFiles(dir: string, anchor: Date | number | string, options: DemoFilesOptions = {}): DemoFiles {
  return writeSimFiles(buildDemoOrg(anchor), dir, { ...options, asOf: options.asOf ?? anchor, what: 'the demo organization' });
}
