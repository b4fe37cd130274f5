import { z } from 'zod';
import type { Evidence } from '../domain/findings.js';
import type { Grant } from '../domain/model.js';
import {
  cmp,
  ev,
  findMember,
  grantEvidence,
  grantsOn,
  grantVia,
  isActiveMember,
  levelRank,
  plural,
  projectLabel,
  projectSubject,
  unknownResult,
  type Undecided,
} from './lib.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({});

export default defineRule({
  meta: {
    id: 'project-without-admin',
    title: 'Every project has at least one active project Admin',
    severity: 'medium',
    description:
      'Reports each project on which no active member holds the project Admin role, directly or through a group. Organization ' +
      'Owners and Admins do not count: the check asks whether someone is named as responsible for the project itself. A custom ' +
      'role that is not mapped to a level in policy.customRoles leaves the project undecided.',
    risk:
      'Without a project Admin nobody is accountable for the project settings, tracking plan, integrations and who has access; ' +
      'changes then fall to organization administrators who do not know the project, or access requests pile up and people share accounts.',
    remediation: [
      'Agree with the project owner who is responsible for the project (a primary and, ideally, a backup).',
      'In Amplitude go to Settings → Members & Groups, open that member (or the group the project team uses), and set the role on this project to Admin.',
      'Record the assignment and its approval in the access register (scope `<project>:admin`).',
      'If the project is no longer used, archive or delete it in Settings → Projects instead.',
    ],
    messages: {
      none: '{project} has no active project Admin.',
      unknown: 'Project Admins not decided for {subjects}: {reason}.',
    },
    options,
    needs: ['projects', 'project role grants (User Management API or members export)', 'members (status)', 'policy.customRoles for custom roles'],
  },
  check(snapshot) {
    const projects = [...snapshot.projects].sort((a, b) => cmp(a.id, b.id));
    if (!snapshot.grants) {
      if (projects.length === 0) return [];
      return [
        unknownResult(
          snapshot,
          projects.map((p) => ({ id: p.id, why: projectLabel(snapshot, p.id) })),
          { subjects: plural(projects.length, 'project'), reason: 'no source gave project roles (neither the User Management API nor the members export was read)' },
        ),
      ];
    }
    const results: RuleResult[] = [];
    const undecided: Undecided[] = [];
    for (const p of projects) {
      const grants = grantsOn(snapshot, p.id);
      const active = grants.filter((g) => {
        const m = findMember(snapshot, g.email);
        return m !== undefined && isActiveMember(m);
      });
      if (active.some((g) => g.level === 'admin')) continue;
      const unmapped = active.filter((g) => g.level === 'unknown');
      if (unmapped.length > 0) {
        const roles = [...new Set(unmapped.map((g) => g.roleName))].sort(cmp).join(', ');
        undecided.push({ id: p.id, why: `custom role not mapped: ${roles}` });
        continue;
      }
      results.push({
        subject: projectSubject(snapshot, p.id),
        messageId: 'none',
        data: { project: projectLabel(snapshot, p.id) },
        evidence: evidenceFor(grants, active, snapshot),
        projects: [p.id],
      });
    }
    if (undecided.length > 0) {
      results.push(
        unknownResult(snapshot, undecided, {
          subjects: plural(undecided.length, 'project'),
          reason: 'members hold custom roles that policy.customRoles does not map to a level, so they may or may not be Admins',
        }),
      );
    }
    return results;
  },
});

function evidenceFor(grants: readonly Grant[], active: readonly Grant[], snapshot: Parameters<typeof grantsOn>[0]): Evidence[] {
  const out: Evidence[] = [ev('Active members with access', new Set(active.map((g) => g.email)).size)];
  const top = [...active].sort((a, b) => rank(b) - rank(a) || cmp(a.email, b.email))[0];
  if (top) out.push(ev('Highest role held', `${top.roleName} (${top.email}, ${grantVia(top)})`, top.source, top.pulledAt));
  // Admin grants that do not count, and why: they explain how the project lost its Admin.
  for (const g of grants.filter((x) => x.level === 'admin')) {
    const m = findMember(snapshot, g.email);
    const state = m ? (m.status?.value ?? (m.scimActive?.value === false ? 'inactive in SCIM' : 'status unknown')) : 'not a member';
    out.push({ ...grantEvidence(snapshot, g, 'Admin not counted'), value: `${g.email} (${state}): ${grantEvidence(snapshot, g).value}` });
  }
  return out;
}

function rank(g: Grant): number {
  return g.level === 'unknown' ? -1 : levelRank(g.level);
}
