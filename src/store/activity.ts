/**
 * Per-member activity for a snapshot, computed by aggregation: no events are kept, so memory
 * grows with the number of members (plus the period's few privilege and security changes),
 * never with the number of events.
 *
 * - Blocks wholly before the period contribute through their per-block rollup (last login,
 *   earliest invite, export counts for the baseline) without reading their events.
 * - Blocks that reach into the period (up to `at`) are read column-wise in time order: logins,
 *   failed logins, exports, privileged role changes and security changes.
 * - Only the few events that need details (privilege grants, security changes) have their JSON
 *   parsed, one at a time.
 *
 * Failed-login bursts: a window of W minutes is inclusive at both ends: failures at t and at
 * t + W minutes are in the same window; one at t + W minutes + 1 ms is not. The worst window is
 * the one with the most failures, the earliest such on ties; its start and end are the times of
 * its first and last failure.
 *
 * Export baseline: over the earlier quarters the audit-log coverage covers completely; the mean
 * is taken over those quarters, a member without exports in one counting zero for it. No such
 * quarter: no baseline (and no baseline test).
 */
import type { Span } from '../domain/common.js';
import type { RoleChange } from '../domain/events.js';
import type { EventSummary, ExportBaseline, ExportSummary, MemberActivity, PrivilegeGrantEvent } from '../domain/snapshot.js';
import type { PayloadEntry } from './blocks.js';
import { FLAG_PRIVILEGED, fpHex, isExport, isFailedLogin, isLogin, isSecurityChange, KIND_CODE, KIND_OF_CODE, type BlockCols } from './codec.js';
import type { EventBlocks } from './events.js';
import { MergeCursor, type BlockRef } from './reader.js';
import { clipSpans, toMs } from './spans.js';
import type { ActivityQuery, ActivityResult } from './types.js';

const LARGE_KEEP = 20;

interface ExportAcc {
  count: number;
  rows: number;
  users: number;
  unsized: number;
  byKind: Record<string, number>;
  first: number;
  last: number;
  large: { time: number; users: number; project: number; fp: string }[];
}

interface Acc {
  lastLogin: number;
  invitedAt: number;
  logins: number;
  failed: number;
  failTimes?: number[];
  failHead: number;
  worst?: { count: number; start: number; end: number };
  exp?: ExportAcc;
  baseCount: number;
  baseRows: number;
}

/** An event whose details are read after the pass. */
interface Notable {
  readonly blockId: number;
  readonly start: number;
  readonly end: number;
  readonly ts: number;
  readonly kind: number;
  readonly actor: number;
  readonly temail: number;
  readonly project: number;
  readonly fp: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function computeActivity(ev: EventBlocks, coverage: readonly Span[], q: ActivityQuery): ActivityResult {
  const atMs = Date.parse(q.at);
  if (Number.isNaN(atMs)) throw new TypeError(`activity: invalid evaluation time ${q.at}`);
  if (!(q.burstWindowMinutes > 0)) throw new TypeError('activity: burstWindowMinutes must be positive');
  const period = toMs(q.period);
  // Nothing after the evaluation time is read; an event at exactly `at` is "at or before" it.
  const limit = atMs + 1;
  const pLo = period.from;
  const pHi = Math.min(period.to, limit);
  const windowMs = q.burstWindowMinutes * 60_000;

  // Indexed by email dictionary id (small dense integers).
  const accs: (Acc | undefined)[] = [];
  const acc = (id: number): Acc => {
    let a = accs[id];
    if (!a) {
      a = { lastLogin: NaN, invitedAt: NaN, logins: 0, failed: 0, failHead: 0, baseCount: 0, baseRows: 0 };
      accs[id] = a;
    }
    return a;
  };

  // Baseline quarters that count, clipped to the evaluation time.
  const counted: { label: string; lo: number; hi: number }[] = [];
  for (const bq of q.baselineQuarters.slice(-4)) {
    const s = toMs(bq);
    // Only a quarter the log covers completely: a partly covered one would count the missing
    // weeks as "no exports", lower the mean and raise false k-times-baseline findings.
    let covered = 0;
    for (const c of clipSpans(coverage, bq)) covered += Date.parse(c.to) - Date.parse(c.from);
    if (covered < s.to - s.from) continue;
    counted.push({ label: bq.label, lo: s.from, hi: Math.min(s.to, limit) });
  }
  const baselineAdd = (actor: number, ts: number, rows: number): void => {
    for (const c of counted) {
      if (ts >= c.lo && ts < c.hi) {
        const a = acc(actor);
        a.baseCount++;
        if (!Number.isNaN(rows)) a.baseRows += rows;
        return;
      }
    }
  };

  const refs = ev.refs(0, atMs);
  const before: BlockRef[] = [];
  const reaching: BlockRef[] = [];
  const beforeEnd = Math.min(pLo, limit);
  for (const r of refs) (r.tMax < beforeEnd ? before : reaching).push(r);

  // Blocks wholly before the period: their rollup, unless a baseline quarter starts or ends inside them.
  for (const ref of before) {
    const straddles = counted.some((c) => ref.tMin < c.hi && ref.tMax >= c.lo && !(ref.tMin >= c.lo && ref.tMax < c.hi));
    if (straddles) {
      const cols = ev.loadCols(ref).cols;
      for (let i = 0; i < cols.n; i++) {
        const ts = cols.ts[i] as number;
        if (ts >= limit) break;
        earlier(cols, i, ts);
      }
      continue;
    }
    const inQuarter = counted.some((c) => ref.tMin >= c.lo && ref.tMax < c.hi);
    const s = ev.summaryOf(ref.id);
    for (let k = 0; k < s.actors.length; k++) {
      const a = acc(s.actors[k] as number);
      const last = s.lastLogin[k] as number;
      if (!Number.isNaN(last) && !(a.lastLogin >= last)) a.lastLogin = last;
      if (inQuarter) {
        a.baseCount += s.exportCount[k] as number;
        a.baseRows += s.exportRows[k] as number;
      }
    }
    for (let k = 0; k < s.inviteTargets.length; k++) {
      const a = acc(s.inviteTargets[k] as number);
      const t = s.firstInvite[k] as number;
      if (!(a.invitedAt <= t)) a.invitedAt = t;
    }
  }

  function earlier(cols: BlockCols, i: number, ts: number): void {
    const kind = cols.kind[i] as number;
    const actor = cols.actor[i] as number;
    if (isLogin(kind, cols.flags[i] as number)) {
      if (actor >= 0) {
        const a = acc(actor);
        if (!(a.lastLogin >= ts)) a.lastLogin = ts;
      }
    } else if (kind === KIND_CODE.invite) {
      const target = cols.temail[i] as number;
      if (target >= 0) {
        const a = acc(target);
        if (!(a.invitedAt <= ts)) a.invitedAt = ts;
      }
    } else if (actor >= 0 && isExport(kind)) {
      baselineAdd(actor, ts, cols.rows[i] as number);
    }
  }

  // Blocks reaching into the period, event by event in time order.
  const notable: Notable[] = [];
  let total = 0;
  if (reaching.length > 0) {
    const lo = Math.min(...reaching.map((r) => r.tMin));
    const cursor = new MergeCursor(reaching, (ref) => ev.loadCols(ref), lo, limit);
    while (cursor.nextRun()) {
      const cols = cursor.cols;
      const { ts: tsCol, kind: kindCol, flags: flagsCol, actor: actorCol } = cols;
      const blockId = cursor.block.ref.id;
      for (let i = cursor.i, end = cursor.end; i < end; i++) {
        const ts = tsCol[i] as number;
        if (ts < pLo || ts >= pHi) {
          earlier(cols, i, ts);
          continue;
        }
        total++;
        const kind = kindCol[i] as number;
        const flags = flagsCol[i] as number;
        const actor = actorCol[i] as number;
        if (isLogin(kind, flags)) {
          if (actor >= 0) {
            const a = acc(actor);
            a.logins++;
            if (!(a.lastLogin >= ts)) a.lastLogin = ts;
          }
        } else if (isFailedLogin(kind, flags)) {
          if (actor >= 0) addFailure(acc(actor), ts, windowMs);
        } else if (isExport(kind)) {
          if (actor >= 0) addExport(acc(actor), cols, i, ts, q.largeExportUsers);
        } else if (kind === KIND_CODE.invite) {
          earlier(cols, i, ts);
        } else if ((kind === KIND_CODE.role_change && (flags & FLAG_PRIVILEGED) !== 0) || isSecurityChange(kind)) {
          notable.push({
            blockId,
            start: cols.poff[i] as number,
            end: i + 1 < cols.n ? (cols.poff[i + 1] as number) - 1 : -1,
            ts,
            kind,
            actor,
            temail: cols.temail[i] as number,
            project: cols.project[i] as number,
            fp: fpHex(cols.fp, i),
          });
        }
      }
    }
  }

  const { privilegeGrants, securityChanges } = details(ev, notable);

  const activity = new Map<string, MemberActivity>();
  const quarters = counted.map((c) => c.label);
  accs.forEach((a, emailId) => {
    if (a) activity.set(ev.emails.valueOf(emailId), toActivity(a, quarters, ev));
  });
  return { activity, privilegeGrants, securityChanges, total };
}

function addFailure(a: Acc, time: number, windowMs: number): void {
  a.failed++;
  const times = (a.failTimes ??= []);
  times.push(time);
  while ((times[a.failHead] as number) < time - windowMs) a.failHead++;
  const count = times.length - a.failHead;
  if (!a.worst || count > a.worst.count) a.worst = { count, start: times[a.failHead] as number, end: time };
  // Keep only the open window: memory per member stays at one window of failures.
  if (a.failHead > 256 && a.failHead * 2 > times.length) {
    times.splice(0, a.failHead);
    a.failHead = 0;
  }
}

function addExport(a: Acc, cols: BlockCols, i: number, time: number, largeUsers: number): void {
  const e = (a.exp ??= { count: 0, rows: 0, users: 0, unsized: 0, byKind: {}, first: time, last: time, large: [] });
  const kind = cols.kind[i] as number;
  const kindName = KIND_OF_CODE[kind] as string;
  const rows = cols.rows[i] as number;
  const users = cols.users[i] as number;
  e.count++;
  e.byKind[kindName] = (e.byKind[kindName] ?? 0) + 1;
  if (!Number.isNaN(rows)) e.rows += rows;
  if (!Number.isNaN(users)) e.users += users;
  if (Number.isNaN(rows) && Number.isNaN(users)) e.unsized++;
  e.last = time;
  if (kind === KIND_CODE.cohort_export && users >= largeUsers) {
    const large = e.large;
    if (large.length < LARGE_KEEP || users > (large[large.length - 1] as { users: number }).users) {
      let k = large.length;
      while (k > 0 && (large[k - 1] as { users: number }).users < users) k--;
      large.splice(k, 0, { time, users, project: cols.project[i] as number, fp: fpHex(cols.fp, i) });
      if (large.length > LARGE_KEEP) large.pop();
    }
  }
}

/** Reads the stored JSON of the notable events, one block's payload at a time. */
function details(ev: EventBlocks, notable: readonly Notable[]): { privilegeGrants: PrivilegeGrantEvent[]; securityChanges: EventSummary[] } {
  const privilegeGrants: PrivilegeGrantEvent[] = [];
  const securityChanges: EventSummary[] = [];
  let blockId = -1;
  let payload = '';
  for (const n of notable) {
    if (n.blockId !== blockId) {
      blockId = n.blockId;
      payload = ev.payloadOf(blockId);
    }
    const [act, target, , , error, role] = JSON.parse(payload.slice(n.start, n.end < 0 ? payload.length : n.end)) as PayloadEntry;
    const actor = n.actor >= 0 ? { actor: ev.emails.valueOf(n.actor) } : {};
    const projectId = n.project >= 0 ? { projectId: ev.strings.valueOf(n.project) } : {};
    if (n.kind === KIND_CODE.role_change) {
      privilegeGrants.push({
        fp: n.fp,
        time: iso(n.ts),
        ...actor,
        targetEmail: n.temail >= 0 ? ev.emails.valueOf(n.temail) : (target?.toLowerCase() ?? ''),
        role: role as RoleChange,
        ...projectId,
      });
    } else {
      const [domain, feature, action] = ev.decodeAct(act);
      securityChanges.push({
        fp: n.fp,
        time: iso(n.ts),
        kind: KIND_OF_CODE[n.kind] as EventSummary['kind'],
        domain,
        feature,
        action,
        ...actor,
        ...(target !== null ? { target } : {}),
        ...projectId,
        ...(error !== null ? { error } : {}),
      });
    }
  }
  return { privilegeGrants, securityChanges };
}

const NO_EXPORTS: ExportSummary = Object.freeze({ count: 0, rows: 0, users: 0, unsized: 0, byKind: Object.freeze({}), large: Object.freeze([]) as [] });

function toActivity(a: Acc, baselineQuarters: readonly string[], ev: EventBlocks): MemberActivity {
  // Built field by field (no spreads): this runs once per member.
  const out: { -readonly [K in keyof MemberActivity]: MemberActivity[K] } = {
    loginsInPeriod: a.logins,
    failedLoginsInPeriod: a.failed,
    exports: NO_EXPORTS,
  };
  if (!Number.isNaN(a.lastLogin)) out.lastLogin = iso(a.lastLogin);
  if (!Number.isNaN(a.invitedAt)) out.invitedAt = iso(a.invitedAt);
  if (a.worst) out.worstFailedBurst = { count: a.worst.count, start: iso(a.worst.start), end: iso(a.worst.end) };
  const e = a.exp;
  if (e) {
    out.exports = {
      count: e.count,
      rows: e.rows,
      users: e.users,
      unsized: e.unsized,
      byKind: e.byKind,
      first: iso(e.first),
      last: iso(e.last),
      large: e.large.map((l) =>
        l.project >= 0 ? { time: iso(l.time), users: l.users, projectId: ev.strings.valueOf(l.project), fp: l.fp } : { time: iso(l.time), users: l.users, fp: l.fp },
      ),
    };
  }
  if (baselineQuarters.length > 0) {
    const baseline: ExportBaseline = { quarters: baselineQuarters, meanCount: a.baseCount / baselineQuarters.length, meanRows: a.baseRows / baselineQuarters.length };
    out.baseline = baseline;
  }
  return out;
}
