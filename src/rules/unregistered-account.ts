import { z } from 'zod';
import { compact, ev, evFact, memberProjects, memberSubject, plural, presentMembers, registerEntry, roleName, sourceAvailable, unknownResult } from './lib.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({});

export default defineRule({
  meta: {
    id: 'unregistered-account',
    title: 'Every member has an entry in the access register',
    severity: 'medium',
    description:
      'Reports each active or invited member whose email (compared case-insensitively) has no row in the organization\'s access register. ' +
      'The register records who approved the access, what kind of person holds it (employee, contractor, service, vendor) and until when.',
    risk:
      'An account without a register entry has no recorded owner, approver, purpose or end date. Nobody will remove it when the person ' +
      'leaves or the contract ends, and an auditor cannot see that the access was ever approved.',
    remediation: [
      'Find out who the account belongs to and who approved it (Settings → Members & Groups shows when it was invited and its roles).',
      'If the access is legitimate, add a row to the access register with kind, approver, approval date, scope and, for contractors, the end date.',
      'If nobody can justify it, remove the member in Settings → Members & Groups (or from the identity-provider group when SCIM provisions it).',
    ],
    messages: {
      missing: '{member} has access to Amplitude but no entry in the access register.',
      unknown: 'Register entries not checked for {subjects}: {reason}.',
    },
    options,
    needs: ['members', 'access register'],
  },
  check(snapshot) {
    const members = presentMembers(snapshot);
    if (!snapshot.register) {
      if (members.length === 0) return [];
      const configured = snapshot.sources.find((s) => s.source === 'register')?.configured ?? false;
      const reason = !configured ? 'no access register is configured (sources.register)' : sourceAvailable(snapshot, 'register') ? 'the access register was not read' : 'the access register could not be read';
      return [unknownResult(snapshot, members.map((m) => ({ id: m.email })), { subjects: plural(members.length, 'member'), reason })];
    }
    const results: RuleResult[] = [];
    for (const m of members) {
      if (registerEntry(snapshot, m.email)) continue;
      const regSource = snapshot.sources.find((s) => s.source === 'register');
      results.push({
        subject: memberSubject(m),
        messageId: 'missing',
        projects: memberProjects(snapshot, m.email),
        data: { member: m.email },
        evidence: compact([
          ev('Register entry', 'none for this email', 'register', regSource?.pulledAt),
          evFact('Status', m.status),
          evFact('Organization role', m.orgRole, roleName),
          evFact('Invited', m.invitedOn),
          ev('Seen in', m.seenIn.join(', ')),
        ]),
      });
    }
    return results;
  },
});
