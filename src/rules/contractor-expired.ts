import { z } from 'zod';
import { PERSON_KINDS, type PersonKind } from '../domain/model.js';
import { cmp, datePassed, daysBetweenDates, ev, localDate, unknownResult, withProjects, type Undecided } from './lib.js';
import { heldAccess, NO_REGISTER, personSubject, registerEvidence } from './support/access.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({
  kinds: z
    .array(z.enum(PERSON_KINDS as [PersonKind, ...PersonKind[]]))
    .default(['contractor'])
    .describe('Register kinds checked (default: contractors; add `vendor` to include vendor staff)'),
});

export default defineRule({
  meta: {
    id: 'contractor-expired',
    title: 'Contractors lose all access and keys when their engagement ends',
    severity: 'high',
    description:
      'For every access-register entry of kind contractor (configurable; vendors are left out by default because SPEC §5 names ' +
      'contractors) whose end date has passed — the evaluation time is after the end of that local day — reports the person if ' +
      'they still hold anything: an active account or a pending invitation, a project role (direct or through a group), an add-on ' +
      'permission, or an API key they own. A contractor without an end date, or whose access cannot be seen because a source is ' +
      'missing, is not decided.',
    risk:
      'Access that survives the contract is access nobody is accountable for: the person is no longer bound by the engagement, ' +
      'their devices are no longer managed by anyone here, and their sessions, exports and keys keep working. Offboarding gaps ' +
      'like this are a standard audit finding and a common source of data leaving the company.',
    remediation: [
      'Confirm with the approver named in the register that the engagement has ended (or get the end date extended in the register).',
      'In Amplitude go to Settings → Members & Groups, open the person, remove every project role and then remove them from the organization (or set the organization role to No Access); when SCIM provisions the account, remove them from the identity-provider group instead so the next sync does not bring them back.',
      'Remove them from every permission group in Members & Groups, and revoke a pending invitation if there is one.',
      'Rotate or delete every API key they own (see the key inventory) and give the integrations a new owner.',
      'Transfer dashboards, notebooks and cohorts they own, export their final activity log for the engagement records, and update the register.',
    ],
    messages: {
      expired: 'The engagement of {member} ended on {endDate} ({days} days ago), but they still have: {held}.',
      unknown: 'Offboarding is not decided for {count} {kind}(s): {reason}.',
      noRegister: 'Contractor end dates could not be checked: {reason}.',
    },
    options,
    needs: ['access register (kind, end_date)', 'members', 'project roles', 'add-on permissions', 'API key inventory (owner)'],
  },
  check(snapshot, { kinds }) {
    if (!snapshot.register) return [unknownResult(snapshot, [], { reason: NO_REGISTER }, [], 'noRegister')];
    const tz = snapshot.timezone;
    const today = localDate(snapshot.at, tz);
    const results: RuleResult[] = [];
    const undecided: Undecided[] = [];
    const why = new Set<string>();
    const entries = snapshot.register.filter((e) => kinds.includes(e.kind)).sort((a, b) => cmp(a.email, b.email));
    for (const entry of entries) {
      if (!entry.endDate) {
        undecided.push({ id: entry.email, why: 'no end date in the register' });
        why.add('the register gives no end date');
        continue;
      }
      if (!datePassed(entry.endDate, snapshot.at, tz)) continue;
      const access = heldAccess(snapshot, entry.email);
      if (access.holds === 'no') continue;
      if (access.holds === 'unknown') {
        undecided.push({ id: entry.email, why: `ended ${entry.endDate}; ${access.summary}` });
        why.add(`their engagement ended but ${access.summary}`);
        continue;
      }
      const subject = personSubject(snapshot, entry);
      results.push({
        subject,
        messageId: 'expired',
        data: { member: subject.label, endDate: entry.endDate, days: daysBetweenDates(entry.endDate, today), held: access.summary },
        evidence: [registerEvidence(entry), ev('Evaluated at', snapshot.at), ...access.evidence],
        ...withProjects(access.grants.map((g) => g.projectId)),
      });
    }
    if (undecided.length > 0) {
      results.push(
        unknownResult(snapshot, undecided, { kind: kinds.join('/'), reason: [...why].sort().join('; ') }),
      );
    }
    return results;
  },
});
