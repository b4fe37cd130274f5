import { z } from 'zod';
import type { Evidence } from '../domain/findings.js';
import { PERSON_KINDS, type PersonKind } from '../domain/model.js';
import { datePassed, ev, evFact, findMember, membersKnown, registerEntry, registerKnown, unknownResult, withProjects, type Undecided } from './lib.js';
import { accountDeactivated, inMemberList } from './support/access.js';
import { keyEvidence, keySubject, NO_INVENTORY, sortedKeys } from './support/keys.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({
  kinds: z
    .array(z.enum(PERSON_KINDS as [PersonKind, ...PersonKind[]]))
    .default(['contractor'])
    .describe('Register kinds whose end date ends key ownership (SPEC: contractors)'),
});

/** `a`, `a and b`, `a, b and c`. */
function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export default defineRule({
  meta: {
    id: 'key-orphaned',
    title: 'Every API key is owned by a current, registered member',
    severity: 'high',
    description:
      'Checks the owner of each key in the API key inventory against the organization: the owner is deactivated in Amplitude, ' +
      'no longer a member (only decided when SCIM or the members export lists the members), has no entry in the access register, ' +
      'or is a contractor whose register end date has passed. The evidence says which of these apply. A key whose owner is not ' +
      'recorded, or whose owner cannot be checked because a source is missing, is not decided.',
    risk:
      'A key outlives the person who created it: it keeps working after they leave, and nobody is left who knows where it is ' +
      'stored, who uses it, or whether it leaked. Keys owned by departed contractors are the classic path for data to keep ' +
      'flowing to a party whose contract has ended.',
    remediation: [
      'Find the integration that uses the key from the inventory\'s "stored in" column and name a current employee as its owner.',
      'If the previous owner had access to the key value (always true for the creator), rotate it: create a new key (project keys in the project\'s settings under Settings → Organization Settings → Projects, organization keys in Settings → Organization Settings → API Keys or through Amplitude Support), update the integration, then delete the old key.',
      'If nothing uses the key any more, delete it in Amplitude and remove it from the secret store.',
      'Update the owner (and rotated_on) in the key inventory so the next review sees the new owner.',
    ],
    messages: {
      orphaned: '{key} is owned by {owner}, who {reasons}.',
      unknown: 'Key ownership is not decided for {count} API key(s): {reason}.',
      noInventory: 'Key ownership could not be checked: {reason}.',
    },
    options,
    needs: ['API key inventory (owner)', 'members (SCIM or members export)', 'access register'],
  },
  check(snapshot, { kinds }) {
    if (!snapshot.keys) return [unknownResult(snapshot, [], { reason: NO_INVENTORY }, [], 'noInventory')];
    const tz = snapshot.timezone;
    const results: RuleResult[] = [];
    const undecided: Undecided[] = [];
    const whyUnknown = new Set<string>();
    for (const key of sortedKeys(snapshot.keys)) {
      if (!key.owner) {
        undecided.push({ id: key.ref, why: 'no owner recorded in the inventory' });
        whyUnknown.add('the inventory names no owner');
        continue;
      }
      const owner = key.owner;
      const member = findMember(snapshot, owner);
      const reasons: string[] = [];
      const evidence: Evidence[] = [];
      const gaps: string[] = [];

      if (member && accountDeactivated(member)) {
        reasons.push('is deactivated in Amplitude');
        const fact = evFact('Owner account status', member.status) ?? evFact('Owner SCIM active', member.scimActive, (v) => (v ? 'yes' : 'no'));
        if (fact) evidence.push(fact);
      } else if (!member || !inMemberList(member)) {
        if (membersKnown(snapshot)) {
          reasons.push('is no longer a member of the organization');
          evidence.push(ev('Owner membership', 'not listed by SCIM or the members export'));
        } else {
          gaps.push('membership unknown (neither SCIM nor the members export was read)');
        }
      }

      if (registerKnown(snapshot)) {
        const entry = registerEntry(snapshot, owner);
        if (!entry) {
          reasons.push('has no entry in the access register');
          evidence.push(ev('Owner register entry', 'none', 'register'));
        } else if (kinds.includes(entry.kind) && entry.endDate && datePassed(entry.endDate, snapshot.at, tz)) {
          reasons.push(`is a ${entry.kind} whose engagement ended on ${entry.endDate}`);
          evidence.push(ev('Owner register entry', `${entry.kind}, end date ${entry.endDate} (line ${entry.line})`, 'register', entry.pulledAt));
        }
      } else {
        gaps.push('no access register was read');
      }

      if (reasons.length === 0) {
        if (gaps.length > 0) {
          undecided.push({ id: key.ref, why: `owner ${owner}: ${gaps.join('; ')}` });
          for (const g of gaps) whyUnknown.add(g);
        }
        continue;
      }
      const subject = keySubject(snapshot, key);
      results.push({
        subject,
        messageId: 'orphaned',
        data: { key: subject.label, owner, reasons: joinAnd(reasons) },
        evidence: [...keyEvidence(key), ...evidence],
        ...withProjects([key.projectId]),
      });
    }
    if (undecided.length > 0) results.push(unknownResult(snapshot, undecided, { reason: [...whyUnknown].sort().join('; ') }));
    return results;
  },
});
