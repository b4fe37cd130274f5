import { z } from 'zod';
import { cmp, ev, findMember, localDate, localDateTime, memberSubject, periodEventGap, unknownResult } from './lib.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({
  threshold: z.number().int().min(1).default(10).describe('Failed logins for one account within any 60-minute window that are reported'),
});

export default defineRule({
  meta: {
    id: 'failed-login-burst',
    title: 'No account has {threshold} or more failed logins within 60 minutes',
    severity: 'medium',
    description:
      'Looks at the audit log of the period and reports each account (member or not) with N or more failed logins (default 10) inside ' +
      'any 60-minute window. A login entry that carries an error counts as a failure. The worst window per account is shown.',
    risk:
      'Many failed logins in a short time are the signature of password guessing or credential stuffing against that account. Even when ' +
      'they stop, someone may have found a working password elsewhere; an attack against an administrator puts the whole organization at stake.',
    remediation: [
      'Contact the account holder through a known channel (not by replying to anything the attempts produced) and ask whether the attempts were theirs.',
      'If not, or if unsure: have them reset the password, end their sessions and enrol multi-factor authentication; for SSO users, ask the identity-provider team to check the sign-in logs.',
      'Enforce SSO or MFA for the organization in Settings → Organization Settings → Security, and consider an IP allowlist there.',
      'Check the audit log (Settings → Organization Settings → Activity Log) for successful logins and exports by the account after the burst.',
    ],
    messages: {
      burst: '{account} had {count} failed logins within 60 minutes ({start} to {end}); {threshold} or more are reported.',
      unknown: 'Failed logins are not fully checked: {reason}.',
    },
    options,
    needs: ['audit-log failed logins (activity.worstFailedBurst)', 'audit-log coverage of the period'],
  },
  check(snapshot, { threshold }) {
    const results: RuleResult[] = [];
    const emails = [...snapshot.activity.keys()].sort(cmp);
    for (const email of emails) {
      const a = snapshot.activity.get(email)!;
      const b = a.worstFailedBurst;
      if (!b || b.count < threshold) continue;
      const m = findMember(snapshot, email);
      results.push({
        subject: memberSubject(m ?? email),
        messageId: 'burst',
        data: { account: email, count: b.count, start: localDateTime(b.start, snapshot.timezone), end: localDateTime(b.end, snapshot.timezone), threshold },
        evidence: [
          ev('Failed logins in the window', b.count, 'audit-logs'),
          ev('Window start', b.start, 'audit-logs', b.start),
          ev('Window end', b.end, 'audit-logs', b.end),
          ev('Failed logins in the period', a.failedLoginsInPeriod, 'audit-logs'),
          ev('Successful logins in the period', a.loginsInPeriod, 'audit-logs'),
          ev('Member of the organization', m ? 'yes' : 'no'),
          ...(a.lastLogin ? [ev('Last successful login', localDate(a.lastLogin, snapshot.timezone), 'audit-logs', a.lastLogin)] : []),
        ],
      });
    }
    const gap = periodEventGap(snapshot);
    if (gap) results.push(unknownResult(snapshot, [], { reason: gap }));
    return results;
  },
});
