import { z } from 'zod';
import type { Evidence } from '../domain/findings.js';
import type { RegisterEntry } from '../domain/model.js';
import type { PrivilegeGrantEvent, Snapshot } from '../domain/snapshot.js';
import {
  cmp,
  daysBetweenDates,
  ev,
  findMember,
  formatScopeItem,
  inPeriod,
  localDate,
  memberSubject,
  normEmail,
  periodEventGap,
  projectLabel,
  registerEntry,
  roleName,
  scopeCovers,
  plural,
  unknownResult,
  type AccessTarget,
  type Undecided,
} from './lib.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({});

type Verdict = { kind: 'approved'; by: string } | { kind: 'unapproved'; why: string } | { kind: 'undecided'; why: string };

/** What the event granted, as an access target: org Owner/Admin, or project Admin. */
function targetOf(e: PrivilegeGrantEvent): AccessTarget | undefined {
  const to = (e.role.to ?? '').toLowerCase();
  if (e.role.scope === 'org') return { kind: 'org', role: to === 'owner' ? 'owner' : 'admin' };
  const projectId = e.projectId;
  // Project grants in this list are Admin-level (custom roles are mapped by the snapshot builder).
  return projectId === undefined ? undefined : { kind: 'project', projectId, role: 'admin' };
}

function describe(snapshot: Snapshot, e: PrivilegeGrantEvent): string {
  const to = roleName(e.role.to ?? 'admin');
  if (e.role.scope === 'org') return `organization ${to}`;
  return `${to} on ${e.projectId === undefined ? 'an unnamed project' : projectLabel(snapshot, e.projectId)}`;
}

/** Does the register approve this grant, on or before the day it happened? */
function verdict(snapshot: Snapshot, e: PrivilegeGrantEvent, entry: RegisterEntry | undefined): Verdict {
  if (!entry) return { kind: 'unapproved', why: 'no register entry' };
  const day = localDate(e.time, snapshot.timezone);
  const target = targetOf(e);
  const wildcard = entry.scope.find((i) => i.project === '*' && i.role.toLowerCase() === 'admin');
  if (!target) {
    // A project grant without a project id: only an approval for every project can match it.
    if (!wildcard) return { kind: 'undecided', why: 'the audit log does not say which project' };
    return approvedBy(entry, day, formatScopeItem(wildcard));
  }
  const item = scopeCovers(snapshot, entry.scope, target);
  if (item) return approvedBy(entry, day, `scope ${formatScopeItem(item)}`);
  const el = entry.elevation;
  if (el) {
    const elTarget = el.project === undefined ? 'org' : el.project;
    if (scopeCovers(snapshot, [{ project: elTarget, role: el.role }], target)) {
      if (daysBetweenDates(el.revertBy, day) > 0) return { kind: 'unapproved', why: `the temporary elevation ended on ${el.revertBy}` };
      return approvedBy(entry, day, `temporary elevation to ${el.role} until ${el.revertBy}`);
    }
  }
  const scope = entry.scope.map(formatScopeItem).join('; ') || 'empty';
  return { kind: 'unapproved', why: `approved scope is ${scope}` };
}

function approvedBy(entry: RegisterEntry, day: string, what: string): Verdict {
  if (entry.approvedOn === undefined) return { kind: 'undecided', why: `${what} has no approval date` };
  if (entry.approvedOn > day) return { kind: 'unapproved', why: `${what} was approved on ${entry.approvedOn}, after the change` };
  return { kind: 'approved', by: what };
}

export default defineRule({
  meta: {
    id: 'privilege-change-unapproved',
    title: 'Every grant of Admin or Owner is approved in the access register beforehand',
    severity: 'medium',
    description:
      'Takes each change in the period\'s audit log that made someone an organization Owner or Admin, or a project Admin (directly or ' +
      'through a group), and looks for the approval in the access register: a scope item `org:owner`, `org:admin` or `<project>:admin` ' +
      '(project by id or name, `*` for all), or a temporary elevation covering it, approved on or before the day of the change. ' +
      'One finding per member lists every unapproved grant.',
    risk:
      'Administrative rights granted without a recorded approval bypass the access-request process: they may be a favour, a mistake, ' +
      'or an attacker with admin rights giving themselves or an accomplice a foothold. Auditors treat unapproved privileged changes as a control failure.',
    remediation: [
      'Ask the person who made the change (the actor in the evidence) why, and whether it was approved.',
      'If it was approved: add the approval to the access register (scope item, approver, approval date, ticket) so the record is complete.',
      'If it was not, or is no longer needed: in Amplitude go to Settings → Members & Groups, open the member and lower the organization or project role again.',
      'If the change was unexpected, check the actor\'s other activity in Settings → Organization Settings → Activity Log.',
    ],
    messages: {
      unapproved: '{member} was granted {grants} in the period without a matching approval in the access register ({changes}).',
      unknown: 'Approval of privilege grants not decided for {subjects}: {reason}.',
      notCollected: 'Grants of Admin and Owner roles are not checked: {reason}.',
    },
    options,
    needs: ['audit-log privilege grants (events.privilegeGrants)', 'access register (scope, elevation, approved_on)'],
  },
  check(snapshot) {
    if (!snapshot.events) return [unknownResult(snapshot, [], { reason: 'the audit log is not collected' }, [], 'notCollected')];
    const events = snapshot.events.privilegeGrants.filter((e) => inPeriod(snapshot, e.time));
    const byMember = new Map<string, PrivilegeGrantEvent[]>();
    const reasons = new Set<string>();
    const undecided: Undecided[] = [];
    for (const e of events) {
      const k = normEmail(e.targetEmail);
      if (!k.includes('@')) {
        // The log names no member (or something that is not an email): there is nobody to look up.
        undecided.push({ id: `${describe(snapshot, e)} on ${localDate(e.time, snapshot.timezone)}`, why: e.targetEmail ? `target "${e.targetEmail}" is not an email` : 'no target recorded' });
        reasons.add('the audit log does not say which member was granted the role');
        continue;
      }
      const list = byMember.get(k);
      if (list) list.push(e);
      else byMember.set(k, [e]);
    }
    const results: RuleResult[] = [];
    for (const email of [...byMember.keys()].sort(cmp)) {
      const list = byMember.get(email)!.sort((a, b) => cmp(a.time, b.time) || cmp(a.fp, b.fp));
      if (!snapshot.register) {
        undecided.push({ id: email, why: list.map((e) => describe(snapshot, e)).join('; ') });
        reasons.add('no access register was read');
        continue;
      }
      const entry = registerEntry(snapshot, email);
      const bad: { e: PrivilegeGrantEvent; why: string }[] = [];
      const open: { e: PrivilegeGrantEvent; why: string }[] = [];
      for (const e of list) {
        const v = verdict(snapshot, e, entry);
        if (v.kind === 'unapproved') bad.push({ e, why: v.why });
        else if (v.kind === 'undecided') open.push({ e, why: v.why });
      }
      if (bad.length === 0) {
        if (open.length > 0) {
          undecided.push({ id: email, why: open.map((x) => `${describe(snapshot, x.e)}: ${x.why}`).join('; ') });
          reasons.add('the register cannot show the approval came first');
        }
        continue;
      }
      const grants = [...new Set(bad.map((x) => describe(snapshot, x.e)))].join(', ');
      const evidence: Evidence[] = bad.map((x) =>
        ev('Granted', `${describe(snapshot, x.e)} on ${localDate(x.e.time, snapshot.timezone)} by ${x.e.actor ?? 'unknown actor'}: ${x.why}`, 'audit-logs', x.e.time),
      );
      evidence.push(
        entry
          ? ev('Register entry', `line ${entry.line}; scope ${entry.scope.map(formatScopeItem).join('; ') || 'empty'}; approved ${entry.approvedOn ?? 'date missing'}${entry.approver ? ` by ${entry.approver}` : ''}`, 'register', entry.pulledAt)
          : ev('Register entry', 'none for this email', 'register'),
      );
      const m = findMember(snapshot, email);
      const projects = [...new Set(bad.flatMap((x) => (x.e.projectId !== undefined ? [x.e.projectId] : [])))].sort(cmp);
      results.push({ subject: memberSubject(m ?? email), messageId: 'unapproved', data: { member: email, grants, changes: plural(bad.length, 'change') }, evidence, projects });
    }
    const gap = periodEventGap(snapshot);
    if (undecided.length > 0) {
      if (gap) reasons.add(gap);
      results.push(unknownResult(snapshot, undecided, { subjects: plural(undecided.length, 'member'), reason: [...reasons].join('; ') }));
    } else if (gap) {
      results.push(unknownResult(snapshot, [], { reason: gap }, [], 'notCollected'));
    }
    return results;
  },
});
