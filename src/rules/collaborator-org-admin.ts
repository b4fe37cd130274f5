import { z } from 'zod';
import { PERSON_KINDS, type PersonKind } from '../domain/model.js';
import {
  cmp,
  compact,
  ev,
  evFact,
  findMember,
  formatScopeItem,
  isOrgAdminOrOwner,
  isPresentMember,
  memberProjects,
  orgRoleOf,
  orgRoleUnknownReason,
  presentMembers,
  roleName,
  scopeCovers,
  unknownResult,
  withProjects,
  type Undecided,
} from './lib.js';
import { NO_REGISTER, personSubject, registerEvidence } from './support/access.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({
  kinds: z
    .array(z.enum(PERSON_KINDS as [PersonKind, ...PersonKind[]]))
    .default(['contractor', 'vendor'])
    .describe('Register kinds that count as external collaborators'),
});

export default defineRule({
  meta: {
    id: 'collaborator-org-admin',
    title: 'External collaborators do not hold organization Admin or Owner',
    severity: 'high',
    description:
      'Reports every person the access register lists as an external collaborator (kind contractor or vendor, configurable) who ' +
      'holds the organization role Admin or Owner, as an active member or with a pending invitation. Organization roles come ' +
      'from the members export; a collaborator whose organization role is unknown is not decided, and without a register the ' +
      'organization\'s Admins and Owners are listed as not decided. A register scope that approves the role is shown in the ' +
      'evidence but does not clear the finding: record an exception for an approved case.',
    risk:
      'An organization Admin can add and remove members, change roles, configure SSO and integrations and open every project; ' +
      'an Owner also controls billing and ownership. In the hands of someone outside the company, these rights let one ' +
      'compromised contractor account take over the organization or grant others access, and they are rarely needed for ' +
      'work scoped to particular projects.',
    remediation: [
      'Check the engagement\'s statement of work: organization administration is rarely in scope; project Admin on the projects they work on usually is enough.',
      'In Amplitude go to Settings → Members & Groups, open the person and change the organization role to Member (grant project roles on the needed projects instead).',
      'If the role is set through SSO/SCIM attribute mapping, change it in the identity provider so the next sync does not restore it.',
      'If organization administration is genuinely part of the contract, record the approval in the register and an exception with an expiry date, and review it every quarter.',
    ],
    messages: {
      orgAdmin: '{member}, a {kind} ({company}), holds the organization role {role}.',
      unknown: 'Organization roles of {count} external collaborator(s) are not decided: {reason}.',
      noRegister: 'External collaborators could not be told apart from employees: {reason}; {count} organization Admin(s)/Owner(s) are listed as not checked.',
    },
    options,
    needs: ['access register (kind)', 'members', 'organization roles (members export)'],
  },
  check(snapshot, { kinds }) {
    if (!snapshot.register) {
      const admins = presentMembers(snapshot).filter((m) => isOrgAdminOrOwner(orgRoleOf(m)));
      return [
        unknownResult(
          snapshot,
          admins.map((m) => ({ id: m.email, why: `organization ${roleName(orgRoleOf(m)!)}` })),
          { reason: NO_REGISTER },
          [],
          'noRegister',
        ),
      ];
    }
    const results: RuleResult[] = [];
    const undecided: Undecided[] = [];
    const entries = snapshot.register.filter((e) => kinds.includes(e.kind)).sort((a, b) => cmp(a.email, b.email));
    for (const entry of entries) {
      const member = findMember(snapshot, entry.email);
      if (!member || !isPresentMember(member)) continue;
      const role = orgRoleOf(member);
      if (role === undefined) {
        undecided.push({ id: entry.email, why: 'organization role unknown' });
        continue;
      }
      if (!isOrgAdminOrOwner(role)) continue;
      const subject = personSubject(snapshot, entry);
      const approved = scopeCovers(snapshot, entry.scope, { kind: 'org', role });
      results.push({
        subject,
        messageId: 'orgAdmin',
        data: { member: subject.label, kind: entry.kind, company: entry.company ?? 'company not recorded', role: roleName(role) },
        evidence: [
          ...compact([evFact('Organization role', member.orgRole, roleName), evFact('Account status', member.status)]),
          registerEvidence(entry),
          ev('Approved scope', approved ? `${formatScopeItem(approved)} (the register approves the role)` : entry.scope.length > 0 ? entry.scope.map(formatScopeItem).join('; ') : 'none', 'register', entry.pulledAt),
        ],
        ...withProjects(memberProjects(snapshot, entry.email)),
      });
    }
    if (undecided.length > 0) results.push(unknownResult(snapshot, undecided, { reason: orgRoleUnknownReason(snapshot) }));
    return results;
  },
});
