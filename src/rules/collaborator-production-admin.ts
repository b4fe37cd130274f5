import { z } from 'zod';
import type { Grant } from '../domain/model.js';
import { PERSON_KINDS, type PersonKind } from '../domain/model.js';
import type { Snapshot } from '../domain/snapshot.js';
import { cmp, ev, findMember, grantEvidence, grantsOf, grantVia, isPresentMember, presentMembers, projectLabel, unknownResult, withProjects, type Undecided } from './lib.js';
import { NO_REGISTER, personSubject, registerEvidence } from './support/access.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({
  kinds: z
    .array(z.enum(PERSON_KINDS as [PersonKind, ...PersonKind[]]))
    .default(['contractor'])
    .describe('Register kinds checked (default: contractors; add `vendor` to include vendor staff)'),
});

function productionIds(snapshot: Snapshot): Set<string> {
  return new Set(snapshot.projects.filter((p) => p.environment === 'production').map((p) => p.id));
}

export default defineRule({
  meta: {
    id: 'collaborator-production-admin',
    title: 'Contractors do not hold Admin on production projects',
    severity: 'medium',
    description:
      'Reports every access-register contractor (configurable) who holds the project role Admin on a production project, granted ' +
      'directly or through a permission group. Production projects are those listed as production in the config or whose name ' +
      'matches policy.production.namePattern. One finding per person lists all such projects and the group that grants each, ' +
      'so the finding id stays the same while the person holds any of them and one exception covers the person. An unmapped ' +
      'custom role on a production project, or unknown project roles, leave the person not decided. Organization Admins are ' +
      'covered by collaborator-org-admin.',
    risk:
      'A project Admin on production can change project settings and the tracking plan, configure destinations and cohort syncs ' +
      'that send user data to outside systems, and export everything in the project. For a contractor this is usually more than the ' +
      'work needs; Manager or Member on production, with Admin on staging, keeps the same productivity with far less exposure.',
    remediation: [
      'Check the engagement scope: which production projects need configuration work, and for how long.',
      'In Amplitude go to Settings → Members & Groups, open the person and lower the role on each listed production project to Manager or Member (keep Admin on staging projects if needed).',
      'Where Admin comes through a permission group, remove the person from that group or change the group\'s role on the project (for SCIM-managed groups, in the identity provider).',
      'If production Admin is genuinely needed for a limited task, record it as a temporary elevation with a revert-by date in the register and an exception with the same expiry.',
    ],
    messages: {
      productionAdmin: '{member}, a {kind} ({company}), is Admin on {count} production project(s): {projects}.',
      unknown: 'Production Admin rights are not decided for {count} contractor(s): {reason}.',
      noRegister: 'Contractors could not be told apart from employees: {reason}; {count} production project Admin(s) are listed as not checked.',
      noRoles: 'Production Admin rights could not be checked: {reason}.',
    },
    options,
    needs: ['access register (kind)', 'project roles (direct and through groups)', 'production projects (config or name pattern)'],
  },
  check(snapshot, { kinds }) {
    if (!snapshot.grants) return [unknownResult(snapshot, [], { reason: 'no source gave project roles (User Management API or members export)' }, [], 'noRoles')];
    const prod = productionIds(snapshot);
    const isProdAdmin = (g: Grant) => prod.has(g.projectId) && g.level === 'admin';
    if (!snapshot.register) {
      const admins = presentMembers(snapshot).filter((m) => grantsOf(snapshot, m.email).some(isProdAdmin));
      return [unknownResult(snapshot, admins.map((m) => ({ id: m.email })), { reason: NO_REGISTER }, [], 'noRegister')];
    }
    const results: RuleResult[] = [];
    const undecided: Undecided[] = [];
    const entries = snapshot.register.filter((e) => kinds.includes(e.kind)).sort((a, b) => cmp(a.email, b.email));
    for (const entry of entries) {
      const member = findMember(snapshot, entry.email);
      if (member && !isPresentMember(member)) continue;
      const grants = grantsOf(snapshot, entry.email);
      const admin = grants.filter(isProdAdmin).sort((a, b) => cmp(a.projectId, b.projectId) || cmp(grantVia(a), grantVia(b)));
      if (admin.length === 0) {
        const custom = grants.find((g) => prod.has(g.projectId) && g.level === 'unknown');
        if (custom) undecided.push({ id: entry.email, why: `custom role "${custom.roleName}" on ${projectLabel(snapshot, custom.projectId)} is not mapped to a level` });
        continue;
      }
      const subject = personSubject(snapshot, entry);
      const projects = new Set(admin.map((g) => g.projectId));
      const prodReasons = [...projects].map((id) => {
        const p = snapshot.projects.find((x) => x.id === id);
        return ev('Production project', `${projectLabel(snapshot, id)}: ${p?.environmentReason ?? 'production'}`, 'config');
      });
      results.push({
        subject,
        messageId: 'productionAdmin',
        data: {
          member: subject.label,
          kind: entry.kind,
          company: entry.company ?? 'company not recorded',
          count: projects.size,
          projects: admin.map((g) => `${projectLabel(snapshot, g.projectId)} ${grantVia(g)}`).join('; '),
        },
        evidence: [...admin.map((g) => grantEvidence(snapshot, g)), ...prodReasons, registerEvidence(entry)],
        ...withProjects(projects),
      });
    }
    if (undecided.length > 0) {
      results.push(unknownResult(snapshot, undecided, { reason: 'a custom role on a production project is not mapped to a level in policy.customRoles' }));
    }
    return results;
  },
});
