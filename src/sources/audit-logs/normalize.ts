/**
 * One raw audit-log entry → AuditEvent. The API documents what an entry captures but not its key
 * names, so each field is read from the known variants (amplitude-apis.md); unknown keys are
 * ignored. An entry without a readable time or action fails the pull: silently dropping or
 * mis-dating evidence would be worse than stopping.
 */
import type { AuditEvent, RoleChange } from '../../domain/events.js';
import { sha256Hex } from '../../fsutil.js';
import { classify } from './classify.js';

type Raw = Readonly<Record<string, unknown>>;

/** JSON with object keys sorted at every level: the same entry always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function fingerprint(raw: unknown): string {
  return sha256Hex(canonicalJson(raw));
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

export type NormalizeResult = { readonly ok: true; readonly event: AuditEvent; readonly t: number } | { readonly ok: false; readonly problem: string };

export function normalizeEntry(entry: unknown): NormalizeResult {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return { ok: false, problem: 'an entry is not an object' };
  const raw = entry as Raw;
  const timeRaw = pick(raw, ['timestamp', 'event_time', 'created_at', 'time']);
  const t = parseTime(timeRaw);
  if (t === undefined) return { ok: false, problem: timeRaw === undefined ? 'an entry has no timestamp (timestamp, event_time or created_at)' : 'an entry has an unreadable timestamp' };
  const action = text(pick(raw, ['action']));
  if (action === undefined) return { ok: false, problem: 'an entry has no action' };
  const domain = text(pick(raw, ['domain'])) ?? '';
  const feature = text(pick(raw, ['feature'])) ?? '';
  const error = text(pick(raw, ['error', 'error_message']));
  const props = propsOf(raw);
  const kind = classify(domain, feature, action, error);
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
  const event: AuditEvent = {
    fp: fingerprint(raw),
    time: new Date(t).toISOString(),
    kind,
    domain,
    feature,
    action,
    ...(actor !== undefined && { actor }),
    ...(target !== undefined && { target }),
    ...(targetEmail !== undefined && { targetEmail }),
    ...(projectId !== undefined && { projectId }),
    ...(ip !== undefined && { ip }),
    ...(userAgent !== undefined && { userAgent }),
    ...(error !== undefined && { error }),
    ...(rows !== undefined && { rows }),
    ...(users !== undefined && { users }),
    ...(role !== undefined && { role }),
    props,
  };
  return { ok: true, event, t };
}
