/**
 * The review mail end to end over a real SMTP server on loopback: compose → outbox (.eml) →
 * deliver → received bytes parsed with mailparser. Plus the outbox's promises against a server
 * that is down, comes back, and a job that runs again.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, manualClock } from '../src/clock.js';
import { mailSchema } from '../src/config/schema.js';
import { composeReviewMail } from '../src/mail/compose.js';
import { deliverPending, listOutbox, Outbox } from '../src/mail/outbox.js';
import { queueReviewMail } from '../src/mail/queue.js';
import { startSmtpSink, type SmtpSink } from '../src/mail/testing/smtp-sink.js';
import { writeMailTestPack, type TestPack } from '../src/mail/testing/pack.js';
import { createSmtpTransport } from '../src/mail/transport.js';

const SENT_AT = '2026-10-01T07:00:00.000Z';
const USER = 'ampaudit-mailer';
const PASS = 'S3cret-Pa55word!';

let tmp: string;
let fixture: TestPack;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ampaudit-mail-smtp-'));
  fixture = await writeMailTestPack(join(tmp, 'reports'), { realPdf: true });
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function settings(port: number, extra: Record<string, unknown> = {}) {
  return mailSchema.parse({
    from: 'ampaudit@acme.example',
    to: ['security@acme.example', 'ciso@acme.example'],
    smtp: { host: '127.0.0.1', port },
    ...extra,
  });
}

function freshDir(name: string): string {
  return mkdtempSync(join(tmp, `${name}-`));
}

describe('review mail over SMTP', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ auth: { user: USER, pass: PASS } });
  });
  afterAll(async () => {
    await sink.stop();
  });

  it('arrives with subject, both bodies and the attachments byte-equal to the pack files; the .eml is what was sent', async () => {
    const { data, pack } = fixture;
    const mail = settings(sink.port);
    const clock = fixedClock(SENT_AT);
    const outbox = new Outbox(freshDir('outbox'));
    const before = sink.received.length;

    const message = composeReviewMail({ data, pack, mail, clock });
    const queued = await outbox.enqueue(message, clock);
    expect(queued.created).toBe(true);
    const transport = createSmtpTransport(mail.smtp!, { smtpUser: USER, smtpPassword: PASS });
    const result = await deliverPending({ outbox, transport, clock });
    transport.close();

    expect(result.sent.map((s) => s.id)).toEqual([queued.id]);
    expect(sink.received.length - before).toBe(1);
    const got = sink.received[sink.received.length - 1]!;
    expect(got.user).toBe(USER);
    expect(got.from).toBe('ampaudit@acme.example');
    expect(got.to).toEqual(['security@acme.example', 'ciso@acme.example']);
    // What was stored is what was sent, byte for byte.
    expect(got.raw.equals(readFileSync(queued.emlPath))).toBe(true);

    const parsed = await simpleParser(got.raw);
    expect(parsed.subject).toBe('[ampaudit] Acme Analytics GmbH 2026-Q3 access review: 9 high, 11 medium, 6 low, 3 info open; 1 check undecided');
    expect(parsed.messageId).toBe(message.messageId);
    expect(parsed.date?.toISOString()).toBe(SENT_AT);
    expect(parsed.headers.get('x-ampaudit-pack')).toBe('123456/2026-Q3');
    expect(parsed.headers.get('x-ampaudit-manifest-sha256')).toBe(pack.manifestSha256);

    const text = parsed.text ?? '';
    expect(text).toContain('  Severity    Open   Since 2026-Q2  Excepted  Unknown\n  High           9              -1         1        0\n');
    expect(text).toContain('* [HIGH] contractor-expired\n  lea.marchetti@northwind-consulting.example\n');
    expect(text).toContain('Since the 2026-Q2 review: 19 new, 4 resolved, 12 still open.');
    expect(text).toContain('! No audit-log data for 2026-08-03 02:00 – 2026-08-10 04:00 (7 d 2 h):');
    expect(text).toContain(`Pack folder:\n  ${pack.dir}\n`);
    expect(text).toContain(`Manifest sha256:\n  ${pack.manifestSha256}\n`);
    expect(text).toContain('  ampaudit packs verify 2026-Q3\n');
    expect(text).toContain('  review-pack.pdf (');
    // 72 columns, except a line that is one unbreakable token (a path).
    for (const line of text.split('\n')) if (line.length > 72) expect(line.trim()).not.toContain(' ');

    const html = parsed.html || '';
    expect(html).toContain('max-width:640px');
    expect(html).toContain('Acme Analytics GmbH · 2026-Q3');
    expect(html).toContain(pack.dir);
    expect(html).toContain(pack.manifestSha256);
    expect(html).toContain('ampaudit packs verify 2026-Q3');
    expect(html).not.toMatch(/<img|<script|<link|src=|https?:\/\//i);

    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['review-pack.pdf', 'application/pdf'],
      ['findings.csv', 'text/csv'],
    ]);
    expect(parsed.attachments[0]!.content.equals(readFileSync(pack.pdfPath))).toBe(true);
    expect(parsed.attachments[1]!.content.equals(readFileSync(pack.findingsCsvPath))).toBe(true);

    const state = outbox.read(queued.id)!;
    expect(state).toMatchObject({ status: 'sent', attempts: 1, sentAt: SENT_AT, kind: 'review', ref: '123456/2026-Q3', recipients: ['ciso@acme.example', 'security@acme.example'] });
    expect(state.smtpResponse).toMatch(/^250 /);
    // No credential in any outbox file.
    for (const f of readdirSync(outbox.dir)) {
      const bytes = readFileSync(join(outbox.dir, f), 'utf8');
      expect(bytes).not.toContain(PASS);
      expect(bytes).not.toContain(Buffer.from(PASS).toString('base64'));
    }
  });

  it('above the size cap attaches nothing and names the archive path', async () => {
    const { data, pack } = fixture;
    const mail = settings(sink.port, { attachmentLimitBytes: 1000 });
    const clock = fixedClock(SENT_AT);
    const outbox = new Outbox(freshDir('outbox-cap'));
    const queued = await outbox.enqueue(composeReviewMail({ data, pack, mail, clock }), clock);
    const transport = createSmtpTransport(mail.smtp!, { smtpUser: USER, smtpPassword: PASS });
    await deliverPending({ outbox, transport, clock });
    transport.close();

    const got = sink.received[sink.received.length - 1]!;
    expect(got.raw.equals(readFileSync(queued.emlPath))).toBe(true);
    const parsed = await simpleParser(got.raw);
    expect(parsed.attachments).toEqual([]);
    const text = parsed.text ?? '';
    expect(text.replace(/\s+/g, ' ')).toMatch(/Not attached: the PDF and findings\.csv together are [\d.]+ KiB, above the 1000 B limit for attachments\. Open them in the pack folder:/);
    expect(text).toContain(`in the pack folder:\n  ${pack.dir}\n`);
    expect(parsed.html || '').toContain(`above the 1000 B limit for attachments. Open them in the pack folder: <span style="font-family:Consolas,Menlo,monospace;font-size:13px;word-break:break-all;">${pack.dir}</span>`);
  });

  it('a wrong password is recorded without the credentials and retried later', async () => {
    const { data, pack } = fixture;
    const mail = settings(sink.port);
    const clock = fixedClock(SENT_AT);
    const outbox = new Outbox(freshDir('outbox-auth'));
    const before = sink.received.length;
    const queued = await outbox.enqueue(composeReviewMail({ data, pack, mail, clock }), clock);
    const wrong = 'Wr0ng-Passw0rd-xyz';
    const transport = createSmtpTransport(mail.smtp!, { smtpUser: USER, smtpPassword: wrong });
    const r = await deliverPending({ outbox, transport, clock, random: () => 0.5 });
    transport.close();
    expect(sink.received.length).toBe(before);
    expect(r.sent).toEqual([]);
    const state = outbox.read(queued.id)!;
    expect(state.lastError).toMatch(/EAUTH 535/);
    expect(JSON.stringify(state)).not.toContain(wrong);
    expect(JSON.stringify(state)).not.toContain(Buffer.from(wrong).toString('base64'));
  });
});

describe('outbox against a server that is down, then up', () => {
  it('keeps the message pending with an error and a next attempt; sends it exactly once when the server is back; a rerun sends nothing', async () => {
    const { data, pack } = fixture;
    // A port nobody listens on: take one, then free it.
    const probe = await startSmtpSink();
    const port = probe.port;
    await probe.stop();

    const root = freshDir('job');
    const config = { mail: settings(port), store: join(root, 'evidence.db') };
    const clock = manualClock(SENT_AT);
    const transport = createSmtpTransport(config.mail.smtp!, {}, { connectionMs: 5_000 });

    const q1 = await queueReviewMail({ config, data, pack, clock });
    expect(q1.outbox.dir).toBe(join(root, 'outbox'));
    expect(q1.review.created).toBe(true);
    expect(readFileSync(q1.review.emlPath).length).toBe(q1.review.state.eml.bytes);

    const down = await deliverPending({ outbox: q1.outbox, transport, clock, random: () => 0.5 });
    expect(down.sent).toEqual([]);
    expect(down.retrying.map((s) => s.id)).toEqual([q1.review.id]);
    let state = q1.outbox.read(q1.review.id)!;
    expect(state.status).toBe('pending');
    expect(state.attempts).toBe(1);
    expect(state.lastError).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);
    expect(state.nextAttemptAt).toBe('2026-10-01T07:01:00.000Z');
    expect(down.note).toContain('1 failed and will be retried (next at 2026-10-01T07:01:00.000Z)');

    // Not due yet: nothing is tried.
    clock.advance(30_000);
    const early = await deliverPending({ outbox: q1.outbox, transport, clock });
    expect(early.waiting.map((s) => s.id)).toEqual([q1.review.id]);
    expect(q1.outbox.read(q1.review.id)!.attempts).toBe(1);

    // The server comes back; the process restarts (a new Outbox on the same folder).
    const sink = await startSmtpSink({ port });
    try {
      clock.advance(60_000);
      const restarted = new Outbox(join(root, 'outbox'));
      const up = await deliverPending({ outbox: restarted, transport, clock });
      expect(up.sent.map((s) => s.id)).toEqual([q1.review.id]);
      expect(sink.received).toHaveLength(1);
      expect(sink.received[0]!.raw.equals(readFileSync(q1.review.emlPath))).toBe(true);
      state = restarted.read(q1.review.id)!;
      expect(state).toMatchObject({ status: 'sent', attempts: 2, sentAt: '2026-10-01T07:01:30.000Z' });

      // Delivering again sends nothing.
      const again = await deliverPending({ outbox: restarted, transport, clock, retryNow: true });
      expect(again.sent).toEqual([]);

      // The quarterly job runs again for the same pack: nothing new is queued or sent.
      clock.advance(86_400_000);
      const q2 = await queueReviewMail({ config, data, pack, clock });
      expect(q2.review.created).toBe(false);
      expect(q2.review.id).toBe(q1.review.id);
      expect(q2.review.note).toBe(`already in the outbox (sent 2026-10-01T07:01:30.000Z): ${q1.review.id}`);
      const rerun = await deliverPending({ outbox: q2.outbox, transport, clock });
      expect(rerun.sent).toEqual([]);
      expect(sink.received).toHaveLength(1);

      const listing = listOutbox(join(root, 'outbox'));
      expect(listing.items.map((i) => [i.id, i.state.status, i.state.attempts])).toEqual([[q1.review.id, 'sent', 2]]);
      expect(listing.problems).toEqual([]);
    } finally {
      transport.close();
      await sink.stop();
    }
  });

  it('a message refused for good is given up at once, still listed, and `--retry` sends it', async () => {
    const { data, pack } = fixture;
    const refusing = await startSmtpSink({ rejectData: { code: 550, message: 'Message rejected by policy' } });
    const good = await startSmtpSink();
    try {
      const clock = fixedClock(SENT_AT);
      const outbox = new Outbox(freshDir('outbox-550'));
      const mail = settings(refusing.port);
      const q = await outbox.enqueue(composeReviewMail({ data, pack, mail, clock }), clock);
      const t1 = createSmtpTransport(mail.smtp!, {});
      const r1 = await deliverPending({ outbox, transport: t1, clock });
      t1.close();
      expect(r1.failed.map((s) => s.id)).toEqual([q.id]);
      expect(outbox.read(q.id)).toMatchObject({ status: 'failed', attempts: 1 });
      expect(outbox.read(q.id)!.lastError).toMatch(/550/);
      expect(listOutbox(outbox.dir).items.map((i) => i.state.status)).toEqual(['failed']);

      // Without --retry a failed message stays failed.
      const t2 = createSmtpTransport({ host: '127.0.0.1', port: good.port, secure: false, requireTLS: false }, {});
      expect((await deliverPending({ outbox, transport: t2, clock })).sent).toEqual([]);
      const r2 = await deliverPending({ outbox, transport: t2, clock, retryNow: true });
      t2.close();
      expect(r2.sent.map((s) => s.id)).toEqual([q.id]);
      expect(good.received).toHaveLength(1);
      expect(outbox.read(q.id)).toMatchObject({ status: 'sent', attempts: 2 });
    } finally {
      await refusing.stop();
      await good.stop();
    }
  });
});
