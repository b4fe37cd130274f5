import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, manualClock } from '../clock.js';
import { buildMessage } from './compose.js';
import type { Envelope } from './eml.js';
import { backoffDelay, deliverPending, Outbox, outboxDirFor, removeStaleLock } from './outbox.js';
import { SendFailure, type MailTransport } from './transport.js';
import type { MailMessage } from './types.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ampaudit-outbox-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T0 = '2026-10-01T07:00:00.000Z';

function message(ref = '123456/2026-Q3', to = ['security@acme.example']): MailMessage {
  return buildMessage({ kind: 'review', ref, from: 'ampaudit@acme.example', to, subject: 'Review', html: '<p>hi</p>', text: 'hi', date: T0 });
}

/** A transport that records what it was given and fails the first `failures` sends. */
function fakeTransport(failures = 0, failure: SendFailure = new SendFailure('ECONNECTION: connect ECONNREFUSED 127.0.0.1:2525', false)) {
  const sent: { raw: Buffer; envelope: Envelope }[] = [];
  let left = failures;
  const transport: MailTransport = {
    description: 'smtp://fake:25',
    async send(raw, envelope) {
      if (left > 0) {
        left--;
        throw failure;
      }
      sent.push({ raw, envelope });
      return { response: '250 OK queued as ABC', messageId: '<server-id@fake>' };
    },
    close() {},
  };
  return { transport, sent };
}

describe('enqueue', () => {
  it('writes the .eml and its state once; the same message again is a no-op that says so', async () => {
    const outbox = new Outbox(dir);
    const clock = fixedClock(T0);
    const first = await outbox.enqueue(message(), clock);
    expect(first.created).toBe(true);
    expect(first.note).toBe(`queued ${first.id} for security@acme.example`);
    expect(first.state).toMatchObject({ status: 'pending', attempts: 0, kind: 'review', ref: '123456/2026-Q3', created: T0, envelope: { from: 'ampaudit@acme.example', to: ['security@acme.example'] } });
    expect(statSync(first.emlPath).mode & 0o777).toBe(0o600);
    expect(statSync(first.statePath).mode & 0o777).toBe(0o600);
    const eml = readFileSync(first.emlPath, 'latin1');
    expect(eml).toContain(`Message-ID: <${first.id}@acme.example>`);

    const again = await outbox.enqueue(message(), clock);
    expect(again).toMatchObject({ created: false, id: first.id, note: `already in the outbox (pending, not tried yet): ${first.id}` });
    // Another recipient list or another pack is another message.
    expect((await outbox.enqueue(message('123456/2026-Q3', ['soc@acme.example']), clock)).created).toBe(true);
    expect((await outbox.enqueue(message('123456/2026-Q3-r2'), clock)).created).toBe(true);
    expect(outbox.list().items).toHaveLength(3);
  });

  it('makes one entry when two processes enqueue the same message at once', async () => {
    const clock = fixedClock(T0);
    const results = await Promise.all([new Outbox(dir).enqueue(message(), clock), new Outbox(dir).enqueue(message(), clock)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Outbox(dir).list().items).toHaveLength(1);
  });

  it('defaults to outbox/ next to the evidence store', () => {
    expect(outboxDirFor({ store: '/var/lib/ampaudit/evidence.db' })).toBe('/var/lib/ampaudit/outbox');
    expect(outboxDirFor({ store: '/var/lib/ampaudit/evidence.db', mail: { from: 'a@b.c', to: ['x@y.z'], attachmentLimitBytes: 1, projectDigests: false, outbox: '/srv/outbox' } })).toBe('/srv/outbox');
  });
});

describe('deliverPending', () => {
  it('sends the stored bytes with the stored envelope and records the reply', async () => {
    const outbox = new Outbox(dir);
    const clock = fixedClock(T0);
    const q = await outbox.enqueue(message(), clock);
    const { transport, sent } = fakeTransport();
    const r = await deliverPending({ outbox, transport, clock });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.raw.equals(readFileSync(q.emlPath))).toBe(true);
    expect(sent[0]!.envelope).toEqual({ from: 'ampaudit@acme.example', to: ['security@acme.example'] });
    expect(r.note).toBe(`1 message sent via smtp://fake:25. Outbox: ${dir}`);
    expect(outbox.read(q.id)).toMatchObject({ status: 'sent', attempts: 1, sentAt: T0, smtpMessageId: '<server-id@fake>', smtpResponse: '250 OK queued as ABC' });
  });

  it('backs off exponentially with jitter, then gives up (still listed) after the last attempt', async () => {
    const outbox = new Outbox(dir);
    const clock = manualClock(T0);
    const q = await outbox.enqueue(message(), clock);
    const { transport, sent } = fakeTransport(99);
    const next: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await deliverPending({ outbox, transport, clock, maxAttempts: 3, random: () => 0 });
      const s = outbox.read(q.id)!;
      if (i < 2) {
        expect(r.retrying.map((x) => x.id)).toEqual([q.id]);
        next.push(s.nextAttemptAt!);
        clock.set(s.nextAttemptAt!);
      } else {
        expect(r.failed.map((x) => x.id)).toEqual([q.id]);
        expect(s).toMatchObject({ status: 'failed', attempts: 3, lastError: 'ECONNECTION: connect ECONNREFUSED 127.0.0.1:2525' });
        expect(s.nextAttemptAt).toBeUndefined();
      }
    }
    // 1 min × 0.75, then 2 min × 0.75 after it.
    expect(next).toEqual(['2026-10-01T07:00:45.000Z', '2026-10-01T07:02:15.000Z']);
    expect(sent).toHaveLength(0);
    expect(outbox.list().items.map((i) => i.state.status)).toEqual(['failed']);
  });

  it.each([
    [1, 0, 45_000],
    [1, 1, 75_000],
    [2, 0.5, 120_000],
    [5, 0.5, 960_000],
    [20, 0.5, 6 * 3_600_000],
  ])('backoffDelay(attempts %i, random %d) = %i ms', (attempts, random, ms) => {
    expect(backoffDelay(attempts, () => random)).toBe(ms);
  });

  it('does not send a message whose .eml changed after it was queued', async () => {
    const outbox = new Outbox(dir);
    const clock = fixedClock(T0);
    const q = await outbox.enqueue(message(), clock);
    writeFileSync(q.emlPath, readFileSync(q.emlPath, 'latin1').replace('Review', 'Altered'), 'latin1');
    const { transport, sent } = fakeTransport();
    const r = await deliverPending({ outbox, transport, clock });
    expect(sent).toHaveLength(0);
    expect(r.failed).toHaveLength(1);
    expect(outbox.read(q.id)!.lastError).toBe(`${q.id}.eml was changed after it was queued (sha256 differs); not sent`);
  });

  it('skips a message another live process is sending, and takes over a lock left by a dead one', async () => {
    const outbox = new Outbox(dir);
    const clock = fixedClock(T0);
    const q = await outbox.enqueue(message(), clock);
    const { transport, sent } = fakeTransport();
    writeFileSync(join(dir, `${q.id}.lock`), `${process.pid}\n`);
    const busy = await deliverPending({ outbox, transport, clock });
    expect(busy.busy).toEqual([q.id]);
    expect(sent).toHaveLength(0);
    writeFileSync(join(dir, `${q.id}.lock`), '2147483646\n');
    const taken = await deliverPending({ outbox, transport, clock });
    expect(taken.sent.map((s) => s.id)).toEqual([q.id]);
    expect(sent).toHaveLength(1);
  });

  it('takes over a stale lock only once: a lock another process took in the meantime stays', () => {
    const lock = join(dir, 'm.lock');
    const dead = '2147483646';
    // Process B read the dead holder; process A (alive: this test) has since taken the lock over.
    writeFileSync(lock, `${process.pid}\n`);
    expect(removeStaleLock(lock, dead)).toBe(false);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
    // While a live process holds the takeover token, nobody else removes anything.
    writeFileSync(lock, `${dead}\n`);
    writeFileSync(`${lock}.takeover`, `${process.pid}\n`);
    expect(removeStaleLock(lock, dead)).toBe(false);
    expect(existsSync(lock)).toBe(true);
    // A token left by a dead process is cleared, and the next attempt takes the stale lock.
    writeFileSync(`${lock}.takeover`, `${dead}\n`);
    expect(removeStaleLock(lock, dead)).toBe(false);
    expect(existsSync(`${lock}.takeover`)).toBe(false);
    expect(removeStaleLock(lock, dead)).toBe(true);
    expect(existsSync(lock)).toBe(false);
    expect(existsSync(`${lock}.takeover`)).toBe(false);
  });

  it('without SMTP settings keeps everything and says where it waits', async () => {
    const outbox = new Outbox(dir);
    const clock = fixedClock(T0);
    await outbox.enqueue(message(), clock);
    await outbox.enqueue(message('123456/2026-Q3#project:101', ['a@acme.example']), clock);
    const r = await deliverPending({ outbox, clock });
    expect(r.noTransport).toBe(true);
    expect(r.waiting).toHaveLength(2);
    expect(r.unsent).toBe(2);
    expect(r.note).toBe(`No SMTP settings (mail.smtp): 2 messages wait in ${dir} as .eml files; configure mail.smtp and run \`ampaudit deliver\`.`);
    expect(outbox.list().items.every((i) => i.state.attempts === 0)).toBe(true);
  });

  it('lists an unreadable state file as a problem instead of failing', async () => {
    const outbox = new Outbox(dir);
    await outbox.enqueue(message(), fixedClock(T0));
    writeFileSync(join(dir, 'review-000000000000000000000000.json'), '{"version": 1}');
    const listing = outbox.list();
    expect(listing.items).toHaveLength(1);
    expect(listing.problems.map((p) => p.file)).toEqual([join(dir, 'review-000000000000000000000000.json')]);
  });
});
