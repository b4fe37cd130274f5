/**
 * The bad-input corpus of issue 2: each case gives one clear message naming the place (file,
 * line, field) with a hint, as an InputError (exit code 2). The CLI-level checks (exit code,
 * store untouched) build on these functions.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import { loadConfig } from '../src/config/load.js';
import { InputError } from '../src/errors.js';
import { API_KEY_COLUMNS, MEMBERS_EXPORT_COLUMNS, readConfiguredFileSources, REGISTER_COLUMNS } from '../src/sources/files/index.js';

const clock = fixedClock('2026-10-01T08:00:00Z');
const knownRules = ['dormant-account', 'key-rotation-overdue', 'unregistered-account'];
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ampaudit-bad-'));
  mkdirSync(join(dir, 'data'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function fails(f: () => unknown): InputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

const load = () => loadConfig({ path: 'ampaudit.config.yaml', env: {}, cwd: dir });

/** A valid config naming one file source. */
function configWith(key: string, file: string) {
  write('ampaudit.config.yaml', `org: { id: 123456, name: Acme }\nsources:\n  ${key}: ${file}\n`);
  return load();
}

const readSources = (c: ReturnType<typeof load>) => readConfiguredFileSources(c, { clock, knownRules });

describe('bad inputs: one clear message naming the place', () => {
  it('malformed YAML in the config', () => {
    // `scim` is indented one space less than `region`: not a key of `amplitude` any more.
    const file = write('ampaudit.config.yaml', 'org: { id: 123456, name: Acme }\namplitude:\n  region: us\n scim: true\n');
    const e = fails(load);
    expect(e.where).toEqual({ file, line: 4, column: 1 });
    expect(e.message).toBe(`${file}:4:1: YAML syntax error: all mapping items must start at the same column (check the indentation: nested keys need more spaces than their parent, and tabs are not allowed)`);
    expect(e.more).toEqual([]);
  });

  it('unknown config key', () => {
    const file = write('ampaudit.config.yaml', 'org: { id: 123456, name: Acme }\namplitude:\n  region: us\n  auditLog: true\n');
    const e = fails(load);
    expect(e.where).toEqual({ file, line: 4, column: 3, field: 'amplitude.auditLog' });
    expect(e.problem).toBe('unknown key `auditLog` in `amplitude`; did you mean `auditLogs`?');
    expect(e.hint).toMatch(/^allowed keys: region, baseUrl, .*auditLogs/);
    expect(e.message.startsWith(`${file}:4:3 amplitude.auditLog: unknown key \`auditLog\` in \`amplitude\`; did you mean \`auditLogs\`? (allowed keys: region, `)).toBe(true);
    expect(e.more).toEqual([]);
  });

  it('bad date in the register', () => {
    const reg = write('data/register.csv', `${REGISTER_COLUMNS.join(',')}\nann@acme.example,Ann,contractor,Agency,,2026-01-05,2026-01-05,2026-02-30,101:viewer,,no,,,,\n`);
    const e = fails(() => readSources(configWith('register', 'data/register.csv')));
    expect(e.where).toEqual({ file: reg, line: 2, field: 'end_date' });
    expect(e.message).toBe(`${reg}:2 end_date: "2026-02-30" is not a calendar date (February 2026 has 28 days) (write dates as YYYY-MM-DD, e.g. 2026-03-31)`);
    expect(e.more).toEqual([]);
  });

  it('unknown key type in the key inventory', () => {
    const keys = write('data/api-keys.csv', `${API_KEY_COLUMNS.join(',')}\nweb-prod,Web,project,101,ann@acme.example,2026-01-01,,,vault\nmgmt,Flags,experiment-managment,,ann@acme.example,2026-01-01,,,vault\n`);
    const e = fails(() => readSources(configWith('apiKeys', 'data/api-keys.csv')));
    expect(e.where).toEqual({ file: keys, line: 3, field: 'type' });
    expect(e.problem).toBe(
      'expected one of project, secret, org, scim, data, experiment-deployment, experiment-management, got "experiment-managment"; did you mean `experiment-management`?',
    );
    expect(e.hint).toContain('experiment-management: the Experiment Management API key');
    expect(e.more).toEqual([]);
  });

  it('exception without expiry', () => {
    const exc = write(
      'exceptions.yaml',
      [
        '- rule: dormant-account',
        '  subject: ann@acme.example',
        '  reason: On sabbatical until spring',
        '  approved_by: ciso@acme.example',
        '  approved_on: 2026-09-15',
        '  ticket: SEC-101',
        '',
      ].join('\n'),
    );
    const e = fails(() => readSources(configWith('exceptions', 'exceptions.yaml')));
    expect(e.where).toEqual({ file: exc, line: 1, column: 3, field: 'expires' });
    expect(e.message).toBe(
      `${exc}:1:3 expires: every exception needs an expiry date, and \`expires\` is missing (add \`expires: YYYY-MM-DD\`, at most one year after approved_on (2027-09-15 at the latest), so the risk is looked at again)`,
    );
    expect(e.more).toEqual([]);
  });

  it('CSV with a missing column', () => {
    const columns = MEMBERS_EXPORT_COLUMNS.filter((c) => c !== 'status');
    const members = write('data/members.csv', `${columns.join(',')}\nann@acme.example,Ann,admin,2026-01-01,2026-01-02,101,Web,Admin,Direct,\n`);
    const e = fails(() => readSources(configWith('membersExport', 'data/members.csv')));
    expect(e.where).toEqual({ file: members, line: 1, field: 'status' });
    expect(e.message).toBe(
      `${members}:1 status: missing column \`status\` (the first line must name these columns (any order): email, name, org_role, status, invited_on, joined_on, project_id, project, project_role, access_via, addons)`,
    );
    expect(e.more).toEqual([]);
  });
});
