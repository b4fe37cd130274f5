import { z } from 'zod';
import type { Evidence } from '../domain/findings.js';
import type { Member } from '../domain/model.js';
import type { Snapshot } from '../domain/snapshot.js';
import {
  compact,
  daysBetween,
  ev,
  evFact,
  invitedAt,
  isActiveMember,
  isBefore,
  localDate,
  memberProjects,
  memberStatus,
  memberSubject,
  normEmail,
  plural,
  unknownResult,
  type Undecided,
} from './lib.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({
  days: z.number().int().min(1).default(14).describe('Invitations not accepted after this many days are reported'),
});

type Pending = { kind: 'pending'; invited: string; basis: 'status' | 'audit-log' } | { kind: 'joined' } | { kind: 'undecided'; why: string };

/**
 * Whether a member's invitation is still pending. The members export says so directly; without it
 * (SCIM lists pending and joined members alike) an invitation inside the complete audit log with
 * no login after it is pending, and any recorded login means the member joined.
 */
function pendingState(snapshot: Snapshot, m: Member): Pending {
  const status = memberStatus(m);
  const invited = invitedAt(snapshot, m);
  if (status === 'invited') {
    return invited ? { kind: 'pending', invited, basis: 'status' } : { kind: 'undecided', why: 'invitation date unknown' };
  }
  if (status !== 'unknown' || !isActiveMember(m)) return { kind: 'joined' };
  if (snapshot.activity.get(normEmail(m.email))?.lastLogin) return { kind: 'joined' };
  const since = snapshot.coverage.continuousSince;
  if (invited && since && !isBefore(invited, since)) return { kind: 'pending', invited, basis: 'audit-log' };
  return { kind: 'undecided', why: invited ? `invited ${localDate(invited, snapshot.timezone)}, before the complete audit log` : 'no login and no invitation recorded' };
}

function evidenceFor(snapshot: Snapshot, m: Member, p: Extract<Pending, { kind: 'pending' }>): Evidence[] {
  const tz = snapshot.timezone;
  return compact([
    ev('Invited', localDate(p.invited, tz), m.invitedOn ? m.invitedOn.source : 'audit-logs', p.invited),
    p.basis === 'status'
      ? evFact('Status', m.status)
      : ev('Status', `no login since the invitation (audit log complete since ${localDate(snapshot.coverage.continuousSince!, tz)})`, 'audit-logs'),
    ev('Evaluated at', snapshot.at),
  ]);
}

export default defineRule({
  meta: {
    id: 'pending-invite',
    title: 'Invitations are accepted within {days} days',
    severity: 'low',
    description:
      'Reports each invitation that has not been accepted N or more days (default 14) after it was sent. The members export gives the ' +
      'invitation status; without it, an invitation recorded in the audit log with no login since counts as pending.',
    risk:
      'A pending invitation is a standing offer of access: whoever controls the invited mailbox (a mistyped address, a former employee, ' +
      'a vendor\'s shared inbox) can accept it later and walk in with the roles chosen weeks ago, often after the reason for the access is gone.',
    remediation: [
      'Ask the person who requested the access whether it is still needed.',
      'If not: in Amplitude go to Settings → Members & Groups, find the pending invitation and revoke it (with SCIM, deactivate the user in the identity provider).',
      'If yes: have the invitee accept it now, or revoke it and send a new invitation when they are ready.',
    ],
    messages: {
      pending: '{member} was invited on {invited} ({days} days ago) and has not accepted; invitations should be accepted within {limit} days.',
      unknown: 'Invitation acceptance not decided for {subjects}: {reason}.',
    },
    options,
    needs: ['members (status from the members export)', 'invite dates (members export or audit log)', 'audit-log logins and coverage when the members export is missing'],
  },
  check(snapshot, { days }) {
    const results: RuleResult[] = [];
    const undecided: Undecided[] = [];
    const members = [...snapshot.members].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
    for (const m of members) {
      const p = pendingState(snapshot, m);
      if (p.kind === 'joined') continue;
      if (p.kind === 'undecided') {
        undecided.push({ id: m.email, why: p.why });
        continue;
      }
      const age = daysBetween(p.invited, snapshot.at, snapshot.timezone);
      if (age < days) continue;
      results.push({
        subject: memberSubject(m),
        messageId: 'pending',
        data: { member: m.email, invited: localDate(p.invited, snapshot.timezone), days: age, limit: days },
        evidence: evidenceFor(snapshot, m, p),
        projects: memberProjects(snapshot, m.email),
      });
    }
    if (undecided.length > 0) {
      results.push(
        unknownResult(snapshot, undecided, {
          subjects: plural(undecided.length, 'member'),
          reason:
            'SCIM does not tell a pending invitation from a joined member; the members export gives no status or invitation date for them, and the audit log shows neither a login nor an invitation inside its complete span',
        }),
      );
    }
    return results;
  },
});
