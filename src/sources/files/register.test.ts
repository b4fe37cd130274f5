import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../clock.js';
import { InputError } from '../../errors.js';
import { sha256Hex } from '../../fsutil.js';
import { parseRegister, REGISTER_COLUMNS } from './register.js';

const clock = fixedClock('2026-10-01T08:00:00Z');
const HEADER = REGISTER_COLUMNS.join(',');

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

describe('parseRegister (CSV)', () => {
  it('reads every column into a RegisterEntry', () => {
    const text = csv(
      'Alice@Acme.example , Alice Ng ,Contractor,Agency Ltd,Boss@Acme.example,2026-01-02,2026-01-05,2026-12-31,101:Viewer;Web Production:member;*:viewer;org:Member,Govern;experiment,YES,Admin,101,2026-11-01,SEC-12',
      'svc@acme.example,,service account,,,,,,,,,,,,',
    );
    const { pull, warnings } = parseRegister(text, { file: 'register.csv', clock });
    expect(warnings).toEqual([]);
    expect(pull).toEqual({
      source: 'register',
      file: 'register.csv',
      sha256: sha256Hex(text),
      pulledAt: '2026-10-01T08:00:00.000Z',
      entries: [
        {
          email: 'alice@acme.example',
          name: 'Alice Ng',
          kind: 'contractor',
          company: 'Agency Ltd',
          approver: 'boss@acme.example',
          approvedOn: '2026-01-02',
          startDate: '2026-01-05',
          endDate: '2026-12-31',
          scope: [
            { project: '101', role: 'viewer' },
            { project: 'Web Production', role: 'member' },
            { project: '*', role: 'viewer' },
            { project: 'org', role: 'member' },
          ],
          addons: ['govern', 'experiment'],
          exportsAllowed: true,
          elevation: { role: 'admin', project: '101', revertBy: '2026-11-01' },
          ticket: 'SEC-12',
          line: 2,
          pulledAt: '2026-10-01T08:00:00.000Z',
        },
        { email: 'svc@acme.example', kind: 'service', scope: [], addons: [], line: 3, pulledAt: '2026-10-01T08:00:00.000Z' },
      ],
    });
  });

  it.each([
    ['yes', true],
    ['No', false],
    ['', undefined],
  ])('exports_allowed %j → %j', (cell, value) => {
    const entry = parseRegister(csv(`a@b.co,,employee,,,,,,,,${cell},,,,`), { file: 'r.csv', clock }).pull.entries[0]!;
    expect(entry.exportsAllowed).toBe(value);
    expect('exportsAllowed' in entry).toBe(value !== undefined);
  });

  it('an org elevation has no project and an org role', () => {
    const entry = parseRegister(csv('a@b.co,,employee,,,,,,,,,Owner,,2026-10-15,'), { file: 'r.csv', clock }).pull.entries[0]!;
    expect(entry.elevation).toEqual({ role: 'owner', revertBy: '2026-10-15' });
  });

  it('keeps a custom project role name as written', () => {
    const entry = parseRegister(csv('a@b.co,,employee,,,,,,101:Data Steward;102:Admin,,,,,,'), { file: 'r.csv', clock }).pull.entries[0]!;
    expect(entry.scope).toEqual([
      { project: '101', role: 'Data Steward' },
      { project: '102', role: 'admin' },
    ]);
  });

  it.each([
    ['bad email', 'bob,,employee,,,,,,,,,,,,', 'r.csv:2 email: expected an email address, got "bob" (write the address the person signs in with, e.g. jane.doe@acme.example)'],
    ['missing email', ',,employee,,,,,,,,,,,,', 'r.csv:2 email: missing a value; expected an email address'],
    [
      'missing kind',
      'a@b.co,,,,,,,,,,,,,,',
      'r.csv:2 kind: missing a value; expected one of employee, contractor, service, vendor (employee, contractor (also freelancers and agency staff), service (a shared or technical account) or vendor)',
    ],
    [
      'misspelt kind',
      'a@b.co,,contracter,,,,,,,,,,,,',
      'r.csv:2 kind: expected one of employee, contractor, service, vendor, got "contracter"; did you mean `contractor`? (employee, contractor (also freelancers and agency staff), service (a shared or technical account) or vendor)',
    ],
    ['impossible date', 'a@b.co,,employee,,,,,2026-02-30,,,,,,,', 'r.csv:2 end_date: "2026-02-30" is not a calendar date (February 2026 has 28 days) (write dates as YYYY-MM-DD, e.g. 2026-03-31)'],
    ['date format', 'a@b.co,,employee,,,02/01/2026,,,,,,,,,', 'r.csv:2 approved_on: expected a date YYYY-MM-DD, got "02/01/2026" (write dates as YYYY-MM-DD, e.g. 2026-03-31)'],
    ['end before start', 'a@b.co,,employee,,,,2026-05-01,2026-04-30,,,,,,,', 'r.csv:2 end_date: end_date 2026-04-30 is before start_date 2026-05-01 (check both dates)'],
    [
      'scope item without role',
      'a@b.co,,employee,,,,,,101,,,,,,',
      'r.csv:2 scope: scope item "101" is not `project:role` (write `project:role` items separated by ";", e.g. `101:viewer;Web Production:member;*:viewer;org:member`)',
    ],
    [
      'bad org role in scope',
      'a@b.co,,employee,,,,,,org:viewer,,,,,,',
      'r.csv:2 scope: scope item "org:viewer": "viewer" is not an organization role; expected one of owner, admin, manager, member, none (write `project:role` items separated by ";", e.g. `101:viewer;Web Production:member;*:viewer;org:member`)',
    ],
    ['unknown add-on', 'a@b.co,,employee,,,,,,,govrn,,,,,', 'r.csv:2 addons: unknown add-on "govrn"; expected govern, experiment, accounts; did you mean `govern`? (separate several add-ons with ";", e.g. govern;experiment)'],
    ['exports_allowed', 'a@b.co,,employee,,,,,,,,maybe,,,,', 'r.csv:2 exports_allowed: expected yes or no, got "maybe" (leave it blank when the register does not say)'],
    [
      'elevation without revert_by',
      'a@b.co,,employee,,,,,,,,,admin,101,,',
      'r.csv:2 revert_by: missing a value; the temporary elevation to "admin" needs a revert-by date (set revert_by (YYYY-MM-DD) to the day the role must be taken back)',
    ],
    ['revert_by without elevation', 'a@b.co,,employee,,,,,,,,,,,2026-10-09,', 'r.csv:2 revert_by: `revert_by` is set but `elevated_role` is empty (name the temporary role in elevated_role, or clear this cell)'],
    [
      'org elevation to a project role',
      'a@b.co,,employee,,,,,,,,,viewer,,2026-10-09,',
      'r.csv:2 elevated_role: "viewer" is not an organization role; expected one of owner, admin, manager, member, none (without elevated_project the elevation is an organization role; name the project for a project role)',
    ],
  ])('%s', (_name, row, message) => {
    const e = inputError(() => parseRegister(csv(row), { file: 'r.csv', clock }));
    expect(e.message).toBe(message);
    expect(e.more).toEqual([]);
  });

  it('names both lines of a duplicate email (case-insensitively)', () => {
    const e = inputError(() => parseRegister(csv('a@b.co,,employee,,,,,,,,,,,,', 'c@d.co,,employee,,,,,,,,,,,,', 'A@B.CO,,contractor,,,,,,,,,,,,'), { file: 'r.csv', clock }));
    expect(e.message).toBe('r.csv:4 email: a@b.co is listed twice, on lines 2 and 4 (keep one entry per person; put all their approved scope in one `scope` cell)');
  });

  it('reports every bad cell of every row at once', () => {
    const e = inputError(() => parseRegister(csv('bob,,kontractor,,,,,2026-02-30,,,,,,,', 'x@y.co,,employee,,,,,,,,maybe,,,,'), { file: 'r.csv', clock }));
    expect([e, ...e.more].map((x) => `${x.where.line} ${x.where.field}`)).toEqual(['2 email', '2 kind', '2 end_date', '3 exports_allowed']);
  });

  it('ignores unknown columns with a warning', () => {
    const { pull, warnings } = parseRegister(`${HEADER},department\na@b.co,,employee,,,,,,,,,,,,,Sales\n`, { file: 'r.csv', clock });
    expect(pull.entries).toHaveLength(1);
    expect(warnings).toEqual([{ message: 'unknown column `department` is ignored', where: { file: 'r.csv', line: 1, field: 'department' } }]);
  });

  it('checks the header first', () => {
    const e = inputError(() => parseRegister('email,name,kind\na@b.co,A,employee\n', { file: 'r.csv', clock }));
    expect(e.message).toBe(`r.csv:1 company: missing column \`company\` (the first line must name these columns (any order): ${REGISTER_COLUMNS.join(', ')})`);
    expect(e.more).toHaveLength(11);
  });
});

describe('parseRegister (YAML)', () => {
  it('reads the same keys, with lists for scope and addons', () => {
    const text = [
      '- email: Bob@Acme.example',
      '  kind: vendor',
      '  scope: [101:viewer, "*:member"]',
      '  addons: [experiment]',
      '  exports_allowed: no',
      '  end_date: 2027-01-31',
      '- email: carol@acme.example',
      '  kind: employee',
      '  scope: org:admin',
      '',
    ].join('\n');
    const { pull } = parseRegister(text, { file: 'register.yaml', clock });
    expect(pull.entries).toEqual([
      {
        email: 'bob@acme.example',
        kind: 'vendor',
        endDate: '2027-01-31',
        scope: [
          { project: '101', role: 'viewer' },
          { project: '*', role: 'member' },
        ],
        addons: ['experiment'],
        exportsAllowed: false,
        line: 1,
        pulledAt: '2026-10-01T08:00:00.000Z',
      },
      { email: 'carol@acme.example', kind: 'employee', scope: [{ project: 'org', role: 'admin' }], addons: [], line: 7, pulledAt: '2026-10-01T08:00:00.000Z' },
    ]);
  });

  it('names line and column of a bad value', () => {
    const e = inputError(() => parseRegister('- email: a@b.co\n  kind: employee\n  end_date: 2026-02-30\n', { file: 'register.yaml', clock }));
    expect(e.message).toBe('register.yaml:3:13 end_date: "2026-02-30" is not a calendar date (February 2026 has 28 days) (write dates as YYYY-MM-DD, e.g. 2026-03-31)');
  });

  it('points a missing required key at its item', () => {
    const e = inputError(() => parseRegister('- email: a@b.co\n  kind: employee\n- email: c@d.co\n  kinds: employee\n', { file: 'register.yaml', clock }));
    expect(e.message).toBe(
      'register.yaml:3:3 kind: missing a value; expected one of employee, contractor, service, vendor (`kinds` looks like a misspelling of `kind`; employee, contractor (also freelancers and agency staff), service (a shared or technical account) or vendor)',
    );
  });
});
