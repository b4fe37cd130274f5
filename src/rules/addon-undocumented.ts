import { z } from 'zod';
import type { AddonGrant, AddonKind } from '../domain/model.js';
import { cmp, compact, ev, evFact, findMember, isPresentMember, normEmail, registerEntry, unknownResult, withProjects } from './lib.js';
import { addonName, addonText, NO_REGISTER, personSubject, registerEvidence } from './support/access.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({});

/** The add-ons the register can approve (SPEC §11 `addons`: govern, experiment). */
const CHECKED: readonly AddonKind[] = ['govern', 'experiment'];

export default defineRule({
  meta: {
    id: 'addon-undocumented',
    title: 'Govern and Experiment permissions are approved in the access register',
    severity: 'low',
    description:
      'Compares each member\'s Govern (Data) and Experiment add-on permissions, as the members export shows them, with the add-ons ' +
      'their access-register entry approves (`addons`). One finding per person lists every unapproved add-on permission. ' +
      'Deactivated members are skipped. A member with no register entry at all is left to unregistered-account, which already ' +
      'reports the whole account as undocumented; reporting their add-ons here too would count one gap twice. Without the members ' +
      'export the add-ons are unknown; without a register the holders are listed as not decided.',
    risk:
      'Govern lets a person change the tracking plan, block events and edit data-quality rules; Experiment lets them create ' +
      'experiments and deploy feature flags that change the product for real users. These permissions sit beside the project ' +
      'role, are easy to overlook in a review, often carry their own licence cost, and tend to stay on after the work that ' +
      'needed them has ended.',
    remediation: [
      'Ask the person\'s manager (and the data-governance lead for Govern) whether the add-on is still needed for their work.',
      'If it is needed, record it in the register entry\'s `addons` column with the approver and ticket.',
      'If not, remove it in Amplitude: Settings → Members & Groups → the person → Add-on permissions (Govern, Experiment) for each listed project, then save.',
      'When the permission comes through a permission group, change the group (or the identity-provider group for SCIM) instead.',
    ],
    messages: {
      undocumented: '{member} has {addons} permission(s) that the access register does not approve (approved add-ons: {approved}).',
      noAddons: 'Add-on permissions could not be checked: {reason}.',
      noRegister: 'Add-on approvals could not be checked: {reason}; {count} member(s) with Govern or Experiment permissions are listed as not checked.',
    },
    options,
    needs: ['add-on permissions (members export)', 'access register (addons)', 'members'],
  },
  check(snapshot) {
    if (!snapshot.addons) {
      return [unknownResult(snapshot, [], { reason: 'add-on permissions come only from the members export, which was not read' }, [], 'noAddons')];
    }
    const byPerson = new Map<string, AddonGrant[]>();
    for (const a of snapshot.addons) {
      if (!CHECKED.includes(a.addon)) continue;
      const email = normEmail(a.email);
      const member = findMember(snapshot, email);
      if (member && !isPresentMember(member)) continue;
      const list = byPerson.get(email);
      if (list) list.push(a);
      else byPerson.set(email, [a]);
    }
    const people = [...byPerson.keys()].sort(cmp);
    if (!snapshot.register) {
      const undecided = people.map((email) => ({ id: email, why: [...new Set(byPerson.get(email)!.map((a) => addonName(a.addon)))].join(', ') }));
      return [unknownResult(snapshot, undecided, { reason: NO_REGISTER }, [], 'noRegister')];
    }
    const results: RuleResult[] = [];
    for (const email of people) {
      const entry = registerEntry(snapshot, email);
      if (!entry) continue;
      const missing = byPerson
        .get(email)!
        .filter((a) => !entry.addons.includes(a.addon))
        .sort((a, b) => cmp(a.addon, b.addon) || cmp(a.projectId ?? '', b.projectId ?? ''));
      if (missing.length === 0) continue;
      const subject = personSubject(snapshot, entry);
      const member = findMember(snapshot, email);
      results.push({
        subject,
        messageId: 'undocumented',
        data: {
          member: subject.label,
          addons: missing.map((a) => addonText(snapshot, a)).join('; '),
          approved: entry.addons.length > 0 ? entry.addons.map(addonName).join(', ') : 'none',
        },
        evidence: [
          ...missing.map((a) => ev('Add-on permission', addonText(snapshot, a), a.source, a.pulledAt)),
          registerEvidence(entry),
          ev('Approved add-ons', entry.addons.length > 0 ? entry.addons.join('; ') : 'none', 'register', entry.pulledAt),
          ...compact([member ? evFact('Account status', member.status) : undefined]),
        ],
        ...withProjects(missing.map((a) => a.projectId)),
      });
    }
    return results;
  },
});
