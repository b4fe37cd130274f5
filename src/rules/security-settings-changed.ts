import { z } from 'zod';
import type { EventKind } from '../domain/events.js';
import type { EventSummary } from '../domain/snapshot.js';
import { cmp, compact, ev, inPeriod, localDateTime, periodEventGap, unknownResult } from './lib.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({});

const WHAT: Partial<Record<EventKind, string>> = {
  sso_change: 'SSO configuration changed',
  scim_change: 'SCIM provisioning settings changed',
  security_change: 'Security settings changed',
};

/**
 * Each change is one finding about the organization; `event:<first 16 hex of its fingerprint>`
 * tells them apart (part of the finding id) and is what an exception names to accept one change.
 */
export function changeId(e: Pick<EventSummary, 'fp'>): string {
  return `event:${e.fp.slice(0, 16)}`;
}

export default defineRule({
  meta: {
    id: 'security-settings-changed',
    title: 'Every change to SSO, SCIM or security settings in the period is confirmed by the reviewer',
    severity: 'info',
    description:
      'Lists each change to single sign-on, SCIM provisioning or other organization security settings (MFA, IP allowlist, sessions) ' +
      'that the audit log records in the period, one finding per change about the organization, so the reviewer confirms each was ' +
      'planned and approved. An exception accepts one change by naming its change id (`event:…`) as the subject.',
    risk:
      'Whoever controls SSO and SCIM controls who can sign in: disabling enforced SSO, pointing it at another identity provider or ' +
      'regenerating the SCIM key can open the organization to accounts nobody reviews. Such changes are rare, so each one deserves a look.',
    remediation: [
      'Confirm with the person who made the change (the actor in the evidence) that it was planned, and link the change ticket.',
      'Check the current state in Settings → Organization Settings → SSO, SCIM and Security, and that it matches the intended configuration.',
      'If the change was not expected, revert it there, rotate the SCIM key if it was regenerated, and review the actor\'s other activity in the Activity Log.',
    ],
    messages: {
      change: '{what} on {time} by {actor} ({action}): confirm it was planned and approved.',
      unknown: 'Security-settings changes are not fully listed: {reason}.',
    },
    options,
    needs: ['audit-log SSO, SCIM and security changes (events.securityChanges)', 'audit-log coverage of the period'],
  },
  check(snapshot) {
    const results: RuleResult[] = [];
    const tz = snapshot.timezone;
    const changes = (snapshot.events?.securityChanges ?? []).filter((e) => inPeriod(snapshot, e.time)).sort((a, b) => cmp(a.time, b.time) || cmp(a.fp, b.fp));
    for (const e of changes) {
      const what = WHAT[e.kind] ?? 'Security-related setting changed';
      const time = localDateTime(e.time, tz);
      const actor = e.actor ?? 'an unknown actor';
      results.push({
        subject: { kind: 'org', id: 'org', label: `${what} on ${time}` },
        instance: changeId(e),
        messageId: 'change',
        data: { what, time, actor, action: `${e.domain}/${e.feature}/${e.action}` },
        evidence: compact([
          ev('Changed at', e.time, 'audit-logs', e.time),
          ev('Actor', actor, 'audit-logs'),
          ev('Action', `${e.domain} / ${e.feature} / ${e.action}`, 'audit-logs'),
          e.target ? ev('Target', e.target, 'audit-logs') : undefined,
          e.projectId ? ev('Project', e.projectId, 'audit-logs') : undefined,
          e.error ? ev('Error', e.error, 'audit-logs') : undefined,
          ev('Change id (for an exception)', changeId(e)),
          ev('Event fingerprint', e.fp, 'audit-logs'),
        ]),
      });
    }
    const gap = periodEventGap(snapshot);
    if (gap) results.push(unknownResult(snapshot, [], { reason: gap }));
    return results;
  },
});
