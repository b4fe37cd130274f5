/**
 * Regenerates the example files in `examples/` from the demo org (the commented
 * `examples/ampaudit.config.yaml` is written by hand). Run: `npx tsx src/simulator/write-examples.ts`.
 * A test checks that the files in `examples/` are what this writes.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../fsutil.js';
import { buildDemoOrg } from './demo-org.js';
import { exceptionsYaml, keysCsv, membersExportCsv, registerCsv, registerYaml } from './files.js';

/** The anchor the examples describe the demo org at. */
export const EXAMPLES_ANCHOR = '2026-11-15T09:00:00.000Z';

export function exampleFiles(): Record<string, string> {
  const org = buildDemoOrg(EXAMPLES_ANCHOR);
  const at = Date.parse(EXAMPLES_ANCHOR);
  return {
    'members.csv': membersExportCsv(org, at),
    'register.csv': registerCsv(org, at),
    'register.yaml':
      '# The access register as YAML: a list of entries with the same keys as register.csv (empty values may be left out).\n' +
      registerYaml(org, at),
    'api-keys.csv': keysCsv(org, at),
    'exceptions.yaml': exceptionsYaml(org),
  };
}

export function writeExamples(dir: string): void {
  for (const [name, text] of Object.entries(exampleFiles())) writeFileAtomic(join(dir, name), text);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeExamples(join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'examples'));
}
