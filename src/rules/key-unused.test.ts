import { describe, expect, it } from 'vitest';
import rule from './key-unused.js';
import { checkRule, dateAgo, runRule, snapshotOf, type KeyInput, type SnapshotInput } from './testing.js';

interface Row {
  readonly name: string;
  readonly keys: readonly KeyInput[];
  readonly options?: unknown;
  readonly snapshot?: Partial<SnapshotInput>;
  /** `finding.projects` per finding (project digests), checked when given. */
  readonly projects?: readonly (readonly string[] | undefined)[];
  readonly expect: readonly [string, string, string, string][];
}

const msg = (label: string, days: number, limit = 90) =>
  `${label} was last used on ${dateAgo(days)}, ${days} days ago; keys unused for ${limit} days or more should be removed.`;

const rows: Row[] = [
  {
    name: 'last used exactly 90 days ago fires, 89 does not',
    keys: [
      { id: 'k90', label: 'Old', type: 'project', projectId: '5', lastUsedOn: dateAgo(90) },
      { id: 'k89', label: 'Recent', type: 'project', lastUsedOn: dateAgo(89) },
    ],
    expect: [['open', 'k90', 'low', msg('Old (project API key, Project 5)', 90)]],
    projects: [['5']],
  },
  {
    name: 'long unused secret key; used yesterday does not fire',
    keys: [
      { id: 'sec', label: 'Warehouse', type: 'secret', lastUsedOn: dateAgo(400) },
      { id: 'live', label: 'Live', type: 'secret', lastUsedOn: dateAgo(1) },
    ],
    expect: [['open', 'sec', 'low', msg('Warehouse (project secret key)', 400)]],
  },
  {
    name: 'configured limit 30 days',
    keys: [{ id: 'k', label: 'K', type: 'org', lastUsedOn: dateAgo(30) }],
    options: { days: 30 },
    expect: [['open', 'k', 'low', msg('K (organization API key)', 30, 30)]],
    projects: [undefined],
  },
  {
    name: 'blank last_used_on is unknown, even for an old key',
    keys: [{ id: 'k', label: 'K', type: 'org', createdOn: dateAgo(800) }],
    expect: [['unknown', 'org', 'low', 'Key use is not decided for 1 API key(s): the inventory does not record when they were last used.']],
  },
  {
    name: 'no inventory',
    keys: [],
    snapshot: { unknown: ['keys'] },
    expect: [['unknown', 'org', 'low', 'API key use could not be checked: no API key inventory was read (set sources.apiKeys to the inventory file).']],
  },
  { name: 'empty inventory: nothing', keys: [], expect: [] },
];

describe('key-unused', () => {
  it.each(rows)('$name', (row) => {
    const findings = runRule(rule, snapshotOf({ keys: row.keys, ...row.snapshot }), { options: row.options });
    expect(findings.map((f) => [f.status, f.subject.id, f.severity, f.message])).toEqual(row.expect);
    if (row.projects) expect(findings.map((f) => f.projects)).toEqual(row.projects);
  });

  it('evidence gives the dates and the limit', () => {
    const [r] = checkRule(rule, snapshotOf({ keys: [{ id: 'k', type: 'org', owner: 'ops@acme.example', lastUsedOn: dateAgo(120) }] }));
    expect(r!.evidence.filter((e) => ['Owner', 'Last used on', 'Days since last use', 'Limit'].includes(e.label)).map((e) => [e.label, e.value])).toEqual([
      ['Owner', 'ops@acme.example'],
      ['Last used on', dateAgo(120)],
      ['Days since last use', '120'],
      ['Limit', '90 days'],
    ]);
  });

  it.each([
    { name: 'valid exception → excepted', expires: dateAgo(-1), status: 'excepted', suffix: '' },
    { name: 'expired exception → open and says so', expires: dateAgo(3), status: 'open', suffix: ` The exception for this finding (approved by ciso@example.com) expired on ${dateAgo(3)}.` },
  ])('$name', ({ expires, status, suffix }) => {
    const snapshot = snapshotOf({ keys: [{ id: 'k', label: 'K', type: 'org', lastUsedOn: dateAgo(100) }] });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'key-unused', subject: 'k', expires }] });
    expect([f!.status, f!.message]).toEqual([status, msg('K (organization API key)', 100) + suffix]);
  });
});
