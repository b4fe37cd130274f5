import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../fsutil.js';
import type { AuditEvent } from '../../domain/events.js';
import type { ReviewData } from '../types.js';
import { SECRET_KEY_ID, sampleEvents, sampleReviewData, sampleSnapshot } from '../../../test/fixtures/pack-review-data.js';
import { CSV_FILES, neutralize, writeActivityLogCsv, writeAllCsvs, writeCsv, type CsvName } from './index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ampaudit-csv-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function readCsv(path: string): string[][] {
  return parse(readFileSync(path), { bom: true }) as string[][];
}

function readAll(): Record<CsvName, string[][]> {
  const out = {} as Record<CsvName, string[][]>;
  for (const [name, file] of Object.entries(CSV_FILES) as [CsvName, string][]) out[name] = readCsv(join(dir, file));
  return out;
}

/** Rows as objects keyed by header, for readable assertions. */
function records(rows: string[][]): Record<string, string>[] {
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

describe('writeCsv', () => {
  it('round-trips RFC 4180 edge cases through csv-parse', async () => {
    const rows = [
      ['a,b', 'he said "hi"', 'line1\nline2', 'crlf\r\ninside', 'lone\rcr'],
      ['Zoë Müller', '東京', '😀 emoji', ' leading and trailing ', ''],
      ['"', ',', '""', 'tab\tinside', 'x'],
    ];
    const res = await writeCsv(join(dir, 't.csv'), ['c1', 'c2', 'c3', 'c4', 'c5'], rows);
    const bytes = readFileSync(join(dir, 't.csv'));
    expect(readCsv(join(dir, 't.csv'))).toEqual([['c1', 'c2', 'c3', 'c4', 'c5'], ...rows]);
    expect(res).toEqual({ path: join(dir, 't.csv'), sha256: sha256Hex(bytes), bytes: bytes.length, rows: 3 });
    // UTF-8 with BOM, CRLF record ends, a final CRLF.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3, 19).toString('utf8')).toBe('c1,c2,c3,c4,c5\r\n');
    expect(bytes.subarray(-2).toString('utf8')).toBe('\r\n');
    // No temporary file left beside it.
    expect(readdirSync(dir)).toEqual(['t.csv']);
  });

  it('writes the same bytes as csv-stringify with the pack format', async () => {
    const pieces = ['', 'a', ',', '"', '""', '\r', '\n', '\r\n', ' ', 'Zoë', '=1+1', '-3', '\t', "'", ';', 'x y', '😀'];
    let seed = 3;
    const pick = (): string => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return pieces[(seed >>> 8) % pieces.length] as string;
    };
    const header = ['h1', 'h,2', 'h"3', '=h4'];
    const rows = Array.from({ length: 400 }, () => header.map(() => pick() + pick() + pick()));
    // Cells bigger than the writer's buffer, with multi-byte characters, in the middle.
    rows.splice(200, 0, ['ü'.repeat(700_000), 'x', 'a,"b"'.repeat(300_000), '😀'.repeat(400_000)]);
    await writeCsv(join(dir, 'same.csv'), header, rows);
    const expected = stringify([header.map(neutralize), ...rows.map((r) => r.map(neutralize))], {
      bom: true,
      record_delimiter: '\r\n',
      quoted_match: /[\r\n]/,
    });
    expect(readFileSync(join(dir, 'same.csv')).toString('utf8')).toBe(expected);
  });

  it('writes numbers, booleans and missing values as cells', async () => {
    await writeCsv(join(dir, 'n.csv'), ['a', 'b', 'c', 'd', 'e'], [[0, 12.5, true, false, undefined], [null, Number.NaN, -3, '', 'x']]);
    expect(readCsv(join(dir, 'n.csv')).slice(1)).toEqual([
      ['0', '12.5', 'yes', 'no', ''],
      ['', 'unknown', "'-3", '', 'x'],
    ]);
  });

  it('refuses a row whose width differs from the header (a bug) and leaves no file', async () => {
    await expect(writeCsv(join(dir, 'bad.csv'), ['a', 'b'], [['1']])).rejects.toThrow(/row 1 has 1 cells, header has 2/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('neutralize', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+49 30 1234', "'+49 30 1234"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['a=1', 'a=1'],
    [' =1', ' =1'],
    ["'quoted", "'quoted"],
    ['', ''],
  ])('%j → %j', (input, want) => {
    expect(neutralize(input)).toBe(want);
  });
});

describe('pack CSVs from ReviewData', () => {
  it('writes every CSV with the expected rows', async () => {
    const results = await writeAllCsvs(sampleReviewData(), dir);
    expect(Object.keys(results)).toEqual(Object.keys(CSV_FILES));
    for (const [name, r] of Object.entries(results)) {
      const bytes = readFileSync(join(dir, CSV_FILES[name as CsvName]));
      expect(r.sha256, name).toBe(sha256Hex(bytes));
      expect(r.bytes, name).toBe(bytes.length);
    }
    expect(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.rows]))).toEqual({
      findings: 2,
      members: 2,
      projectAccess: 3,
      apiKeys: 2,
      exports: 1,
      activityLog: 4,
      exceptions: 2,
      changes: 3,
    });
    const all = readAll();

    expect(records(all.findings)[0]).toEqual({
      id: 'f-dormant-bob',
      rule: 'dormant-account',
      rule_title: 'Dormant account',
      severity: 'medium',
      status: 'excepted',
      subject_kind: 'member',
      subject_id: 'bob@acme.example',
      subject_label: 'bob@acme.example',
      message: 'No login for 95 days',
      evidence: 'Last login: none since 2026-05-01 (audit-logs, 2026-09-30T22:00:00.000Z)\nStatus: active',
      evidence_json:
        '[{"label":"Last login","value":"none since 2026-05-01","source":"audit-logs","at":"2026-09-30T22:00:00.000Z"},{"label":"Status","value":"active"}]',
      remediation: '1. Confirm the member still needs access\n2. Remove the member, or record an exception',
      first_seen: '2026-Q2',
      exception_reason: 'On parental leave',
      exception_approved_by: 'ciso@acme.example',
      exception_approved_on: '2026-07-01',
      exception_ticket: 'SEC-12',
      exception_expires: '2026-10-31',
      exception_expired: 'no',
    });
    expect(records(all.findings)[1]!.exception_reason).toBe('');

    expect(records(all.members)).toEqual([
      {
        email: 'ana@acme.example',
        name: 'Ana Zoë Müller',
        status: 'active',
        org_role: 'admin',
        scim_active: 'yes',
        invited_on: 'unknown',
        joined_on: '2024-01-10T00:00:00.000Z',
        sources: 'scim; members-export',
        groups: 'Analysts, EU',
        addons: 'govern (project 101)',
        last_login: '2026-09-20T09:15:00.000Z',
        logins_known_since: '2026-05-01T00:00:00.000Z',
        logins_in_period: '14',
        failed_logins_in_period: '2',
        in_register: 'yes',
        register_kind: 'contractor',
        register_company: 'Zoë & Partners',
        register_end_date: '2026-12-31',
        project_count: '2',
      },
      {
        // Facts no source gave are `unknown`; known absences are empty.
        email: 'bob@acme.example',
        name: 'unknown',
        status: 'unknown',
        org_role: 'unknown',
        scim_active: 'unknown',
        invited_on: 'unknown',
        joined_on: 'unknown',
        sources: 'scim',
        groups: 'unknown',
        addons: '',
        last_login: '',
        logins_known_since: '2026-05-01T00:00:00.000Z',
        logins_in_period: '0',
        failed_logins_in_period: '0',
        in_register: 'no',
        register_kind: '',
        register_company: '',
        register_end_date: '',
        project_count: '1',
      },
    ]);

    expect(all.projectAccess.slice(1)).toEqual([
      ['ana@acme.example', 'Ana Zoë Müller', '101', 'Web Production', 'production', 'viewer', 'Viewer', 'direct', '', 'user-management', '2026-09-30T02:00:00.000Z'],
      ['ana@acme.example', 'Ana Zoë Müller', '102', 'Sandbox', 'non-production', 'member', 'Member', 'group', 'Analysts, EU', 'user-management', '2026-09-30T02:00:00.000Z'],
      ['bob@acme.example', 'unknown', '101', 'Web Production', 'production', 'admin', 'Admin', 'direct', '', 'user-management', '2026-09-30T02:00:00.000Z'],
    ]);

    // Ages to 2026-10-01, the evaluation date in Europe/Berlin (22:00Z is midnight there).
    expect(records(all.apiKeys)).toEqual([
      {
        ref: 'key-1a2b3c4d5e6f',
        fingerprint: '1a2b3c4d5e6f',
        label: 'Warehouse "sync"',
        type: 'secret',
        project_id: '101',
        project_name: 'Web Production',
        owner: 'ana@acme.example',
        created_on: '2025-09-30',
        rotated_on: '',
        last_used_on: '2026-09-29',
        age_days: '366',
        days_since_rotation: '366',
        days_since_last_use: '2',
        stored_in: 'Vault',
      },
      {
        ref: 'proj-101',
        fingerprint: 'aabbccddeeff',
        label: 'Web SDK',
        type: 'project',
        project_id: '',
        project_name: '',
        owner: 'unknown',
        created_on: '2026-01-01',
        rotated_on: '2026-06-01',
        last_used_on: 'unknown',
        age_days: '273',
        days_since_rotation: '122',
        days_since_last_use: 'unknown',
        stored_in: 'unknown',
      },
    ]);

    expect(records(all.exports)).toEqual([
      {
        email: 'ana@acme.example',
        name: 'Ana Zoë Müller',
        exports: '3',
        rows: '5000',
        users: '12000',
        unsized: '1',
        export: '1',
        cohort_export: '2',
        user_export: '0',
        other_kinds: '',
        first: '2026-07-03T10:00:00.000Z',
        last: '2026-09-01T10:00:00.000Z',
        large_cohort_exports: '1',
        largest_cohort_users: '12000',
        large_cohort_detail: '2026-08-01T10:00:00.000Z 12000 users project 101 fp fpabc',
        baseline_quarters: '2026-Q1; 2026-Q2',
        baseline_mean_count: '1',
        baseline_mean_rows: '200',
      },
    ]);

    expect(all.exceptions.slice(1)).toEqual([
      ['dormant-account', 'bob@acme.example', 'On parental leave, back in October', 'ciso@acme.example', '2026-07-01', 'SEC-12', '2026-10-31', 'no', '1', '3'],
      ['key-rotation-overdue', 'key-1a2b3c4d5e6f', 'Migration', 'ciso@acme.example', '2026-01-01', '', '2026-03-31', 'yes', '0', '9'],
    ]);

    expect(all.changes.slice(1).map((r) => [r[0], r[1], r[8]])).toEqual([
      ['persisting', 'f-dormant-bob', '2026-Q2'],
      ['new', 'f-key-1', '2026-Q3'],
      ['resolved', 'f-old', '2026-Q1'],
    ]);

    expect(records(all.activityLog)[2]).toEqual({
      time: '2026-07-01T08:02:00.000Z',
      kind: 'role_change',
      domain: 'Analytics',
      feature: 'Users',
      action: 'Login',
      actor: 'ana@acme.example',
      target: 'bob@acme.example',
      target_email: 'bob@acme.example',
      project_id: '101',
      ip: '203.0.113.7',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
      error: '',
      rows: '',
      users: '',
      role_scope: 'project',
      role_from: 'member',
      role_to: 'admin',
      fp: 'fp00000002',
      properties: '{"note":"event 2","nested":{"a":[1,2]}}',
    });
  });

  it('does not count an exception approved after the evaluation time as in force (as the engine does not apply it)', async () => {
    const base = sampleReviewData();
    const s = base.snapshot;
    const data = sampleReviewData({
      snapshot: {
        ...s,
        exceptions: [
          ...(s.exceptions ?? []),
          // The open f-key-1 finding's key, named by its inventory ref; approved after 2026-10-01 00:00 Berlin.
          { rule: 'key-rotation-overdue', subject: 'key-1a2b3c4d5e6f', reason: 'DR token', approvedBy: 'ciso@acme.example', approvedOn: '2026-10-26', ticket: 'SEC-231', expires: '2027-04-24', line: 15 },
          // Approved on the local evaluation date itself: applies, like the engine.
          { rule: 'dormant-account', subject: 'BOB@acme.example', reason: 'r', approvedBy: 'ciso@acme.example', approvedOn: '2026-10-01', expires: '2026-12-31', line: 22 },
        ],
      },
    });
    await writeAllCsvs(data, dir);
    expect(readAll().exceptions.slice(1).map((r) => [r[0], r[4], r[7], r[8], r[9]])).toEqual([
      ['dormant-account', '2026-07-01', 'no', '1', '3'],
      ['key-rotation-overdue', '2026-01-01', 'yes', '0', '9'],
      ['key-rotation-overdue', '2026-10-26', 'not yet approved at 2026-09-30T22:00:00.000Z', '0', '15'],
      // In force, but the finding is excepted by the entry on line 3, not by this one.
      ['dormant-account', '2026-10-01', 'no', '0', '22'],
    ]);
  });

  it('never writes a key id that looks like a secret, only its ref and fingerprint', async () => {
    await writeAllCsvs(sampleReviewData(), dir);
    for (const file of Object.values(CSV_FILES)) {
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toContain(SECRET_KEY_ID);
    }
  });

  it('writes `unknown` (never an empty "none") when a source was not available', async () => {
    const s = sampleSnapshot();
    const data = sampleReviewData({
      snapshot: {
        ...s,
        groups: undefined,
        grants: undefined,
        addons: undefined,
        keys: undefined,
        register: undefined,
        exceptions: undefined,
        events: undefined,
        activity: new Map(),
        coverage: { auditLog: [], periodCovered: [], periodGaps: [{ from: s.period.start, to: s.period.end }] },
      },
      events: () => [],
    });
    const results = await writeAllCsvs(data, dir);
    const all = readAll();
    for (const name of ['projectAccess', 'apiKeys', 'exports', 'activityLog', 'exceptions'] as const) {
      expect(results[name].rows, name).toBe(1);
      expect(all[name][1]!.every((c) => c === 'unknown'), name).toBe(true);
    }
    const ana = records(all.members)[0]!;
    expect([ana.addons, ana.last_login, ana.logins_known_since, ana.logins_in_period, ana.in_register, ana.register_kind, ana.project_count]).toEqual(
      Array(7).fill('unknown'),
    );
    // The member's group ids are known (SCIM), their names are not: the id stands in.
    expect(ana.groups).toBe('g1');
  });

  it('says `unknown` for logins when the audit log is collected but does not reach the evaluation time', async () => {
    const s = sampleSnapshot();
    const data = sampleReviewData({ snapshot: { ...s, activity: new Map(), coverage: { ...s.coverage, continuousSince: undefined } } });
    await writeAllCsvs(data, dir);
    const bob = records(readAll().members)[1]!;
    expect([bob.last_login, bob.logins_known_since, bob.logins_in_period]).toEqual(['unknown', 'unknown', '0']);
  });
});

/** Every string in a value replaced by `payload` (keys of plain property bags too). */
function poison<T>(v: T, payload: string): T {
  if (typeof v === 'string') return payload as T;
  if (Array.isArray(v)) return v.map((x) => poison(x, payload)) as T;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [payload, poison(x, payload)])) as T;
  if (typeof v === 'function') return v;
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, poison(x, payload)])) as T;
  }
  return v;
}

describe('formula injection', () => {
  const payloads = ['=HYPERLINK("http://x","y")', '+HYPERLINK("http://x","y")', '-2+3+cmd|\' /C calc\'!A0', '@SUM(1+1)*cmd|\' /C calc\'!A0', '\t=1+1', '\r=1+1'];

  it.each(payloads)('a cell holding %j is inert in every CSV', async (payload) => {
    const base = sampleReviewData();
    const poisoned: ReviewData = {
      ...poison({ ...base, events: undefined, snapshot: { ...base.snapshot, activity: new Map() } }, payload),
      // The activity map keys are emails: poison them too, with the same member facts.
      snapshot: {
        ...poison(base.snapshot, payload),
        activity: new Map([[payload, poison(base.snapshot.activity.get('ana@acme.example')!, payload)]]),
        members: poison(base.snapshot.members, payload),
      },
      events: function* () {
        for (const e of sampleEvents()()) yield { ...poison(e, payload), props: { [payload]: payload, list: [payload] } } as AuditEvent;
      },
    } as ReviewData;
    await writeAllCsvs(poisoned, dir);
    const all = readAll();
    for (const [name, rows] of Object.entries(all)) {
      const cells = rows.flat();
      const dangerous = cells.filter((c) => /^[=+\-@\t\r]/.test(c));
      expect(dangerous, `${name}: cells that would run as formulas`).toEqual([]);
      // The payload did reach the file (so the check above checked something), neutralized.
      expect(cells.filter((c) => c === `'${payload}`).length, `${name}: neutralized payload cells`).toBeGreaterThan(0);
    }
    // The activity log's properties JSON carries it inside (a JSON cell starts with `{`).
    expect(all.activityLog[1]!.at(-1)).toBe(JSON.stringify({ [payload]: payload, list: [payload] }));
  });
});

describe('activity log', () => {
  it('streams 200,000 events to the file without holding them', async () => {
    const N = 200_000;
    let produced = 0;
    let peakHeap = 0;
    const base = process.memoryUsage().heapUsed;
    const gen = sampleEvents(N);
    const data = sampleReviewData({
      events: function* (span) {
        expect(span).toEqual({ from: '2026-06-30T22:00:00.000Z', to: '2026-09-30T22:00:00.000Z' });
        for (const e of gen()) {
          produced += 1;
          if (produced % 10_000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
          yield e;
        }
      },
    });
    const res = await writeActivityLogCsv(data, join(dir, 'activity-log.csv'));
    expect(res.rows).toBe(N);
    expect(produced).toBe(N);
    expect(res.bytes).toBeGreaterThan(N * 100);
    // Reported for the record, not asserted tightly: holding every row would need ~res.bytes of heap and more.
    console.log(`activity log: ${res.bytes} bytes, heap growth peak ${Math.round((peakHeap - base) / 1e6)} MB`);
    expect(peakHeap - base).toBeLessThan(res.bytes);
  });
});
