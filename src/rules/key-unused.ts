import { z } from 'zod';
import { ev, unknownResult, withProjects, type Undecided } from './lib.js';
import { daysSince, keyEvidence, keySubject, NO_INVENTORY, sortedKeys } from './support/keys.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({
  days: z.number().int().min(1).default(90).describe('A key is unused when its last recorded use is this many days ago or more'),
});

export default defineRule({
  meta: {
    id: 'key-unused',
    title: 'Every API key has been used within the last {days} days',
    severity: 'low',
    description:
      'Reads the last-used date of each key in the API key inventory and reports keys whose last use is N or more local days ' +
      '(default 90) before the evaluation date. Amplitude has no API that lists keys or their usage, so the date comes from ' +
      'the inventory the admins keep; a key whose last use is not recorded is not decided.',
    risk:
      'A key nobody uses still works. It sits in old scripts, retired integrations or a former colleague\'s notes, and if it leaks ' +
      'nobody will notice unusual calls because nobody expects any. Removing unused keys shrinks what an attacker can find and ' +
      'makes the remaining inventory trustworthy.',
    remediation: [
      'Ask the key\'s owner (inventory "owner" column) whether any integration still needs it; check the "stored in" location for consumers.',
      'If it is not needed: delete it in Amplitude (project keys in the project\'s settings under Settings → Organization Settings → Projects → <project> → General, organization keys in Settings → Organization Settings → API Keys; organization-level keys through Amplitude Support), then remove it from the secret store.',
      'Remove the key\'s row from the inventory, or, when it must stay as a standby credential, record an exception with an expiry date.',
      'If it is still needed, update last_used_on in the inventory so the next review sees the current date.',
    ],
    messages: {
      unused: '{key} was last used on {lastUsed}, {days} days ago; keys unused for {limit} days or more should be removed.',
      unknown: 'Key use is not decided for {count} API key(s): {reason}.',
      noInventory: 'API key use could not be checked: {reason}.',
    },
    options,
    needs: ['API key inventory (last_used_on)'],
  },
  check(snapshot, { days }) {
    if (!snapshot.keys) return [unknownResult(snapshot, [], { reason: NO_INVENTORY }, [], 'noInventory')];
    const results: RuleResult[] = [];
    const undecided: Undecided[] = [];
    for (const key of sortedKeys(snapshot.keys)) {
      if (!key.lastUsedOn) {
        undecided.push({ id: key.ref, why: 'last_used_on is blank' });
        continue;
      }
      const age = daysSince(snapshot, key.lastUsedOn);
      if (age < days) continue;
      const subject = keySubject(snapshot, key);
      results.push({
        subject,
        messageId: 'unused',
        data: { key: subject.label, lastUsed: key.lastUsedOn, days: age, limit: days },
        evidence: [...keyEvidence(key), ev('Days since last use', age), ev('Limit', `${days} days`)],
        ...withProjects([key.projectId]),
      });
    }
    if (undecided.length > 0) {
      results.push(unknownResult(snapshot, undecided, { reason: 'the inventory does not record when they were last used' }));
    }
    return results;
  },
});
