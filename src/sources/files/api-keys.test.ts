import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../clock.js';
import { InputError } from '../../errors.js';
import { sha256Hex } from '../../fsutil.js';
import { API_KEY_COLUMNS, parseApiKeys } from './api-keys.js';

const clock = fixedClock('2026-10-01T08:00:00Z');
const HEADER = API_KEY_COLUMNS.join(',');
const SECRET_ID = '9f86d081884c7d659a2feaa0c55ad015';
const SECRET_REF = `key-${sha256Hex(SECRET_ID).slice(0, 12)}`;

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n') + '\n';
}

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

/** The error and everything it carries, as text, to check that no secret leaks. */
function allText(e: InputError): string {
  return JSON.stringify([e.message, e.where, e.hint, e.more.map((m) => [m.message, m.where, m.hint])]);
}

describe('parseApiKeys', () => {
  it('gathers many secret-looking ids into one warning that names their lines', () => {
    const secrets = Array.from({ length: 7 }, (_, i) => `${i}`.repeat(32).slice(0, 32).replace(/^./, 'a'));
    const text = csv(...secrets.map((id) => `${id},,Secret Key,101,,2024-05-01,,,`));
    const { pull, warnings } = parseApiKeys(text, { file: 'api-keys.csv', clock });
    expect(warnings).toEqual([
      {
        message:
          '7 key ids look like the keys themselves (lines 2, 3, 4, 5, 6 and 2 more); ampaudit keeps only their fingerprints. Put key ids or names in the inventory, never secrets, and rotate these keys if the file was shared',
        where: { file: 'api-keys.csv', line: 2, field: 'id' },
      },
    ]);
    expect(pull.keys).toHaveLength(7);
    for (const id of secrets) expect(JSON.stringify({ pull, warnings })).not.toContain(id);
  });

  it('reads each key with a fingerprint and a ref that never shows a secret id', () => {
    const text = csv(
      `web-prod-api,Web production,project,101,Owner@Acme.example,2025-01-10,2026-01-10,2026-09-30,vault:web`,
      `${SECRET_ID},,Secret Key,101,,2024-05-01,,,`,
      `exp-client,Flags,experiment deployment,,,,,,`,
    );
    const { pull, warnings } = parseApiKeys(text, { file: 'api-keys.csv', clock });
    // The secret itself is dropped at the edge: the pull keeps only its fingerprint ref, and says so.
    expect(warnings).toEqual([
      {
        message: `key ${SECRET_REF}: the id looks like the key itself; ampaudit keeps only its fingerprint. Put a key id or name in the inventory, never the secret, and rotate this key if the file was shared`,
        where: { file: 'api-keys.csv', line: 3, field: 'id' },
      },
    ]);
    expect(JSON.stringify(pull)).not.toContain(SECRET_ID);
    expect(pull).toEqual({
      source: 'api-keys',
      file: 'api-keys.csv',
      sha256: sha256Hex(text),
      pulledAt: '2026-10-01T08:00:00.000Z',
      keys: [
        {
          id: 'web-prod-api',
          ref: 'web-prod-api',
          fingerprint: sha256Hex('web-prod-api').slice(0, 12),
          label: 'Web production',
          type: 'project',
          projectId: '101',
          owner: 'owner@acme.example',
          createdOn: '2025-01-10',
          rotatedOn: '2026-01-10',
          lastUsedOn: '2026-09-30',
          storedIn: 'vault:web',
          line: 2,
          pulledAt: '2026-10-01T08:00:00.000Z',
        },
        {
          id: SECRET_REF,
          ref: SECRET_REF,
          fingerprint: SECRET_REF.slice(4),
          label: SECRET_REF,
          type: 'secret',
          projectId: '101',
          createdOn: '2024-05-01',
          line: 3,
          pulledAt: '2026-10-01T08:00:00.000Z',
        },
        { id: 'exp-client', ref: 'exp-client', fingerprint: sha256Hex('exp-client').slice(0, 12), label: 'Flags', type: 'experiment-deployment', line: 4, pulledAt: '2026-10-01T08:00:00.000Z' },
      ],
    });
  });

  it.each([
    ['project', 'project'],
    ['SCIM', 'scim'],
    ['Org API Key', 'org'],
    ['data api token', 'data'],
    ['experiment_management', 'experiment-management'],
  ])('type %j → %s', (cell, type) => {
    expect(parseApiKeys(csv(`k1,,${cell},,,,,,`), { file: 'k.csv', clock }).pull.keys[0]!.type).toBe(type);
  });

  it.each([
    [
      'unknown type, listing the seven',
      'k1,,admin,,,,,,',
      "k.csv:2 type: expected one of project, secret, org, scim, data, experiment-deployment, experiment-management, got \"admin\" (project and secret: a project's API and secret key; org: the org API/secret key; scim: the SCIM key; data: a Data API token; experiment-deployment: a client-/server- key; experiment-management: the Experiment Management API key)",
    ],
    [
      'misspelt type',
      'k1,,secrte,,,,,,',
      "k.csv:2 type: expected one of project, secret, org, scim, data, experiment-deployment, experiment-management, got \"secrte\"; did you mean `secret`? (project and secret: a project's API and secret key; org: the org API/secret key; scim: the SCIM key; data: a Data API token; experiment-deployment: a client-/server- key; experiment-management: the Experiment Management API key)",
    ],
    ['missing id', ',x,project,,,,,,', 'k.csv:2 id: missing a value; expected text'],
    ['bad owner', 'k1,,project,,ann,,,,', 'k.csv:2 owner: expected an email address, got "ann" (write the address the person signs in with, e.g. jane.doe@acme.example)'],
    ['non-numeric project', 'k1,,project,Web,,,,,', 'k.csv:2 project: key k1: expected a numeric project id, got "Web" (use the project\'s id from Amplitude (Settings → Projects))'],
    ['bad date', 'k1,,project,,,2026-02-30,,,', 'k.csv:2 created_on: "2026-02-30" is not a calendar date (February 2026 has 28 days) (write dates as YYYY-MM-DD, e.g. 2026-03-31)'],
    ['future date', 'k1,,project,,,,2026-10-03,,', 'k.csv:2 rotated_on: key k1: rotated_on 2026-10-03 is in the future (a date in the future would hide an overdue rotation; check the date)'],
    ['rotated before created', 'k1,,project,,,2026-05-01,2026-04-01,,', 'k.csv:2 rotated_on: key k1: rotated_on 2026-04-01 is before created_on 2026-05-01 (check both dates)'],
  ])('%s', (_name, row, message) => {
    expect(inputError(() => parseApiKeys(csv(row), { file: 'k.csv', clock })).message).toBe(message);
  });

  it('accepts tomorrow (time zones) but not the day after', () => {
    expect(parseApiKeys(csv('k1,,project,,,,2026-10-02,,'), { file: 'k.csv', clock }).pull.keys).toHaveLength(1);
  });

  it('names a duplicate key by its ref, never by the secret id', () => {
    const e = inputError(() => parseApiKeys(csv(`${SECRET_ID},a,secret,,,,,,`, `${SECRET_ID},b,secret,,,2026-13-01,,,`), { file: 'k.csv', clock }));
    expect([e, ...e.more].map((x) => x.message)).toEqual([
      'k.csv:3 created_on: "2026-13-01" is not a calendar date (there is no month 13) (write dates as YYYY-MM-DD, e.g. 2026-03-31)',
      `k.csv:3 id: key ${SECRET_REF} is listed twice, on lines 2 and 3 (keep one row per key)`,
    ]);
    expect(allText(e)).not.toContain(SECRET_ID);
  });

  it('never shows a secret-looking value, whatever the column', () => {
    const e = inputError(() => parseApiKeys(csv(`${SECRET_ID},,${SECRET_ID},${SECRET_ID},${SECRET_ID},${SECRET_ID},,,`), { file: 'k.csv', clock }));
    expect(e.more.length).toBeGreaterThan(0);
    expect(allText(e)).not.toContain(SECRET_ID);
    expect(e.message).toContain('got a secret-looking value (not shown)');
  });

  it('reads the YAML form', () => {
    const { pull } = parseApiKeys('- id: 0042\n  type: scim\n  owner: it@acme.example\n  rotated_on: 2026-06-01\n', { file: 'keys.yaml', clock });
    expect(pull.keys.map((k) => [k.id, k.type, k.owner, k.rotatedOn, k.line])).toEqual([['0042', 'scim', 'it@acme.example', '2026-06-01', 1]]);
  });
});
