/**
 * The demo organization: a few dozen members of "Acme Analytics" with exactly one planted
 * violation for every rule of SPEC §5 (listed in DEMO_PLANTED) and otherwise clean.
 *
 * Everything is placed relative to an anchor (the simulator clock's "now") in Europe/Berlin:
 * the event-based violations happen both in the current quarter up to the anchor (what
 * `check` evaluates) and in the last completed quarter (what the quarterly review evaluates).
 * A short timeline makes consecutive quarterly packs differ: a member removed 100 days before
 * the anchor, an org key rotated 70 days before, a group granted production Admin 50 days before.
 */
import type { AddonKind, OrgRole, PersonKind } from '../domain/model.js';
import { localDate, quarterStart } from './dates.js';
import { agentFor, ipFor } from './generator-events.js';
import { DAY_MS, type EventSource, type SimAssignment, type SimEvent, type SimException, type SimGroup, type SimKey, type SimMember, type SimOrg, type SimProject, type SimRegisterRow, type SimRole } from './org.js';
import { createRng } from './prng.js';
import { DEFAULT_ROLES } from './roles.js';

export { writeDemoFiles } from './demo-files.js';

export const DEMO_ORG_ID = '123456';
export const DEMO_ORG_NAME = 'Acme Analytics';
export const DEMO_TIMEZONE = 'Europe/Berlin';
const DOMAIN = 'acme.example';
const HOUR = 3_600_000;

export const DEMO_PROJECTS: readonly SimProject[] = [
  { id: 101, name: 'Web Production', production: true },
  { id: 102, name: 'iOS Production', production: true },
  { id: 103, name: 'Web Staging', production: false },
  { id: 104, name: 'iOS Staging', production: false },
  { id: 105, name: 'Android Staging', production: false },
  { id: 106, name: 'Data Sandbox', production: false },
];

export const DEMO_CUSTOM_ROLE: SimRole = {
  uuid: '7d3e9a10-54c2-4b8e-a1f0-3c5d2e8b9f01',
  name: 'Data Steward',
  custom: true,
  level: 'manager',
  description: 'Maintains the taxonomy and data quality rules of a project',
};

export interface PlantedViolation {
  readonly ruleId: string;
  readonly subjectKind: 'member' | 'key' | 'project' | 'org';
  readonly subjectId: string;
  readonly severity: 'high' | 'medium' | 'low' | 'info';
  readonly status: 'open' | 'excepted';
  readonly note: string;
}

const e = (local: string): string => `${local}@${DOMAIN}`;

/** What `ampaudit check` on the demo org at its anchor must report: these findings and nothing else. */
export const DEMO_PLANTED: readonly PlantedViolation[] = [
  { ruleId: 'dormant-account', subjectKind: 'member', subjectId: e('dieter.braun'), severity: 'high', status: 'open', note: 'Org owner whose last login was 75 days before the anchor (owners and admins are high).' },
  { ruleId: 'dormant-account-notice', subjectKind: 'member', subjectId: e('helga.nagel'), severity: 'low', status: 'open', note: 'Last login 40 days before the anchor: approaching the 60-day limit.' },
  { ruleId: 'org-owner-count', subjectKind: 'org', subjectId: 'org', severity: 'high', status: 'open', note: 'Four owners (anna.schmidt, ben.fischer, clara.weber, dieter.braun); at most 2 allowed.' },
  { ruleId: 'org-admin-count', subjectKind: 'org', subjectId: 'org', severity: 'medium', status: 'open', note: 'Four owners plus one admin = 5 privileged members; at most 4 allowed.' },
  { ruleId: 'org-admin-minimum', subjectKind: 'org', subjectId: 'org', severity: 'medium', status: 'open', note: 'Only one member holds the org Admin role (carl.kontor, a contractor); at least 2 needed. Owners are counted by org-owner-count, not here.' },
  { ruleId: 'project-without-admin', subjectKind: 'project', subjectId: '106', severity: 'medium', status: 'open', note: 'Data Sandbox (106) has no project admin, neither direct nor through a group.' },
  { ruleId: 'key-rotation-overdue', subjectKind: 'key', subjectId: 'key-scim', severity: 'high', status: 'open', note: 'SCIM key last rotated 200 days before the anchor (period 180 days).' },
  { ruleId: 'key-unused', subjectKind: 'key', subjectId: 'key-android-api', severity: 'low', status: 'open', note: 'Android Staging API key last used 120 days before the anchor.' },
  { ruleId: 'key-unused', subjectKind: 'key', subjectId: 'key-dr-export', severity: 'low', status: 'excepted', note: 'Disaster-recovery export key unused for 200 days; excepted by a valid exception (SEC-231).' },
  { ruleId: 'key-orphaned', subjectKind: 'key', subjectId: 'key-staging-api', severity: 'high', status: 'open', note: 'Owned by ivan.petrov, who is deactivated.' },
  { ruleId: 'contractor-expired', subjectKind: 'member', subjectId: 'kurt.berger@fabrikam.example', severity: 'high', status: 'open', note: 'Register end date 20 days before the anchor; still active with Member on Web Staging.' },
  { ruleId: 'contractor-expiring', subjectKind: 'member', subjectId: 'lena.hartmann@contoso.example', severity: 'info', status: 'open', note: 'Register end date 7 days after the anchor.' },
  { ruleId: 'temporary-elevation-overdue', subjectKind: 'member', subjectId: e('max.kruger'), severity: 'high', status: 'open', note: 'Temporary Admin on Android Staging (105) was to be reverted 10 days before the anchor and is still held.' },
  { ruleId: 'excessive-export', subjectKind: 'member', subjectId: e('paula.schulz'), severity: 'high', status: 'open', note: '25 exports in the current quarter and 25 in the last completed quarter (limit 20).' },
  { ruleId: 'collaborator-org-admin', subjectKind: 'member', subjectId: 'carl.kontor@northwind.example', severity: 'high', status: 'open', note: 'Contractor (Northwind Consulting) holding the org Admin role.' },
  { ruleId: 'collaborator-production-admin', subjectKind: 'member', subjectId: 'nina.frank@fabrikam.example', severity: 'medium', status: 'open', note: 'Contractor with Admin on iOS Production (102) through the group Mobile Team (granted 50 days before the anchor).' },
  { ruleId: 'addon-undocumented', subjectKind: 'member', subjectId: e('olga.meier'), severity: 'low', status: 'open', note: 'Has the Experiment add-on; the register approves no add-ons.' },
  { ruleId: 'unregistered-account', subjectKind: 'member', subjectId: e('peter.lang'), severity: 'medium', status: 'open', note: 'Active member with no register entry.' },
  { ruleId: 'pending-invite', subjectKind: 'member', subjectId: 'rita.vogt@agency.example', severity: 'low', status: 'open', note: 'Invited 20 days before the anchor, never accepted; its exception (SEC-240) expired 5 days before the anchor.' },
  { ruleId: 'failed-login-burst', subjectKind: 'member', subjectId: e('sam.ozturk'), severity: 'medium', status: 'open', note: '12 failed logins within 30 minutes, in the current and in the last completed quarter.' },
  { ruleId: 'privilege-change-unapproved', subjectKind: 'member', subjectId: e('tom.becker'), severity: 'medium', status: 'open', note: 'Granted Admin on Web Staging (103) in the current and in the last completed quarter; the register approves only Member there.' },
  { ruleId: 'security-settings-changed', subjectKind: 'org', subjectId: 'org', severity: 'info', status: 'open', note: 'One change per window: SSO configuration in the last completed quarter, security settings (mfa_required) in the current quarter. The rule names each change as its own org-kind subject `event:<fingerprint>`, so match this entry by rule id.' },
];

interface Person {
  local: string;
  email: string;
  given: string;
  family: string;
  orgRole: OrgRole;
  status: SimMember['status'];
  kind: PersonKind;
  company: string;
  addons: AddonKind[];
  /** Days before the anchor the person was invited. */
  invited: number;
  /** Background logins stop this many days before the anchor (dormancy); undefined = log in regularly. */
  quietFor?: number;
  groups: string[];
  direct: [number, string][];
  /** undefined: a default register row; null: no register row. */
  register?: Partial<SimRegisterRow> | null;
  /** Removed from the org this many days before the anchor. */
  removed?: number;
  /** Invited this many days before the anchor and not present before (pending invites). */
  appears?: number;
}

function person(email: string, given: string, family: string, extra: Partial<Person> = {}): Person {
  return {
    local: email.split('@')[0] as string,
    email,
    given,
    family,
    orgRole: 'member',
    status: 'active',
    kind: 'employee',
    company: 'Acme Analytics',
    addons: [],
    invited: 400,
    groups: [],
    direct: [],
    ...extra,
  };
}

const ANALYTICS = 'Analytics Team';
const MOBILE = 'Mobile Team';
const LEADERSHIP = 'Leadership';

/** The cast. Anchor-relative numbers are days before the anchor. */
function cast(): Person[] {
  return [
    person(e('anna.schmidt'), 'Anna', 'Schmidt', { orgRole: 'owner', invited: 900, groups: [LEADERSHIP] }),
    person(e('ben.fischer'), 'Ben', 'Fischer', { orgRole: 'owner', invited: 880, groups: [LEADERSHIP] }),
    person(e('clara.weber'), 'Clara', 'Weber', { orgRole: 'owner', invited: 700, groups: [LEADERSHIP] }),
    person(e('dieter.braun'), 'Dieter', 'Braun', { orgRole: 'owner', invited: 850, groups: [LEADERSHIP], quietFor: 75 }),
    person('carl.kontor@northwind.example', 'Carl', 'Kontor', {
      orgRole: 'admin',
      kind: 'contractor',
      company: 'Northwind Consulting',
      invited: 200,
      direct: [[103, 'Manager']],
      register: { end_date: '+150' },
    }),
    person(e('eva.lang'), 'Eva', 'Lang', { invited: 600, direct: [[101, 'Admin'], [103, 'Admin']] }),
    person(e('frank.hoff'), 'Frank', 'Hoff', { invited: 580, groups: [MOBILE], direct: [[102, 'Admin']] }),
    person(e('gina.roth'), 'Gina', 'Roth', { invited: 500, direct: [[105, 'Admin']] }),
    person(e('hannah.vogel'), 'Hannah', 'Vogel', { invited: 450, addons: ['govern'], groups: [ANALYTICS], direct: [[106, 'Member']] }),
    person(e('helga.nagel'), 'Helga', 'Nagel', { invited: 420, groups: [ANALYTICS], quietFor: 40 }),
    person(e('ivan.petrov'), 'Ivan', 'Petrov', { status: 'deactivated', invited: 700, quietFor: 150, register: { end_date: '-150' } }),
    person(e('jonas.keller'), 'Jonas', 'Keller', { invited: 380, groups: [ANALYTICS], direct: [[103, 'Data Steward']] }),
    person('kurt.berger@fabrikam.example', 'Kurt', 'Berger', {
      kind: 'contractor',
      company: 'Fabrikam Digital',
      invited: 250,
      direct: [[103, 'Member']],
      register: { end_date: '-20' },
    }),
    person('lena.hartmann@contoso.example', 'Lena', 'Hartmann', {
      kind: 'contractor',
      company: 'Contoso Analytics',
      invited: 120,
      direct: [[103, 'Member']],
      register: { end_date: '+7' },
    }),
    person(e('lukas.bauer'), 'Lukas', 'Bauer', { invited: 360, groups: [ANALYTICS], direct: [[106, 'Manager']] }),
    person(e('max.kruger'), 'Max', 'Krüger', {
      invited: 340,
      direct: [[105, 'Admin']],
      register: { scope: '105:member', elevated_role: 'admin', elevated_project: '105', revert_by: '-10' },
    }),
    person(e('mia.koch'), 'Mia', 'Koch', { invited: 330, groups: [ANALYTICS] }),
    person('nina.frank@fabrikam.example', 'Nina', 'Frank', {
      kind: 'contractor',
      company: 'Fabrikam Digital',
      invited: 160,
      groups: [MOBILE],
      register: { end_date: '+120' },
    }),
    person(e('noah.wolf'), 'Noah', 'Wolf', { invited: 320, groups: [MOBILE] }),
    person(e('olga.meier'), 'Olga', 'Meier', { invited: 300, addons: ['experiment'], direct: [[104, 'Member']] }),
    person(e('paula.schulz'), 'Paula', 'Schulz', { invited: 290, direct: [[101, 'Member'], [106, 'Member']] }),
    person(e('peter.lang'), 'Peter', 'Lang', { invited: 280, direct: [[103, 'Viewer']], register: null }),
    // SCIM (and the members export) spell this address with capitals; the register in lower case.
    person('Quinn.Mueller@acme.example', 'Quinn', 'Mueller', { invited: 270, groups: [ANALYTICS], direct: [[101, 'Member']] }),
    person('rita.vogt@agency.example', 'NO_GIVEN_NAME', 'NO_FAMILY_NAME', {
      status: 'invited',
      kind: 'vendor',
      company: 'Agency Nine',
      invited: 20,
      appears: 20,
      direct: [[103, 'Viewer']],
      register: { name: 'Rita Vogt' },
    }),
    person(e('sam.ozturk'), 'Sam', 'Öztürk', { invited: 260, groups: [ANALYTICS], direct: [[103, 'Member']] }),
    person(e('tom.becker'), 'Tom', 'Becker', { invited: 250, register: { scope: '103:member' } }),
    person(e('lea.schulte'), 'Lea', 'Schulte', { invited: 240, groups: [MOBILE] }),
    person(e('emma.richter'), 'Emma', 'Richter', { invited: 230, groups: [LEADERSHIP], direct: [[106, 'Viewer']] }),
    person(e('paul.neumann'), 'Paul', 'Neumann', { invited: 220, direct: [[104, 'Member'], [105, 'Member']] }),
    person(e('sofia.wagner'), 'Sofia', 'Wagner', { invited: 210, groups: [MOBILE], direct: [[101, 'Viewer']] }),
    person(e('udo.lehmann'), 'Udo', 'Lehmann', { invited: 800, quietFor: 170, removed: 100, direct: [[101, 'Member']], register: { end_date: '-100' } }),
  ];
}

interface GroupDef {
  id: number | string;
  name: string;
  grants: { project: number; role: string; since?: number }[];
}

const GROUPS: readonly GroupDef[] = [
  { id: 2001, name: ANALYTICS, grants: [{ project: 101, role: 'Member' }, { project: 103, role: 'Member' }] },
  // SCIM documents group ids as numbers and as strings: this one is a string.
  { id: '2002', name: MOBILE, grants: [{ project: 104, role: 'Admin' }, { project: 102, role: 'Admin', since: 50 }] },
  { id: 2003, name: LEADERSHIP, grants: [{ project: 101, role: 'Viewer' }, { project: 102, role: 'Viewer' }] },
];

const DEMO_SEED = 20_260_101;

function roleByName(name: string): SimRole {
  const r = [...DEFAULT_ROLES, DEMO_CUSTOM_ROLE].find((x) => x.name === name);
  if (!r) throw new Error(`demo: no role ${name}`);
  return r;
}

function levelOf(roleName: string): string {
  return roleByName(roleName).level;
}

/** The demo org as it is (and was) around `anchor`. Deterministic for a given anchor. */
export function buildDemoOrg(anchorDate: Date | number | string): SimOrg {
  const A = new Date(anchorDate).getTime();
  if (Number.isNaN(A)) throw new TypeError(`invalid demo anchor: ${String(anchorDate)}`);
  const tz = DEMO_TIMEZONE;
  const ago = (days: number): number => A - days * DAY_MS;
  const day = (t: number): string => localDate(t, tz);
  const rel = (v: string): string => (/^[+-]\d+$/.test(v) ? day(A + Number(v) * DAY_MS) : v);
  const Q0 = quarterStart(A, tz);
  const span = A - Q0;
  /** A time inside the current quarter up to the anchor: fraction f of the way from its start. */
  const cur = (f: number): number => Q0 + Math.floor(span * f);

  const people = cast();
  const owner = people[0] as Person;
  const admin2 = people[1] as Person;
  const admin3 = people[2] as Person;

  // Members, with the timeline.
  const members: SimMember[] = people.map((p) => ({
    email: p.email,
    givenName: p.given,
    familyName: p.family,
    status: p.status,
    orgRole: p.orgRole,
    invitedAt: ago(p.invited),
    ...(p.status === 'invited' ? {} : { joinedAt: ago(p.invited) + 2 * HOUR }),
    addons: p.addons,
    kind: p.kind,
    company: p.company,
    logsIn: p.status === 'active',
    ...(p.appears !== undefined ? { from: ago(p.appears) } : {}),
    ...(p.removed !== undefined ? { until: ago(p.removed) } : {}),
  }));

  const groups: SimGroup[] = GROUPS.map((g) => ({
    id: g.id,
    name: g.name,
    members: people.filter((p) => p.groups.includes(g.name) && p.status !== 'deactivated').map((p) => p.email),
    created: ago(700),
    lastModified: ago(50),
  }));

  // Project role assignments.
  const assignments: SimAssignment[] = [];
  let seq = 0;
  const assign = (type: 'user' | 'group', principal: string, project: number, role: string, life: { from?: number; until?: number } = {}): void => {
    seq++;
    assignments.push({ id: `pra_demo_${String(seq).padStart(3, '0')}`, principalType: type, principalId: principal, projectId: project, roleId: roleByName(role).uuid, ...life });
  };
  for (const p of people) {
    if (p.status === 'deactivated') continue;
    for (const [project, role] of p.direct) assign('user', p.email, project, role);
  }
  for (const g of GROUPS) {
    for (const grant of g.grants) assign('group', String(g.id), grant.project, grant.role, grant.since !== undefined ? { from: ago(grant.since) } : {});
  }
  // Tom's Web Staging role: Member, raised to Admin late last quarter, back to Member, Admin again this quarter.
  const tomGrantPrev = Q0 - 5 * DAY_MS + 10 * HOUR;
  const tomRevokePrev = Q0 - 1 * DAY_MS + 9 * HOUR;
  const tomGrantCur = cur(0.5);
  const tom = e('tom.becker');
  assign('user', tom, 103, 'Member', { until: tomGrantPrev });
  assign('user', tom, 103, 'Admin', { from: tomGrantPrev, until: tomRevokePrev });
  assign('user', tom, 103, 'Member', { from: tomRevokePrev, until: tomGrantCur });
  assign('user', tom, 103, 'Admin', { from: tomGrantCur });

  // Register: one row per person (but one), approving what they hold.
  const register: SimRegisterRow[] = [];
  const groupGrants = (p: Person): string[] =>
    GROUPS.filter((g) => p.groups.includes(g.name)).flatMap((g) => g.grants.map((x) => `${x.project}:${levelOf(x.role)}`));
  for (const [i, p] of people.entries()) {
    if (p.register === null) continue;
    const r = p.register ?? {};
    const scope = [
      ...(p.orgRole === 'owner' || p.orgRole === 'admin' ? [`org:${p.orgRole}`] : []),
      ...p.direct.map(([project, role]) => `${project}:${levelOf(role)}`),
      ...groupGrants(p),
    ].filter((x, j, all) => all.indexOf(x) === j);
    const invitedAt = ago(p.invited);
    register.push({
      email: p.email.toLowerCase(),
      name: r.name ?? `${p.given} ${p.family}`,
      kind: p.kind,
      company: p.company,
      approver: p === owner ? admin2.email : owner.email,
      approved_on: day(invitedAt - DAY_MS),
      start_date: day(invitedAt),
      end_date: r.end_date !== undefined ? rel(r.end_date) : '',
      scope: r.scope ?? scope.join(';'),
      addons: r.addons ?? (p.local === 'olga.meier' ? '' : p.addons.join(';')),
      exports_allowed: r.exports_allowed ?? 'yes',
      elevated_role: r.elevated_role ?? '',
      elevated_project: r.elevated_project ?? '',
      revert_by: r.revert_by !== undefined ? rel(r.revert_by) : '',
      ticket: `ACCESS-${2100 + i}`,
      ...(p.appears !== undefined ? { from: ago(p.appears) } : {}),
      ...(p.removed !== undefined ? { until: ago(p.removed) } : {}),
    });
  }

  // API key inventory.
  const key = (id: string, label: string, type: SimKey['type'], projectId: number | undefined, ownerEmail: string, created: number, rotated: number[], lastUsed: number, storedIn: string): SimKey => ({
    id,
    label,
    type,
    ...(projectId !== undefined ? { projectId } : {}),
    owner: ownerEmail,
    createdOn: day(ago(created)),
    rotations: rotated.map((d) => day(ago(d))),
    lastUsedOn: day(ago(lastUsed)),
    storedIn,
  });
  const keys: SimKey[] = [
    key('key-web-prod-api', 'Web Production API key', 'project', 101, e('eva.lang'), 700, [100], 0, 'Vault: secret/amplitude/web'),
    // The inventory recorded this secret itself as its id: ampaudit must only ever show its fingerprint.
    key('3f9c2b7e1d4a8f60c5e2b9a7d1f3c8e4', 'Web Production secret key', 'secret', 101, e('eva.lang'), 650, [60], 1, 'Vault: secret/amplitude/web'),
    key('key-ios-prod-api', 'iOS Production API key', 'project', 102, e('frank.hoff'), 600, [30], 0, 'Xcode build secrets'),
    key('key-org-api', 'Org API key (User Management, Audit Logs)', 'org', undefined, e('anna.schmidt'), 800, [250, 70], 0, 'Vault: secret/amplitude/org'),
    key('key-scim', 'SCIM key (Okta provisioning)', 'scim', undefined, e('ben.fischer'), 500, [200], 0, 'Okta app settings'),
    key('key-exp-deploy-web', 'Web Staging Experiment deployment key', 'experiment-deployment', 103, e('gina.roth'), 400, [90], 1, 'GitHub Actions secret'),
    key('key-staging-api', 'Web Staging API key', 'project', 103, e('ivan.petrov'), 450, [50], 2, 'GitHub Actions secret'),
    key('key-android-api', 'Android Staging API key', 'project', 105, e('gina.roth'), 420, [100], 120, 'Gradle properties'),
    key('key-dr-export', 'Disaster-recovery export token', 'data', undefined, e('ben.fischer'), 380, [150], 200, '1Password: DR vault'),
    key('key-exp-mgmt', 'Experiment Management API key', 'experiment-management', undefined, e('clara.weber'), 300, [40], 3, 'Vault: secret/amplitude/experiment'),
    key('key-sandbox-data', 'Data Sandbox export API token', 'data', 106, e('hannah.vogel'), 200, [20], 4, 'Vault: secret/amplitude/sandbox'),
  ];

  const exceptions: SimException[] = [
    {
      rule: 'key-unused',
      subject: 'key-dr-export',
      reason: 'Disaster-recovery export token: used only during DR drills, kept ready on purpose',
      approved_by: owner.email,
      approved_on: day(ago(30)),
      ticket: 'SEC-231',
      expires: day(ago(-150)),
    },
    {
      rule: 'pending-invite',
      subject: 'rita.vogt@agency.example',
      reason: 'Agency onboarding delayed until their contract is signed',
      approved_by: admin2.email,
      approved_on: day(ago(19)),
      ticket: 'SEC-240',
      expires: day(ago(5)),
    },
  ];

  // Planted audit events (everything not part of the daily background).
  const planted: SimEvent[] = [];
  const ev = (t: number, action: SimEvent['action'], actor: string, rest: Partial<SimEvent> = {}): void => {
    planted.push({ t, action, actor, ip: ipFor(actor), userAgent: agentFor(actor), props: {}, ...rest });
  };
  const Qp = quarterStart(A, tz, -1);
  for (const p of people) {
    if (p === owner) continue;
    const invitedAt = ago(p.invited);
    ev(invitedAt - HOUR, 'invite', owner.email, { target: p.email, props: { role: p.orgRole } });
    if (p.status !== 'invited') ev(invitedAt + 2 * HOUR, 'inviteAccepted', p.email, { target: p.email });
  }
  // Dormancy: the last logins of the quiet ones, exactly.
  for (const p of people) if (p.quietFor !== undefined) ev(ago(p.quietFor) - HOUR, 'login', p.email, { target: p.email, props: { method: 'sso' } });
  ev(ago(100), 'memberRemoved', owner.email, { target: e('udo.lehmann') });
  ev(ago(50), 'groupChange', owner.email, { target: MOBILE, projectId: 102, props: { change: 'project_role_added', project_id: 102, project_role: 'Admin' } });
  // Max's temporary elevation, approved in the register, well before both review windows.
  ev(Qp - 20 * DAY_MS + 11 * HOUR, 'projectRoleChange', owner.email, { target: e('max.kruger'), projectId: 105, props: { project_id: 105, old_role: 'member', new_role: 'admin' } });
  // Tom: Admin grants nobody approved.
  const roleEv = (t: number, from: string, to: string): void =>
    ev(t, 'projectRoleChange', admin3.email, { target: tom, projectId: 103, props: { project_id: 103, old_role: from, new_role: to } });
  roleEv(tomGrantPrev, 'member', 'admin');
  roleEv(tomRevokePrev, 'admin', 'member');
  roleEv(tomGrantCur, 'member', 'admin');
  // Paula: 25 exports in each window.
  const exportEv = (t: number, i: number): void => {
    const data = i % 2 === 0;
    ev(t, data ? 'dataExport' : 'chartExport', e('paula.schulz'), {
      target: data ? 'Web Production' : `chart:${4000 + i}`,
      projectId: 101,
      props: { row_count: data ? 5000 : 2000 },
    });
  };
  for (let i = 0; i < 25; i++) exportEv(Q0 - 6 * DAY_MS + 9 * HOUR + i * 5 * HOUR, i);
  for (let i = 0; i < 25; i++) exportEv(cur(0.2 + (0.6 * i) / 24), i);
  // Sam: a burst of 12 failed logins in each window.
  const burst = (start: number, step: number): void => {
    for (let i = 0; i < 12; i++) {
      ev(start + i * step, 'loginFailed', e('sam.ozturk'), { target: e('sam.ozturk'), ip: '198.18.7.77', userAgent: 'python-requests/2.32', props: { method: 'password', reason: 'invalid_password' }, error: 'invalid_password' });
    }
  };
  burst(Q0 - 2 * DAY_MS + 3 * HOUR, 150_000);
  burst(cur(0.6), Math.max(1, Math.min(150_000, Math.floor((span * 0.3) / 12))));
  // Security settings: one change in each window.
  ev(Q0 - 4 * DAY_MS + 14 * HOUR, 'ssoChange', admin2.email, { target: 'org', props: { setting: 'saml_certificate' } });
  ev(cur(0.4), 'securitySettings', admin2.email, { target: 'org', props: { setting: 'mfa_required' } });
  // Regular exporters: one export each on the last day of every quarter (stable baseline, never excessive).
  for (let q = -6; q <= 6; q++) {
    const end = quarterStart(A, tz, q + 1);
    ev(end - 9 * HOUR, 'chartExport', e('eva.lang'), { target: 'chart:1001', projectId: 101, props: { row_count: 1200 } });
    ev(end - 8 * HOUR, 'cohortExport', e('frank.hoff'), { target: 'cohort:77', projectId: 102, props: { cohort_size: 5000, destination: 'braze' } });
  }

  const byDay = new Map<number, SimEvent[]>();
  for (const x of planted) {
    const d = Math.floor(x.t / DAY_MS);
    const list = byDay.get(d);
    if (list) list.push(x);
    else byDay.set(d, [x]);
  }

  // Background: who logs in, and from when to when.
  const active = people
    .map((p, i) => ({ p, i, m: members[i] as SimMember }))
    .filter(({ p }) => p.status === 'active')
    .map(({ p, i, m }) => ({
      email: p.email,
      index: i,
      from: (m.joinedAt ?? Infinity) + DAY_MS,
      until: Math.min(m.until ?? Infinity, p.quietFor !== undefined ? ago(p.quietFor) - 2 * HOUR : Infinity),
      hasProject: p.direct.length > 0 || p.groups.length > 0,
    }));
  const clean = active.filter((a) => a.until === Infinity);

  const generateDay = (d: number): SimEvent[] => {
    const rng = createRng(DEMO_SEED, d);
    const dayStart = d * DAY_MS;
    const dow = (d + 4) % 7;
    const weekend = dow === 0 || dow === 6;
    const out: SimEvent[] = [...(byDay.get(d) ?? [])];
    for (const a of active) {
      const logs = rng.chance(weekend ? 0.25 : 0.85);
      const t = dayStart + (6 + rng.int(9)) * HOUR + rng.int(HOUR);
      const chart = rng.chance(0.3);
      const dt = (10 + rng.int(40)) * 60_000;
      const logout = rng.chance(0.2);
      const method = rng.chance(0.9) ? 'sso' : 'google';
      if (!logs || t < a.from || t >= a.until) continue;
      const base = { actor: a.email, ip: ipFor(a.email), userAgent: agentFor(a.email) };
      out.push({ t, action: 'login', ...base, target: a.email, props: { method } });
      if (chart && a.hasProject && t + dt < a.until) out.push({ t: t + dt, action: 'chartCreated', ...base, target: `chart:${d % 1000}${a.index}`, props: {} });
      if (logout && t + 6 * HOUR < a.until) out.push({ t: t + 6 * HOUR, action: 'logout', ...base, target: a.email, props: {} });
    }
    // Now and then a single mistyped password (far from a burst).
    if (rng.chance(0.2) && clean.length > 0) {
      const who = rng.pick(clean);
      const t = dayStart + (7 + rng.int(8)) * HOUR + rng.int(HOUR);
      if (t >= who.from) out.push({ t, action: 'loginFailed', actor: who.email, target: who.email, ip: ipFor(who.email), userAgent: agentFor(who.email), props: { method: 'password', reason: 'invalid_password' }, error: 'invalid_password' });
    }
    out.sort((x, y) => x.t - y.t);
    return out;
  };
  const events: EventSource = { day: generateDay, dayCount: (d) => generateDay(d).length };

  return {
    id: DEMO_ORG_ID,
    name: DEMO_ORG_NAME,
    timezone: tz,
    projects: DEMO_PROJECTS,
    roles: [...DEFAULT_ROLES, DEMO_CUSTOM_ROLE],
    members,
    groups,
    assignments,
    keys,
    register,
    exceptions,
    events,
  };
}
