import { z } from 'zod';
import type { OrgRole } from '../domain/model.js';
import { activeMembers, ev, membersKnown, orgRoleCensus, orgRoleEvidence, orgRoleUnknownReason, orgSubject, plural, unknownResult } from './lib.js';
import { defineRule } from './types.js';

const options = z.object({
  min: z.number().int().min(1).default(2).describe('Fewest active organization Admins needed'),
  countOwners: z.boolean().default(false).describe('Count Owners towards the minimum as well (by default only the Admin role counts)'),
});

export default defineRule({
  meta: {
    id: 'org-admin-minimum',
    title: 'The organization has at least {min} active Admins',
    severity: 'medium',
    description:
      'Counts the active members whose organization role is Admin and reports the organization when there are fewer than the minimum ' +
      '(default 2). Pending invitations do not count: they cannot administer anything yet. Owners are left to org-owner-count and kept ' +
      'for ownership and billing, so by default they do not count here (option countOwners).',
    risk:
      'With a single administrator, one departure, lost device or locked account leaves nobody to manage members, SSO or security ' +
      'settings but the Owners, who then do routine administration with the most powerful accounts; and every administrative change ' +
      'depends on one person without a second pair of eyes.',
    remediation: [
      'Choose a second, named person (not a shared account) to act as backup administrator and get the approval recorded.',
      'In Amplitude go to Settings → Members & Groups, open that member and set the organization role to Admin.',
      'Add the person and the approval to the access register (scope `org:admin`).',
    ],
    messages: {
      under: 'The organization has {admins}; at least {min} are needed so that losing one account does not lock administration out.',
      unknown:
        'The number of active Admins is not decided: {known} known, below the minimum of {min}, and the organization role of {subjects} is unknown ({reason}).',
      noMembers: 'The number of active Admins (at least {min} needed) is not decided: neither SCIM nor the members export was read.',
    },
    options,
    needs: ['members (status)', 'organization roles (members export)'],
  },
  check(snapshot, { min, countOwners }) {
    const roles: OrgRole[] = countOwners ? ['owner', 'admin'] : ['admin'];
    const census = orgRoleCensus(activeMembers(snapshot), roles);
    const count = census.holders.length;
    if (count >= min) return [];
    if (!membersKnown(snapshot)) {
      // No member list at all: "0 admins" would be a false finding.
      return [unknownResult(snapshot, [], { min }, [], 'noMembers')];
    }
    const noun: [string, string] = countOwners ? ['active Admin or Owner', 'active Admins or Owners'] : ['active Admin', 'active Admins'];
    if (census.unknown.length > 0) {
      return [
        unknownResult(
          snapshot,
          census.unknown.map((m) => ({ id: m.email, why: 'organization role unknown' })),
          { subjects: plural(census.unknown.length, 'active member'), known: count, min, reason: orgRoleUnknownReason(snapshot) },
          [ev(`Known ${noun[1]}`, count), ...orgRoleEvidence(census.holders)],
        ),
      ];
    }
    return [
      {
        subject: orgSubject(snapshot),
        messageId: 'under',
        data: { count, admins: plural(count, noun[0], noun[1]), min },
        evidence: [ev(roleLabel(noun[1]), count), ev('Needed', min), ...orgRoleEvidence(census.holders)],
      },
    ];
  },
});

function roleLabel(noun: string): string {
  return noun[0]!.toUpperCase() + noun.slice(1);
}
