import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint, normalizeEntry, parseTime } from './normalize.js';

function ok(entry: unknown) {
  const r = normalizeEntry(entry);
  if (!r.ok) throw new Error(r.problem);
  return r.event;
}

const standard = {
  timestamp: '2026-09-14T08:30:00.000Z',
  domain: 'org',
  feature: 'permissions',
  action: 'update_project_role',
  target: 'Bo.Lee@Example.com',
  user_email: 'Admin@Example.com',
  org_id: 123456,
  app_id: 101,
  ip_address: '10.0.0.1',
  user_agent: 'Mozilla/5.0',
  event_properties: { project_id: 101, old_role: 'Member', new_role: 'Admin' },
  error: null,
};

describe('canonicalJson / fingerprint', () => {
  it('sorts keys at every level, so key order does not change the fingerprint', () => {
    const a = { b: 1, a: { y: [1, { d: 2, c: 3 }], x: null } };
    const b = { a: { x: null, y: [1, { c: 3, d: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"x":null,"y":[1,{"c":3,"d":2}]},"b":1}');
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint({ ...a, b: 2 })).not.toBe(fingerprint(a));
  });

  it('writes exactly what the plain definition writes, for any JSON value (fast path included)', () => {
    // The definition, kept here as the reference: keys sorted at every level, undefined dropped.
    const reference = (value: unknown): string => {
      if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(',')}}`;
    };
    let seed = 7;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const strings = ['', 'a', 'Zoë', 'say "hi"', 'back\\slash', 'line\nbreak', '\u0001', '\u2028', 'emoji 😀', 'lone \ud800', '10', 'é', 'ä'];
    const keys = ['b', 'a', 'B', '10', '9', '0', '01', '__proto__', 'é', 'a b', 'key"q', 'z', 'user_email', 'timestamp'];
    const gen = (depth: number): unknown => {
      const k = rand(depth > 3 ? 5 : 8);
      if (k === 0) return null;
      if (k === 1) return [0, -0, 1.5, 1e21, -3, 123456789012, 0.1, 2 ** 53][rand(8)];
      if (k === 2) return rand(2) === 0;
      if (k <= 4) return strings[rand(strings.length)];
      if (k === 5) return Array.from({ length: rand(4) }, () => gen(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = rand(6); i > 0; i--) o[keys[rand(keys.length)] as string] = gen(depth + 1);
      return o;
    };
    for (let i = 0; i < 3000; i++) {
      const v = JSON.parse(JSON.stringify({ entry: gen(0), [keys[rand(keys.length)] as string]: gen(1) })) as unknown;
      expect(canonicalJson(v)).toBe(reference(v));
    }
    // Not plain JSON data: the slow path, same definition.
    const odd = [{ a: undefined, b: 1 }, { d: new Date(0) }, [1, , 3], { f: () => 1, g: [undefined] }, Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 })];
    for (const v of odd) expect(canonicalJson(v)).toBe(reference(v));
  });

  it('gives the same fp for the same entry pulled twice, and a different one for any changed field', () => {
    expect(ok(standard).fp).toBe(ok(JSON.parse(JSON.stringify(standard))).fp);
    expect(ok({ ...standard, ip_address: '10.0.0.2' }).fp).not.toBe(ok(standard).fp);
  });
});

describe('normalizeEntry', () => {
  it('normalizes a standard entry', () => {
    expect(ok(standard)).toEqual({
      fp: fingerprint(standard),
      time: '2026-09-14T08:30:00.000Z',
      kind: 'role_change',
      domain: 'org',
      feature: 'permissions',
      action: 'update_project_role',
      actor: 'admin@example.com',
      target: 'Bo.Lee@Example.com',
      targetEmail: 'bo.lee@example.com',
      projectId: '101',
      ip: '10.0.0.1',
      userAgent: 'Mozilla/5.0',
      role: { scope: 'project', from: 'member', to: 'admin' },
      props: { project_id: 101, old_role: 'Member', new_role: 'Admin' },
    });
  });

  it('reads the alternate key names the same way', () => {
    const alternate = {
      event_time: '2026-09-14 08:30:00',
      domain: 'org',
      feature: 'permissions',
      action: 'update_org_role',
      target: 'bo.lee@example.com',
      user: 'admin@example.com',
      project_id: null,
      ip: '10.0.0.1',
      properties: { from: 'member', to: 'ADMIN' },
    };
    const e = ok(alternate);
    expect(e).toMatchObject({ time: '2026-09-14T08:30:00.000Z', kind: 'role_change', actor: 'admin@example.com', ip: '10.0.0.1', role: { scope: 'org', from: 'member', to: 'admin' } });
    expect(e.projectId).toBeUndefined();
    expect(ok({ created_at: 1789374600, action: 'login', email: 'X@y.io' })).toMatchObject({ time: '2026-09-14T08:30:00.000Z', actor: 'x@y.io', kind: 'login', domain: '', feature: '' });
    expect(ok({ timestamp: 1789374600000, action: 'login', actor: { email: 'Z@y.io' } }).actor).toBe('z@y.io');
  });

  it.each([
    ['export rows', { domain: 'project', feature: 'export', action: 'export_data', event_properties: { row_count: 5000 } }, { kind: 'export', rows: 5000 }],
    ['cohort users', { domain: 'cohort', feature: 'cohort', action: 'export_cohort', event_properties: { cohort_size: '1200', destination: 'braze' } }, { kind: 'cohort_export', users: 1200 }],
    ['cohort sync users', { domain: 'cohort', feature: 'cohort_sync', action: 'sync_to_destination', properties: { num_users: 40 } }, { kind: 'cohort_export', users: 40 }],
    ['user export', { domain: 'project', feature: 'users', action: 'export_users', event_properties: { num_users: 9 } }, { kind: 'user_export', users: 9 }],
    ['failed login by error', { domain: 'auth', feature: 'auth', action: 'login', error: 'invalid_password' }, { kind: 'login_failed', error: 'invalid_password' }],
    ['invite with a role', { domain: 'org', feature: 'members', action: 'invite_user', target: 'new@x.io', event_properties: { role: 'Admin' } }, { kind: 'invite', targetEmail: 'new@x.io', role: { scope: 'org', to: 'admin' } }],
    ['props as a JSON string', { domain: 'project', feature: 'export', action: 'export_data', event_properties: '{"row_count":"12"}' }, { kind: 'export', rows: 12, props: { row_count: '12' } }],
    ['an object error', { domain: 'auth', feature: 'auth', action: 'login', error: { code: 'mfa' } }, { kind: 'login_failed', error: '{"code":"mfa"}' }],
    ['target email in props', { domain: 'org', feature: 'members', action: 'remove_user', target: 'member', event_properties: { target_email: 'Gone@x.io' } }, { kind: 'member_removed', target: 'member', targetEmail: 'gone@x.io' }],
  ] as const)('%s', (_name, entry, expected) => {
    expect(ok({ timestamp: '2026-09-14T08:30:00Z', ...entry })).toMatchObject(expected);
  });

  it.each([
    '2026-09-14T08:30:00.123Z',
    '2026-01-31T23:59:59.999Z',
    '2026-02-29T10:00:00.000Z',
    '2026-04-31T10:00:00.000Z',
    '2026-01-01T24:00:00.000Z',
    '0001-01-01T00:00:00.000Z',
    '2026-09-14T08:30:00Z',
    '2026-09-14T08:30:00.1234Z',
  ])('writes the time %s as toISOString does', (timestamp) => {
    expect(ok({ timestamp, action: 'login' }).time).toBe(new Date(Date.parse(timestamp)).toISOString());
  });

  it('leaves sizes undefined when the log does not give them', () => {
    const e = ok({ timestamp: '2026-09-14T08:30:00Z', domain: 'content', feature: 'dashboard', action: 'export_pdf', event_properties: { row_count: 'many' } });
    expect(e.rows).toBeUndefined();
    expect(e.users).toBeUndefined();
  });

  it.each([
    [{ action: 'login' }, 'an entry has no timestamp (timestamp, event_time or created_at)'],
    [{ timestamp: 'yesterday', action: 'login' }, 'an entry has an unreadable timestamp'],
    [{ timestamp: '2026-09-14T08:30:00Z' }, 'an entry has no action'],
    ['text', 'an entry is not an object'],
  ] as const)('refuses %j', (entry, problem) => {
    expect(normalizeEntry(entry)).toEqual({ ok: false, problem });
  });
});

describe('parseTime', () => {
  it.each([
    ['2026-09-14T08:30:00.000Z', Date.UTC(2026, 8, 14, 8, 30)],
    ['2026-09-14T10:30:00+02:00', Date.UTC(2026, 8, 14, 8, 30)],
    ['2026-09-14 08:30:00.250', Date.UTC(2026, 8, 14, 8, 30, 0, 250)],
    [1789374600, Date.UTC(2026, 8, 14, 8, 30)],
    ['1789374600000', Date.UTC(2026, 8, 14, 8, 30)],
    ['nope', undefined],
    [null, undefined],
  ] as const)('%j', (v, expected) => {
    expect(parseTime(v)).toBe(expected);
  });
});
