import { describe, expect, it } from 'vitest';
import type { SourceStatus } from '../domain/snapshot.js';
import rule from './key-orphaned.js';
import { AT, checkRule, dateAgo, runRule, snapshotOf, type SnapshotInput } from './testing.js';

interface Row {
  readonly name: string;
  readonly input: SnapshotInput;
  readonly options?: unknown;
  /** `finding.projects` per finding (project digests), checked when given. */
  readonly projects?: readonly (readonly string[] | undefined)[];
  readonly expect: readonly [string, string, string, string][];
}

const key = (owner: string | undefined, id = 'k1') => ({ id, label: 'Braze sync', type: 'secret' as const, ...(owner ? { owner } : {}) });
const msg = (owner: string, reasons: string, label = 'Braze sync (project secret key)') => `${label} is owned by ${owner}, who ${reasons}.`;
const employee = (email: string) => ({ email, kind: 'employee' as const });

/** Sources without SCIM and the members export: the member list is unknown. */
const noMemberList: SourceStatus[] = (['user-management', 'audit-logs', 'register', 'api-keys', 'exceptions'] as const).map((source) => ({ source, configured: true, ok: true, pulledAt: AT }));

const rows: Row[] = [
  {
    name: 'owner deactivated (a project key names its project)',
    input: { members: [{ email: 'bob@acme.example', status: 'deactivated' }], register: [employee('bob@acme.example')], keys: [{ ...key('bob@acme.example'), projectId: '101' }] },
    expect: [['open', 'k1', 'high', msg('bob@acme.example', 'is deactivated in Amplitude', 'Braze sync (project secret key, Project 101)')]],
    projects: [['101']],
  },
  {
    name: 'owner removed from the org and never registered (both reasons, owner matched case-insensitively)',
    input: { members: ['alice@acme.example'], register: [employee('alice@acme.example')], keys: [key('Gone@Acme.example')] },
    expect: [['open', 'k1', 'high', msg('Gone@Acme.example', 'is no longer a member of the organization and has no entry in the access register')]],
  },
  {
    name: 'owner active but unregistered',
    input: { members: ['carol@acme.example'], register: [], keys: [key('carol@acme.example')] },
    expect: [['open', 'k1', 'high', msg('carol@acme.example', 'has no entry in the access register')]],
    projects: [undefined],
  },
  {
    name: 'contractor whose end date passed yesterday; ending today does not fire',
    input: {
      members: ['ext@agency.example', 'ext2@agency.example'],
      register: [
        { email: 'ext@agency.example', kind: 'contractor', endDate: dateAgo(1) },
        { email: 'ext2@agency.example', kind: 'contractor', endDate: dateAgo(0) },
      ],
      keys: [key('ext@agency.example', 'k1'), key('ext2@agency.example', 'k2')],
    },
    expect: [['open', 'k1', 'high', msg('ext@agency.example', `is a contractor whose engagement ended on ${dateAgo(1)}`)]],
  },
  {
    name: 'vendor past end date only counts when configured',
    input: { members: ['v@vendor.example'], register: [{ email: 'v@vendor.example', kind: 'vendor', endDate: dateAgo(5) }], keys: [key('v@vendor.example')] },
    expect: [],
  },
  {
    name: 'vendor past end date with kinds [contractor, vendor]',
    input: { members: ['v@vendor.example'], register: [{ email: 'v@vendor.example', kind: 'vendor', endDate: dateAgo(5) }], keys: [key('v@vendor.example')] },
    options: { kinds: ['contractor', 'vendor'] },
    expect: [['open', 'k1', 'high', msg('v@vendor.example', `is a vendor whose engagement ended on ${dateAgo(5)}`)]],
  },
  {
    name: 'active registered owner: nothing',
    input: { members: ['alice@acme.example'], register: [employee('alice@acme.example')], keys: [key('alice@acme.example')] },
    expect: [],
  },
  {
    name: 'key without owner is unknown',
    input: { members: [], register: [], keys: [key(undefined)] },
    expect: [['unknown', 'org', 'high', 'Key ownership is not decided for 1 API key(s): the inventory names no owner.']],
  },
  {
    name: 'no register: active owner unknown, deactivated owner still open',
    input: {
      members: ['alice@acme.example', { email: 'bob@acme.example', status: 'deactivated' }],
      keys: [key('alice@acme.example', 'k1'), key('bob@acme.example', 'k2')],
      unknown: ['register'],
    },
    expect: [
      ['open', 'k2', 'high', msg('bob@acme.example', 'is deactivated in Amplitude')],
      ['unknown', 'org', 'high', 'Key ownership is not decided for 1 API key(s): no access register was read.'],
    ],
  },
  {
    name: 'member list unknown: an owner not seen anywhere is not called removed',
    input: { members: [], register: [employee('x@acme.example')], keys: [key('x@acme.example')], sources: noMemberList },
    expect: [['unknown', 'org', 'high', 'Key ownership is not decided for 1 API key(s): membership unknown (neither SCIM nor the members export was read).']],
  },
  {
    name: 'no key inventory',
    input: { unknown: ['keys'] },
    expect: [['unknown', 'org', 'high', 'Key ownership could not be checked: no API key inventory was read (set sources.apiKeys to the inventory file).']],
  },
];

describe('key-orphaned', () => {
  it.each(rows)('$name', (row) => {
    const findings = runRule(rule, snapshotOf(row.input), { options: row.options });
    expect(findings.map((f) => [f.status, f.subject.id, f.severity, f.message])).toEqual(row.expect);
    if (row.projects) expect(findings.map((f) => f.projects)).toEqual(row.projects);
  });

  it('evidence says which condition applies and where it came from', () => {
    const [r] = checkRule(rule, snapshotOf({ members: [{ email: 'bob@acme.example', status: 'deactivated' }], register: [], keys: [key('bob@acme.example')] }));
    expect(r!.evidence.slice(-2)).toEqual([
      { label: 'Owner account status', value: 'deactivated', source: 'members-export', at: AT },
      { label: 'Owner register entry', value: 'none', source: 'register' },
    ]);
  });

  it.each([
    { name: 'valid exception → excepted', expires: dateAgo(-30), status: 'excepted', suffix: '' },
    { name: 'expired exception → open and says so', expires: dateAgo(2), status: 'open', suffix: ` The exception for this finding (approved by ciso@example.com) expired on ${dateAgo(2)}.` },
  ])('$name', ({ expires, status, suffix }) => {
    const snapshot = snapshotOf({ members: ['carol@acme.example'], register: [], keys: [key('carol@acme.example')] });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'key-orphaned', subject: 'k1', expires }] });
    expect([f!.status, f!.message]).toEqual([status, msg('carol@acme.example', 'has no entry in the access register') + suffix]);
  });
});
