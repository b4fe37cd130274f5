import { describe, expect, it } from 'vitest';
import rule from './contractor-expired.js';
import { AT, checkRule, dateAgo, runRule, snapshotOf, type SnapshotInput } from './testing.js';

interface Row {
  readonly name: string;
  readonly input: SnapshotInput;
  readonly options?: unknown;
  readonly at?: string;
  /** `finding.projects` per finding (project digests), checked when given. */
  readonly projects?: readonly (readonly string[] | undefined)[];
  readonly expect: readonly [string, string, string, string][];
}

const EXT = 'ext@agency.example';
const contractor = (endDate?: string, extra: object = {}) => ({ email: EXT, kind: 'contractor' as const, company: 'Agency', ...(endDate ? { endDate } : {}), ...extra });
const msg = (days: number, held: string, who = EXT) => `The engagement of ${who} ended on ${dateAgo(days)} (${days} days ago), but they still have: ${held}.`;

const rows: Row[] = [
  {
    name: 'ended yesterday, account still active',
    input: { members: [EXT], register: [contractor(dateAgo(1))] },
    expect: [['open', EXT, 'high', msg(1, 'account active')]],
    projects: [undefined],
  },
  {
    name: 'ends today: not passed yet',
    input: { members: [EXT], register: [contractor(dateAgo(0))] },
    expect: [],
  },
  {
    name: 'ended and fully offboarded (deactivated, no roles, no keys)',
    input: { members: [{ email: EXT, status: 'deactivated' }], register: [contractor(dateAgo(30))] },
    expect: [],
  },
  {
    name: 'ended, removed from the org, but still owns a key',
    input: { members: [], register: [contractor(dateAgo(30))], keys: [{ id: 'k', owner: EXT, type: 'secret' }] },
    expect: [['open', EXT, 'high', msg(30, '1 API key')]],
  },
  {
    name: 'ended, pending invitation, project roles (one through a group) and an add-on; name shown from SCIM',
    input: {
      members: [{ email: EXT, status: 'invited', name: 'Eve Extern' }],
      register: [contractor(dateAgo(10))],
      grants: [
        { email: EXT, projectId: '101', level: 'admin', group: 'Agency Admins' },
        { email: EXT, projectId: '102', level: 'viewer' },
      ],
      addons: [{ email: EXT, addon: 'govern' }],
    },
    expect: [['open', EXT, 'high', msg(10, 'invitation pending, 2 project roles, 1 add-on permission', `Eve Extern <${EXT}>`)]],
    projects: [['101', '102']],
  },
  {
    name: 'employees are not checked; vendors only when configured',
    input: { members: ['emp@acme.example', 'v@vendor.example'], register: [{ email: 'emp@acme.example', kind: 'employee', endDate: dateAgo(5) }, { email: 'v@vendor.example', kind: 'vendor', endDate: dateAgo(5) }] },
    expect: [],
  },
  {
    name: 'vendors with kinds [contractor, vendor]',
    input: { members: ['v@vendor.example'], register: [{ email: 'v@vendor.example', kind: 'vendor', endDate: dateAgo(5) }] },
    options: { kinds: ['contractor', 'vendor'] },
    expect: [['open', 'v@vendor.example', 'high', `The engagement of v@vendor.example ended on ${dateAgo(5)} (5 days ago), but they still have: account active.`]],
  },
  {
    name: 'contractor without an end date is unknown',
    input: { members: [EXT], register: [contractor()] },
    expect: [['unknown', 'org', 'high', 'Offboarding is not decided for 1 contractor(s): the register gives no end date.']],
  },
  {
    name: 'deactivated but no key inventory: unknown, not "fine"',
    input: { members: [{ email: EXT, status: 'deactivated' }], register: [contractor(dateAgo(3))], unknown: ['keys'] },
    expect: [['unknown', 'org', 'high', 'Offboarding is not decided for 1 contractor(s): their engagement ended but no API key inventory was read to show their keys.']],
  },
  {
    name: 'no register',
    input: { members: [EXT], unknown: ['register'] },
    expect: [['unknown', 'org', 'high', 'Contractor end dates could not be checked: no access register was read (set sources.register to the register file).']],
  },
];

describe('contractor-expired', () => {
  it.each(rows)('$name', (row) => {
    const findings = runRule(rule, snapshotOf(row.input), { options: row.options });
    expect(findings.map((f) => [f.status, f.subject.id, f.severity, f.message])).toEqual(row.expect);
    if (row.projects) expect(findings.map((f) => f.projects)).toEqual(row.projects);
  });

  it('the end date is a local day in the configured time zone', () => {
    // 23:30 UTC on 10 Nov is 00:30 on 11 Nov in Berlin: an end date of 10 Nov has passed there, not in UTC.
    const at = '2026-11-10T23:30:00.000Z';
    const input = { at, members: [EXT], register: [contractor('2026-11-10')] };
    expect(runRule(rule, snapshotOf({ ...input, timezone: 'Europe/Berlin' })).map((f) => f.status)).toEqual(['open']);
    expect(runRule(rule, snapshotOf({ ...input, timezone: 'UTC' }))).toEqual([]);
  });

  it('evidence names the register row, the granting group and the key', () => {
    const snapshot = snapshotOf({
      members: [EXT],
      register: [contractor(dateAgo(2), { approver: 'lead@acme.example' })],
      grants: [{ email: EXT, projectId: '101', level: 'admin', group: 'Agency Admins' }],
      keys: [{ id: 'k', label: 'ETL', owner: EXT, type: 'secret' }],
    });
    const [r] = checkRule(rule, snapshot);
    expect(r!.evidence.map((e) => [e.label, e.value])).toEqual([
      ['Register entry', `contractor at Agency, end date ${dateAgo(2)}, approved by lead@acme.example (line 2)`],
      ['Evaluated at', AT],
      ['Account status', 'active'],
      ['Organization role', 'Member'],
      ['Project role', 'Project 101: Admin, through group "Agency Admins"'],
      ['Owns API key', 'ETL (project secret key)'],
    ]);
  });

  it.each([
    { name: 'valid exception → excepted', expires: dateAgo(-7), status: 'excepted', suffix: '' },
    { name: 'expired exception → open and says so', expires: dateAgo(1), status: 'open', suffix: ` The exception for this finding (approved by ciso@example.com) expired on ${dateAgo(1)}.` },
  ])('$name', ({ expires, status, suffix }) => {
    const snapshot = snapshotOf({ members: [EXT], register: [contractor(dateAgo(4))] });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'contractor-expired', subject: 'EXT@agency.example', expires }] });
    expect([f!.status, f!.message]).toEqual([status, msg(4, 'account active') + suffix]);
  });
});
