import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { amplitudeSchema, configSchema } from './schema.js';
import { configLocator, loadConfig, locateConfigFile, parseConfigText, resolveConfigPath, secretsFromEnv } from './load.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ampaudit-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Runs `f`, expecting an InputError; returns it. */
function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

function parse(text: string, env: Record<string, string> = {}) {
  return parseConfigText(text, { file: '/etc/ampaudit/c.yaml', env });
}

const SPEC_EXAMPLE = `org: { id: 123456, name: Acme }            # id: the Amplitude organization id
timezone: Europe/Berlin
amplitude:
  region: us
  baseUrl: http://127.0.0.1:4010
  scim: true
  userManagement: true
  auditLogs: true
projects:
  - { id: 101, name: Web Production, environment: production }
sources:
  membersExport: ./data/members.csv
  register: ./data/register.csv
  apiKeys: ./data/api-keys.csv
  exceptions: ./exceptions.yaml
policy:
  dormant-account: { days: 60 }
  production: { projects: [], namePattern: prod }
store: ./.ampaudit/evidence.db
reports: ./reports
mail:
  from: ampaudit@acme.example
  to: [security@acme.example]
  smtp: { host: smtp.acme.example, port: 587, secure: false }
  templates: ./mail-templates
schedule: { collect: "0 2 * * *", review: "0 7 1 1,4,7,10 *" }
`;

describe('resolveConfigPath', () => {
  const cwd = '/work/here';
  it.each([
    ['--config wins', { flag: 'a.yaml', env: { AMPAUDIT_CONFIG: '/x/b.yaml' } }, '/work/here/a.yaml', 'flag'],
    ['then AMPAUDIT_CONFIG', { env: { AMPAUDIT_CONFIG: '/x/b.yaml' } }, '/x/b.yaml', 'env'],
    ['relative AMPAUDIT_CONFIG is read from cwd', { env: { AMPAUDIT_CONFIG: 'conf/b.yaml' } }, '/work/here/conf/b.yaml', 'env'],
    ['blank values are ignored', { flag: ' ', env: { AMPAUDIT_CONFIG: '' } }, '/work/here/ampaudit.config.yaml', 'default'],
    ['else the default', { env: {} }, '/work/here/ampaudit.config.yaml', 'default'],
  ] as const)('%s', (_name, opts, path, origin) => {
    expect(resolveConfigPath({ ...opts, cwd })).toBe(path);
    expect(locateConfigFile({ ...opts, cwd })).toEqual({ path, origin });
  });
});

describe('loadConfig: happy path', () => {
  it('loads the SPEC §11 example, fills defaults and resolves paths against the file folder', () => {
    mkdirSync(join(dir, 'conf'));
    const file = write('conf/ampaudit.config.yaml', SPEC_EXAMPLE);
    const c = loadConfig({ path: 'conf/ampaudit.config.yaml', env: {}, cwd: dir });
    expect(c.file).toBe(file);
    expect(c.baseDir).toBe(join(dir, 'conf'));
    expect(c.org).toEqual({ id: '123456', name: 'Acme' });
    expect(c.timezone).toBe('Europe/Berlin');
    expect(c.amplitude.baseUrl).toBe('http://127.0.0.1:4010');
    expect(c.amplitude.rateLimits.scimPerMinute).toBe(100);
    expect(c.projects).toEqual([{ id: '101', name: 'Web Production', environment: 'production' }]);
    expect(c.sources).toEqual({
      membersExport: join(dir, 'conf/data/members.csv'),
      register: join(dir, 'conf/data/register.csv'),
      apiKeys: join(dir, 'conf/data/api-keys.csv'),
      exceptions: join(dir, 'conf/exceptions.yaml'),
    });
    expect(c.store).toBe(join(dir, 'conf/.ampaudit/evidence.db'));
    expect(c.reports).toBe(join(dir, 'conf/reports'));
    expect(c.mail?.templates).toBe(join(dir, 'conf/mail-templates'));
    expect(c.mail?.outbox).toBeUndefined();
    expect(c.policy.production).toEqual({ projects: [], namePattern: 'prod' });
    expect(c.policy['dormant-account']).toEqual({ days: 60 });
    expect(c.schedule).toEqual({ collect: '0 2 * * *', dormancyNotice: '0 8 1 * *', review: '0 7 1 1,4,7,10 *' });
    expect(c.secrets).toEqual({});
  });

  it('keeps absolute paths, and tolerates a BOM and CRLF', () => {
    write('c.yaml', '\uFEFForg: { id: "42", name: A }\r\nstore: /var/lib/ampaudit/e.db\r\nsources: { register: /srv/reg.yaml }\r\n');
    const c = loadConfig({ path: join(dir, 'c.yaml'), env: {} });
    expect(c.org.id).toBe('42');
    expect(c.store).toBe('/var/lib/ampaudit/e.db');
    expect(c.sources.register).toBe('/srv/reg.yaml');
    expect(c.reports).toBe(join(dir, 'reports'));
  });

  it('reads secrets only from the environment, ignoring blank values', () => {
    const env = {
      AMPLITUDE_SCIM_TOKEN: ' scim-tok ',
      AMPLITUDE_ORG_API_KEY: 'k',
      AMPLITUDE_ORG_SECRET_KEY: 's',
      SMTP_USER: 'u',
      SMTP_PASSWORD: '',
      AMPAUDIT_SIGNING_KEY: 'pem',
    };
    expect(secretsFromEnv(env)).toEqual({ scimToken: 'scim-tok', orgApiKey: 'k', orgSecretKey: 's', smtpUser: 'u', signingKey: 'pem' });
    expect(parse('org: { id: 1, name: A }\n', env).secrets.orgApiKey).toBe('k');
  });

  it('remembers where each key is, for later errors', () => {
    const c = parse(SPEC_EXAMPLE);
    expect(configLocator(c)(['policy', 'dormant-account', 'days'])).toEqual({ file: '/etc/ampaudit/c.yaml', line: 17, column: 28, field: 'policy.dormant-account.days' });
    expect(configLocator(c)(['sources', 'register'], 'key')).toEqual({ file: '/etc/ampaudit/c.yaml', line: 13, column: 3, field: 'sources.register' });
  });
});

describe('loadConfig: missing file', () => {
  it('names the default path and how to start', () => {
    const e = inputError(() => loadConfig({ path: 'ampaudit.config.yaml', env: {}, cwd: dir }));
    expect(e.where).toEqual({ file: join(dir, 'ampaudit.config.yaml') });
    expect(e.problem).toBe(`config file not found (neither --config nor AMPAUDIT_CONFIG is set, so ampaudit looked for ./ampaudit.config.yaml in ${dir})`);
    expect(e.hint).toBe('to start, run `ampaudit demo`, or copy examples/ampaudit.config.yaml and edit it; or pass --config <file>');
    expect(e.exitCode).toBe(2);
  });

  it.each([
    ['flag', {}, 'config file not found (the path given with --config)'],
    ['env', { AMPAUDIT_CONFIG: 'other.yaml' }, 'config file not found (the path given by AMPAUDIT_CONFIG)'],
  ] as const)('says what chose the path (%s)', (_origin, env, problem) => {
    const e = inputError(() => loadConfig({ path: 'other.yaml', env, cwd: dir }));
    expect(e.problem).toBe(problem);
    expect(e.hint).toContain('`ampaudit demo`');
  });

  it('refuses a folder', () => {
    mkdirSync(join(dir, 'conf.yaml'));
    expect(inputError(() => loadConfig({ path: 'conf.yaml', env: {}, cwd: dir })).problem).toBe(`the config path ${join(dir, 'conf.yaml')} is a folder, not a file`);
  });

  it('refuses text that is not UTF-8', () => {
    writeFileSync(join(dir, 'c.yaml'), Buffer.from([0x6f, 0x72, 0x67, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    expect(inputError(() => loadConfig({ path: 'c.yaml', env: {}, cwd: dir })).message).toBe(`${join(dir, 'c.yaml')}: the config file is not UTF-8 text (save it as UTF-8)`);
  });
});

describe('parseConfigText: errors name file:line:column and the key path', () => {
  it.each([
    [
      'YAML syntax: unclosed flow mapping',
      'org: { id: 123456, name: Acme\namplitude:\n  region: us\n',
      '/etc/ampaudit/c.yaml:2:1: YAML syntax error: flow map in block collection must be sufficiently indented and end with a } (a `{` or `[` opened at or before this place is not closed, or the next line is not indented enough)',
    ],
    ['YAML syntax: tab indentation', 'org:\n  id: 1\n  name: A\n\tamplitude: x\n', '/etc/ampaudit/c.yaml:4:1: YAML syntax error: tabs are not allowed as indentation (indent with spaces, not tabs)'],
    [
      'YAML syntax: duplicate key',
      'org: {id: 1, name: A}\norg: {id: 2, name: B}\n',
      '/etc/ampaudit/c.yaml:2:1: YAML syntax error: map keys must be unique (each key may appear only once in a mapping; remove or merge the repeated one)',
    ],
    ['empty file', '', '/etc/ampaudit/c.yaml:1:1: the config file is empty (to start, run `ampaudit demo`, or copy examples/ampaudit.config.yaml and edit it)'],
    ['not a mapping', '- a\n', '/etc/ampaudit/c.yaml:1:1: expected a mapping of settings at the top level (`org:`, `amplitude:`, …) (see examples/ampaudit.config.yaml)'],
    ['missing required key', 'timezone: UTC\n', '/etc/ampaudit/c.yaml:1:1 org: required key `org` is missing; expected a mapping with keys id, name (add `org:` at the top level)'],
    ['missing nested key', 'org:\n  id: 5\n', '/etc/ampaudit/c.yaml:1:1 org.name: required key `name` is missing; expected text (add `name:` in `org`)'],
    [
      'unknown nested key with did-you-mean',
      'org: { id: 1, name: A }\namplitude:\n  baseURL: http://x.example\n',
      `/etc/ampaudit/c.yaml:3:3 amplitude.baseURL: unknown key \`baseURL\` in \`amplitude\`; did you mean \`baseUrl\`? (allowed keys: ${Object.keys(amplitudeSchema.shape).join(', ')})`,
    ],
    [
      'unknown top-level key',
      'org: { id: 1, name: A }\nschedul: {}\n',
      `/etc/ampaudit/c.yaml:2:1 schedul: unknown key \`schedul\` at the top level; did you mean \`schedule\`? (allowed keys: ${Object.keys(configSchema.shape).join(', ')})`,
    ],
    ['unknown key in a list item', 'org: { id: 1, name: A }\nprojects:\n  - { id: 1, name: x, env: production }\n', '/etc/ampaudit/c.yaml:3:23 projects[0].env: unknown key `env` in `projects[0]` (allowed keys: id, name, environment)'],
    ['custom message', 'org: { id: abc, name: A }\n', '/etc/ampaudit/c.yaml:1:12 org.id: expected the numeric organization id, got "abc"'],
    ['range', 'org: { id: 1, name: A }\namplitude: { auditLogLookbackDays: 120 }\n', '/etc/ampaudit/c.yaml:2:36 amplitude.auditLogLookbackDays: expected a whole number of days from 1 to 90, got 120'],
    ['exclusive bound', 'org: { id: 1, name: A }\namplitude:\n  rateLimits: { scimPerMinute: 0 }\n', '/etc/ampaudit/c.yaml:3:32 amplitude.rateLimits.scimPerMinute: expected a number > 0, got 0'],
    ['wrong type', 'org: { id: 1, name: A }\namplitude: { scim: "yes" }\n', '/etc/ampaudit/c.yaml:2:20 amplitude.scim: expected true or false, got "yes"'],
    ['url', 'org: { id: 1, name: A }\namplitude: { baseUrl: not-a-url }\n', '/etc/ampaudit/c.yaml:2:23 amplitude.baseUrl: expected a URL such as https://example.com, got "not-a-url"'],
    [
      'enum with description',
      'org: { id: 1, name: A }\nprojects: [{ id: 7, name: x, environment: prod }]\n',
      '/etc/ampaudit/c.yaml:2:43 projects[0].environment: expected one of production, non-production, staging, development, test, got "prod" (production, or anything else for non-production)',
    ],
    ['time zone', 'org: { id: 1, name: A }\ntimezone: Mars/Base\n', '/etc/ampaudit/c.yaml:2:11 timezone: expected an IANA time zone such as Europe/Berlin, got "Mars/Base"'],
    [
      'bad name pattern',
      'org: { id: 1, name: A }\npolicy:\n  production: { namePattern: "prod(" }\n',
      '/etc/ampaudit/c.yaml:3:30 policy.production.namePattern: expected a regular expression, got "prod(" (e.g. `prod` or `^(prod|live)\\b`; escape special characters such as ( [ + with a backslash)',
    ],
    ['duplicate project', 'org: { id: 1, name: A }\nprojects:\n  - { id: 7, name: x }\n  - { id: "7", name: y }\n', '/etc/ampaudit/c.yaml:4:11 projects[1].id: project 7 is listed twice (also at projects[0]) (keep one entry per project id)'],
    ['empty list', 'org: { id: 1, name: A }\nmail: { from: a@b.c, to: [] }\n', '/etc/ampaudit/c.yaml:2:26 mail.to: expected a list of at least 1 item (each text of at least 3 characters), got a list of 0 items'],
  ])('%s', (_name, text, message) => {
    const e = inputError(() => parse(text));
    expect(e.message).toBe(message);
    expect(e.more).toEqual([]);
  });

  it.each([
    ['amplitude', 'apiKey', 'AMPLITUDE_ORG_API_KEY'],
    ['amplitude', 'secretKey', 'AMPLITUDE_ORG_SECRET_KEY'],
    ['amplitude', 'scimToken', 'AMPLITUDE_SCIM_TOKEN'],
    ['amplitude', 'token', 'AMPLITUDE_SCIM_TOKEN'],
    ['mail', 'password', 'SMTP_PASSWORD'],
    ['mail', 'user', 'SMTP_USER'],
    ['mail', 'signingKey', 'AMPAUDIT_SIGNING_KEY'],
  ])('a secret in the file (%s.%s) is refused and names %s', (section, key, envVar) => {
    const secret = 'f00dfeedf00dfeedf00dfeedf00dfeed';
    const body = section === 'mail' ? `mail:\n  from: a@b.c\n  to: [x@y.z]\n  ${key}: ${secret}\n` : `amplitude:\n  ${key}: ${secret}\n`;
    const e = inputError(() => parse(`org: { id: 1, name: A }\n${body}`));
    expect(e.problem).toBe(`\`${key}\` looks like a secret; ampaudit never reads secrets from the config file`);
    expect(e.hint).toBe(`remove it and set the environment variable ${envVar} instead; rotate the secret if this file was shared`);
    expect(e.where.field).toBe(`${section}.${key}`);
    expect(e.more).toEqual([]); // not also reported as an unknown key
    expect(JSON.stringify({ message: e.message, more: e.more })).not.toContain(secret);
  });

  it('does not mistake custom role names for secrets', () => {
    const c = parse('org: { id: 1, name: A }\npolicy:\n  customRoles: { "Token Reader": viewer }\n');
    expect(c.policy.customRoles).toEqual({ 'Token Reader': 'viewer' });
  });

  it('never echoes a secret-looking value', () => {
    const e = inputError(() => parse('org: { id: 1, name: A }\ntimezone: 9f86d081884c7d659a2feaa0c55ad015\n'));
    expect(e.message).toBe('/etc/ampaudit/c.yaml:2:11 timezone: expected an IANA time zone such as Europe/Berlin, got a secret-looking value (not shown)');
  });

  it('reports every problem at once, sorted by place', () => {
    const e = inputError(() =>
      parse('org: { id: 1, name: "" }\namplitude:\n  region: mars\n  timeoutMs: fast\nstore: 5\npolicy:\n  customRoles: { Analyst: superuser }\n'),
    );
    expect([e, ...e.more].map((x) => x.message)).toEqual([
      '/etc/ampaudit/c.yaml:1:21 org.name: expected text, got an empty string',
      '/etc/ampaudit/c.yaml:3:11 amplitude.region: expected one of us, eu, got "mars"',
      '/etc/ampaudit/c.yaml:4:14 amplitude.timeoutMs: expected a whole number of milliseconds ≥ 1, got "fast"',
      '/etc/ampaudit/c.yaml:5:8 store: expected text, got 5',
      '/etc/ampaudit/c.yaml:7:27 policy.customRoles.Analyst: expected one of viewer, member, manager, admin, got "superuser"',
    ]);
  });
});
