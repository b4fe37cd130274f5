import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configSchema } from '../config/schema.js';
import { exampleFiles } from './write-examples.js';

const EXAMPLES = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'examples');

describe('examples/', () => {
  it.each(Object.keys(exampleFiles()))('%s is what the demo org generates (npx tsx src/simulator/write-examples.ts)', (name) => {
    expect(readFileSync(join(EXAMPLES, name), 'utf8')).toBe(exampleFiles()[name]);
  });

  it('has a commented config the schema accepts, naming the example files', () => {
    const text = readFileSync(join(EXAMPLES, 'ampaudit.config.yaml'), 'utf8');
    expect(text.split('\n').filter((l) => l.trimStart().startsWith('#')).length).toBeGreaterThan(10);
    const cfg = configSchema.parse(parseYaml(text));
    expect(cfg.org.id).toBe('123456');
    expect(cfg.sources).toEqual({ membersExport: './members.csv', register: './register.csv', apiKeys: './api-keys.csv', exceptions: './exceptions.yaml' });
  });

  it('has a YAML register with the same entries as the CSV one', () => {
    const yamlRows = parseYaml(readFileSync(join(EXAMPLES, 'register.yaml'), 'utf8')) as Record<string, string>[];
    const csvEmails = readFileSync(join(EXAMPLES, 'register.csv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(yamlRows.map((r) => r.email)).toEqual(csvEmails);
    expect(yamlRows.find((r) => r.email === 'max.kruger@acme.example')).toMatchObject({ elevated_role: 'admin', elevated_project: '105', exports_allowed: 'yes' });
  });
});
