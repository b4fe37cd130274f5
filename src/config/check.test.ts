import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { API_KEY_COLUMNS, MEMBERS_EXPORT_COLUMNS, REGISTER_COLUMNS } from '../sources/files/index.js';
import { checkConfig } from './check.js';
import { loadConfig } from './load.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ampaudit-check-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const ALL_SECRETS = { AMPLITUDE_SCIM_TOKEN: 't', AMPLITUDE_ORG_API_KEY: 'k', AMPLITUDE_ORG_SECRET_KEY: 's' };

function config(text: string) {
  writeFileSync(join(dir, 'ampaudit.config.yaml'), text);
  return loadConfig({ path: 'ampaudit.config.yaml', env: {}, cwd: dir });
}

/** All files present, APIs on: the baseline with no problems. */
function fullConfig(extra = ''): string {
  writeFileSync(join(dir, 'members.csv'), `${MEMBERS_EXPORT_COLUMNS.join(',')}\n`);
  writeFileSync(join(dir, 'register.csv'), `${REGISTER_COLUMNS.join(',')}\n`);
  writeFileSync(join(dir, 'keys.csv'), `${API_KEY_COLUMNS.join(',')}\n`);
  return `org: { id: 1, name: Acme }\nsources: { membersExport: members.csv, register: register.csv, apiKeys: keys.csv }\n${extra}`;
}

function summary(checks: ReturnType<typeof checkConfig>): string[] {
  return checks.map((c) => `${c.level} ${c.where.line ?? '-'} ${c.where.field ?? '-'}: ${c.message}`);
}

describe('checkConfig', () => {
  it('finds nothing in a complete setup', () => {
    expect(checkConfig(config(fullConfig()), ALL_SECRETS)).toEqual([]);
  });

  it('needs the secret of every API that is switched on', () => {
    const c = config(fullConfig());
    expect(summary(checkConfig(c, { AMPLITUDE_ORG_API_KEY: 'k' }))).toEqual([
      'error 1 amplitude.scim: the SCIM API is switched on but AMPLITUDE_SCIM_TOKEN is not set',
      'error 1 amplitude.userManagement: the User Management API is switched on but AMPLITUDE_ORG_SECRET_KEY is not set',
      'error 1 amplitude.auditLogs: the Audit Logs API is switched on but AMPLITUDE_ORG_SECRET_KEY is not set',
    ]);
  });

  it('points at the switch when it is in the file', () => {
    const c = config(fullConfig('amplitude:\n  scim: true\n  userManagement: false\n  auditLogs: false\n'));
    const checks = checkConfig(c, {});
    expect(checks).toEqual([
      {
        level: 'error',
        message: 'the SCIM API is switched on but AMPLITUDE_SCIM_TOKEN is not set',
        where: { file: join(dir, 'ampaudit.config.yaml'), line: 4, column: 9, field: 'amplitude.scim' },
        hint: 'set it to the SCIM key (Settings → Access and SSO → SCIM provisioning), or set `amplitude.scim: false`',
      },
    ]);
  });

  it('warns about sources that are not configured, and errors when nothing gives the members', () => {
    const c = config('org: { id: 1, name: Acme }\namplitude: { scim: false, userManagement: false, auditLogs: false }\n');
    expect(summary(checkConfig(c, {}))).toEqual([
      'error 2 amplitude: no source gives the members: the SCIM and User Management APIs are off and there is no `sources.membersExport`',
      'warning 1 sources: no `sources.register`: every member will be reported as unregistered and contractor rules cannot run',
      'warning 1 sources: no `sources.apiKeys`: Amplitude has no key-listing API, so the key rules have nothing to check',
    ]);
  });

  it('reports a configured file that does not exist', () => {
    const c = config(fullConfig().replace('register: register.csv', 'register: data/register.csv'));
    expect(summary(checkConfig(c, ALL_SECRETS))).toEqual([`error 2 sources.register: \`sources.register\` points to ${join(dir, 'data/register.csv')}, which does not exist`]);
  });

  it('parses the files when given a clock and the rule ids', () => {
    const c = config(fullConfig());
    writeFileSync(join(dir, 'register.csv'), `${REGISTER_COLUMNS.join(',')},team\nbob,,employee,,,,,,,,,,,,,x\n`);
    expect(summary(checkConfig(c, ALL_SECRETS, { clock: fixedClock('2026-10-01T00:00:00Z'), knownRules: [] }))).toEqual([
      'error 2 email: expected an email address, got "bob"',
    ]);
    writeFileSync(join(dir, 'register.csv'), `${REGISTER_COLUMNS.join(',')},team\nbob@acme.example,,employee,,,,,,,,,,,,,x\n`);
    expect(summary(checkConfig(c, ALL_SECRETS, { clock: fixedClock('2026-10-01T00:00:00Z'), knownRules: [] }))).toEqual(['warning 1 team: unknown column `team` is ignored']);
  });

  it('checks mail settings', () => {
    mkdirSync(join(dir, 'tpl'));
    const c = config(fullConfig('mail:\n  from: a@acme.example\n  to: [s@acme.example]\n  smtp: { host: smtp.acme.example, port: 465 }\n  templates: ./missing\n'));
    expect(summary(checkConfig(c, { ...ALL_SECRETS, SMTP_PASSWORD: 'p' }))).toEqual([
      'warning 6 mail.smtp: only one of SMTP_USER and SMTP_PASSWORD is set',
      'warning 6 mail.smtp.port: port 465 expects TLS from the start, but `mail.smtp.secure` is false',
      'warning 6 mail.smtp: the SMTP password may be sent unencrypted if the server offers no STARTTLS',
      `error 7 mail.templates: \`mail.templates\` points to ${join(dir, 'missing')}, which does not exist`,
    ]);
    const noSmtp = config(fullConfig('mail: { from: a@acme.example, to: [s@acme.example] }\n'));
    expect(summary(checkConfig(noSmtp, ALL_SECRETS))).toEqual(['warning 3 mail: no `mail.smtp`: messages are written to the outbox as .eml files and not sent']);
    expect(summary(checkConfig(config(fullConfig()), { ...ALL_SECRETS, SMTP_USER: 'u' }))).toEqual([
      'warning 1 -: SMTP credentials are set in the environment but the config has no `mail:` section, so no mail is sent',
    ]);
  });

  it('checks the signing key without echoing it', () => {
    const c = config(fullConfig());
    const good = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const goodDer = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    expect(checkConfig(c, { ...ALL_SECRETS, AMPAUDIT_SIGNING_KEY: good })).toEqual([]);
    expect(checkConfig(c, { ...ALL_SECRETS, AMPAUDIT_SIGNING_KEY: goodDer })).toEqual([]);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const checks = checkConfig(c, { ...ALL_SECRETS, AMPAUDIT_SIGNING_KEY: rsa });
    expect(summary(checks)).toEqual(['error 1 -: AMPAUDIT_SIGNING_KEY is set but is not an Ed25519 private key']);
    expect(JSON.stringify(checks)).not.toContain(rsa.slice(40, 80));
  });

  it('checks cron expressions and plain-http URLs', () => {
    const c = config(fullConfig('amplitude: { baseUrl: "http://proxy.acme.example" }\nschedule: { collect: "0 2 * *", review: "0 7 1 1,4,7,10 *" }\n'));
    expect(summary(checkConfig(c, ALL_SECRETS))).toEqual([
      'warning 3 amplitude.baseUrl: http://proxy.acme.example is plain http: API keys would cross the network unencrypted',
      'error 4 schedule.collect: "0 2 * *" is not a valid cron expression',
    ]);
    expect(checkConfig(config(fullConfig('amplitude: { baseUrl: "http://127.0.0.1:4010" }\n')), ALL_SECRETS)).toEqual([]);
  });
});
