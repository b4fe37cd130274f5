import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../clock.js';
import { InputError } from '../../errors.js';
import { sha256Hex } from '../../fsutil.js';
import { MEMBERS_EXPORT_COLUMNS, parseMembersExport } from './members-export.js';

const clock = fixedClock('2026-10-01T08:00:00Z');
const HEADER = MEMBERS_EXPORT_COLUMNS.join(',');

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\r\n') + '\r\n';
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

describe('parseMembersExport', () => {
  it("reads one row per member and project, in Amplitude's spellings", () => {
    const text =
      '\uFEFF' +
      csv(
        'Ann@Acme.example,Ann Lee,Admin,Active,2026-01-02,2026-01-03T09:30:00+01:00,101,Web Production,Admin,Direct,Govern: Data Manager;Experiment',
        'ann@acme.example,Ann Lee,Admin,Active,2026-01-02,2026-01-03T09:30:00+01:00,102,Mobile,Data Steward,Analysts,',
        'bo@acme.example,,No Access,Pending,2026-09-20,,,,,,',
        'cy@acme.example,Cy,member,deactivated,,,103,Sandbox,No Access,Direct,',
      );
    const { pull, warnings } = parseMembersExport(text, { file: 'members.csv', clock });
    expect(warnings).toEqual([]);
    expect(pull).toEqual({
      source: 'members-export',
      file: 'members.csv',
      sha256: sha256Hex(text),
      pulledAt: '2026-10-01T08:00:00.000Z',
      rows: [
        {
          email: 'ann@acme.example',
          name: 'Ann Lee',
          orgRole: 'admin',
          status: 'active',
          invitedOn: '2026-01-02T00:00:00.000Z',
          joinedOn: '2026-01-03T08:30:00.000Z',
          projectId: '101',
          project: 'Web Production',
          projectRole: 'admin',
          accessVia: 'Direct',
          addons: ['govern', 'experiment'],
          line: 2,
        },
        {
          email: 'ann@acme.example',
          name: 'Ann Lee',
          orgRole: 'admin',
          status: 'active',
          invitedOn: '2026-01-02T00:00:00.000Z',
          joinedOn: '2026-01-03T08:30:00.000Z',
          projectId: '102',
          project: 'Mobile',
          projectRole: 'Data Steward',
          accessVia: 'Analysts',
          addons: [],
          line: 3,
        },
        { email: 'bo@acme.example', orgRole: 'none', status: 'invited', invitedOn: '2026-09-20T00:00:00.000Z', addons: [], line: 4 },
        { email: 'cy@acme.example', name: 'Cy', orgRole: 'member', status: 'deactivated', projectId: '103', project: 'Sandbox', projectRole: 'none', accessVia: 'Direct', addons: [], line: 5 },
      ],
    });
  });

  it('reads a date alone as local midnight in the configured time zone (a date-time keeps its offset)', () => {
    const text = csv('bo@acme.example,,member,invited,2026-09-20,2026-09-21T10:00:00Z,,,,,');
    const la = parseMembersExport(text, { file: 'm.csv', clock, timezone: 'America/Los_Angeles' }).pull.rows[0];
    expect([la?.invitedOn, la?.joinedOn]).toEqual(['2026-09-20T07:00:00.000Z', '2026-09-21T10:00:00.000Z']);
    const berlin = parseMembersExport(text, { file: 'm.csv', clock, timezone: 'Europe/Berlin' }).pull.rows[0];
    expect(berlin?.invitedOn).toBe('2026-09-19T22:00:00.000Z');
  });

  it('accepts a header-only file', () => {
    expect(parseMembersExport(csv(), { file: 'm.csv', clock }).pull.rows).toEqual([]);
  });

  it.each([
    [
      'unknown org role',
      'a@b.co,,Superuser,,,,,,,,',
      'm.csv:2 org_role: expected one of owner, admin, manager, member, none, got "Superuser" (the organization role as Amplitude shows it: Owner, Admin, Manager, Member or No Access)',
    ],
    ['misspelt status', 'a@b.co,,,actve,,,,,,,', 'm.csv:2 status: expected one of active, invited, deactivated, got "actve"; did you mean `active`?'],
    ['bad date-time', 'a@b.co,,,,2026-01-02T25:00,,,,,,', 'm.csv:2 invited_on: "2026-01-02T25:00" is not a valid time of day (write an ISO date (2026-03-31) or date-time (2026-03-31T14:05:00Z))'],
    ['bad add-on', 'a@b.co,,,,,,101,Web,Viewer,Direct,Analytics', 'm.csv:2 addons: unknown add-on "Analytics"; expected govern, experiment, accounts (separate several add-ons with ";", e.g. govern;experiment)'],
    ['non-numeric project id', 'a@b.co,,,,,,web,Web,Viewer,Direct,', 'm.csv:2 project_id: expected a numeric project id, got "web" (use the project\'s id from Amplitude (Settings → Projects); the name goes in `project`)'],
    ['project name without id', 'a@b.co,,,,,,,Web,Viewer,Direct,', 'm.csv:2 project_id: missing a value; the row names project "Web" but not its id (add the project\'s numeric id (Amplitude\'s APIs name projects by id))'],
    ['project without role', 'a@b.co,,,,,,101,Web,,Direct,', 'm.csv:2 project_role: missing a value; a row with a project needs the role on it (Viewer, Member, Manager, Admin, No Access or the custom role name)'],
    [
      'role without project',
      'a@b.co,,,,,,,,Viewer,,',
      'm.csv:2 project_role: `project_role` is set but the row names no project (fill in project_id and project, or leave the project columns empty for a member without projects)',
    ],
  ])('%s', (_name, row, message) => {
    expect(inputError(() => parseMembersExport(csv(row), { file: 'm.csv', clock })).message).toBe(message);
  });

  it('names both lines of a duplicate member, project and access path', () => {
    const e = inputError(() => parseMembersExport(csv('a@b.co,,,,,,101,Web,Viewer,Direct,', 'A@b.co,,,,,,101,Web,Admin,Direct,'), { file: 'm.csv', clock }));
    expect(e.message).toBe('m.csv:3 project_id: member a@b.co on project 101 via Direct is listed twice, on lines 2 and 3 (keep one row per member, project and access path (Direct or the granting group))');
    const none = inputError(() => parseMembersExport(csv('a@b.co,,,,,,,,,,', 'a@b.co,,,,,,,,,,'), { file: 'm.csv', clock }));
    expect(none.problem).toBe('member a@b.co without a project is listed twice, on lines 2 and 3');
  });

  it('keeps one row per access path: directly and through a group', () => {
    const rows = parseMembersExport(csv('a@b.co,,,,,,101,Web,Viewer,Direct,', 'a@b.co,,,,,,101,Web,Admin,Web Admins,'), { file: 'm.csv', clock }).pull.rows;
    expect(rows.map((r) => [r.projectRole, r.accessVia])).toEqual([
      ['viewer', 'Direct'],
      ['admin', 'Web Admins'],
    ]);
  });

  it('refuses rows of one member that disagree on the member', () => {
    const e = inputError(() => parseMembersExport(csv('a@b.co,,Admin,active,,,101,Web,Viewer,Direct,', 'a@b.co,,Member,active,,,102,App,Viewer,Direct,'), { file: 'm.csv', clock }));
    expect(e.message).toBe('m.csv:3 org_role: "member" contradicts line 2, which gives "admin" for a@b.co (a member has one value across all their rows)');
  });

  it('names a missing column', () => {
    const e = inputError(() => parseMembersExport('email,name,status,invited_on,joined_on,project_id,project,project_role,access_via,addons\n', { file: 'm.csv', clock }));
    expect(e.message).toBe(`m.csv:1 org_role: missing column \`org_role\` (the first line must name these columns (any order): ${MEMBERS_EXPORT_COLUMNS.join(', ')})`);
  });
});
