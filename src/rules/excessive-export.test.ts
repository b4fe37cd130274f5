import { describe, expect, it } from 'vitest';
import type { ExportSummary, MemberActivity } from '../domain/snapshot.js';
import rule from './excessive-export.js';
import { AT, checkRule, dateAgo, daysAgo, EMPTY_EXPORTS, runRule, snapshotOf, type SnapshotInput } from './testing.js';

const A = 'ana@acme.example';
const exportsOf = (x: Partial<ExportSummary>): Partial<MemberActivity> => ({ exports: { ...EMPTY_EXPORTS, ...x } });
const act = (x: Partial<ExportSummary>, extra: Partial<MemberActivity> = {}) => ({ [A]: { ...exportsOf(x), ...extra } });
const reg = (exportsAllowed?: boolean) => [{ email: A, kind: 'employee' as const, ...(exportsAllowed !== undefined ? { exportsAllowed } : {}) }];
const msg = (count: string, rows: string, users: string, reasons: string) => `${A} made ${count === '1' ? '1 export' : `${count} exports`} in 2026-Q4 (${rows} rows, ${users} cohort users): ${reasons}.`;
const baseline = (meanCount: number, meanRows: number) => ({ baseline: { quarters: ['2026-Q2', '2026-Q3'], meanCount, meanRows } });

interface Row {
  readonly name: string;
  readonly input: SnapshotInput;
  readonly options?: unknown;
  readonly expect: readonly [string, string, string, string][];
}

const rows: Row[] = [
  {
    name: '21 exports fire, 20 do not',
    input: { members: [A, 'b@acme.example'], register: [...reg(true), { email: 'b@acme.example', exportsAllowed: true }], activity: { ...act({ count: 21 }), 'b@acme.example': exportsOf({ count: 20 }) } },
    expect: [['open', A, 'high', msg('21', '0', '0', '21 exports, above the limit of 20')]],
  },
  {
    name: 'rows: 1,000,001 fires, exactly 1,000,000 does not',
    input: { members: [A, 'b@acme.example'], register: [...reg(true), { email: 'b@acme.example', exportsAllowed: true }], activity: { ...act({ count: 2, rows: 1_000_001 }), 'b@acme.example': exportsOf({ count: 2, rows: 1_000_000 }) } },
    expect: [['open', A, 'high', msg('2', '1,000,001', '0', '1,000,001 rows exported, above the limit of 1,000,000')]],
  },
  {
    name: 'baseline: more than 3 × mean fires (13 > 12); a zero mean is no baseline test',
    input: {
      members: [A, 'b@acme.example', 'c@acme.example'],
      register: [...reg(true), { email: 'b@acme.example', exportsAllowed: true }, { email: 'c@acme.example', exportsAllowed: true }],
      activity: {
        ...act({ count: 13, rows: 100 }, baseline(4, 1000)),
        'b@acme.example': { ...exportsOf({ count: 12, rows: 3000 }), ...baseline(4, 1000) },
        'c@acme.example': { ...exportsOf({ count: 5, rows: 10 }), ...baseline(0, 0) },
      },
    },
    expect: [['open', A, 'high', msg('13', '100', '0', '13 exports, more than 3 × their baseline of 4 per quarter')]],
  },
  {
    name: 'a single cohort export above 1,000,000 users',
    input: {
      projects: [{ id: '101', name: 'Web Production' }],
      members: [A],
      register: reg(true),
      activity: act({ count: 1, users: 1_200_000, large: [{ time: daysAgo(3), users: 1_200_000, projectId: '101', fp: 'f1' }] }),
    },
    options: { maxUsers: 5_000_000 },
    expect: [['open', A, 'high', msg('1', '0', '1,200,000', `a single cohort export of 1,200,000 users on ${dateAgo(3)} from Web Production (101), above 1,000,000`)]],
  },
  {
    name: 'one export by someone not allowed to export, combined with the count limit',
    input: { members: [A], register: reg(false), activity: act({ count: 25 }) },
    expect: [['open', A, 'high', msg('25', '0', '0', '25 exports, above the limit of 20; the access register does not allow them to export')]],
  },
  {
    name: 'within limits and allowed: nothing',
    input: { members: [A], register: reg(true), activity: act({ count: 3, rows: 5000 }) },
    expect: [],
  },
  {
    name: 'blank exports_allowed: unknown, not open',
    input: { members: [A], register: reg(undefined), activity: act({ count: 1 }) },
    expect: [['unknown', 'org', 'high', 'Export activity is not fully checked: the register does not say whether one exporter is allowed to export.']],
  },
  {
    name: 'audit log not collected',
    input: { members: [A], register: reg(false), unknown: ['events'] },
    expect: [['unknown', 'org', 'high', 'Exports could not be checked: the audit log is not collected, so no export is visible.']],
  },
  {
    name: 'coverage gap in the period: findings stand, the gap is unknown',
    input: { members: [A], register: reg(false), activity: act({ count: 1 }), coverageSince: '2026-10-15T00:00:00.000Z' },
    expect: [
      ['open', A, 'high', msg('1', '0', '0', 'the access register does not allow them to export')],
      ['unknown', 'org', 'high', 'Export activity is not fully checked: the evidence store has no audit log for 2026-10-01 to 2026-10-15 of the period 2026-Q4; exports made then are not counted.'],
    ],
  },
];

describe('excessive-export', () => {
  it.each(rows)('$name', (row) => {
    const findings = runRule(rule, snapshotOf(row.input), { options: row.options });
    expect(findings.map((f) => [f.status, f.subject.id, f.severity, f.message])).toEqual(row.expect);
  });

  it('evidence: reasons, totals, unsized exports, baseline, register line', () => {
    const snapshot = snapshotOf({
      members: [A],
      register: reg(false),
      activity: act({ count: 4, rows: 200, unsized: 2, byKind: { export: 3, cohort_export: 1 }, first: daysAgo(20), last: daysAgo(2) }),
    });
    const [r] = checkRule(rule, snapshot);
    expect(r!.evidence.map((e) => [e.label, e.value])).toEqual([
      ['Reason', 'the access register does not allow them to export'],
      ['Period', '2026-Q4 (2026-10-01 to 2026-11-11)'],
      ['Exports', '4'],
      ['Exports by kind', 'cohort_export: 1, export: 3'],
      ['Rows exported', '200'],
      ['Users in exported cohorts', '0'],
      ['Exports without a logged size', '2 (counted as exports, not as rows or users)'],
      ['First export', dateAgo(20)],
      ['Last export', dateAgo(2)],
      ['Baseline', 'none: no earlier quarter in the evidence store, baseline test skipped'],
      ['Exports allowed', 'no (register line 2)'],
    ]);
    expect(r!.evidence.at(-1)).toEqual({ label: 'Exports allowed', value: 'no (register line 2)', source: 'register', at: AT });
  });

  it('configured limits', () => {
    const snapshot = snapshotOf({ members: [A], register: reg(true), activity: act({ count: 6, rows: 10 }) });
    expect(runRule(rule, snapshot, { options: { maxExports: 5 } }).map((f) => f.message)).toEqual([msg('6', '10', '0', '6 exports, above the limit of 5')]);
  });

  it.each([
    { name: 'valid exception → excepted', expires: dateAgo(-7), status: 'excepted', suffix: '' },
    { name: 'expired exception → open and says so', expires: dateAgo(1), status: 'open', suffix: ` The exception for this finding (approved by ciso@example.com) expired on ${dateAgo(1)}.` },
  ])('$name', ({ expires, status, suffix }) => {
    const snapshot = snapshotOf({ members: [A], register: reg(true), activity: act({ count: 30 }) });
    const [f] = runRule(rule, snapshot, { exceptions: [{ rule: 'excessive-export', subject: A, expires }] });
    expect([f!.status, f!.message]).toEqual([status, msg('30', '0', '0', '30 exports, above the limit of 20') + suffix]);
  });
});
