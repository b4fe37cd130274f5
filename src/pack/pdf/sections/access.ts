/**
 * Privileged access: owners, org admins, project admins (with the group that grants it) and
 * contractors with their end dates. Capped; members.csv and project-access.csv have everyone.
 */
import type { Grant, Member, RegisterEntry } from '../../../domain/model.js';
import { calendarDaysBetween } from '../../../period.js';
import { clean, day, localDate, num, plural } from '../format.js';
import { CAPS, moreNote } from '../model.js';
import { prepareTable, type Cell } from '../table.js';
import { COLOR, SIZE } from '../theme.js';
import type { SectionContext } from './context.js';

function statusOf(m: Member): string {
  if (m.status) return m.status.value;
  if (m.scimActive) return m.scimActive.value ? 'active' : 'inactive';
  return 'unknown';
}

export function renderAccess(ctx: SectionContext): void {
  const { w, data, tz } = ctx;
  const s = data.snapshot;
  w.section('Privileged access', { newPage: 'if-short' });
  const register = new Map((s.register ?? []).map((r) => [r.email.toLowerCase(), r]));
  const lastLogin = (email: string): string => {
    const a = s.activity.get(email.toLowerCase());
    if (a?.lastLogin) return day(a.lastLogin, tz);
    return s.events ? 'none seen' : 'unknown';
  };
  const registered = (email: string): Cell => {
    const r = register.get(email.toLowerCase());
    if (!s.register) return 'unknown';
    if (!r) return { text: 'not registered', bold: true };
    return { text: r.kind, sub: r.company ? clean(r.company) : undefined };
  };

  w.paragraph(
    `Who can change access or see every project's data. Last login comes from the audit log kept by ampaudit${s.coverage.continuousSince ? ` (logins known since ${day(s.coverage.continuousSince, tz)})` : ''}; "not registered" means no entry in the access register.`,
    { size: SIZE.small + 0.5, color: COLOR.muted, gapAfter: 8 },
  );

  const rolesKnown = s.members.some((m) => m.orgRole !== undefined);
  const memberRows = (list: Member[]): Cell[][] =>
    list.map((m) => [
      { text: m.email, bold: true, sub: m.name ? clean(m.name.value) : undefined },
      statusOf(m),
      m.joinedOn ? day(m.joinedOn.value, tz) : m.invitedOn ? { text: 'not joined', sub: `invited ${day(m.invitedOn.value, tz)}` } : '—',
      lastLogin(m.email),
      registered(m.email),
    ]);
  const memberCols = [
    { header: 'Member', width: 40 },
    { header: 'Status', width: 13 },
    { header: 'Joined', width: 15 },
    { header: 'Last login', width: 15 },
    { header: 'Register', width: 17 },
  ];
  const byEmail = (a: Member, b: Member): number => a.email.localeCompare(b.email);

  for (const [role, title, cap] of [
    ['owner', 'Organization owners', CAPS.owners],
    ['admin', 'Organization admins', CAPS.orgAdmins],
  ] as const) {
    const list = s.members.filter((m) => m.orgRole?.value === role).sort(byEmail);
    if (!rolesKnown) {
      w.subheading(`${title} (unknown)`, { keep: 20 });
      w.note('Organization roles are unknown: only the members export gives them, and none was loaded for this snapshot.');
      continue;
    }
    const t = prepareTable(w, memberCols, memberRows(list.slice(0, cap)), { empty: 'None.' });
    w.subheading(`${title} (${num(list.length)})`, { keep: t.startHeight });
    t.draw();
    const more = moreNote(Math.min(cap, list.length), list.length, 'members.csv');
    if (more) w.note(more);
  }

  renderProjectAdmins(ctx, lastLogin);
  renderContractors(ctx, register);
}

function renderProjectAdmins(ctx: SectionContext, lastLogin: (email: string) => string): void {
  const { w, data } = ctx;
  const s = data.snapshot;
  const projects = new Map(s.projects.map((p) => [p.id, p]));
  const grants = s.grants;
  const admins = (grants ?? []).filter((g) => g.level === 'admin');
  if (!grants) {
    w.subheading('Project admins (unknown)', { keep: 20 });
    w.note('Project roles are unknown: neither the User Management API nor a members export gave them.');
    return;
  }
  const prod = (g: Grant): number => (projects.get(g.projectId)?.environment === 'production' ? 0 : 1);
  const sorted = [...admins].sort(
    (a, b) => prod(a) - prod(b) || (projects.get(a.projectId)?.name ?? a.projectId).localeCompare(projects.get(b.projectId)?.name ?? b.projectId) || a.email.localeCompare(b.email),
  );
  const shown = sorted.slice(0, CAPS.projectAdmins);
  const t = prepareTable(
    w,
    [
      { header: 'Project', width: 24 },
      { header: 'Member', width: 30 },
      { header: 'Role', width: 12 },
      { header: 'Granted via', width: 20 },
      { header: 'Last login', width: 14 },
    ],
    shown.map((g) => {
      const p = projects.get(g.projectId);
      return [
        { text: clean(p?.name ?? `Project ${g.projectId}`), sub: `${g.projectId} · ${p?.environment ?? 'unknown environment'}` },
        { text: g.email, bold: true },
        clean(g.roleName),
        g.via.kind === 'group' ? { text: `group ${clean(g.via.groupName)}`, sub: g.via.groupId } : 'direct',
        lastLogin(g.email),
      ];
    }),
    { empty: 'No project admins.' },
  );
  w.subheading(`Project admins (${num(admins.length)})`, { keep: t.startHeight });
  t.draw();
  const more = moreNote(shown.length, sorted.length, 'project-access.csv');
  if (more) w.note(more);
  const unmapped = grants.filter((g) => g.level === 'unknown');
  if (unmapped.length > 0) {
    const roles = [...new Set(unmapped.map((g) => g.roleName))].sort();
    w.note(`${plural(unmapped.length, 'grant')} use custom roles not mapped to a level (${roles.slice(0, 8).map((r) => clean(r)).join(', ')}${roles.length > 8 ? ', …' : ''}); they may be admin-equivalent. Map them under policy.customRoles.`);
  }
}

function renderContractors(ctx: SectionContext, register: Map<string, RegisterEntry>): void {
  const { w, data, tz } = ctx;
  const s = data.snapshot;
  if (!s.register) {
    w.subheading('Contractors and vendors (unknown)', { keep: 20 });
    w.note('No access register was loaded, so contractors cannot be told from employees.');
    return;
  }
  const today = localDate(s.at, tz);
  const members = new Map(s.members.map((m) => [m.email.toLowerCase(), m]));
  const grantCount = new Map<string, number>();
  for (const g of s.grants ?? []) grantCount.set(g.email, (grantCount.get(g.email) ?? 0) + 1);
  const keyCount = new Map<string, number>();
  for (const k of s.keys ?? []) if (k.owner) keyCount.set(k.owner, (keyCount.get(k.owner) ?? 0) + 1);
  const list = [...register.values()].filter((r) => r.kind === 'contractor' || r.kind === 'vendor');
  const rank = (r: RegisterEntry): number => (r.endDate === undefined ? 2 : r.endDate < today ? 0 : 1);
  const sorted = list.sort((a, b) => rank(a) - rank(b) || (a.endDate ?? '').localeCompare(b.endDate ?? '') || a.email.localeCompare(b.email));
  const shown = sorted.slice(0, CAPS.contractors);
  const t = prepareTable(
    w,
    [
      { header: 'Person', width: 28 },
      { header: 'Kind, company', width: 16 },
      { header: 'Approved by', width: 18 },
      { header: 'End date', width: 16 },
      { header: 'Access now', width: 22 },
    ],
    shown.map((r) => {
      const m = members.get(r.email.toLowerCase());
      const ended = r.endDate !== undefined && r.endDate < today;
      const days = calendarDaysBetween(r.endDate, today);
      const end: Cell = !r.endDate
        ? { text: 'none given', bold: true }
        : ended
          ? { text: r.endDate, bold: true, sub: `ended ${plural(days ?? 0, 'day')} ago` }
          : { text: r.endDate, sub: days !== undefined ? `in ${plural(-days, 'day')}` : undefined };
      const access: string[] = [];
      if (m) access.push(`${statusOf(m)}${m.orgRole ? `, org ${m.orgRole.value}` : ''}`);
      else access.push('not a member');
      const pg = grantCount.get(r.email.toLowerCase()) ?? 0;
      if (pg > 0) access.push(plural(pg, 'project role'));
      const kc = keyCount.get(r.email.toLowerCase()) ?? 0;
      if (kc > 0) access.push(`owns ${plural(kc, 'key')}`);
      return [
        { text: r.email, bold: true, sub: r.name ? clean(r.name) : undefined },
        { text: r.kind, sub: r.company ? clean(r.company) : undefined },
        { text: clean(r.approver ?? '—'), sub: r.approvedOn ? `on ${r.approvedOn}` : undefined },
        end,
        access.join('; '),
      ];
    }),
    { empty: 'No contractors or vendors in the register.' },
  );
  w.subheading(`Contractors and vendors (${num(list.length)})`, { keep: t.startHeight });
  t.draw();
  const more = moreNote(shown.length, sorted.length, 'members.csv');
  if (more) w.note(more);
}
