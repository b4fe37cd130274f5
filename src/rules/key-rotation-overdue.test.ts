import { describe, expect, it } from 'vitest';
import rule from './key-rotation-overdue.js';
import { AT, checkRule, dateAgo, runRule, snapshotOf, type KeyInput, type SnapshotInput } from './testing.js';

interface Row {
  readonly name: string;
  readonly keys: readonly KeyInput[];
  readonly options?: unknown;
  readonly snapshot?: Partial<SnapshotInput>;
  /** `finding.projects` per finding (project digests), checked when given. */
  readonly projects?: readonly (readonly string[] | undefined)[];
  /** [status, subject id, severity, message] per finding. */
  readonly expect: readonly [string, string, string, string][];
}

const rows: Row[] = [
  {
    name: 'org key rotated exactly 90 days ago is overdue (high)',
    projects: [undefined],
    keys: [{ id: 'org-1', label: 'Org admin key', type: 'org', rotatedOn: dateAgo(90) }],
    expect: [
      [
        'open',
        'org-1',
        'high',
        `Org admin key (organization API key) was last rotated on ${dateAgo(90)}, 90 days ago; organization API keys must be rotated every 90 days, so rotation was due on ${dateAgo(0)}.`,
      ],
    ],
  },
  {
    name: 'org key rotated 89 days ago is only due soon (info)',
    keys: [{ id: 'org-1', label: 'Org admin key', type: 'org', rotatedOn: dateAgo(89) }],
    expect: [
      [
        'open',
        'org-1',
        'info',
        `Org admin key (organization API key) is due for rotation on ${dateAgo(-1)} (in 1 day); it was last rotated on ${dateAgo(89)} and organization API keys are rotated every 90 days.`,
      ],
    ],
  },
  {
    name: 'due in exactly 14 days is reported, 15 days is not',
    keys: [
      { id: 'org-14', label: 'A', type: 'org', rotatedOn: dateAgo(76) },
      { id: 'org-15', label: 'B', type: 'org', rotatedOn: dateAgo(75) },
    ],
    expect: [['open', 'org-14', 'info', `A (organization API key) is due for rotation on ${dateAgo(-14)} (in 14 days); it was last rotated on ${dateAgo(76)} and organization API keys are rotated every 90 days.`]],
  },
  {
    name: 'never-rotated project key measured from creation (medium), with project in the label',
    keys: [{ id: 'pk-1', label: 'Web SDK', type: 'project', projectId: '101', createdOn: dateAgo(400) }],
    snapshot: { projects: [{ id: '101', name: 'Web Production' }] },
    projects: [['101']],
    expect: [
      [
        'open',
        'pk-1',
        'medium',
        `Web SDK (project API key, Web Production (101)) was created on ${dateAgo(400)} and never rotated, 400 days ago; project API keys must be rotated every 365 days, so rotation was due on ${dateAgo(35)}.`,
      ],
    ],
  },
  {
    name: 'rotated_on wins over created_on',
    keys: [{ id: 'pk-2', label: 'iOS', type: 'project', createdOn: dateAgo(900), rotatedOn: dateAgo(10) }],
    expect: [],
  },
  {
    name: 'secret 180 days high, scim 179 days info, data token uses the `other` period',
    keys: [
      { id: 'sec', label: 'Export', type: 'secret', rotatedOn: dateAgo(180) },
      { id: 'scim', label: 'Okta', type: 'scim', rotatedOn: dateAgo(179) },
      { id: 'data', label: 'Data', type: 'data', rotatedOn: dateAgo(365) },
      { id: 'data-ok', label: 'Data2', type: 'data', rotatedOn: dateAgo(300) },
    ],
    expect: [
      ['open', 'sec', 'high', `Export (project secret key) was last rotated on ${dateAgo(180)}, 180 days ago; project secret keys must be rotated every 180 days, so rotation was due on ${dateAgo(0)}.`],
      ['open', 'data', 'medium', `Data (Data API token) was last rotated on ${dateAgo(365)}, 365 days ago; Data API tokens must be rotated every 365 days, so rotation was due on ${dateAgo(0)}.`],
      ['open', 'scim', 'info', `Okta (SCIM key) is due for rotation on ${dateAgo(-1)} (in 1 day); it was last rotated on ${dateAgo(179)} and SCIM keys are rotated every 180 days.`],
    ],
  },
  {
    name: 'configured periods: org 30 days, data 100 days; due-soon notices off',
    keys: [
      { id: 'org-1', label: 'Org', type: 'org', rotatedOn: dateAgo(30) },
      { id: 'data', label: 'Data', type: 'data', rotatedOn: dateAgo(99) },
    ],
    options: { periodDays: { org: 30, data: 100 }, dueSoonDays: 0 },
    expect: [['open', 'org-1', 'high', `Org (organization API key) was last rotated on ${dateAgo(30)}, 30 days ago; organization API keys must be rotated every 30 days, so rotation was due on ${dateAgo(0)}.`]],
  },
  {
    name: 'a key id that looks like a secret is shown by its ref',
    keys: [{ id: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6', ref: 'key-0123456789ab', label: 'Legacy', type: 'secret', rotatedOn: dateAgo(500) }],
    expect: [['open', 'key-0123456789ab', 'high', `Legacy (project secret key) was last rotated on ${dateAgo(500)}, 500 days ago; project secret keys must be rotated every 180 days, so rotation was due on ${dateAgo(320)}.`]],
  },
  {
    name: 'a key without dates is unknown, never open',
    keys: [
      { id: 'nodate', label: 'Mystery', type: 'org' },
      { id: 'fresh', label: 'Fresh', type: 'org', rotatedOn: dateAgo(1) },
    ],
    expect: [['unknown', 'org', 'high', 'Rotation is not decided for 1 API key(s): the inventory does not say when they were created or rotated.']],
  },
  {
    name: 'no key inventory: one unknown result',
    keys: [],
    snapshot: { unknown: ['keys'] },
    expect: [['unknown', 'org', 'high', 'API key rotation could not be checked: no API key inventory was read (set sources.apiKeys to the inventory file).']],
  },
];

describe('key-rotation-overdue', () => {
  it.each(rows)('$name', (row) => {
    const findings = runRule(rule, snapshotOf({ keys: row.keys, ...row.snapshot }), { options: row.options });
    expect(findings.map((f) => [f.status, f.subject.id, f.severity, f.message])).toEqual(row.expect);
    if (row.projects) expect(findings.map((f) => f.projects)).toEqual(row.projects);
  });

  it('counts local days in the configured time zone', () => {
    // 23:30 UTC on 10 Nov is already 11 Nov in Berlin: 90 local days after 13 Aug.
    const at = '2026-11-10T23:30:00.000Z';
    const keys = [{ id: 'org-1', label: 'Org', type: 'org' as const, rotatedOn: '2026-08-13' }];
    expect(runRule(rule, snapshotOf({ at, timezone: 'Europe/Berlin', keys })).map((f) => f.severity)).toEqual(['high']);
    expect(runRule(rule, snapshotOf({ at, timezone: 'UTC', keys })).map((f) => f.severity)).toEqual(['info']);
  });

  it('subject label names key, type and project; evidence names the fingerprint, never the id', () => {
    const id = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
    const [r] = checkRule(rule, snapshotOf({ keys: [{ id, ref: 'key-0123456789ab', fingerprint: '0123456789ab', label: 'Legacy', type: 'secret', projectId: '7', rotatedOn: dateAgo(200), storedIn: 'vault' }] }));
    expect(r!.subject).toEqual({ kind: 'key', id: 'key-0123456789ab', label: 'Legacy (project secret key, Project 7)' });
    expect(JSON.stringify(r)).not.toContain(id);
    expect(r!.evidence).toContainEqual({ label: 'Rotation due', value: dateAgo(20) });
    expect(r!.evidence).toContainEqual({ label: 'Stored in', value: 'vault', source: 'api-keys', at: AT });
  });

  it('unknown result lists the undecided keys', () => {
    const [r] = checkRule(rule, snapshotOf({ keys: [{ id: 'nodate', type: 'org' }] }));
    expect(r!.evidence).toEqual([{ label: 'Not decided', value: 'nodate: the inventory gives neither created_on nor rotated_on' }]);
  });

  it.each([
    { name: 'valid exception → excepted', expires: dateAgo(-10), status: 'excepted', suffix: '' },
    { name: 'expired exception → open and says so', expires: dateAgo(1), status: 'open', suffix: ` The exception for this finding (approved by ciso@example.com, SEC-1) expired on ${dateAgo(1)}.` },
  ])('$name', ({ expires, status, suffix }) => {
    const snapshot = snapshotOf({ keys: [{ id: 'org-1', label: 'Org', type: 'org', rotatedOn: dateAgo(100) }] });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'key-rotation-overdue', subject: 'org-1', ticket: 'SEC-1', expires }] });
    expect(f!.status).toBe(status);
    expect(f!.message).toBe(
      `Org (organization API key) was last rotated on ${dateAgo(100)}, 100 days ago; organization API keys must be rotated every 90 days, so rotation was due on ${dateAgo(10)}.${suffix}`,
    );
    expect(f!.exception?.expired).toBe(status === 'open');
  });
});
