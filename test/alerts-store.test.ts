/**
 * Alerts from a real SQLite evidence store: one alert mail with each high-risk event once; a
 * second run finds nothing new; a new event (and a late one inside the collect overlap) alerts
 * only that one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { runAlerts } from '../src/alerts/run.js';
import { manualClock } from '../src/clock.js';
import { configSchema, type Config } from '../src/config/schema.js';
import type { AuditEvent } from '../src/domain/events.js';
import { defaultPolicy, type ResolvedPolicy } from '../src/engine/policy.js';
import { listOutbox, Outbox } from '../src/mail/outbox.js';
import { RULES } from '../src/rules/index.js';
import { ev, tempStore, type TempStore } from '../src/store/testing.js';
import type { EvidenceStore } from '../src/store/types.js';

const NOW = Date.parse('2026-08-15T12:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (offsetMs: number): string => new Date(NOW + offsetMs).toISOString();

let t: TempStore | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

function config(): Config {
  const parsed = configSchema.parse({
    org: { id: 123456, name: 'Acme' },
    timezone: 'Europe/Berlin',
    mail: { from: 'ampaudit@acme.example', to: ['security@acme.example'], alertsTo: ['soc@acme.example'] },
  });
  return { ...parsed, baseDir: '/tmp', secrets: {} };
}

function append(store: EvidenceStore, events: AuditEvent[], coveredTo: number): void {
  const run = store.startRun('collect', new Date(coveredTo));
  store.appendWindow(run, events, { from: at(-40 * DAY), to: new Date(coveredTo).toISOString() });
  store.finishRun(run, new Date(coveredTo), 'ok');
}

function failures(account: string, start: number, n: number, everyMs: number): AuditEvent[] {
  return Array.from({ length: n }, (_, i) => ev({ time: at(start + i * everyMs), kind: 'login_failed', actor: account, ip: '203.0.113.9', error: 'invalid password' }));
}

function exportsOf(actor: string, start: number, n: number): AuditEvent[] {
  return Array.from({ length: n }, (_, i) => ev({ time: at(start + i * MIN), kind: 'export', actor, rows: 100 }));
}

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('alerts from the evidence store', () => {
  it('mails each high-risk event once; a second run finds nothing; a new event alerts only that one', async () => {
    t = tempStore();
    const store = t.store;
    const cfg = config();
    const policy = defaultPolicy(RULES);
    const outbox = new Outbox(join(t.dir, 'outbox'));
    const clock = manualClock(new Date(NOW));

    const admin = ev({ time: at(-2 * HOUR), kind: 'role_change', actor: 'ana@acme.example', targetEmail: 'bob@acme.example', target: 'bob@acme.example', role: { scope: 'org', from: 'member', to: 'admin' } });
    const sso = ev({ time: at(-3 * HOUR), kind: 'sso_change', actor: 'ana@acme.example' });
    const cohort = ev({ time: at(-4 * HOUR), kind: 'cohort_export', actor: 'dan@acme.example', users: 1_500_000, projectId: '101' });
    append(
      store,
      [
        // Older than the first run's 24 hours: never alerted.
        ev({ time: at(-30 * HOUR), kind: 'role_change', actor: 'ana@acme.example', targetEmail: 'old@acme.example', role: { scope: 'org', from: 'member', to: 'owner' } }),
        admin,
        // Not a new admin: a demotion, a project role, a failed change.
        ev({ time: at(-2 * HOUR + MIN), kind: 'role_change', actor: 'ana@acme.example', targetEmail: 'carl@acme.example', role: { scope: 'org', from: 'owner', to: 'admin' } }),
        ev({ time: at(-2 * HOUR + 2 * MIN), kind: 'role_change', actor: 'ana@acme.example', targetEmail: 'dora@acme.example', role: { scope: 'project', from: 'member', to: 'admin' }, projectId: '101' }),
        ev({ time: at(-2 * HOUR + 3 * MIN), kind: 'role_change', actor: 'ana@acme.example', targetEmail: 'fred@acme.example', role: { scope: 'org', from: 'member', to: 'admin' }, error: 'forbidden' }),
        sso,
        cohort,
        ev({ time: at(-4 * HOUR + MIN), kind: 'cohort_export', actor: 'dan@acme.example', users: 900_000 }),
        // 10 failures in 27 minutes: a burst. 9 in an hour: not one.
        ...failures('mallory@acme.example', -5 * HOUR, 10, 3 * MIN),
        ...failures('nina@acme.example', -6 * HOUR, 9, 5 * MIN),
        // carol crosses 20 exports inside the window; dave was over before it (first run: not mailed).
        ...exportsOf('carol@acme.example', -10 * DAY, 15),
        ...exportsOf('carol@acme.example', -1 * HOUR, 6),
        ...exportsOf('dave@acme.example', -10 * DAY, 25),
      ],
      NOW,
    );

    const run1 = await runAlerts({ store, config: cfg, policy, clock, outbox });
    expect(run1.firstRun).toBe(true);
    expect(run1.window).toEqual({ from: at(-24 * HOUR), to: at(0) });
    expect(run1.alerts.map((a) => a.key)).toEqual([
      `burst:mallory@acme.example:${at(-5 * HOUR)}`,
      `cohort:${cohort.fp}`,
      `security:${sso.fp}`,
      `role:${admin.fp}`,
      'export-count:carol@acme.example:2026-Q3',
    ]);
    // Recorded without a mail: dave was over the limit before the window (first run), and dan's
    // cohort-user total is the large export already alerted.
    expect(run1.primed).toBe(2);
    expect(store.getMeta('alerts.sent:export-count:dave@acme.example:2026-Q3')).toBe(at(0));
    expect(store.getMeta('alerts.sent:export-users:dan@acme.example:2026-Q3')).toBe(at(0));
    expect(run1.alerts.map((a) => a.summary)).toEqual([
      '10 failed logins for mallory@acme.example between 2026-08-15 09:00 and 2026-08-15 09:27 (10 or more within 60 minutes).',
      'dan@acme.example exported a cohort of 1,500,000 users, above the limit of 1,000,000.',
      'SSO configuration changed by ana@acme.example.',
      'bob@acme.example became organization admin (was member), changed by ana@acme.example.',
      'carol@acme.example is at 21 exports in 2026-Q3, above the limit of 20.',
    ]);

    // One message, to the alerts list, each event listed once.
    expect(run1.enqueued?.created).toBe(true);
    const items = listOutbox(outbox.dir).items;
    expect(items).toHaveLength(1);
    expect(items[0]!.state).toMatchObject({ kind: 'alert', recipients: ['soc@acme.example'], status: 'pending' });
    const parsed = await simpleParser(readFileSync(items[0]!.emlPath));
    expect(parsed.subject).toBe(
      '[ampaudit] Acme alert: 5 high-risk events (new org admin or owner, SSO/SCIM/security settings changed, large cohort export, export limit crossed, failed-login burst)',
    );
    const text = (parsed.text ?? '').replace(/\s+/g, ' ');
    const html = parsed.html || '';
    for (const a of run1.alerts) {
      expect(occurrences(text, a.summary)).toBe(1);
      expect(occurrences(html, a.summary.replace(/&/g, '&amp;'))).toBe(1);
    }
    expect(text).not.toContain('old@acme.example');
    expect(text).not.toContain('carl@acme.example');
    expect(text).not.toContain('dora@acme.example');
    expect(text).not.toContain('fred@acme.example');
    expect(text).not.toContain('nina@acme.example');
    expect(text).not.toContain('dave@acme.example');

    // Again an hour later with no new events: nothing.
    clock.set(at(1 * HOUR));
    const run2 = await runAlerts({ store, config: cfg, policy, clock, outbox });
    expect(run2.firstRun).toBe(false);
    // From the last window end (NOW) minus the collect overlap (6 h).
    expect(run2.window).toEqual({ from: at(-6 * HOUR), to: at(1 * HOUR) });
    expect(run2.alerts).toEqual([]);
    expect(run2.message).toBeUndefined();
    expect(listOutbox(outbox.dir).items).toHaveLength(1);

    // New events: a new owner, a late entry inside the collect overlap (before the last run),
    // a failure continuing mallory's burst, more exports by carol and dave.
    const owner = ev({ time: at(90 * MIN), kind: 'role_change', actor: 'ana@acme.example', targetEmail: 'erin@acme.example', role: { scope: 'org', from: 'admin', to: 'owner' } });
    const late = ev({ time: at(30 * MIN), kind: 'scim_change', actor: 'ana@acme.example' });
    append(store, [owner, late, ...failures('mallory@acme.example', -5 * HOUR + 47 * MIN, 1, MIN), ...exportsOf('carol@acme.example', 100 * MIN, 1), ...exportsOf('dave@acme.example', 100 * MIN, 1)], NOW + 2 * HOUR);
    clock.set(at(2 * HOUR));
    const run3 = await runAlerts({ store, config: cfg, policy, clock, outbox });
    expect(run3.alerts.map((a) => a.key)).toEqual([`security:${late.fp}`, `role:${owner.fp}`]);
    expect(run3.alerts.map((a) => a.summary)).toEqual([
      'SCIM provisioning settings changed by ana@acme.example.',
      'erin@acme.example became organization owner (was admin), changed by ana@acme.example.',
    ]);
    expect(listOutbox(outbox.dir).items).toHaveLength(2);
    expect(store.getMeta('alerts.burst-end:mallory@acme.example')).toBe(at(-5 * HOUR + 47 * MIN));

    // A reopened store (a restart) keeps the ledger.
    const reopened = t.reopen();
    clock.set(at(3 * HOUR));
    const run4 = await runAlerts({ store: reopened, config: cfg, policy, clock, outbox });
    expect(run4.alerts).toEqual([]);
  });

  it('takes its thresholds from the policy, and a disabled rule switches its alert off', async () => {
    t = tempStore();
    const store = t.store;
    const base = defaultPolicy(RULES);
    const policy: ResolvedPolicy = {
      ...base,
      'failed-login-burst': { enabled: true, severity: 'medium', options: { threshold: 5 } },
      'excessive-export': { ...base['excessive-export']!, enabled: false },
    };
    append(store, [...failures('nina@acme.example', -6 * HOUR, 9, 5 * MIN), ev({ time: at(-HOUR), kind: 'cohort_export', actor: 'dan@acme.example', users: 5_000_000 })], NOW);
    const r = await runAlerts({ store, config: config(), policy, clock: manualClock(new Date(NOW)), outbox: false });
    expect(r.alerts.map((a) => a.key)).toEqual([`burst:nina@acme.example:${at(-6 * HOUR)}`]);
    expect(r.alerts[0]!.summary).toBe('9 failed logins for nina@acme.example between 2026-08-15 08:00 and 2026-08-15 08:40 (5 or more within 60 minutes).');
    // With `outbox: false` the message is only returned, for the caller to queue.
    expect(r.message?.to).toEqual(['soc@acme.example']);
    expect(r.enqueued).toBeUndefined();
  });

  it('queues the alert mail in the configured outbox (next to the store) before recording it', async () => {
    t = tempStore();
    const store = t.store;
    append(store, [ev({ time: at(-HOUR), kind: 'security_change', actor: 'ana@acme.example' })], NOW);
    const cfg = { ...config(), store: t.path };
    const r = await runAlerts({ store, config: cfg, policy: defaultPolicy(RULES), clock: manualClock(new Date(NOW)) });
    expect(r.enqueued?.created).toBe(true);
    expect(r.enqueued?.emlPath).toBe(join(t.dir, 'outbox', `${r.enqueued?.id}.eml`));
    expect(listOutbox(join(t.dir, 'outbox')).items.map((i) => i.state.subject)).toEqual(['[ampaudit] Acme alert: 1 high-risk event (SSO/SCIM/security settings changed)']);
  });
});
