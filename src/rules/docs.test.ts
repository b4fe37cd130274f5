import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { END_MARKER, START_MARKER, rulesMarkdown, rulesSection, withRulesSection } from './docs.js';
import { RULES } from './index.js';

const readmePath = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md');
const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
const hasMarkers = rulesSection(readme) !== undefined;

describe('rules docs', () => {
  it('has one row per registered rule, in registry order, with defaults and controls', () => {
    const table = rulesMarkdown(RULES);
    const rows = table.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.map((r) => r.split('`')[1])).toEqual(RULES.map((r) => r.meta.id));
    expect(table).toContain('| `dormant-account` | medium | Active members have logged in within the last 60 days | `days: 60` | CC6.2, A.5.18, AC-2(3) |');
    expect(table).toContain('| `project-without-admin` | medium | Every project has at least one active project Admin | — |');
  });

  it('replaces only the text between the markers', () => {
    const doc = `# T\n\nintro\n${START_MARKER}\nold\n${END_MARKER}\n\nafter\n`;
    const out = withRulesSection(doc, RULES)!;
    expect(out.startsWith(`# T\n\nintro\n${START_MARKER}\n| Rule |`)).toBe(true);
    expect(out.endsWith(`${END_MARKER}\n\nafter\n`)).toBe(true);
    expect(withRulesSection(out, RULES)).toBe(out);
    expect(withRulesSection('# no markers', RULES)).toBeUndefined();
  });

  it.skipIf(!hasMarkers)('README.md rules section matches the registry (run `npx tsx src/rules/write-docs.ts`)', () => {
    expect(rulesSection(readme)).toBe(rulesMarkdown(RULES).trim());
  });
});
