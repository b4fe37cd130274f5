/**
 * Rewrites the rules table in README.md from the registry:
 *   npx tsx src/rules/write-docs.ts [path/to/README.md]
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../fsutil.js';
import { END_MARKER, START_MARKER, withRulesSection } from './docs.js';
import { RULES } from './index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const file = resolve(process.argv[2] ?? resolve(root, 'README.md'));
const readme = readFileSync(file, 'utf8');
const updated = withRulesSection(readme, RULES);
if (updated === undefined) {
  process.stderr.write(`${file}: no ${START_MARKER} … ${END_MARKER} markers; add them where the rules table belongs\n`);
  process.exitCode = 2;
} else if (updated === readme) {
  process.stdout.write(`${file}: rules table is up to date (${RULES.length} rules)\n`);
} else {
  writeFileAtomic(file, updated);
  process.stdout.write(`${file}: rules table updated (${RULES.length} rules)\n`);
}
