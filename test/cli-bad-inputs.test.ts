/**
 * Bad inputs through the real command line: one clear message naming the place, exit code 2,
 * and the evidence store left untouched (byte-identical, or not created at all).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import { API_KEY_COLUMNS, MEMBERS_EXPORT_COLUMNS, REGISTER_COLUMNS } from '../src/sources/files/index.js';
import { openStore } from '../src/store/sqlite.js';
import { cli } from './helpers/cli.js';

const clock = fixedClock('2026-10-01T08:00:00Z');
const env = { AMPLITUDE_SCIM_TOKEN: 't0ken-scim', AMPLITUDE_ORG_API_KEY: 'org-key-1', AMPLITUDE_ORG_SECRET_KEY: 'org-secret-1' };
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ampaudit-cli-bad-'));
  mkdirSync(join(dir, 'data'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A config pointing at an unreachable API (nothing may be fetched anyway) with the given sources. */
function config(extra = ''): string {
  return write(
    'ampaudit.config.yaml',
    `org: { id: 123456, name: Acme }\namplitude: { baseUrl: "http://127.0.0.1:9" }\nstore: ./store/evidence.db\n${extra}`,
  );
}

function storeFingerprint(): string {
  const folder = join(dir, 'store');
  if (!existsSync(folder)) return 'absent';
  const h = createHash('sha256');
  for (const f of readdirSync(folder).sort()) h.update(f).update(readFileSync(join(folder, f)));
  return h.digest('hex');
}

function existingStore(): string {
  mkdirSync(join(dir, 'store'));
  openStore(join(dir, 'store', 'evidence.db')).close();
  return storeFingerprint();
}

async function expectRejected(where: RegExp, withStore: boolean): Promise<string> {
  const before = withStore ? existingStore() : 'absent';
  const r = await cli(['collect', '--config', join(dir, 'ampaudit.config.yaml')], { env, clock });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(where);
  expect(r.stderr).toMatch(/fix: /);
  expect(storeFingerprint()).toBe(before);
  return r.stderr;
}

describe('ampaudit collect rejects bad input with exit 2 and leaves the store untouched', () => {
  for (const withStore of [false, true]) {
    const label = withStore ? 'existing store' : 'no store yet';
    it(`malformed YAML (${label})`, async () => {
      write('ampaudit.config.yaml', 'org: { id: 123456, name: Acme }\namplitude:\n  region: us\n scim: true\n');
      await expectRejected(/ampaudit\.config\.yaml:4:1: YAML syntax error/, withStore);
    });
    it(`unknown config key (${label})`, async () => {
      write('ampaudit.config.yaml', 'org: { id: 123456, name: Acme }\nstore: ./store/evidence.db\namplitude:\n  auditLog: true\n');
      await expectRejected(/ampaudit\.config\.yaml:4:3 amplitude\.auditLog: unknown key `auditLog` in `amplitude`; did you mean `auditLogs`\?/, withStore);
    });
    it(`bad date in the register (${label})`, async () => {
      config('sources: { register: data/register.csv }\n');
      write('data/register.csv', `${REGISTER_COLUMNS.join(',')}\nann@acme.example,Ann,contractor,Agency,,2026-01-05,2026-01-05,2026-02-30,101:viewer,,no,,,,\n`);
      await expectRejected(/register\.csv:2 end_date: "2026-02-30" is not a calendar date/, withStore);
    });
    it(`unknown key type (${label})`, async () => {
      config('sources: { apiKeys: data/api-keys.csv }\n');
      write('data/api-keys.csv', `${API_KEY_COLUMNS.join(',')}\nmgmt,Flags,experiment-managment,,ann@acme.example,2026-01-01,,,vault\n`);
      await expectRejected(/api-keys\.csv:2 type: .*did you mean `experiment-management`\?/, withStore);
    });
    it(`exception without expiry (${label})`, async () => {
      config('sources: { exceptions: exceptions.yaml }\n');
      write('exceptions.yaml', '- rule: dormant-account\n  subject: ann@acme.example\n  reason: sabbatical\n  approved_by: ciso@acme.example\n  approved_on: 2026-09-15\n');
      await expectRejected(/exceptions\.yaml:1:3 expires: every exception needs an expiry date/, withStore);
    });
    it(`CSV with a missing column (${label})`, async () => {
      config('sources: { membersExport: data/members.csv }\n');
      write('data/members.csv', `${MEMBERS_EXPORT_COLUMNS.filter((c) => c !== 'status').join(',')}\nann@acme.example,Ann,admin,2026-01-01,2026-01-02,101,Web,Admin,Direct,\n`);
      await expectRejected(/members\.csv:1 status: missing column `status`/, withStore);
    });
  }

  it('a missing secret names the variable and exits 2 before anything is written', async () => {
    config();
    const before = existingStore();
    const r = await cli(['collect', '--config', join(dir, 'ampaudit.config.yaml')], { env: {}, clock });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('AMPLITUDE_SCIM_TOKEN is not set');
    expect(storeFingerprint()).toBe(before);
  });
});
