/**
 * Not a test: a quick measurement of the evidence store's ingest and aggregation.
 *
 *   npx tsx src/store/ingest-probe.ts [events=1000000] [--members N] [--order asc|desc|random] [--keep]
 *
 * Generates N synthetic audit events over 90 days (three 30-day windows, like a first collect),
 * holds each window as NDJSON lines, and appends it with `appendWindow` from a generator that
 * parses the lines (as a reader of the bench's NDJSON would). JSON.parse is timed on its own and
 * subtracted, so "ingest" is the store's share. Then it re-appends the last 6 hours (an
 * overlapping collect: all duplicates), runs `activity()` for the 90 days, streams 10 days back,
 * and prints the times (wall and CPU: CPU is steadier on a shared machine). The bench can import
 * `syntheticEvents` / `syntheticWindow`.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AuditEvent, EventKind } from '../domain/events.js';
import { openStore } from './sqlite.js';

interface Mix {
  readonly kind: EventKind;
  readonly weight: number;
  readonly domain: string;
  readonly feature: string;
  readonly action: string;
}

const MIX: readonly Mix[] = [
  { kind: 'login', weight: 45, domain: 'auth', feature: 'auth', action: 'login' },
  { kind: 'login_failed', weight: 4, domain: 'auth', feature: 'auth', action: 'login_failed' },
  { kind: 'logout', weight: 10, domain: 'auth', feature: 'auth', action: 'logout' },
  { kind: 'other', weight: 27, domain: 'content', feature: 'chart', action: 'create_chart' },
  { kind: 'export', weight: 6, domain: 'project', feature: 'export', action: 'export_data' },
  { kind: 'cohort_export', weight: 1.5, domain: 'cohort', feature: 'cohort', action: 'export_cohort' },
  { kind: 'user_export', weight: 0.5, domain: 'project', feature: 'users', action: 'export_users' },
  { kind: 'invite', weight: 1, domain: 'org', feature: 'members', action: 'invite_user' },
  { kind: 'invite_accepted', weight: 0.5, domain: 'org', feature: 'members', action: 'accept_invite' },
  { kind: 'role_change', weight: 2, domain: 'org', feature: 'permissions', action: 'update_project_role' },
  { kind: 'permission_change', weight: 1, domain: 'org', feature: 'permissions', action: 'update_addon_permission' },
  { kind: 'project_change', weight: 1.4, domain: 'project', feature: 'settings', action: 'update_project' },
  { kind: 'sso_change', weight: 0.05, domain: 'org', feature: 'sso', action: 'update_sso_config' },
  { kind: 'security_change', weight: 0.05, domain: 'org', feature: 'security', action: 'update_security_settings' },
];
const TOTAL_WEIGHT = MIX.reduce((s, m) => s + m.weight, 0);

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USER_AGENTS = Array.from({ length: 40 }, (_, i) => `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${100 + i}.0 Safari/537.36`);

export interface SyntheticOptions {
  fromMs: number;
  toMs: number;
  count: number;
  members: number;
  seed: number;
  order?: 'asc' | 'desc' | 'random';
}

/** `count` synthetic events in [fromMs, toMs), in time order (or reversed / shuffled). */
export function syntheticWindow(opts: SyntheticOptions): AuditEvent[] {
  const out = [...syntheticEvents(opts)];
  const rand = rng(opts.seed + 1);
  if (opts.order === 'desc') out.reverse();
  if (opts.order === 'random') {
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [out[i], out[j]] = [out[j] as AuditEvent, out[i] as AuditEvent];
    }
  }
  return out;
}

/**
 * The same events as `syntheticWindow` (ascending), generated one at a time. Time ingest on
 * events parsed from JSON (as the probe does): objects built by spreads, like these, have shapes
 * V8 reads several times slower than JSON.parse's, which would distort the numbers.
 */
export function* syntheticEvents(opts: SyntheticOptions): Generator<AuditEvent> {
  const rand = rng(opts.seed);
  const times = new Float64Array(opts.count);
  for (let i = 0; i < opts.count; i++) times[i] = opts.fromMs + Math.floor(rand() * (opts.toMs - opts.fromMs));
  times.sort();
  for (let i = 0; i < opts.count; i++) {
    let pick = rand() * TOTAL_WEIGHT;
    let m = MIX[0] as Mix;
    for (const x of MIX) {
      pick -= x.weight;
      if (pick <= 0) {
        m = x;
        break;
      }
    }
    const time = new Date(times[i] as number).toISOString();
    const actor = `user${Math.floor(rand() * opts.members)}@example.com`;
    const member = `user${Math.floor(rand() * opts.members)}@example.com`;
    const projectId = String(100 + Math.floor(rand() * 300));
    const fp = createHash('sha256').update(`${opts.seed}|${i}|${time}|${m.action}|${actor}`).digest('hex');
    const base = {
      fp,
      time,
      kind: m.kind,
      domain: m.domain,
      feature: m.feature,
      action: m.action,
      actor,
      ip: `10.${Math.floor(rand() * 20)}.${Math.floor(rand() * 250)}.${Math.floor(rand() * 250)}`,
      userAgent: USER_AGENTS[Math.floor(rand() * USER_AGENTS.length)] as string,
    };
    let e: AuditEvent;
    switch (m.kind) {
      case 'login':
        e = { ...base, props: { method: 'sso' } };
        break;
      case 'login_failed':
        e = { ...base, error: 'invalid_password', props: { method: 'password', reason: 'invalid_password' } };
        break;
      case 'export': {
        const rows = Math.floor(rand() * 200_000);
        e = { ...base, projectId, target: `chart:${Math.floor(rand() * 1e6)}`, rows, props: { row_count: rows } };
        break;
      }
      case 'cohort_export':
      case 'user_export': {
        const users = Math.floor(rand() * 1_500_000);
        e = { ...base, projectId, target: `cohort:${Math.floor(rand() * 1e5)}`, users, props: { num_users: users, destination: 'braze' } };
        break;
      }
      case 'invite':
      case 'invite_accepted':
        e = { ...base, target: member, targetEmail: member, props: { role: 'member' } };
        break;
      case 'role_change': {
        const to = rand() < 0.1 ? 'admin' : 'member';
        e = { ...base, projectId, target: member, targetEmail: member, role: { scope: 'project', from: 'viewer', to }, props: { project_id: projectId, old_role: 'viewer', new_role: to } };
        break;
      }
      case 'project_change':
      case 'other':
        e = { ...base, projectId, target: `chart:${Math.floor(rand() * 1e6)}`, props: {} };
        break;
      default:
        e = { ...base, props: {} };
    }
    yield e;
  }
}

/** CPU time (user + system) since `start`, ms: steadier than wall time on a shared machine. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(start);
  return (c.user + c.system) / 1000;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

function main(): void {
  const args = process.argv.slice(2);
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const members = Number(flag('--members') ?? Math.max(100, Math.round(n / 20)));
  const order = (flag('--order') ?? 'asc') as 'asc' | 'desc' | 'random';
  const dir = mkdtempSync(join(tmpdir(), 'ampaudit-probe-'));
  const path = join(dir, 'evidence.db');
  const DAY = 86_400_000;
  const end = Date.parse('2026-07-01T00:00:00.000Z');
  const start = end - 90 * DAY;
  console.log(`ingest probe: ${n} events, ${members} members, order ${order}, store ${path}`);
  const store = openStore(path);
  try {
    const run = store.startRun('collect', new Date(end));
    let genMs = 0;
    let ingestMs = 0;
    let ingestCpu = 0;
    let inserted = 0;
    let parseMs = 0;
    for (let w = 0; w < 3; w++) {
      const from = start + w * 30 * DAY;
      const to = from + 30 * DAY;
      const opts: SyntheticOptions = { fromMs: from, toMs: to, count: Math.round(n / 3), members, seed: 7 + w, order };
      // Each window is held as NDJSON lines, as the bench reads them; parsing is timed on its own
      // (one pass) and subtracted from the parse + append pass.
      let t0 = performance.now();
      const lines: string[] = [];
      for (const e of order === 'asc' ? syntheticEvents(opts) : syntheticWindow(opts)) lines.push(JSON.stringify(e));
      genMs += performance.now() - t0;
      t0 = performance.now();
      let c0 = process.cpuUsage();
      for (const line of lines) JSON.parse(line);
      const parseCpu = cpuMs(c0);
      const parseWall = performance.now() - t0;
      parseMs += parseWall;
      t0 = performance.now();
      c0 = process.cpuUsage();
      const parsed = (function* () {
        for (const line of lines) yield JSON.parse(line) as AuditEvent;
      })();
      const r = store.appendWindow(run, parsed, { from: new Date(from).toISOString(), to: new Date(to).toISOString() });
      const dt = performance.now() - t0 - parseWall;
      ingestCpu += cpuMs(c0) - parseCpu;
      ingestMs += dt;
      inserted += r.inserted;
      console.log(`  window ${w + 1}: ${r.inserted} inserted, ${r.duplicates} duplicates in ${dt.toFixed(0)} ms (+ ${parseWall.toFixed(0)} ms JSON.parse)`);
    }
    // An overlapping re-collect of the last 6 hours: everything is a duplicate.
    const last = syntheticWindow({ fromMs: start + 60 * DAY, toMs: end, count: Math.round(n / 3), members, seed: 9, order });
    const overlap = last.filter((e) => Date.parse(e.time) >= end - 6 * 3600_000);
    let t0 = performance.now();
    const dup = store.appendWindow(run, overlap, { from: new Date(end - 6 * 3600_000).toISOString(), to: new Date(end).toISOString() });
    const dupMs = performance.now() - t0;
    t0 = performance.now();
    const c1 = process.cpuUsage();
    const act = store.activity({
      at: new Date(end).toISOString(),
      period: { from: new Date(start).toISOString(), to: new Date(end).toISOString() },
      largeExportUsers: 1_000_000,
      baselineQuarters: [],
      burstWindowMinutes: 60,
    });
    const actMs = performance.now() - t0;
    const actCpu = cpuMs(c1);
    t0 = performance.now();
    let streamed = 0;
    for (const _ of store.iterateEvents({ from: new Date(start).toISOString(), to: new Date(start + 10 * DAY).toISOString() })) streamed++;
    const iterMs = performance.now() - t0;
    store.close();
    let size = statSync(path).size;
    try {
      size += statSync(`${path}-wal`).size;
    } catch {
      // no WAL left
    }
    console.log(`  generation (not counted): ${genMs.toFixed(0)} ms; JSON.parse of the NDJSON lines (not counted): ${parseMs.toFixed(0)} ms`);
    console.log(`  ingest: ${inserted} events in ${ingestMs.toFixed(0)} ms (${Math.round(inserted / (ingestMs / 1000))} events/s); CPU ${ingestCpu.toFixed(0)} ms`);
    console.log(`  overlap re-append: ${dup.duplicates} duplicates, ${dup.inserted} inserted in ${dupMs.toFixed(0)} ms`);
    console.log(`  activity(): ${act.activity.size} members, ${act.total} events in period, ${act.privilegeGrants.length} privilege grants, ${act.securityChanges.length} security changes in ${actMs.toFixed(0)} ms (CPU ${actCpu.toFixed(0)} ms)`);
    console.log(`  ingest + activity: ${(ingestMs + actMs).toFixed(0)} ms (CPU ${(ingestCpu + actCpu).toFixed(0)} ms)`);
    console.log(`  iterateEvents (10 days, ${streamed} events): ${iterMs.toFixed(0)} ms`);
    console.log(`  store size: ${mib(size)}; peak RSS: ${mib(process.resourceUsage().maxRSS * 1024)}`);
  } finally {
    store.close();
    if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else console.log(`  kept ${dir}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
