import { z } from 'zod';
import { PERSON_KINDS, type PersonKind } from '../domain/model.js';
import { cmp, datePassed, daysUntil, ev, plural, unknownResult, withProjects } from './lib.js';
import { heldAccess, NO_REGISTER, personSubject, registerEvidence } from './support/access.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({
  days: z.number().int().min(0).default(14).describe('Report engagements that end within this many days'),
  kinds: z
    .array(z.enum(PERSON_KINDS as [PersonKind, ...PersonKind[]]))
    .default(['contractor'])
    .describe('Register kinds checked (default: contractors)'),
});

export default defineRule({
  meta: {
    id: 'contractor-expiring',
    title: 'Contractor offboarding is planned before the engagement ends',
    severity: 'info',
    description:
      'A heads-up for the admins: lists every access-register contractor whose end date is today or within the next N days ' +
      '(default 14), so the removal can be scheduled before contractor-expired turns it into a high finding. People who are ' +
      'already known to hold no access and no keys are left out. A missing end date is reported by contractor-expired, not here.',
    risk:
      'Offboarding that starts only after the end date leaves a window in which a former contractor still has access. ' +
      'Planning it ahead also gives time to transfer the dashboards, cohorts and keys they own.',
    remediation: [
      'Confirm the end date with the approver named in the register; if the engagement is extended, update end_date in the register.',
      'Schedule the removal for the end date: in Amplitude, Settings → Members & Groups → the person → remove their project roles and remove them from the organization (or from the identity-provider group when SCIM provisions them).',
      'Ask them to hand over dashboards, notebooks and cohorts, and list the API keys they own (key inventory) so they can be rotated on the last day.',
    ],
    messages: {
      expiring: 'The engagement of {member} ends on {endDate} ({when}); plan the removal of their access ({held}).',
      noRegister: 'Contractor end dates could not be checked: {reason}.',
    },
    options,
    needs: ['access register (kind, end_date)', 'members', 'project roles', 'API key inventory (owner)'],
  },
  check(snapshot, { days, kinds }) {
    if (!snapshot.register) return [unknownResult(snapshot, [], { reason: NO_REGISTER }, [], 'noRegister')];
    const tz = snapshot.timezone;
    const results: RuleResult[] = [];
    const entries = snapshot.register.filter((e) => kinds.includes(e.kind)).sort((a, b) => cmp(a.email, b.email));
    for (const entry of entries) {
      if (!entry.endDate || datePassed(entry.endDate, snapshot.at, tz)) continue;
      const left = daysUntil(entry.endDate, snapshot.at, tz);
      if (left > days) continue;
      const access = heldAccess(snapshot, entry.email);
      if (access.holds === 'no') continue;
      const subject = personSubject(snapshot, entry);
      results.push({
        subject,
        messageId: 'expiring',
        data: {
          member: subject.label,
          endDate: entry.endDate,
          when: left === 0 ? 'today' : `in ${plural(left, 'day')}`,
          held: access.holds === 'yes' ? access.summary : 'what they hold is not fully known',
        },
        evidence: [registerEvidence(entry), ev('Days left', left), ...access.evidence],
        ...withProjects(access.grants.map((g) => g.projectId)),
      });
    }
    return results;
  },
});
