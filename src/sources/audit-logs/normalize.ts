/**
 * One raw audit-log entry → AuditEvent. The API documents what an entry captures but not its key
 * names, so each field is read from the known variants (amplitude-apis.md); unknown keys are
 * ignored. An entry without a readable time or action fails the pull: silently dropping or
 * mis-dating evidence would be worse than stopping.
 */
import { hash } from 'node:crypto';
import type { AuditEvent, EventKind, RoleChange } from '../../domain/events.js';
import { classify } from './classify.js';

type Raw = Readonly<Record<string, unknown>>;

/** JSON with object keys sorted at every level: the same entry always gives the same text. */
export function canonicalJson(value: unknown): string {
  return fastCanonicalJson(value) ?? slowCanonicalJson(value);
}

function slowCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : slowCanonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${slowCanonicalJson(obj[k])}`).join(',')}}`;
}

/*
 * The fast path (an audit log of millions of entries is fingerprinted entry by entry) writes the
 * same text directly: per object shape (its keys in their order) the sorted keys and their
 * `"key":` prefixes are worked out once; strings that need no escaping are quoted as they are.
 * It takes plain JSON data only (what JSON.parse returns: plain objects, arrays without holes,
 * strings, numbers, booleans, null); on anything else it gives up and the slow path runs.
 */
interface ShapePlan {
  readonly keys: readonly string[];
  /** In sorted key order: the key and the text before its value (`,"key":`). */
  readonly parts: readonly { readonly key: string; readonly prefix: string }[];
}

/** Entries of one log share a few shapes; the first 64 seen are remembered. */
const plans: ShapePlan[] = [];
const PLAN_LIMIT = 64;
/** What JSON.stringify would escape in a string (surrogates: lone ones are escaped; let it decide). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function planOf(keys: string[]): ShapePlan {
  outer: for (const plan of plans) {
    if (plan.keys.length !== keys.length) continue;
    for (let i = 0; i < keys.length; i++) if (plan.keys[i] !== keys[i]) continue outer;
    return plan;
  }
  const parts = [...keys].sort().map((key, i) => ({ key, prefix: `${i === 0 ? '' : ','}${JSON.stringify(key)}:` }));
  const plan = { keys, parts };
  if (plans.length < PLAN_LIMIT) plans.push(plan);
  return plan;
}

/** Set when the value holds something that is not plain JSON data. */
let notPlain = false;

function fastValue(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'string':
      return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (v === null) return 'null';
      if (depth > 100) break;
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          if (!(i in v)) notPlain = true;
          out += (i === 0 ? '' : ',') + fastValue(v[i], depth + 1);
        }
        return `${out}]`;
      } else {
        const proto = Object.getPrototypeOf(v) as unknown;
        if (proto !== Object.prototype && proto !== null) break;
        const o = v as Record<string, unknown>;
        let out = '{';
        for (const part of planOf(Object.keys(o)).parts) out += part.prefix + fastValue(o[part.key], depth + 1);
        return `${out}}`;
      }
    default:
      break;
  }
  notPlain = true;
  return '';
}

function fastCanonicalJson(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  notPlain = false;
  const text = fastValue(value, 0);
  return notPlain ? undefined : text;
}

export function fingerprint(raw: unknown): string {
  return hash('sha256', canonicalJson(raw), 'hex');
}

function pick(raw: Raw, keys: readonly string[]): unknown {
  for (const k of keys) {
    const v = raw[k];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return undefined;
}

function email(v: unknown): string | undefined {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) v = pick(v as Raw, ['email', 'user_email', 'value']);
  const s = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  return s ? s : undefined;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

/** Epoch ms of an entry's time: ISO 8601, `YYYY-MM-DD HH:MM:SS[.sss]` (UTC), or epoch seconds / ms. */
export function parseTime(v: unknown): number | undefined {
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    const s = v.trim();
    if (/^\d+(\.\d+)?$/.test(s)) n = Number(s);
    else {
      const local = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s);
      const t = Date.parse(local ? `${s.replace(' ', 'T')}Z` : s);
      return Number.isNaN(t) ? undefined : t;
    }
  }
  if (n === undefined || !Number.isFinite(n)) return undefined;
  // Before 1973 in ms is after 5138 in seconds: a value this small is seconds.
  return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
}

function size(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function propsOf(raw: Raw): Record<string, unknown> {
  let p = pick(raw, ['event_properties', 'properties', 'eventProperties']);
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p) as unknown;
    } catch {
      return { value: p };
    }
  }
  return p !== null && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

function roleOf(props: Readonly<Record<string, unknown>>): RoleChange | undefined {
  const to = text(pick(props, ['new_role', 'to', 'to_role', 'role']))?.trim().toLowerCase();
  const from = text(pick(props, ['old_role', 'from', 'from_role', 'previous_role']))?.trim().toLowerCase();
  if (to === undefined && from === undefined) return undefined;
  const scope = pick(props, ['project_id', 'app_id']) !== undefined ? 'project' : 'org';
  return { scope, ...(from !== undefined && { from }), ...(to !== undefined && { to }) };
}

/** A time already written as `toISOString` would write it (days up to 28: no overflow into the next month). */
const ISO_MS_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/**
 * Entries repeat a few dozen actions: the classification is remembered per (domain, feature,
 * action), in nested maps so that no key string is built per entry.
 */
const kindCache = new Map<string, Map<string, Map<string, EventKind>>>();
let kindCacheSize = 0;
const KIND_CACHE_LIMIT = 4096;

function classifyCached(domain: string, feature: string, action: string, error: string | undefined): EventKind {
  let byFeature = kindCache.get(domain);
  if (!byFeature) kindCache.set(domain, (byFeature = new Map()));
  let byAction = byFeature.get(feature);
  if (!byAction) byFeature.set(feature, (byAction = new Map()));
  let kind = byAction.get(action);
  if (kind === undefined) {
    kind = classify(domain, feature, action);
    if (++kindCacheSize > KIND_CACHE_LIMIT) {
      kindCache.clear();
      kindCacheSize = 0;
    }
    byAction.set(action, kind);
  }
  // As in classify: a login that carries an error is a failed login.
  return kind === 'login' && error !== undefined && error.trim() !== '' ? 'login_failed' : kind;
}

export type NormalizeResult = { readonly ok: true; readonly event: AuditEvent; readonly t: number } | { readonly ok: false; readonly problem: string };

export function normalizeEntry(entry: unknown): NormalizeResult {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return { ok: false, problem: 'an entry is not an object' };
  const raw = entry as Raw;
  const timeRaw = pick(raw, ['timestamp', 'event_time', 'created_at', 'time']);
  // The API's usual form (toISOString's) is read without parseTime's checks for other forms.
  const canonicalTime = typeof timeRaw === 'string' && ISO_MS_RE.test(timeRaw);
  const t = canonicalTime ? Date.parse(timeRaw) : parseTime(timeRaw);
  if (t === undefined) return { ok: false, problem: timeRaw === undefined ? 'an entry has no timestamp (timestamp, event_time or created_at)' : 'an entry has an unreadable timestamp' };
  const action = text(pick(raw, ['action']));
  if (action === undefined) return { ok: false, problem: 'an entry has no action' };
  const domain = text(pick(raw, ['domain'])) ?? '';
  const feature = text(pick(raw, ['feature'])) ?? '';
  const error = text(pick(raw, ['error', 'error_message']));
  const props = propsOf(raw);
  const kind = classifyCached(domain, feature, action, error);
  const actor = email(pick(raw, ['user_email', 'user', 'email', 'actor']));
  const target = text(pick(raw, ['target']));
  const targetEmail =
    target !== undefined && EMAIL_RE.test(target.trim()) ? target.trim().toLowerCase() : email(pick(props, ['target_email', 'invitee_email', 'user_email', 'email']));
  const projectId = text(pick(raw, ['app_id', 'project_id', 'appId', 'projectId']) ?? pick(props, ['project_id', 'app_id']));
  const ip = text(pick(raw, ['ip_address', 'ip']));
  const userAgent = text(pick(raw, ['user_agent', 'userAgent']));
  const rows = size(pick(props, ['row_count', 'rows', 'num_rows']));
  const users = size(pick(props, ['cohort_size', 'num_users', 'user_count']));
  const role = kind === 'role_change' || kind === 'invite' ? roleOf(props) : undefined;
  // Assigned one by one (not spread: this runs for every entry of the log), in the same key
  // order as always, props last.
  const event = { fp: fingerprint(raw), time: canonicalTime ? timeRaw : new Date(t).toISOString(), kind, domain, feature, action } as { -readonly [K in keyof AuditEvent]: AuditEvent[K] };
  if (actor !== undefined) event.actor = actor;
  if (target !== undefined) event.target = target;
  if (targetEmail !== undefined) event.targetEmail = targetEmail;
  if (projectId !== undefined) event.projectId = projectId;
  if (ip !== undefined) event.ip = ip;
  if (userAgent !== undefined) event.userAgent = userAgent;
  if (error !== undefined) event.error = error;
  if (rows !== undefined) event.rows = rows;
  if (users !== undefined) event.users = users;
  if (role !== undefined) event.role = role;
  event.props = props;
  return { ok: true, event, t };
}
