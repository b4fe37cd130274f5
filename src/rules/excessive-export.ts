import { z } from 'zod';
import type { Evidence } from '../domain/findings.js';
import type { MemberActivity, Snapshot } from '../domain/snapshot.js';
import { cmp, compact, ev, findMember, localDate, memberSubject, periodEventGap, projectLabel, registerEntry, unknownResult, type Undecided } from './lib.js';
import { defineRule, type RuleResult } from './types.js';

const options = z.object({
  maxExports: z.number().int().min(0).default(20).describe('Exports per person in the period above this are excessive'),
  maxRows: z.number().int().min(0).default(1_000_000).describe('Exported rows per person in the period above this are excessive'),
  maxUsers: z.number().int().min(0).default(1_000_000).describe('Users in exported cohorts per person in the period above this are excessive'),
  baselineFactor: z.number().positive().default(3).describe('Exports or rows above this multiple of the person\'s own baseline are excessive'),
  largeCohortUsers: z.number().int().min(0).default(1_000_000).describe('A single cohort export above this many users is excessive'),
});

type Options = z.output<typeof options>;

const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

function periodText(snapshot: Snapshot): string {
  const tz = snapshot.timezone;
  return `${snapshot.period.label} (${localDate(snapshot.period.start, tz)} to ${localDate(snapshot.period.end, tz)})`;
}

/** Why this person's exports are excessive, one sentence part per test that fails. */
function reasonsFor(snapshot: Snapshot, email: string, a: MemberActivity, o: Options): { reasons: string[]; evidence: Evidence[] } {
  const x = a.exports;
  const tz = snapshot.timezone;
  const reasons: string[] = [];
  const evidence: Evidence[] = [];
  if (x.count > o.maxExports) reasons.push(`${fmt(x.count)} exports, above the limit of ${fmt(o.maxExports)}`);
  if (x.rows > o.maxRows) reasons.push(`${fmt(x.rows)} rows exported, above the limit of ${fmt(o.maxRows)}`);
  if (x.users > o.maxUsers) reasons.push(`${fmt(x.users)} users in exported cohorts, above the limit of ${fmt(o.maxUsers)}`);

  const b = a.baseline;
  const k = o.baselineFactor;
  if (b && b.quarters.length > 0) {
    // A zero mean gives no multiple to compare against; the absolute limits still apply.
    if (b.meanCount > 0 && x.count > k * b.meanCount) reasons.push(`${fmt(x.count)} exports, more than ${fmt(k)} × their baseline of ${fmt(b.meanCount)} per quarter`);
    if (b.meanRows > 0 && x.rows > k * b.meanRows) reasons.push(`${fmt(x.rows)} rows, more than ${fmt(k)} × their baseline of ${fmt(b.meanRows)} per quarter`);
  }

  for (const l of x.large.filter((e) => e.users > o.largeCohortUsers)) {
    const where = l.projectId ? ` from ${projectLabel(snapshot, l.projectId)}` : '';
    reasons.push(`a single cohort export of ${fmt(l.users)} users on ${localDate(l.time, tz)}${where}, above ${fmt(o.largeCohortUsers)}`);
    evidence.push(ev('Large cohort export', `${fmt(l.users)} users${where}`, 'audit-logs', l.time));
  }

  const entry = registerEntry(snapshot, email);
  if (entry?.exportsAllowed === false) {
    reasons.push('the access register does not allow them to export');
    evidence.push(ev('Exports allowed', `no (register line ${entry.line})`, 'register', entry.pulledAt));
  }
  return { reasons, evidence };
}

function summaryEvidence(snapshot: Snapshot, a: MemberActivity, o: Options): Evidence[] {
  const x = a.exports;
  const tz = snapshot.timezone;
  const kinds = Object.entries(x.byKind)
    .sort(([p], [q]) => cmp(p, q))
    .map(([kind, n]) => `${kind}: ${n}`)
    .join(', ');
  const b = a.baseline;
  return compact([
    ev('Period', periodText(snapshot)),
    ev('Exports', fmt(x.count), 'audit-logs'),
    kinds ? ev('Exports by kind', kinds, 'audit-logs') : undefined,
    ev('Rows exported', fmt(x.rows), 'audit-logs'),
    ev('Users in exported cohorts', fmt(x.users), 'audit-logs'),
    x.unsized > 0 ? ev('Exports without a logged size', `${fmt(x.unsized)} (counted as exports, not as rows or users)`, 'audit-logs') : undefined,
    x.first ? ev('First export', localDate(x.first, tz), 'audit-logs', x.first) : undefined,
    x.last ? ev('Last export', localDate(x.last, tz), 'audit-logs', x.last) : undefined,
    b && b.quarters.length > 0
      ? ev('Baseline', `${fmt(b.meanCount)} exports and ${fmt(b.meanRows)} rows per quarter (mean of ${b.quarters.join(', ')}); limit ${fmt(o.baselineFactor)} ×`, 'audit-logs')
      : ev('Baseline', 'none: no earlier quarter in the evidence store, baseline test skipped'),
  ]);
}

export default defineRule({
  meta: {
    id: 'excessive-export',
    title: 'Data exports stay within the limits and each person\'s usual pattern',
    severity: 'high',
    description:
      'Looks at each person\'s exports in the period (data exports, chart and dashboard downloads, cohort exports, user exports, ' +
      'from the audit log) and reports the person when any test fails: more than 20 exports, more than 1,000,000 exported rows or ' +
      'more than 1,000,000 users in exported cohorts; more than 3 × their own baseline (the mean of up to four earlier quarters in ' +
      'the evidence store; no earlier data, or a zero mean, means no baseline test); a single cohort export of more than 1,000,000 ' +
      'users; or any export at all when their register entry says exports are not allowed. One finding per person lists every test ' +
      'that failed. Exports whose size the log does not give count as exports but add no rows. Parts of the period without audit-log ' +
      'coverage, and exporters whose register entry leaves exports_allowed blank, are reported as not decided; exporters with no ' +
      'register entry at all are left to unregistered-account.',
    risk:
      'Bulk exports are how analytics data leaves the company: a cohort export carries user identifiers and properties, a raw data ' +
      'export carries every event. An unusual spike can be a compromised account, a departing employee taking data, or an ' +
      'integration misconfigured to pull everything; exports by someone not approved for them break the data-processing terms.',
    remediation: [
      'Ask the person (and their manager) what was exported, why, and where the files are now; compare with the audit-log entries in the evidence.',
      'If it is not legitimate: suspend the account in Settings → Members & Groups (or in the identity provider), rotate any project secret keys they could use, and open a security incident.',
      'If it is legitimate but not approved: record the approval (exports_allowed: yes) in the register, or remove the export capability by lowering their project role (Settings → Members & Groups → the person → project role Viewer or Member) and restricting cohort syncs to project Admins.',
      'For a recurring, approved bulk export, record an exception with an expiry date rather than raising the limits for everyone.',
    ],
    messages: {
      excessive: '{member} made {exports} in {period} ({rows} rows, {users} cohort users): {reasons}.',
      unknown: 'Export activity is not fully checked: {reason}.',
      noLog: 'Exports could not be checked: {reason}.',
    },
    options,
    needs: ['audit-log exports in the period (activity.exports)', 'export baselines of earlier quarters', 'audit-log coverage', 'access register (exports_allowed)'],
  },
  check(snapshot, o) {
    if (!snapshot.events) return [unknownResult(snapshot, [], { reason: 'the audit log is not collected, so no export is visible' }, [], 'noLog')];
    const results: RuleResult[] = [];
    const undecided: Undecided[] = [];
    const exporters = [...snapshot.activity.entries()].filter(([, a]) => a.exports.count > 0).sort(([p], [q]) => cmp(p, q));
    for (const [email, a] of exporters) {
      const { reasons, evidence } = reasonsFor(snapshot, email, a, o);
      if (reasons.length === 0) {
        const entry = registerEntry(snapshot, email);
        if (entry && entry.exportsAllowed === undefined) undecided.push({ id: email, why: `${fmt(a.exports.count)} exports; the register leaves exports_allowed blank (line ${entry.line})` });
        else if (!snapshot.register) undecided.push({ id: email, why: `${fmt(a.exports.count)} exports; no register to say whether exports are allowed` });
        continue;
      }
      const member = findMember(snapshot, email);
      const subject = memberSubject(member ?? email);
      const x = a.exports;
      results.push({
        subject,
        messageId: 'excessive',
        data: { member: subject.label, exports: x.count === 1 ? '1 export' : `${fmt(x.count)} exports`, period: snapshot.period.label, rows: fmt(x.rows), users: fmt(x.users), reasons: reasons.join('; ') },
        evidence: [...reasons.map((r) => ev('Reason', r)), ...summaryEvidence(snapshot, a, o), ...evidence],
      });
    }
    const why: string[] = [];
    const gap = periodEventGap(snapshot);
    if (gap) why.push(`${gap}; exports made then are not counted`);
    if (undecided.length > 0) {
      why.push(
        snapshot.register
          ? `the register does not say whether ${undecided.length === 1 ? 'one exporter is' : `${undecided.length} exporters are`} allowed to export`
          : 'no access register was read, so export permissions were not checked',
      );
    }
    if (why.length > 0) results.push(unknownResult(snapshot, undecided, { reason: why.join('; ') }));
    return results;
  },
});
