import { z } from 'zod';
import { orgRoleCountResults } from './lib.js';
import { defineRule } from './types.js';

const options = z.object({
  max: z.number().int().min(1).default(2).describe('Most organization Owners allowed'),
});

export default defineRule({
  meta: {
    id: 'org-owner-count',
    title: 'The organization has at most {max} Owners',
    severity: 'high',
    description:
      'Counts the members (active or with a pending invitation) whose organization role is Owner and reports the organization when ' +
      'there are more than the allowed number (default 2). Organization roles come from the members export.',
    risk:
      'An Owner controls everything: billing, SSO and SCIM settings, every project, every member and ownership itself. Each extra ' +
      'Owner is one more account whose compromise hands over the whole organization, and ownership spread over many people blurs accountability.',
    remediation: [
      'Decide with the security lead which people must remain Owners (typically one primary and one backup).',
      'For every other Owner: in Amplitude go to Settings → Members & Groups, open the member and change the organization role to Admin or Member.',
      'If a role is managed through SSO/SCIM attribute mapping, change it in the identity provider so the next sync does not restore it.',
      'Record the change and its approver in the access register.',
    ],
    messages: {
      over: 'The organization has {count} Owners; at most {max} are allowed.',
      unknown: 'The number of Owners is not decided: {known} known, and the organization role of {subjects} is unknown, which could bring the count above {max} ({reason}).',
    },
    options,
    needs: ['members', 'organization roles (members export)'],
  },
  check(snapshot, { max }) {
    return orgRoleCountResults(snapshot, ['owner'], max, 'Owners');
  },
});
