import { z } from 'zod';
import type { Evidence } from '../domain/findings.js';
import type { Member } from '../domain/model.js';
import type { Snapshot } from '../domain/snapshot.js';
import {
  activeMembers,
  compact,
  coverageShortfall,
  ev,
  evFact,
  inactivityOf,
  isOrgAdminOrOwner,
  localDate,
  memberProjects,
  memberSubject,
  orgRoleOf,
  plural,
  roleName,
  unknownResult,
  type Inactivity,
  type Undecided,
} from './lib.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({
  days: z.number().int().min(1).default(60).describe('An active member is dormant after this many days without a login'),
});

/** Evidence shared by both dormancy rules. */
export function dormancyEvidence(snapshot: Snapshot, m: Member, d: Inactivity): Evidence[] {
  const tz = snapshot.timezone;
  return compact([
    d.lastLogin ? ev('Last login', localDate(d.lastLogin, tz), 'audit-logs', d.lastLogin) : ev('Last login', 'none recorded', 'audit-logs'),
    d.invited ? ev('Invited', localDate(d.invited, tz), m.invitedOn ? m.invitedOn.source : 'audit-logs', d.invited) : undefined,
    d.coverageSince ? ev('Audit log complete since', localDate(d.coverageSince, tz), 'audit-logs', d.coverageSince) : undefined,
    evFact('Status', m.status),
    evFact('Organization role', m.orgRole, roleName),
    ev('Evaluated at', snapshot.at),
  ]);
}

/** Message id and data of a dormancy result, by what the inactivity rests on (shared by both dormancy rules). */
export function dormancyMessage(snapshot: Snapshot, m: Member, d: Inactivity, limit: number): Pick<RuleResult, 'messageId' | 'data'> {
  const tz = snapshot.timezone;
  const base = { member: m.email, days: d.lo, limit };
  if (d.basis === 'login') return { messageId: 'login', data: { ...base, lastLogin: localDate(d.lastLogin!, tz) } };
  if (d.basis === 'invite') return { messageId: 'invite', data: { ...base, invited: localDate(d.invited!, tz) } };
  return { messageId: 'coverage', data: { ...base, since: localDate(d.coverageSince!, tz) } };
}

/** A member whose dormancy the audit log cannot decide, for the rule's unknown result. */
export function undecidedDormancy(snapshot: Snapshot, m: Member, d: Inactivity): Undecided {
  return { id: m.email, why: d.lastLogin ? `last recorded login ${localDate(d.lastLogin, snapshot.timezone)}` : 'no login recorded' };
}

export default defineRule({
  meta: {
    id: 'dormant-account',
    title: 'Active members have logged in within the last {days} days',
    severity: 'medium',
    description:
      'Flags every active member whose last successful login is N or more days (default 60) before the evaluation time; ' +
      'a member who never logged in is measured from the invitation. Logins come from the audit log kept in the evidence store, ' +
      'so the check is only decided where that log reaches back N days; otherwise the member is listed as not decided. ' +
      'Dormant organization Owners and Admins are graded high.',
    risk:
      'An account nobody uses still opens every project it can reach. Nobody notices when its credentials are phished or reused, ' +
      'and it often belongs to someone who changed teams or left without an offboarding ticket. Dormant administrators are the worst case: ' +
      'they can add members, change SSO and export data.',
    remediation: [
      'Ask the member (or their manager) whether they still need Amplitude; record the answer in the access ticket.',
      'If the access goes: first transfer dashboards, notebooks and cohorts the member owns to a colleague.',
      'If not needed: in Amplitude go to Settings → Members & Groups, open the member and choose Remove from organization (or set the organization role to No Access); when SCIM provisions the account, remove it from the identity-provider group instead so it is not re-created.',
      'If still needed but the role is higher than the work requires (Owner, Admin), downgrade it in Members & Groups and note the reason.',
      'If the account must stay although unused (e.g. a break-glass admin), record an exception with an expiry date.',
    ],
    messages: {
      login: '{member} has not logged in for {days} days (last login {lastLogin}); accounts are dormant after {limit} days.',
      invite: '{member} has never logged in since being invited on {invited} ({days} days ago); accounts are dormant after {limit} days.',
      coverage:
        '{member} has not logged in since at least {since} ({days} days, as far back as the audit log is complete); accounts are dormant after {limit} days.',
      unknown: 'Dormancy not decided for {subjects}: {reason}.',
    },
    options,
    needs: ['members (status or SCIM active)', 'audit-log logins (activity.lastLogin)', 'audit-log coverage', 'invite dates', 'organization roles (severity)'],
  },
  check(snapshot, { days }) {
    const results: RuleResult[] = [];
    const undecided: Undecided[] = [];
    for (const m of activeMembers(snapshot)) {
      const d = inactivityOf(snapshot, m);
      if (d.hi < days) continue;
      if (d.lo < days) {
        undecided.push(undecidedDormancy(snapshot, m, d));
        continue;
      }
      const result: { -readonly [K in keyof RuleResult]: RuleResult[K] } = {
        subject: memberSubject(m),
        ...dormancyMessage(snapshot, m, d, days),
        evidence: dormancyEvidence(snapshot, m, d),
        projects: memberProjects(snapshot, m.email),
      };
      if (isOrgAdminOrOwner(orgRoleOf(m))) result.severity = 'high';
      results.push(result);
    }
    if (undecided.length > 0) results.push(unknownResult(snapshot, undecided, { subjects: plural(undecided.length, 'active member'), reason: coverageShortfall(snapshot, days) }));
    return results;
  },
});
