import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { sha256Hex } from '../../fsutil.js';
import { checkInstant, checkLocalDate, decodeSource, FileProblems, formatOf, readCsvTable, readYamlTable } from './common.js';

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('decodeSource', () => {
  it('strips a BOM, turns CRLF into LF and hashes the bytes as read', () => {
    const bytes = Buffer.from('\uFEFFa,b\r\n1,2\r\n', 'utf8');
    expect(decodeSource(bytes, 'f.csv')).toEqual({ text: 'a,b\n1,2\n', sha256: sha256Hex(bytes) });
    expect(decodeSource('x', 'f.csv').sha256).toBe(sha256Hex('x'));
  });

  it('refuses bytes that are not UTF-8, naming the line', () => {
    const e = inputError(() => decodeSource(Buffer.concat([Buffer.from('a,b\nok,1\nM'), Buffer.from([0xfc]), Buffer.from('ller,2\n')]), 'm.csv'));
    expect(e.message).toBe('m.csv:3: the file is not UTF-8 text (save it as UTF-8 (in Excel: "CSV UTF-8"); other encodings garble names and emails)');
  });
});

describe('formatOf', () => {
  it.each([
    ['r.csv', 'csv'],
    ['R.YAML', 'yaml'],
    ['r.yml', 'yaml'],
  ] as const)('%s → %s', (file, format) => {
    expect(formatOf(file, undefined, ['csv', 'yaml'], 'sources.register')).toBe(format);
  });
  it('refuses other names', () => {
    expect(inputError(() => formatOf('r.xlsx', undefined, ['csv', 'yaml'], 'sources.register')).message).toBe(
      'r.xlsx sources.register: cannot tell the format of r.xlsx: expected a file name ending in .csv or .yaml or .yml (rename the file)',
    );
    expect(inputError(() => formatOf('e.csv', undefined, ['yaml'], 'sources.exceptions')).problem).toBe('cannot tell the format of e.csv: expected a file name ending in .yaml or .yml');
  });
});

describe('readCsvTable', () => {
  const cols = ['email', 'name', 'note'] as const;

  it('gives each row its starting line, across quoted line breaks and blank lines', () => {
    const t = readCsvTable('Email, Name ,NOTE\n a@b.co ,"Ann\nLee",x\n\n,,\nc@d.co,Cy,"say ""hi"""\n', 'f.csv', cols);
    expect(t.rows.map((r) => [r.line, r.cells])).toEqual([
      [2, { email: 'a@b.co', name: 'Ann\nLee', note: 'x' }],
      [6, { email: 'c@d.co', name: 'Cy', note: 'say "hi"' }],
    ]);
    expect(t.rows[1]!.at('name')).toEqual({ file: 'f.csv', line: 6, field: 'name' });
    expect(t.warnings).toEqual([]);
  });

  it('maps columns by name in any order, and warns about unknown ones', () => {
    const t = readCsvTable('note,department,email,name,notes\nn,d,a@b.co,A,x\n', 'f.csv', cols);
    expect(t.rows[0]!.cells).toEqual({ email: 'a@b.co', name: 'A', note: 'n' });
    expect(t.warnings).toEqual([
      { message: 'unknown column `department` is ignored', where: { file: 'f.csv', line: 1, field: 'department' } },
      { message: 'unknown column `notes` is ignored (did you mean `note`?)', where: { file: 'f.csv', line: 1, field: 'notes' } },
    ]);
  });

  it('names every missing column at line 1 with the expected header', () => {
    const e = inputError(() => readCsvTable('email,nmae\n', 'f.csv', cols));
    expect(e.message).toBe('f.csv:1 name: missing column `name` (`nmae` looks like a misspelling of it; the first line must name these columns (any order): email, name, note)');
    expect(e.more.map((m) => m.message)).toEqual(['f.csv:1 note: missing column `note` (the first line must name these columns (any order): email, name, note)']);
  });

  it.each([
    ['empty file', '', 'f.csv:1: the file is empty; expected a header line (the first line must name these columns (any order): email, name, note)'],
    ['repeated column', 'email,name,note,email\n', 'f.csv:1 email: column `email` appears twice (columns 1 and 4) (keep one of them)'],
    ['too many values', 'email,name,note\na@b.co,Lee, Ann,x\n', 'f.csv:2: the row has 4 values but the header has 3 columns (wrap values that contain commas in double quotes)'],
    [
      'unclosed quote',
      'email,name,note\na@b.co,"Ann,x\nb@c.co,B,y\n',
      'f.csv:2: CSV syntax error: a quoted value opened on line 2 is not closed (close the quote; double any quote inside a quoted value (""))',
    ],
  ])('%s', (_name, text, message) => {
    expect(inputError(() => readCsvTable(text, 'f.csv', cols)).message).toBe(message);
  });
});

describe('readYamlTable', () => {
  const cols = ['email', 'scope', 'ticket'] as const;

  it('reads a list of mappings as written, joining lists with ";"', () => {
    const t = readYamlTable('- email: A@B.co\n  scope: [101:viewer, "*:member"]\n  ticket: 0123\n- { email: c@d.co, scope: ~ }\n', 'r.yaml', cols, 'register entries');
    expect(t.rows.map((r) => [r.line, r.cells])).toEqual([
      [1, { email: 'A@B.co', scope: '101:viewer;*:member', ticket: '0123' }],
      [4, { email: 'c@d.co', scope: '', ticket: '' }],
    ]);
    expect(t.rows[0]!.at('ticket')).toEqual({ file: 'r.yaml', line: 3, column: 11, field: 'ticket' });
    expect(t.rows[1]!.at('ticket')).toEqual({ file: 'r.yaml', line: 4, column: 3, field: 'ticket' });
  });

  it('warns once per unknown key, with the lines and a suggestion', () => {
    const t = readYamlTable('- email: a@b.co\n  tikcet: X\n- email: c@d.co\n  tikcet: Y\n', 'r.yaml', cols, 'register entries');
    expect(t.warnings).toEqual([{ message: 'unknown key `tikcet` is ignored (lines 2, 4); did you mean `ticket`?', where: { file: 'r.yaml', line: 2, field: 'tikcet' } }]);
    expect(t.rows[0]!.extra).toEqual(['tikcet']);
  });

  it('treats an empty file as an empty list', () => {
    expect(readYamlTable('', 'r.yaml', cols, 'register entries').rows).toEqual([]);
    expect(readYamlTable('# nothing yet\n', 'r.yaml', cols, 'register entries').rows).toEqual([]);
  });

  it.each([
    ['not a list', 'email: a@b.co\n', 'r.yaml:1:1: expected a list of register entries (each item starting with "- "), got a mapping (write one item per entry: - email: …)'],
    ['item not a mapping', '- a@b.co\n', 'r.yaml:1:3: expected a mapping (email, scope, ticket, …), got a single value (each item of the list is a mapping with keys email, scope, ticket)'],
    ['nested mapping', '- email: a@b.co\n  ticket: { id: 1 }\n', 'r.yaml:2:11 ticket: expected text, got a mapping (quote the value if it contains ": ")'],
    ['syntax', '- email: a@b.co\n  ticket: "open\n', 'r.yaml:3:1: YAML syntax error: missing closing "quote (a bracket or quote is not closed)'],
  ])('%s', (_name, text, message) => {
    expect(inputError(() => readYamlTable(text, 'r.yaml', cols, 'register entries')).message).toBe(message);
  });
});

describe('dates', () => {
  it.each([
    ['2026-03-31', { date: '2026-03-31' }],
    ['2024-02-29', { date: '2024-02-29' }],
    ['2026-02-29', { problem: '"2026-02-29" is not a calendar date (February 2026 has 28 days)', hint: 'write dates as YYYY-MM-DD, e.g. 2026-03-31' }],
    ['2026-04-31', { problem: '"2026-04-31" is not a calendar date (April 2026 has 30 days)', hint: 'write dates as YYYY-MM-DD, e.g. 2026-03-31' }],
    ['2026-13-01', { problem: '"2026-13-01" is not a calendar date (there is no month 13)', hint: 'write dates as YYYY-MM-DD, e.g. 2026-03-31' }],
    ['31/03/2026', { problem: 'expected a date YYYY-MM-DD, got "31/03/2026"', hint: 'write dates as YYYY-MM-DD, e.g. 2026-03-31' }],
    ['2026-3-1', { problem: 'expected a date YYYY-MM-DD, got "2026-3-1"', hint: 'write dates as YYYY-MM-DD, e.g. 2026-03-31' }],
  ])('checkLocalDate(%s)', (input, out) => {
    expect(checkLocalDate(input)).toEqual(out);
  });

  it.each([
    ['2026-03-31', '2026-03-31T00:00:00.000Z'],
    ['2026-03-31T14:05:00Z', '2026-03-31T14:05:00.000Z'],
    ['2026-03-31T14:05:00.250+02:00', '2026-03-31T12:05:00.250Z'],
    ['2026-03-31 14:05', '2026-03-31T14:05:00.000Z'],
    ['2026-03-31T14:05:00-0500', '2026-03-31T19:05:00.000Z'],
  ])('checkInstant(%s)', (input, instant) => {
    expect(checkInstant(input)).toEqual({ instant });
  });

  it.each(['2026-02-30T10:00:00Z', '2026-03-31T25:00:00Z', 'yesterday'])('checkInstant refuses %s', (input) => {
    expect(checkInstant(input)).toHaveProperty('problem');
  });
});

describe('FileProblems', () => {
  it('lists at most 20 problems, sorted by line, and counts the rest', () => {
    const p = new FileProblems('f.csv');
    for (let line = 30; line >= 2; line--) p.add({ line, field: 'email' }, `bad ${line}`);
    const e = inputError(() => p.throwIfAny());
    expect(e.message).toBe('f.csv:2 email: bad 2');
    expect(e.more).toHaveLength(20);
    expect(e.more[18]!.message).toBe('f.csv:21 email: bad 21');
    expect(e.more[19]!.message).toBe('f.csv: 9 more problems in this file not listed (fix the ones above and run again)');
  });
});
