import { z } from 'zod';
import type { Evidence } from '../domain/findings.js';
import { ROLE_LEVELS, type Grant, type RegisterEntry, type RoleLevel } from '../domain/model.js';
import type { Snapshot } from '../domain/snapshot.js';
import {
  cmp,
  datePassed,
  daysBetweenDates,
  ev,
  evFact,
  findMember,
  findProject,
  grantEvidence,
  grantsOf,
  grantVia,
  isPresentMember,
  levelRank,
  localDate,
  membersKnown,
  orgRoleOf,
  orgRoleUnknownReason,
  projectLabel,
  roleName,
  scopeCovers,
  unknownResult,
  withProjects,
  type Undecided,
} from './lib.js';
import { accountDeactivated, NO_REGISTER, personSubject, registerEvidence } from './support/access.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({});

const ORG_ELEVATIONS = ['member', 'manager', 'admin', 'owner'];

type Outcome =
  | { readonly held: false }
  | { readonly held: 'unknown'; readonly why: string; readonly reason?: string }
  | { readonly held: true; readonly what: string; readonly evidence: readonly Evidence[]; readonly projects: readonly string[] };

function isOrgElevation(entry: RegisterEntry): boolean {
  const p = entry.elevation?.project?.trim().toLowerCase();
  return p === undefined || p === '' || p === 'org';
}

/** Whether the person still holds the elevated role (or a higher one), direct or through a group. */
function stillHeld(snapshot: Snapshot, entry: RegisterEntry): Outcome {
  const elevation = entry.elevation!;
  const wanted = elevation.role.trim().toLowerCase();
  const member = findMember(snapshot, entry.email);
  if (!member || !isPresentMember(member)) {
    if ((member && accountDeactivated(member)) || membersKnown(snapshot)) return { held: false };
    return { held: 'unknown', why: 'membership unknown (neither SCIM nor the members export was read)' };
  }

  if (isOrgElevation(entry)) {
    if (!ORG_ELEVATIONS.includes(wanted)) return { held: 'unknown', why: `"${elevation.role}" is not an organization role` };
    const role = orgRoleOf(member);
    if (role === undefined) return { held: 'unknown', why: 'organization role unknown', reason: `organization role unknown (${orgRoleUnknownReason(snapshot)})` };
    if (!scopeCovers(snapshot, [{ project: 'org', role }], { kind: 'org', role: wanted })) return { held: false };
    const fact = evFact('Organization role', member.orgRole, roleName);
    return { held: true, what: `the organization role ${roleName(role)}`, evidence: fact ? [fact] : [], projects: [] };
  }

  if (!(ROLE_LEVELS as readonly string[]).includes(wanted)) return { held: 'unknown', why: `"${elevation.role}" is not a project role level` };
  const level = wanted as RoleLevel;
  const target = elevation.project!.trim();
  const all = target === '*';
  const project = all ? undefined : findProject(snapshot, target);
  if (!all && !project) return { held: 'unknown', why: `project "${target}" is not known` };
  if (!snapshot.grants) return { held: 'unknown', why: 'project roles unknown (no role source was read)' };
  const relevant = grantsOf(snapshot, entry.email).filter((g) => all || g.projectId === project!.id);
  const held = relevant
    .filter((g): g is Grant & { level: RoleLevel } => g.level !== 'unknown' && levelRank(g.level) >= levelRank(level))
    .sort((a, b) => cmp(a.projectId, b.projectId));
  if (held.length === 0) {
    const custom = relevant.find((g) => g.level === 'unknown');
    return custom ? { held: 'unknown', why: `custom role "${custom.roleName}" is not mapped to a level (policy.customRoles)` } : { held: false };
  }
  return {
    held: true,
    what: held.map((g) => `${g.roleName} on ${projectLabel(snapshot, g.projectId)} ${grantVia(g)}`).join('; '),
    evidence: held.map((g) => grantEvidence(snapshot, g)),
    projects: held.map((g) => g.projectId),
  };
}

function elevationText(snapshot: Snapshot, entry: RegisterEntry): string {
  const e = entry.elevation!;
  if (isOrgElevation(entry)) return `organization ${roleName(e.role.trim().toLowerCase())}`;
  const target = e.project!.trim();
  const p = target === '*' ? undefined : findProject(snapshot, target);
  const where = target === '*' ? 'every project' : p ? projectLabel(snapshot, p.id) : target;
  return `${roleName(e.role.trim().toLowerCase())} on ${where}`;
}

export default defineRule({
  meta: {
    id: 'temporary-elevation-overdue',
    title: 'Temporary elevations are reverted by their revert-by date',
    severity: 'high',
    description:
      'For every access-register entry with a temporary elevation (elevated_role, elevated_project, revert_by) whose revert-by ' +
      'date has passed, checks whether the person still holds that role or a higher one: the organization role when no project ' +
      'is named, otherwise a project role on that project (or on any project for `*`), whether granted directly or through a ' +
      'group. An unknown organization role, unknown project roles, an unknown project or an unmapped custom role leave the ' +
      'entry not decided.',
    risk:
      'Elevations granted "just for this task" tend to become permanent: the task ends, nobody remembers the revert, and ' +
      'the person keeps Admin rights that no current approval covers. Every extra administrator can change settings, ' +
      'manage members and export data.',
    remediation: [
      'Ask the person and the approver whether the task is finished; if the elevation is still needed, record a new revert_by date and approval in the register.',
      'Otherwise revert it in Amplitude: Settings → Members & Groups → the person → set the organization role or the project role back to what the register\'s scope approves.',
      'When the role comes through a permission group, remove the person from that group (or, with SCIM, from the identity-provider group) instead of editing the role.',
      'Clear elevated_role, elevated_project and revert_by in the register once reverted.',
    ],
    messages: {
      overdue: '{member} was to give up the temporary elevation to {elevation} by {revertBy} ({days} days ago) but still holds {held}.',
      unknown: 'Overdue elevations are not decided for {count} register row(s): {reason}.',
      noRegister: 'Temporary elevations could not be checked: {reason}.',
    },
    options,
    needs: ['access register (elevated_role, elevated_project, revert_by)', 'members', 'organization roles (members export)', 'project roles'],
  },
  check(snapshot) {
    if (!snapshot.register) return [unknownResult(snapshot, [], { reason: NO_REGISTER }, [], 'noRegister')];
    const tz = snapshot.timezone;
    const today = localDate(snapshot.at, tz);
    const results: RuleResult[] = [];
    const undecided: Undecided[] = [];
    const why = new Set<string>();
    const entries = snapshot.register.filter((e) => e.elevation && datePassed(e.elevation.revertBy, snapshot.at, tz)).sort((a, b) => cmp(a.email, b.email));
    for (const entry of entries) {
      const outcome = stillHeld(snapshot, entry);
      if (outcome.held === false) continue;
      if (outcome.held === 'unknown') {
        undecided.push({ id: entry.email, why: outcome.why });
        why.add(outcome.reason ?? outcome.why);
        continue;
      }
      const subject = personSubject(snapshot, entry);
      const revertBy = entry.elevation!.revertBy;
      results.push({
        subject,
        messageId: 'overdue',
        data: { member: subject.label, elevation: elevationText(snapshot, entry), revertBy, days: daysBetweenDates(revertBy, today), held: outcome.what },
        evidence: [
          registerEvidence(entry),
          ev('Elevation', `${elevationText(snapshot, entry)}, revert by ${revertBy}`, 'register', entry.pulledAt),
          ev('Evaluated at', snapshot.at),
          ...outcome.evidence,
        ],
        ...withProjects(outcome.projects),
      });
    }
    if (undecided.length > 0) results.push(unknownResult(snapshot, undecided, { reason: [...why].sort().join('; ') }));
    return results;
  },
});
