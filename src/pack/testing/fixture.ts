/**
 * A realistic ReviewData for tests of the pack renderers: a small demo-like org (Acme, 2026-Q3,
 * Europe/Berlin) with findings of most rules and every severity, excepted findings, an expired
 * exception, an unknown result, changes against 2026-Q2, four trend points, controls, keys,
 * exports and an audit-log gap. `members` and `findings` grow it into a large org (e.g. 50k
 * members, 5k findings) with the same shape. Deterministic: the same options give the same data.
 */
import { createHash } from 'node:crypto';
import { SEVERITIES, type Instant, type Severity, type Span } from '../../domain/common.js';
import type { AuditEvent } from '../../domain/events.js';
import type { Evidence, Finding, FindingChange, Subject } from '../../domain/findings.js';
import type { ApiKey, ExceptionEntry, Grant, Group, Member, Project, RegisterEntry } from '../../domain/model.js';
import type { ExportSummary, MemberActivity, Snapshot, SourceStatus } from '../../domain/snapshot.js';
import { CONTROLS, RULE_CONTROLS } from '../../rules/controls.js';
import type { ControlOutcome, ReviewData, SeverityCounts, TrendPoint } from '../types.js';

export interface FixtureOptions {
  /** Members in the org (default 40: the demo size). */
  readonly members?: number;
  /** Total findings (default: the demo's hand-made set, about 40). Extra findings are generated across rules. */
  readonly findings?: number;
  /** Without a previous pack: first review, no changes to compare, one trend point. */
  readonly firstReview?: boolean;
  readonly orgName?: string;
  readonly revision?: number;
}

const PERIOD = '2026-Q3';
const TZ = 'Europe/Berlin';
const START = '2026-06-30T22:00:00.000Z';
const END = '2026-09-30T22:00:00.000Z';
const GENERATED = '2026-10-01T05:00:00.000Z';
const PULLED = '2026-10-01T04:40:00.000Z';
const GAP: Span = { from: '2026-08-03T00:00:00.000Z', to: '2026-08-10T02:00:00.000Z' };

const GIVEN = ['Ada', 'Ben', 'Clara', 'David', 'Elena', 'Felix', 'Greta', 'Hannah', 'Ivan', 'Jana', 'Karl', 'Lena', 'Mika', 'Nora', 'Oskar', 'Paula', 'Rosa', 'Samir', 'Tara', 'Uwe', 'Vera', 'Wim', 'Yusuf', 'Zoe', 'Amir', 'Chen', 'Dana', 'Emil', 'Fatima', 'Priya'];
const FAMILY = ['Bauer', 'Costa', 'Dimitrov', 'Eriksen', 'Fischer', 'Garcia', 'Hoffmann', 'Ito', 'Jensen', 'Keller', 'Lopez', 'Meyer', 'Nowak', 'Okafor', 'Petrov', 'Richter', 'Schmidt', 'Tanaka', 'Vogel', 'Wagner', 'Yilmaz', 'Zimmer', 'Becker', 'Dubois', 'Gupta', 'Huber', 'Lindqvist', 'Moreau', 'Rossi', 'Weber'];

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function at(isoDay: string, time = '09:00'): Instant {
  return new Date(`${isoDay}T${time}:00Z`).toISOString();
}

type RuleMeta = ReviewData['rules'][number];

/** Rule metadata as the rules modules describe it (titles are the desired state). */
export const FIXTURE_RULES: readonly RuleMeta[] = (
  [
    ['addon-undocumented', 'Add-on permissions are in the approved scope', 'low', 'Finds Govern/Data or Experiment permissions that the access register does not list in the person\'s approved scope.', 'Add-on permissions change taxonomy, data or live experiments; unapproved ones escape review.', ['Remove the add-on permission in Members & Groups, or', 'add it to the person\'s approved scope in the access register with an approver.']],
    ['collaborator-org-admin', 'Contractors and collaborators do not hold org Admin or Owner', 'high', 'Finds contractors or external collaborators who hold the organization Admin or Owner role.', 'An org admin can invite members, change roles and rotate keys; outside parties should not hold it.', ['Lower the organization role to Member in Settings > Members.', 'If the role is needed temporarily, record an elevation with a revert-by date in the register.']],
    ['collaborator-production-admin', 'Contractors are not admins of production projects', 'medium', 'Finds contractors with the Admin role on a production project.', 'Project admins can delete data, change tracking plans and manage destinations in production.', ['Lower the project role to Manager or Member.', 'Grant project admin to an employee owner of the engagement instead.']],
    ['contractor-expired', 'Access ends with the contract', 'high', 'Finds people whose register end date has passed and who still have any access or key.', 'Former contractors with live access are a common path to data leaks.', ['Remove the person from the organization in Settings > Members.', 'Rotate any key they owned.', 'Update the register if the contract was extended (new end date and approver).']],
    ['contractor-expiring', 'Contract end dates are known ahead', 'info', 'Lists contractors whose end date falls within 14 days.', 'Planning removal ahead avoids access outliving the contract.', ['Confirm the end date with the engagement owner.', 'Schedule the removal or record the extension.']],
    ['dormant-account', 'Active members have logged in within the last 60 days', 'medium', 'Finds active members whose last login is 60 or more days before the evaluation time; invited members who never logged in count from the invite. High for owners and admins.', 'Unused accounts keep access that nobody watches; a stolen password for one goes unnoticed.', ['Ask the member (or their manager) whether the access is still needed.', 'Remove the member in Settings > Members, or lower the role to Viewer.', 'If the account is a service account, record an exception with an expiry.']],
    ['dormant-account-notice', 'Members approaching dormancy are told', 'low', 'Lists members whose last login is 30 to 59 days old.', 'A reminder now avoids a removal later.', ['Send the member the monthly dormancy notice.']],
    ['excessive-export', 'Exports stay within normal volume and approval', 'high', 'Finds people whose exports in the period exceed 20 exports or 1,000,000 rows, three times their own baseline, any single cohort export above 1,000,000 users, or any export by someone the register does not allow to export.', 'Bulk exports are how user data leaves the product; unusual volume may be exfiltration.', ['Ask the person for the business reason and the destination of the data.', 'If unjustified, remove export permission and open a security incident.', 'Record allowed exporters in the register (exports_allowed).']],
    ['failed-login-burst', 'No account sees bursts of failed logins', 'medium', 'Finds accounts with 10 or more failed logins inside any 60-minute window.', 'Bursts of failures suggest password guessing or credential stuffing.', ['Check the source IPs in activity-log.csv.', 'Reset the member\'s password and confirm SSO enforcement.']],
    ['key-orphaned', 'Every API key has a current owner', 'high', 'Finds keys whose owner is deactivated, removed, unregistered, or a contractor past the end date.', 'Nobody rotates or revokes a key whose owner is gone.', ['Assign a new owner in the key inventory.', 'Rotate the key: the former owner may still hold it.']],
    ['key-rotation-overdue', 'API keys are rotated on schedule', 'high', 'Finds keys not rotated within their type\'s period (org 90 days, secret and SCIM 180, project 365); keys due within 14 days are listed at info.', 'Long-lived keys leak through repositories, logs and former staff.', ['Create a new key in the project or organization settings.', 'Update every place that stores it (see stored_in in the inventory).', 'Revoke the old key and record the rotation date in the inventory.']],
    ['key-unused', 'Unused API keys are revoked', 'low', 'Finds keys not used for 90 days.', 'An unused key is pure risk: it grants access nobody needs.', ['Confirm with the owner that nothing uses the key.', 'Revoke it and remove it from the inventory.']],
    ['org-admin-count', 'Few people hold org admin rights', 'medium', 'Finds more than 4 org admins and owners together.', 'Every admin can change everyone\'s access; the fewer, the easier to watch.', ['Lower the role of admins who do not need it to Manager or Member.']],
    ['org-admin-minimum', 'At least two org admins exist', 'medium', 'Finds fewer than two admins or owners.', 'A single admin is a lockout risk when they leave.', ['Promote a second trusted employee to Admin.']],
    ['org-owner-count', 'At most two org owners', 'high', 'Finds more organization owners than allowed (2).', 'Owners can delete the organization and change billing and SSO.', ['Transfer ownership duties and lower extra owners to Admin.']],
    ['pending-invite', 'Invitations are accepted or withdrawn', 'low', 'Finds invitations not accepted within 14 days.', 'A forgotten invite can be accepted later by whoever controls the mailbox.', ['Withdraw the invitation in Settings > Members, or ask the person to accept it.']],
    ['privilege-change-unapproved', 'Admin and Owner grants are approved', 'medium', 'Finds audit-log grants of Admin or Owner (org or project) with no matching approval in the register.', 'An unapproved elevation is either a process gap or an attack.', ['Find the approver and record the approval in the register, or', 'revert the role change.']],
    ['project-without-admin', 'Every project has an admin', 'medium', 'Finds projects with no project admin.', 'Without an admin nobody owns the project\'s settings, keys and access.', ['Grant the Admin role on the project to its owning team lead.']],
    ['security-settings-changed', 'Security settings changes are confirmed', 'info', 'Lists SSO, SCIM and security settings changes in the period for the reviewer to confirm.', 'An attacker who weakens SSO or SCIM can keep access after removal.', ['Confirm each change with the person who made it and the change ticket.']],
    ['temporary-elevation-overdue', 'Temporary elevations are reverted on time', 'high', 'Finds register elevations whose revert-by date passed while the elevated role is still held.', 'Temporary rights that stay become permanent without approval.', ['Revert the role, or record a new elevation with a new approval.']],
    ['unregistered-account', 'Every member is in the access register', 'medium', 'Finds members with no register entry.', 'Access nobody approved cannot be reviewed against its purpose.', ['Add the member to the register with kind, approver and scope, or', 'remove the member.']],
  ] as const
).map(([id, title, severity, description, risk, remediation]) => ({
  id,
  title,
  severity: severity as Severity,
  description,
  risk,
  remediation: [...remediation],
  enabled: id !== 'temporary-elevation-overdue',
  controls: [...(RULE_CONTROLS[id] ?? [])],
}));

const RULES = new Map(FIXTURE_RULES.map((r) => [r.id, r]));

interface Person {
  readonly email: string;
  readonly name: string;
}

function person(i: number): Person {
  const g = GIVEN[i % GIVEN.length] ?? 'Alex';
  const f = FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length] ?? 'Doe';
  const n = Math.floor(i / (GIVEN.length * FAMILY.length));
  return { email: `${g}.${f}${n > 0 ? n : ''}@acme.example`.toLowerCase(), name: `${g} ${f}` };
}

/** Message and evidence of a generated finding, in the style of the rule's own. */
function generated(ruleId: string, email: string, days: number, seenDay: string): [string, Evidence[]] {
  const ev = (label: string, value: string, source: Evidence['source'], t: Instant): Evidence => ({ label, value, source, at: t });
  switch (ruleId) {
    case 'dormant-account':
    case 'dormant-account-notice':
      return [`${email} last logged in ${days} days ago (${seenDay}).`, [ev('Last login', seenDay, 'audit-logs', at(seenDay))]];
    case 'unregistered-account':
      return [`${email} is a member but has no entry in the access register.`, [ev('Org role', 'member', 'members-export', PULLED)]];
    case 'pending-invite':
      return [`${email} was invited ${seenDay} and has not accepted (${days} days).`, [ev('Invited on', seenDay, 'members-export', PULLED)]];
    case 'addon-undocumented':
      return [`${email} holds Experiment: Manage, which the register does not list.`, [ev('Add-on', 'Experiment: Manage', 'members-export', PULLED)]];
    case 'privilege-change-unapproved':
      return [`${email} was made Admin of project 103 on ${seenDay}; the register has no approval.`, [ev('Role change', 'member → admin on project 103', 'audit-logs', at(seenDay))]];
    case 'failed-login-burst':
      return [`${email} had ${10 + (days % 20)} failed logins within 60 minutes on ${seenDay}.`, [ev('Worst window', `${10 + (days % 20)} failures`, 'audit-logs', at(seenDay))]];
    case 'contractor-expired':
      return [`Contractor ${email} ended ${seenDay} and still has access.`, [ev('End date', seenDay, 'register', PULLED)]];
    default:
      return [`${email}: contract ends ${seenDay}.`, [ev('End date', seenDay, 'register', PULLED)]];
  }
}

function fact<T>(value: T, source: Member['seenIn'][number] = 'members-export') {
  return { value, source, pulledAt: PULLED };
}

export function buildReviewData(opts: FixtureOptions = {}): ReviewData {
  const rnd = prng(20260930);
  const memberCount = Math.max(24, opts.members ?? 40);
  const first = opts.firstReview === true;

  // --- people --------------------------------------------------------------------------
  const people: Person[] = [];
  for (let i = 0; i < memberCount - 4; i++) people.push(person(i));
  const contractors: Person[] = [
    { email: 'lea.marchetti@northwind-consulting.example', name: 'Lea Marchetti' },
    { email: 'tomasz.krawczyk@contoso-analytics.example', name: 'Tomasz Krawczyk' },
    { email: 'ines.duarte@fabrikam.example', name: 'Inês Duarte' },
    { email: 'oliver.brandt-extremely-long-address.for.wrapping@tailspin-data-services-international.example', name: 'Oliver Brandt' },
  ];
  const everyone = [...people, ...contractors];
  const p = (i: number): Person => people[i] ?? person(i);

  const owners = [p(0), p(1), p(2)];
  const admins = [p(3), p(4), contractors[0] as Person];
  const roleOf = (email: string): 'owner' | 'admin' | 'member' => (owners.some((o) => o.email === email) ? 'owner' : admins.some((a) => a.email === email) ? 'admin' : 'member');

  const members: Member[] = everyone.map((x, i) => {
    const invited = i === 9 || i === 10;
    const deactivated = i === 12;
    return {
      email: x.email,
      name: fact(x.name, 'scim'),
      scimActive: fact(!deactivated, 'scim'),
      status: fact(invited ? 'invited' : deactivated ? 'deactivated' : 'active'),
      orgRole: fact(roleOf(x.email)),
      invitedOn: fact(at(i < 20 ? '2024-03-04' : '2025-11-20')),
      joinedOn: invited ? undefined : fact(at(i < 20 ? '2024-03-05' : '2025-11-21')),
      groups: fact(i % 3 === 0 ? ['g-eng'] : ['g-analytics'], 'scim'),
      seenIn: ['scim', 'members-export', 'user-management'],
    };
  });

  const projects: Project[] = [
    { id: '101', name: 'Web Production', nameSource: 'config', environment: 'production', environmentReason: 'listed in config' },
    { id: '102', name: 'iOS Production', nameSource: 'config', environment: 'production', environmentReason: 'listed in config' },
    { id: '103', name: 'Web Staging', nameSource: 'members-export', environment: 'non-production', environmentReason: 'name does not match /prod/i' },
    { id: '104', name: 'Data Sandbox', nameSource: 'members-export', environment: 'non-production', environmentReason: 'name does not match /prod/i' },
    { id: '105', name: 'Marketing Site Prod', nameSource: 'members-export', environment: 'production', environmentReason: 'name matches /prod/i' },
  ];
  const groups: Group[] = [
    { id: 'g-eng', name: 'Engineering', members: members.filter((_, i) => i % 3 === 0).map((m) => m.email), source: 'scim', pulledAt: PULLED },
    { id: 'g-analytics', name: 'Product Analytics', members: members.filter((_, i) => i % 3 !== 0).map((m) => m.email), source: 'scim', pulledAt: PULLED },
  ];

  const grants: Grant[] = [];
  everyone.forEach((x, i) => {
    const projectsFor = i % 4 === 0 ? ['101', '103'] : i % 4 === 1 ? ['102'] : i % 4 === 2 ? ['101', '102', '104'] : ['103'];
    for (const pid of projectsFor) {
      const admin = (i < 6 && pid !== '104') || x === contractors[1];
      grants.push({
        email: x.email,
        projectId: pid,
        level: admin ? 'admin' : i % 5 === 0 ? 'viewer' : 'member',
        roleName: admin ? 'Admin' : i % 5 === 0 ? 'Viewer' : 'Member',
        via: i % 3 === 0 && i < 30 ? { kind: 'group', groupId: 'g-eng', groupName: 'Engineering' } : { kind: 'direct' },
        source: 'user-management',
        pulledAt: PULLED,
      });
    }
  });
  grants.push({ email: p(7).email, projectId: '104', level: 'unknown', roleName: 'Data Steward', via: { kind: 'direct' }, source: 'user-management', pulledAt: PULLED });

  // --- register -----------------------------------------------------------------------
  const unregistered = (x: Person, i: number): boolean => i === 14 || i === 15 || x === contractors[3] || (memberCount > 1000 && i % 97 === 5);
  const register: RegisterEntry[] = [];
  everyone.forEach((x, i) => {
    if (unregistered(x, i)) return;
    const ci = contractors.indexOf(x);
    register.push({
      email: x.email,
      name: x.name,
      kind: ci >= 0 ? (ci === 2 ? 'vendor' : 'contractor') : i === 11 ? 'service' : 'employee',
      company: ci >= 0 ? ['Northwind Consulting', 'Contoso Analytics', 'Fabrikam Digital', 'Tailspin Data'][ci] : 'Acme',
      approver: 'maria.keller@acme.example',
      approvedOn: '2025-01-15',
      startDate: '2025-01-15',
      endDate: ci === 0 ? '2026-09-15' : ci === 1 ? '2026-10-09' : ci === 2 ? '2027-03-31' : undefined,
      scope: [{ project: '*', role: 'member' }],
      addons: [],
      exportsAllowed: i % 7 === 0 ? false : true,
      ticket: `SEC-${1000 + i}`,
      line: register.length + 2,
      pulledAt: PULLED,
    });
  });

  // --- keys -----------------------------------------------------------------------------
  const keyCount = memberCount > 1000 ? 300 : 10;
  const keyTypes: ApiKey['type'][] = ['org', 'project', 'secret', 'scim', 'data', 'experiment-deployment', 'project', 'project', 'secret', 'project'];
  const keys: ApiKey[] = [];
  for (let i = 0; i < keyCount; i++) {
    const type = keyTypes[i % keyTypes.length] ?? 'project';
    const id = i === 2 ? 'f3a9c2d17be84e60a15c9d2e7b4f8a31' : `key-${type}-${String(i + 1).padStart(3, '0')}`;
    const fp = sha(id).slice(0, 12);
    const looksSecret = /^[0-9a-f]{32}$/.test(id);
    keys.push({
      id,
      ref: looksSecret ? `key-${fp}` : id,
      fingerprint: fp,
      label: ['Org admin automation', 'Web ingestion', 'Warehouse export job', 'Okta SCIM', 'Data API reader', 'Experiment web client', 'iOS ingestion', 'Staging ingestion', 'Backfill job (legacy)', 'Marketing site ingestion'][i % 10] ?? `Key ${i}`,
      type,
      projectId: type === 'org' || type === 'scim' ? undefined : ['101', '102', '103', '105'][i % 4],
      owner: i === 8 ? p(12).email : i === 9 ? contractors[0]?.email : p(i % people.length).email,
      createdOn: i % 3 === 0 ? '2024-02-01' : '2025-06-01',
      rotatedOn: i === 0 ? '2026-03-02' : i === 1 ? '2026-08-20' : i === 3 ? '2026-04-10' : undefined,
      lastUsedOn: i === 8 ? '2026-04-30' : '2026-09-29',
      storedIn: 'Vault: secret/amplitude',
      line: i + 2,
      pulledAt: PULLED,
    });
  }
  const key = (i: number): ApiKey => keys[i] as ApiKey;

  // --- exceptions -----------------------------------------------------------------------
  const exceptions: ExceptionEntry[] = [
    { rule: 'dormant-account', subject: p(11).email, reason: 'Service account used by the quarterly board report; logs in once a quarter.', approvedBy: 'maria.keller@acme.example', approvedOn: '2026-04-01', ticket: 'SEC-2211', expires: '2027-03-31', line: 1 },
    { rule: 'collaborator-org-admin', subject: contractors[0]?.email ?? '', reason: 'Migration project needs org admin until cut-over.', approvedBy: 'cto@acme.example', approvedOn: '2026-01-10', ticket: 'SEC-2050', expires: '2026-06-30', line: 8 },
    { rule: 'key-rotation-overdue', subject: key(2).id, reason: 'Warehouse job is being replaced; rotation would break the nightly load.', approvedBy: 'maria.keller@acme.example', approvedOn: '2026-07-01', ticket: 'SEC-2301', expires: '2026-10-20', line: 15 },
    { rule: 'unregistered-account', subject: 'former.intern@acme.example', reason: 'Intern account kept for hand-over.', approvedBy: 'maria.keller@acme.example', approvedOn: '2026-02-01', ticket: 'SEC-2102', expires: '2026-08-01', line: 22 },
  ];

  // --- activity -------------------------------------------------------------------------
  const activity = new Map<string, MemberActivity>();
  const noExports: ExportSummary = { count: 0, rows: 0, users: 0, unsized: 0, byKind: {}, large: [] };
  everyone.forEach((x, i) => {
    const dormant = i === 2 || i === 5 || i === 6 || i === 11;
    const notice = i === 7 || i === 8;
    const lastLogin = i === 9 || i === 10 ? undefined : dormant ? at(i === 2 ? '2026-04-12' : '2026-06-20') : notice ? at('2026-08-20') : at('2026-09-2' + String(i % 9), '08:15');
    const heavy = i === 4 || x === contractors[1];
    const exports: ExportSummary =
      i % 6 === 0 || heavy
        ? {
            count: heavy ? (i === 4 ? 57 : 31) : 1 + (i % 5),
            rows: heavy ? (i === 4 ? 4_250_000 : 1_380_000) : 12_000 * (1 + (i % 4)),
            users: heavy ? 2_400_000 : 0,
            unsized: i % 4 === 0 ? 1 : 0,
            byKind: heavy ? { export: 20, cohort_export: 11 } : { export: 1 + (i % 5) },
            first: at('2026-07-03'),
            last: at('2026-09-28'),
            large: heavy ? [{ time: at(i === 4 ? '2026-09-12' : '2026-08-29', '22:41'), users: i === 4 ? 1_850_000 : 1_200_000, projectId: '101', fp: sha(`large${i}`).slice(0, 16) }] : [],
          }
        : noExports;
    activity.set(x.email, {
      lastLogin,
      invitedAt: at('2024-03-04'),
      loginsInPeriod: lastLogin ? 10 + (i % 30) : 0,
      failedLoginsInPeriod: i === 13 ? 23 : i % 11,
      worstFailedBurst: i === 13 ? { count: 17, start: at('2026-09-14', '03:02'), end: at('2026-09-14', '03:44') } : undefined,
      exports,
      baseline: i % 6 === 0 || heavy ? { quarters: ['2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2'], meanCount: heavy ? 6 : 2, meanRows: heavy ? 90_000 : 20_000 } : undefined,
    });
  });

  // --- findings -------------------------------------------------------------------------
  const findings: Finding[] = [];
  const add = (ruleId: string, subject: Subject, message: string, evidence: Evidence[], extra: Partial<Pick<Finding, 'severity' | 'status' | 'firstSeen' | 'exception'>> = {}): void => {
    const rule = RULES.get(ruleId);
    findings.push({
      id: sha(`${ruleId}|${subject.kind}|${subject.id}`).slice(0, 16),
      ruleId,
      severity: extra.severity ?? rule?.severity ?? 'medium',
      status: extra.status ?? 'open',
      subject,
      message,
      evidence,
      remediation: rule?.remediation ?? [],
      firstSeen: first ? PERIOD : (extra.firstSeen ?? PERIOD),
      exception: extra.exception,
    });
  };
  const member = (x: Person): Subject => ({ kind: 'member', id: x.email, label: x.email });
  const keySubject = (k: ApiKey): Subject => ({ kind: 'key', id: k.ref, label: k.label });
  const ev = (label: string, value: string, source?: Evidence['source'], t?: Instant): Evidence => ({ label, value, source, at: t });

  add('org-owner-count', { kind: 'org', id: 'org', label: 'Acme organization' }, '3 organization owners; at most 2 are allowed.', [
    ev('Owners', owners.map((o) => o.email).join(', '), 'members-export', PULLED),
    ev('Limit', '2 (policy org-owner-count.max)'),
  ], { firstSeen: '2026-Q1' });
  add('dormant-account', member(p(2)), `Owner ${p(2).email} last logged in 171 days ago (2026-04-12).`, [
    ev('Last login', '2026-04-12 09:00', 'audit-logs', at('2026-04-12')),
    ev('Org role', 'owner', 'members-export', PULLED),
    ev('Logins known since', '2026-04-02', 'audit-logs'),
  ], { severity: 'high', firstSeen: '2026-Q2' });
  for (const i of [5, 6]) {
    add('dormant-account', member(p(i)), `${p(i).email} last logged in 102 days ago (2026-06-20).`, [ev('Last login', '2026-06-20 09:00', 'audit-logs', at('2026-06-20')), ev('Org role', roleOf(p(i).email), 'members-export', PULLED)], {
      severity: roleOf(p(i).email) === 'member' ? 'medium' : 'high',
    });
  }
  add('dormant-account', member(p(11)), `${p(11).email} last logged in 102 days ago (2026-06-20).`, [ev('Last login', '2026-06-20 09:00', 'audit-logs', at('2026-06-20'))], {
    status: 'excepted',
    firstSeen: '2026-Q2',
    exception: { reason: 'Service account used by the quarterly board report; logs in once a quarter.', approvedBy: 'maria.keller@acme.example', approvedOn: '2026-04-01', ticket: 'SEC-2211', expires: '2027-03-31', expired: false },
  });
  add('dormant-account', { kind: 'org', id: 'org', label: 'Acme organization' }, 'Logins are known continuously only since 2026-08-10 (51 days, fewer than 60): 3 members with no login since then cannot be called dormant or active yet.', [
    ev('Continuous login coverage since', '2026-08-10 02:00', 'audit-logs'),
    ev('Audit-log gap', '2026-08-03 02:00 – 2026-08-10 04:00', 'audit-logs'),
    ev('Undecided members', `${p(16).email}, ${p(17).email}, ${p(18).email}`),
  ], { status: 'unknown', severity: 'medium' });
  for (const i of [7, 8]) add('dormant-account-notice', member(p(i)), `${p(i).email} last logged in 41 days ago; dormant at 60 days (2026-10-19).`, [ev('Last login', '2026-08-20 09:00', 'audit-logs', at('2026-08-20'))]);
  add('key-rotation-overdue', keySubject(key(0)), `Org key ${key(0).ref} was last rotated 212 days ago; org keys rotate every 90 days.`, [ev('Rotated on', '2026-03-02', 'api-keys', PULLED), ev('Due', '2026-05-31'), ev('Stored in', 'Vault: secret/amplitude', 'api-keys')], { severity: 'high', firstSeen: '2026-Q2' });
  add('key-rotation-overdue', keySubject(key(2)), `Secret key ${key(2).ref} was never rotated since 2025-06-01 (487 days); secret keys rotate every 180 days.`, [ev('Created on', '2025-06-01', 'api-keys', PULLED), ev('Due', '2025-11-28')], {
    severity: 'high',
    status: 'excepted',
    firstSeen: '2026-Q1',
    exception: { reason: 'Warehouse job is being replaced; rotation would break the nightly load.', approvedBy: 'maria.keller@acme.example', approvedOn: '2026-07-01', ticket: 'SEC-2301', expires: '2026-10-20', expired: false },
  });
  add('key-rotation-overdue', keySubject(key(3)), `SCIM key ${key(3).ref} is due for rotation on 2026-10-07 (in 7 days).`, [ev('Rotated on', '2026-04-10', 'api-keys', PULLED), ev('Due', '2026-10-07')], { severity: 'info' });
  add('key-rotation-overdue', keySubject(key(6)), `Project key ${key(6).ref} was created 2024-02-01 and never rotated (972 days); project keys rotate every 365 days.`, [ev('Created on', '2024-02-01', 'api-keys', PULLED), ev('Due', '2025-01-31')], { severity: 'medium', firstSeen: '2025-Q4' });
  add('key-unused', keySubject(key(8)), `${key(8).ref} was last used 2026-04-30 (153 days ago).`, [ev('Last used on', '2026-04-30', 'api-keys', PULLED)]);
  add('key-orphaned', keySubject(key(8)), `${key(8).ref} is owned by ${p(12).email}, who is deactivated.`, [ev('Owner', p(12).email, 'api-keys', PULLED), ev('Owner status', 'deactivated', 'members-export', PULLED)]);
  add('key-orphaned', keySubject(key(9)), `${key(9).ref} is owned by ${contractors[0]?.email}, whose contract ended 2026-09-15.`, [ev('Owner', contractors[0]?.email ?? '', 'api-keys', PULLED), ev('Register end date', '2026-09-15', 'register', PULLED)]);
  add('contractor-expired', member(contractors[0] as Person), `Contractor ${contractors[0]?.email} (Northwind Consulting) ended 2026-09-15 and still has org Admin, 1 project role and 1 key.`, [
    ev('End date', '2026-09-15', 'register', PULLED),
    ev('Status', 'active', 'scim', PULLED),
    ev('Org role', 'admin', 'members-export', PULLED),
    ev('Last login', '2026-09-26 08:15', 'audit-logs', at('2026-09-26', '08:15')),
  ]);
  add('contractor-expiring', member(contractors[1] as Person), `Contractor ${contractors[1]?.email} ends 2026-10-09 (in 9 days).`, [ev('End date', '2026-10-09', 'register', PULLED)]);
  add('collaborator-org-admin', member(contractors[0] as Person), `Contractor ${contractors[0]?.email} holds the org Admin role; the exception for it expired 2026-06-30.`, [ev('Org role', 'admin', 'members-export', PULLED), ev('Register kind', 'contractor', 'register', PULLED)], {
    firstSeen: '2026-Q1',
    exception: { reason: 'Migration project needs org admin until cut-over.', approvedBy: 'cto@acme.example', approvedOn: '2026-01-10', ticket: 'SEC-2050', expires: '2026-06-30', expired: true },
  });
  add('collaborator-production-admin', member(contractors[1] as Person), `Contractor ${contractors[1]?.email} is Admin on the production project Web Production (101).`, [ev('Project role', 'Admin on 101 (direct)', 'user-management', PULLED)]);
  add('excessive-export', member(p(4)), `${p(4).email} made 57 exports (4,250,000 rows) in the period: limit 20 exports, 1,000,000 rows; 9.5× their baseline of 6.`, [
    ev('Exports in period', '57 (export 20, cohort_export 11)', 'audit-logs'),
    ev('Rows exported', '4,250,000', 'audit-logs'),
    ev('Largest cohort export', '1,850,000 users on 2026-09-12 22:41', 'audit-logs', at('2026-09-12', '22:41')),
    ev('Baseline', 'mean 6 exports over 2025-Q3 … 2026-Q2', 'audit-logs'),
  ]);
  add('excessive-export', member(contractors[1] as Person), `${contractors[1]?.email} exported a cohort of 1,200,000 users (above 1,000,000).`, [ev('Cohort export', '1,200,000 users on 2026-08-29 22:41', 'audit-logs', at('2026-08-29', '22:41'))]);
  add('failed-login-burst', member(p(13)), `${p(13).email} had 17 failed logins within 42 minutes on 2026-09-14.`, [ev('Worst window', '2026-09-14 05:02 – 05:44 (17 failures)', 'audit-logs', at('2026-09-14', '03:02')), ev('Source IPs', '203.0.113.7, 203.0.113.9', 'audit-logs')]);
  for (const i of [14, 15]) add('unregistered-account', member(p(i)), `${p(i).email} is a member but has no entry in the access register.`, [ev('Member since', '2024-03-05', 'members-export', PULLED), ev('Org role', 'member', 'members-export', PULLED)], { firstSeen: i === 14 ? '2026-Q2' : PERIOD });
  add('unregistered-account', member(contractors[3] as Person), `${contractors[3]?.email} is a member but has no entry in the access register.`, [ev('Seen in', 'scim, members-export')]);
  add('unregistered-account', { kind: 'member', id: 'former.intern@acme.example', label: 'former.intern@acme.example' }, 'former.intern@acme.example is a member but has no entry in the access register; the exception expired 2026-08-01.', [ev('Org role', 'member', 'members-export', PULLED)], {
    firstSeen: '2026-Q1',
    exception: { reason: 'Intern account kept for hand-over.', approvedBy: 'maria.keller@acme.example', approvedOn: '2026-02-01', ticket: 'SEC-2102', expires: '2026-08-01', expired: true },
  });
  for (const i of [9, 10]) add('pending-invite', member(p(i)), `${p(i).email} was invited 2025-11-20 and has not accepted (315 days).`, [ev('Invited on', '2025-11-20', 'members-export', PULLED)], { firstSeen: '2026-Q1' });
  add('privilege-change-unapproved', member(p(5)), `${p(5).email} was made Admin of iOS Production (102) on 2026-08-18 by ${p(0).email}; the register has no approval.`, [ev('Role change', 'member → admin on project 102', 'audit-logs', at('2026-08-18', '14:03')), ev('Changed by', p(0).email, 'audit-logs')]);
  add('project-without-admin', { kind: 'project', id: '105', label: 'Marketing Site Prod' }, 'Project Marketing Site Prod (105) has no project admin.', [ev('Project roles', '0 admins, 0 managers', 'user-management', PULLED)], { firstSeen: '2026-Q2' });
  add('addon-undocumented', member(p(3)), `${p(3).email} holds Govern: Data Manager, which the register does not list.`, [ev('Add-on', 'Govern: Data Manager', 'members-export', PULLED), ev('Approved scope', '*:member', 'register', PULLED)]);
  add('security-settings-changed', { kind: 'org', id: 'org', label: 'Acme organization' }, 'SSO settings changed on 2026-09-03 by ' + p(0).email + ': "Require SSO" switched off for 12 minutes.', [
    ev('Event', 'sso_change: require_sso true → false', 'audit-logs', at('2026-09-03', '10:12')),
    ev('Event', 'sso_change: require_sso false → true', 'audit-logs', at('2026-09-03', '10:24')),
  ]);

  // Grow to the requested number of findings, spread like a large org's would be.
  const target = opts.findings ?? findings.length;
  const weights: [string, Severity, number][] = [
    ['dormant-account', 'medium', 30],
    ['unregistered-account', 'medium', 20],
    ['dormant-account-notice', 'low', 20],
    ['pending-invite', 'low', 10],
    ['addon-undocumented', 'low', 8],
    ['privilege-change-unapproved', 'medium', 4],
    ['failed-login-burst', 'medium', 3],
    ['dormant-account', 'high', 2],
    ['contractor-expired', 'high', 1],
    ['contractor-expiring', 'info', 2],
  ];
  const weightSum = weights.reduce((s, w) => s + w[2], 0);
  for (let n = 0; findings.length < target; n++) {
    let r = rnd() * weightSum;
    const pick = weights.find((w) => (r -= w[2]) < 0) ?? weights[0];
    const [ruleId, severity] = pick ?? ['dormant-account', 'medium'];
    const x = person(100 + n);
    const email = x.email.replace('@', `${n}@`);
    const days = 60 + Math.floor(rnd() * 300);
    const seenDay = new Date(Date.parse(END) - days * 86_400_000).toISOString().slice(0, 10);
    const [message, evidence] = generated(ruleId, email, days, seenDay);
    add(ruleId, { kind: 'member', id: email, label: email }, message, evidence, {
      severity,
      firstSeen: rnd() < 0.6 ? PERIOD : rnd() < 0.5 ? '2026-Q2' : '2026-Q1',
    });
  }

  // --- changes, trend, controls --------------------------------------------------------
  const changes: FindingChange[] = [];
  if (!first) {
    for (const f of findings) {
      if (f.status === 'unknown') continue;
      if (f.firstSeen === PERIOD) changes.push({ kind: 'new', finding: f });
      else changes.push({ kind: 'persisting', finding: f, firstSeen: f.firstSeen });
    }
    const resolved: [string, Subject, string, Severity, string][] = [
      ['dormant-account', member(p(19)), `${p(19).email} last logged in 75 days ago.`, 'medium', '2026-Q2'],
      ['key-rotation-overdue', keySubject(key(1)), `Project key ${key(1).ref} was overdue for rotation.`, 'medium', '2026-Q1'],
      ['contractor-expired', { kind: 'member', id: 'sam.reed@northwind-consulting.example', label: 'sam.reed@northwind-consulting.example' }, 'Contractor sam.reed@northwind-consulting.example ended 2026-05-31 and still had access.', 'high', '2026-Q2'],
      ['pending-invite', member(p(20)), `${p(20).email} had not accepted the invitation.`, 'low', '2026-Q2'],
    ];
    for (const [ruleId, subject, message, severity, seen] of resolved) {
      changes.push({
        kind: 'resolved',
        firstSeen: seen,
        finding: { id: sha(`${ruleId}|${subject.kind}|${subject.id}`).slice(0, 16), ruleId, severity, status: 'open', subject, message, evidence: [], remediation: [], firstSeen: seen },
      });
    }
  }

  const openCounts = (): SeverityCounts => {
    const c: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
    for (const f of findings) if (f.status === 'open') c[f.severity] += 1;
    return c;
  };
  const now = openCounts();
  const scale = (k: number): SeverityCounts => Object.fromEntries(SEVERITIES.map((s) => [s, Math.max(0, Math.round(now[s] * k))])) as SeverityCounts;
  const trend: TrendPoint[] = first
    ? [{ period: PERIOD, counts: now }]
    : [
        { period: '2025-Q4', counts: scale(1.6) },
        { period: '2026-Q1', counts: scale(1.35) },
        { period: '2026-Q2', counts: scale(1.1) },
        { period: PERIOD, counts: now },
      ];

  const enabled = new Map(FIXTURE_RULES.map((r) => [r.id, r.enabled]));
  const controls: ControlOutcome[] = CONTROLS.map((c) => {
    const rules = Object.keys(RULE_CONTROLS)
      .filter((r) => RULE_CONTROLS[r]?.includes(c.id))
      .sort()
      .map((ruleId) => {
        const fs = findings.filter((f) => f.ruleId === ruleId);
        return {
          ruleId,
          open: fs.filter((f) => f.status === 'open').length,
          excepted: fs.filter((f) => f.status === 'excepted').length,
          unknown: fs.filter((f) => f.status === 'unknown').length,
          enabled: enabled.get(ruleId) ?? true,
        };
      });
    const on = rules.filter((r) => r.enabled);
    const outcome: ControlOutcome['outcome'] = on.length === 0 ? 'not-evaluated' : on.some((r) => r.open > 0) ? 'fail' : on.some((r) => r.unknown > 0) ? 'unknown' : 'pass';
    return { framework: c.framework, control: c.id, title: c.title, rules, outcome };
  });

  // --- snapshot -------------------------------------------------------------------------
  const sources: SourceStatus[] = [
    { source: 'scim', configured: true, pulledAt: PULLED, ok: true, count: members.length },
    { source: 'user-management', configured: true, pulledAt: PULLED, ok: true, count: grants.length },
    { source: 'audit-logs', configured: true, pulledAt: PULLED, ok: true, count: memberCount > 1000 ? 2_914_332 : 18_406 },
    { source: 'members-export', configured: true, pulledAt: '2026-09-30T16:12:00.000Z', ok: true, count: members.length + grants.length, file: './data/members-2026-09-30.csv', sha256: sha('members-export') },
    { source: 'register', configured: true, pulledAt: PULLED, ok: true, count: register.length, file: './data/register.csv', sha256: sha('register') },
    { source: 'api-keys', configured: true, pulledAt: PULLED, ok: true, count: keys.length, file: './data/api-keys.yaml', sha256: sha('api-keys') },
    { source: 'exceptions', configured: true, pulledAt: PULLED, ok: true, count: exceptions.length, file: './exceptions.yaml', sha256: sha('exceptions') },
    { source: 'config', configured: true, pulledAt: PULLED, ok: true, file: './ampaudit.config.yaml', sha256: sha('config') },
  ];

  const snapshot: Snapshot = {
    org: { id: '123456', name: opts.orgName ?? 'Acme Analytics GmbH' },
    at: END,
    timezone: TZ,
    period: { label: PERIOD, start: START, end: END },
    members,
    groups,
    projects,
    grants,
    addons: [{ email: p(3).email, addon: 'govern', detail: 'Govern: Data Manager', source: 'members-export', pulledAt: PULLED }],
    keys,
    register,
    exceptions,
    activity,
    events: {
      privilegeGrants: [{ fp: sha('pg1').slice(0, 16), time: at('2026-08-18', '14:03'), actor: p(0).email, targetEmail: p(5).email, role: { scope: 'project', from: 'member', to: 'admin' }, projectId: '102' }],
      securityChanges: [],
      total: memberCount > 1000 ? 2_914_332 : 18_406,
    },
    coverage: {
      auditLog: [
        { from: '2026-04-02T07:00:00.000Z', to: GAP.from },
        { from: GAP.to, to: GENERATED },
      ],
      periodCovered: [
        { from: START, to: GAP.from },
        { from: GAP.to, to: END },
      ],
      periodGaps: [GAP],
      continuousSince: GAP.to,
    },
    sources,
    dataQuality: [
      `SCIM lists ${contractors[3]?.email} as active, but the members export has no project roles for them.`,
      'Custom role "Data Steward" on project 104 is not mapped to a level (policy.customRoles); its grants are treated as unknown.',
      'The audit log had no entries between 2026-08-03 02:00 and 2026-08-10 04:00 (daily collect failed: 401 from the Audit Logs API).',
    ],
  };

  return {
    toolVersion: '0.1.0',
    generatedAt: GENERATED,
    periodLabel: PERIOD,
    revision: opts.revision ?? 1,
    snapshot,
    findings,
    changes,
    previous: first ? undefined : { period: '2026-Q2', dir: '2026-Q2', manifestSha256: sha('manifest-2026-Q2'), generatedAt: '2026-07-01T05:00:12.000Z' },
    trend,
    controls,
    rules: FIXTURE_RULES,
    events: function* (span: Span): Iterable<AuditEvent> {
      const from = new Date(span.from).getTime();
      for (let i = 0; i < 5; i++) {
        const time = new Date(from + i * 3_600_000).toISOString();
        yield { fp: sha(`ev${i}`).slice(0, 16), time, kind: 'login', domain: 'auth', feature: 'login', action: 'login', actor: p(i).email, props: {} };
      }
    },
  };
}

/**
 * Stand-in CSV attachments for renderer tests (the real ones come from the CSV writers): UTF-8
 * with non-ASCII text, a quoted comma, and a formula-looking cell, so byte equality means something.
 */
export function fixtureAttachments(data: ReviewData): { name: string; bytes: Uint8Array; mime: string; description: string }[] {
  const enc = new TextEncoder();
  const findings = ['id,rule,severity,status,subject,message', ...data.findings.map((f) => [f.id, f.ruleId, f.severity, f.status, f.subject.id, `"${f.message.replace(/"/g, '""')}"`].join(','))].join('\r\n') + '\r\n';
  const members = ['email,name,org_role,status', ...data.snapshot.members.map((m) => [m.email, `"${m.name?.value ?? ''}"`, m.orgRole?.value ?? '', m.status?.value ?? ''].join(','))].join('\r\n') + '\r\n';
  const exceptions = 'rule,subject,reason\r\ndormant-account,ada@acme.example,"\'=HYPERLINK(""http://x"",""y"")"\r\nkey-unused,key-1,"Grüße, naïve café"\r\n';
  return [
    { name: 'findings.csv', bytes: enc.encode(findings), mime: 'text/csv', description: 'Every finding of the period with evidence and status' },
    { name: 'members.csv', bytes: enc.encode(members), mime: 'text/csv', description: 'All members with roles, status and last login' },
    { name: 'exceptions.csv', bytes: enc.encode(exceptions), mime: 'text/csv', description: 'Exceptions with approver, ticket and expiry' },
  ];
}
