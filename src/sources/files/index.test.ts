import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../clock.js';
import { loadConfig } from '../../config/load.js';
import { InputError } from '../../errors.js';
import { API_KEY_COLUMNS, MEMBERS_EXPORT_COLUMNS, readConfiguredFileSources, readRegisterFile, REGISTER_COLUMNS } from './index.js';

const clock = fixedClock('2026-10-01T08:00:00Z');
const knownRules = ['dormant-account'];
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ampaudit-files-'));
  mkdirSync(join(dir, 'data'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

function config(sources: string) {
  writeFileSync(join(dir, 'ampaudit.config.yaml'), `org: { id: 1, name: Acme }\nsources:\n${sources}`);
  return loadConfig({ path: 'ampaudit.config.yaml', env: {}, cwd: dir });
}

describe('readConfiguredFileSources', () => {
  it('reads every configured file, relative to the config folder', () => {
    writeFileSync(join(dir, 'data/members.csv'), `${MEMBERS_EXPORT_COLUMNS.join(',')}\na@b.co,A,admin,active,,,,,,,\n`);
    writeFileSync(join(dir, 'data/register.yaml'), '- { email: a@b.co, kind: employee }\n');
    writeFileSync(join(dir, 'data/keys.csv'), `${API_KEY_COLUMNS.join(',')},notes\nk1,K,org,,a@b.co,,,,,x\n`);
    writeFileSync(join(dir, 'exceptions.yaml'), '');
    const c = config('  membersExport: data/members.csv\n  register: data/register.yaml\n  apiKeys: data/keys.csv\n  exceptions: exceptions.yaml\n');
    const r = readConfiguredFileSources(c, { clock, knownRules });
    expect(r.membersExport?.rows.map((x) => x.email)).toEqual(['a@b.co']);
    expect(r.membersExport?.file).toBe(join(dir, 'data/members.csv'));
    expect(r.register?.entries.map((x) => x.kind)).toEqual(['employee']);
    expect(r.apiKeys?.keys.map((x) => x.type)).toEqual(['org']);
    expect(r.exceptions?.exceptions).toEqual([]);
    expect(r.warnings).toEqual([{ message: 'unknown column `notes` is ignored', where: { file: join(dir, 'data/keys.csv'), line: 1, field: 'notes' } }]);
  });

  it('reads nothing when no file is configured', () => {
    expect(readConfiguredFileSources(config('  {}\n'), { clock, knownRules })).toEqual({ warnings: [] });
  });

  it('a missing file names the config key and its place in the config', () => {
    const c = config('  register: ./data/register.csv\n');
    const e = inputError(() => readConfiguredFileSources(c, { clock, knownRules }));
    expect(e.message).toBe(
      `${join(dir, 'ampaudit.config.yaml')}:3:13 sources.register: \`sources.register\` points to ${join(dir, 'data/register.csv')}, which does not exist (check the path (relative paths are read from the config file's folder), or remove \`sources.register\` if you do not use this source)`,
    );
  });

  it('collects the problems of several files into one error', () => {
    writeFileSync(join(dir, 'data/register.csv'), `${REGISTER_COLUMNS.join(',')}\nbob,,employee,,,,,,,,,,,,\n`);
    writeFileSync(join(dir, 'exceptions.yaml'), '- { rule: nope, subject: org, reason: r, approved_by: x, approved_on: 2026-01-01, expires: 2026-02-01 }\n');
    const c = config('  register: data/register.csv\n  exceptions: exceptions.yaml\n');
    const e = inputError(() => readConfiguredFileSources(c, { clock, knownRules }));
    expect([e, ...e.more].map((x) => `${x.where.file}:${x.where.line} ${x.where.field}`)).toEqual([
      `${join(dir, 'data/register.csv')}:2 email`,
      `${join(dir, 'exceptions.yaml')}:1 rule`,
    ]);
  });

  it('read…File refuses a folder', () => {
    const e = inputError(() => readRegisterFile({ path: join(dir, 'data.csv'), configKey: 'sources.register' }, { clock }));
    expect(e.problem).toBe(`\`sources.register\` points to ${join(dir, 'data.csv')}, which does not exist`);
    mkdirSync(join(dir, 'folder.csv'));
    expect(inputError(() => readRegisterFile({ path: join(dir, 'folder.csv'), configKey: 'sources.register' }, { clock })).problem).toBe(
      `\`sources.register\` points to ${join(dir, 'folder.csv')}, which is a folder, not a file`,
    );
  });
});
