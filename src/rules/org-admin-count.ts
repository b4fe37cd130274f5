import { z } from 'zod';
import { orgRoleCountResults } from './lib.js';
import { defineRule } from './types.js';

const options = z.object({
  max: z.number().int().min(1).default(4).describe('Most organization Admins and Owners allowed together'),
});

export default defineRule({
  meta: {
    id: 'org-admin-count',
    title: 'The organization has at most {max} Admins and Owners together',
    severity: 'medium',
    description:
      'Counts the members (active or with a pending invitation) whose organization role is Admin or Owner and reports the organization ' +
      'when there are more than the allowed number (default 4). Organization roles come from the members export.',
    risk:
      'Organization Admins can add and remove members, change SSO, manage integrations and reach every project. Most people need only ' +
      'project roles; every unnecessary Admin widens the set of accounts whose compromise or mistake affects the whole organization.',
    remediation: [
      'Review each Admin with their manager: keep organization Admin only for people who administer members, SSO or billing.',
      'For the others: in Amplitude go to Settings → Members & Groups, open the member, set the organization role to Member and grant Admin only on the projects they manage.',
      'If roles are managed through SSO/SCIM, change the mapping in the identity provider so the next sync does not restore them.',
      'Record each change and its approver in the access register.',
    ],
    messages: {
      over: 'The organization has {count} Admins and Owners; at most {max} are allowed.',
      unknown:
        'The number of Admins and Owners is not decided: {known} known, and the organization role of {subjects} is unknown, which could bring the count above {max} ({reason}).',
    },
    options,
    needs: ['members', 'organization roles (members export)'],
  },
  check(snapshot, { max }) {
    return orgRoleCountResults(snapshot, ['owner', 'admin'], max, 'Admins and Owners');
  },
});
