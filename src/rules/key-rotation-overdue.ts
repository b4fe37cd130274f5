import { z } from 'zod';
import type { KeyType } from '../domain/model.js';
import { ev, plural, unknownResult, withProjects, type Undecided } from './lib.js';
import { addDays, daysSince, KEY_TYPE_NAMES, NO_INVENTORY, keyEvidence, keySubject, sortedKeys } from './support/keys.js';
import { defineRule, type RuleResult } from './types.js';

const days = (d: number, what: string) => z.number().int().min(1).default(d).describe(what);

const options = z.object({
  periodDays: z
    .object({
      org: days(90, 'Organization API keys and org secret keys: rotate at least every N days'),
      secret: days(180, 'Project secret keys'),
      scim: days(180, 'SCIM keys'),
      project: days(365, 'Project API keys'),
      data: z.number().int().min(1).optional().describe('Data API tokens (default: `other`)'),
      'experiment-deployment': z.number().int().min(1).optional().describe('Experiment deployment keys (default: `other`)'),
      'experiment-management': z.number().int().min(1).optional().describe('Experiment Management API keys (default: `other`)'),
      other: days(365, 'Every other key type'),
    })
    .prefault({})
    .describe('Rotation period per key type, in days'),
  dueSoonDays: z.number().int().min(0).default(14).describe('Report keys due within this many days at severity info (0: off)'),
});

type Options = z.output<typeof options>;

/** Key types whose compromise exposes the whole organization or raw data: overdue rotation is high. */
const HIGH_RISK: readonly KeyType[] = ['org', 'secret', 'scim'];

function periodFor(o: Options, type: KeyType): number {
  const p = o.periodDays;
  switch (type) {
    case 'org':
    case 'secret':
    case 'scim':
    case 'project':
      return p[type];
    default:
      return p[type] ?? p.other;
  }
}

export default defineRule({
  meta: {
    id: 'key-rotation-overdue',
    title: 'API keys are rotated within the period set for their type',
    severity: 'high',
    description:
      'Reads the API key inventory and measures each key from its last rotation (or, when it was never rotated, its creation) to the ' +
      'evaluation date in local days. A key is overdue when that age reaches its type\'s period: 90 days for organization keys, ' +
      '180 for project secret keys and SCIM keys, 365 for project API keys and every other type (all configurable). Overdue ' +
      'organization, secret and SCIM keys are high, other types medium. A key that falls due within the next 14 days is reported ' +
      'by the same rule at severity info, so it can be rotated before it becomes a finding. A key without a created or rotated date ' +
      'is not decided.',
    risk:
      'API keys are long-lived credentials that end up in scripts, CI variables, integrations and laptops. The longer a key lives, ' +
      'the more places and people have seen it, and a leaked key keeps working until it is replaced. Organization keys reach every ' +
      'project and the user-management API, secret keys allow bulk exports, and a SCIM key can create or remove members: these ' +
      'deserve the shortest rotation cycle.',
    remediation: [
      'Find where the key is used from the inventory\'s "stored in" column and tell the owner of that integration.',
      'Create the replacement: for a project API key or secret key open the project in Settings → Organization Settings → Projects and use its General tab (or Settings → Organization Settings → API Keys) to create a new key; for the SCIM key regenerate it in Settings → Organization Settings → SCIM (the old key stops working at once, so update the identity provider right away); organization-level keys are rotated through Amplitude Support.',
      'Put the new key into the secret store the integration reads from and confirm the integration works with it.',
      'Delete or revoke the old key (a revoked key can keep working for a few hours) and watch for failed calls that reveal a missed consumer.',
      'Record the rotation date in the key inventory (rotated_on), so the next check measures from it.',
    ],
    messages: {
      overdue: '{key} was {since}, {age} days ago; {typeName}s must be rotated every {period} days, so rotation was due on {dueOn}.',
      dueSoon: '{key} is due for rotation on {dueOn} (in {inDays}); it was {since} and {typeName}s are rotated every {period} days.',
      unknown: 'Rotation is not decided for {count} API key(s): {reason}.',
      noInventory: 'API key rotation could not be checked: {reason}.',
    },
    options,
    needs: ['API key inventory (type, created_on, rotated_on)'],
  },
  check(snapshot, o) {
    if (!snapshot.keys) {
      return [unknownResult(snapshot, [], { reason: NO_INVENTORY }, [], 'noInventory')];
    }
    const results: RuleResult[] = [];
    const undecided: Undecided[] = [];
    for (const key of sortedKeys(snapshot.keys)) {
      const base = key.rotatedOn ?? key.createdOn;
      if (!base) {
        undecided.push({ id: key.ref, why: 'the inventory gives neither created_on nor rotated_on' });
        continue;
      }
      const period = periodFor(o, key.type);
      const age = daysSince(snapshot, base);
      const daysLeft = period - age;
      const overdue = daysLeft <= 0;
      if (!overdue && daysLeft > o.dueSoonDays) continue;
      const dueOn = addDays(base, period);
      const since = key.rotatedOn ? `last rotated on ${key.rotatedOn}` : `created on ${key.createdOn} and never rotated`;
      const data = { key: keySubject(snapshot, key).label, since, age, period, dueOn, inDays: plural(daysLeft, 'day'), typeName: KEY_TYPE_NAMES[key.type] };
      results.push({
        subject: keySubject(snapshot, key),
        messageId: overdue ? 'overdue' : 'dueSoon',
        data,
        evidence: [
          ...keyEvidence(key),
          ev('Age', `${age} days since ${key.rotatedOn ? 'last rotation' : 'creation'}`),
          ev('Rotation period', `${period} days (${KEY_TYPE_NAMES[key.type]})`),
          ev('Rotation due', dueOn),
        ],
        severity: overdue ? (HIGH_RISK.includes(key.type) ? 'high' : 'medium') : 'info',
        ...withProjects([key.projectId]),
      });
    }
    if (undecided.length > 0) results.push(unknownResult(snapshot, undecided, { reason: 'the inventory does not say when they were created or rotated' }));
    return results;
  },
});
