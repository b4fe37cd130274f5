import { z } from 'zod';
import { dormancyEvidence, dormancyMessage, undecidedDormancy } from './dormant-account.js';
import { activeMembers, coverageShortfall, inactivityOf, memberSubject, plural, unknownResult, type Undecided } from './lib.js';
import { defineRule, type RuleResult } from './types.js';

const options = z
  .object({
    days: z.number().int().min(1).default(30).describe('Notify members after this many days without a login'),
    dormantDays: z
      .number()
      .int()
      .min(1)
      .default(60)
      .describe('Where dormancy starts; follows dormant-account.days when left out, and must equal it when set (members at or past it are left to dormant-account)'),
  })
  .refine((o) => o.days < o.dormantDays, { message: 'days must be smaller than dormantDays (which follows policy.dormant-account.days unless set): the notice comes before dormancy', path: ['days'] });

export default defineRule({
  meta: {
    id: 'dormant-account-notice',
    title: 'Members are reminded before their accounts become dormant (no login for {days} days)',
    severity: 'low',
    description:
      'Lists active members whose last login is M or more (default 30) but fewer than N (default 60) days before the evaluation time: ' +
      'they are approaching dormancy. Members already dormant are reported by dormant-account and are not repeated here. ' +
      'The monthly dormancy notice mails this list so owners can confirm or give up the access before the quarterly review.',
    risk:
      'Access that is about to go unused is cheapest to clean up while the person still remembers why they had it; waiting until the ' +
      'quarterly review turns a quick question into an investigation.',
    remediation: [
      'Ask each listed member (or their manager) whether they still need Amplitude access.',
      'If not: remove the member in Settings → Members & Groups (or from the identity-provider group when SCIM provisions the account).',
      'If yes: no change is needed; a login within the remaining days clears the notice.',
    ],
    messages: {
      login: '{member} last logged in {days} days ago ({lastLogin}); the account becomes dormant at {limit} days.',
      invite: '{member} has not logged in since being invited on {invited} ({days} days ago); the account becomes dormant at {limit} days.',
      coverage: '{member} has not logged in since at least {since} ({days} days); the account becomes dormant at {limit} days.',
      unknown: 'Approaching dormancy not decided for {subjects}: {reason}.',
    },
    options,
    needs: ['members (status or SCIM active)', 'audit-log logins (activity.lastLogin)', 'audit-log coverage', 'invite dates'],
  },
  check(snapshot, { days, dormantDays }) {
    const results: RuleResult[] = [];
    const undecided: Undecided[] = [];
    for (const m of activeMembers(snapshot)) {
      const d = inactivityOf(snapshot, m);
      if (d.hi < days) continue; // logged in recently
      if (d.lo >= dormantDays) continue; // already dormant: dormant-account reports it
      if (d.lo < days || d.hi >= dormantDays) {
        undecided.push(undecidedDormancy(snapshot, m, d));
        continue;
      }
      results.push({ subject: memberSubject(m), ...dormancyMessage(snapshot, m, d, dormantDays), evidence: dormancyEvidence(snapshot, m, d) });
    }
    if (undecided.length > 0) results.push(unknownResult(snapshot, undecided, { subjects: plural(undecided.length, 'active member'), reason: coverageShortfall(snapshot, dormantDays) }));
    return results;
  },
});
