/**
 * The quarterly pipeline end to end on the demo org (collects replayed with an injected clock):
 * the pack in the archive, read back — PDF text, outline and attachments byte-equal to the CSVs,
 * qpdf's structural check, `packs verify` (and a tampered byte caught) — and the review mail as an
 * SMTP server received it, attachments byte-equal to the pack's files; delivering again sends nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import { loadConfig } from '../src/config/load.js';
import { runDemo, type DemoResult } from '../src/demo/demo.js';
import { deliverOutbox, mailReview } from '../src/jobs.js';
import { startSmtpSink, type SmtpSink } from '../src/mail/testing/smtp-sink.js';
import { cli } from './helpers/cli.js';

const NOW = '2026-11-25T10:00:00.000Z';
const hasQpdf = (() => {
  try {
    execFileSync('qpdf', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

describe('quarterly review pack and mail, end to end', () => {
  let dir: string;
  let sink: SmtpSink;
  let demo: DemoResult;
  let mail: ParsedMail;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ampaudit-review-'));
    sink = await startSmtpSink();
    demo = await runDemo({
      dir: join(dir, 'demo'),
      clock: fixedClock(NOW),
      smtpPort: sink.port,
      deliver: ({ config, review, clock }) => mailReview(config, clock, review),
    });
    const review = sink.received.find((m) => m.to.includes('security@acme.example'));
    if (!review) throw new Error('no review mail received');
    mail = await simpleParser(review.raw);
  }, 120_000);

  afterAll(async () => {
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('check shows each finding\'s first-seen quarter from the archive, as the pack does', async () => {
    const r = await cli(['check', '--config', demo.configFile, '--no-collect', '--format', 'json'], { env: {}, clock: fixedClock(NOW) });
    expect(r.stderr).not.toContain('warning');
    const checked = (JSON.parse(r.stdout) as { findings: { id: string; firstSeen?: string }[] }).findings;
    const archived = new Map(
      (JSON.parse(readFileSync(join(demo.review.pack.dir, 'findings.json'), 'utf8')) as { findings: { id: string; firstSeen?: string }[] }).findings.map((f) => [f.id, f.firstSeen]),
    );
    expect(checked.length).toBeGreaterThan(0);
    for (const f of checked) expect(f.firstSeen, f.id).toBe(archived.get(f.id) ?? demo.checkPeriod);
    expect(checked.some((f) => f.firstSeen !== undefined && f.firstSeen < demo.checkPeriod)).toBe(true);
  });

  it('writes both quarters, the later compared with the earlier', () => {
    expect(demo.earlier.data.periodLabel).toBe('2026-Q2');
    expect(demo.review.data.periodLabel).toBe('2026-Q3');
    expect(demo.review.data.previous?.period).toBe('2026-Q2');
    expect(demo.review.data.changes.some((c) => c.kind === 'new')).toBe(true);
    expect(demo.review.data.changes.some((c) => c.kind === 'resolved')).toBe(true);
    expect(demo.review.data.snapshot.coverage.periodGaps).toEqual([]);
    expect(readdirSync(demo.review.pack.dir).sort()).toEqual(
      ['activity-log.csv', 'api-keys.csv', 'changes.csv', 'exceptions.csv', 'exports.csv', 'findings.csv', 'findings.json', 'manifest.json', 'members.csv', 'project-access.csv', 'review-pack.pdf'].sort(),
    );
  });

  it('the PDF reads back: sections, pages, outline, PDF/A identification', () => {
    const pdf = demo.review.pdfPath;
    const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString('utf8');
    for (const heading of ['Quarterly access review', 'Executive summary', 'Findings by rule', 'Changes since last review', 'Privileged access', 'API key inventory', 'Export activity', 'Exceptions in force', 'Controls', 'Data provenance and gaps', 'Sign-off', 'Attachments']) {
      expect(text, heading).toContain(heading);
    }
    expect(text).toContain('Acme Analytics');
    expect(text).toContain('2026-Q3');
    const info = execFileSync('pdfinfo', [pdf]).toString('utf8');
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBe(demo.review.pages);
    expect(info).toMatch(/Tagged:\s+yes/);
    const raw = readFileSync(pdf).toString('latin1');
    expect(raw).toMatch(/pdfaid:part>3</);
    expect(raw).toMatch(/pdfaid:conformance>B</);
    expect(raw).toContain('/Outlines');
  });

  it('every CSV of the pack is embedded in the PDF, byte for byte', () => {
    const out = join(dir, 'detached');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('pdfdetach', ['-saveall', '-o', out, demo.review.pdfPath]);
    const csvs = readdirSync(demo.review.pack.dir).filter((f) => f.endsWith('.csv'));
    expect(csvs).toHaveLength(8);
    for (const f of csvs) {
      expect(existsSync(join(out, f)), f).toBe(true);
      expect(readFileSync(join(out, f)).equals(readFileSync(join(demo.review.pack.dir, f))), f).toBe(true);
    }
  });

  it.runIf(hasQpdf)('qpdf --check passes', () => {
    const out = execFileSync('qpdf', ['--check', demo.review.pdfPath]).toString('utf8');
    expect(out).toContain('No syntax or stream encoding errors found');
  });

  it('packs verify passes, then names the file whose byte was changed', async () => {
    const cfg = demo.configFile;
    const ok = await cli(['packs', 'verify', '--all', '--config', cfg], { env: {}, clock: fixedClock(NOW) });
    expect(ok.stdout).toMatch(/ok {3}123456-acme-analytics\/2026-Q2/);
    expect(ok.stdout).toMatch(/ok {3}123456-acme-analytics\/2026-Q3/);
    expect(ok.code).toBe(0);
    const file = join(demo.review.pack.dir, 'members.csv');
    const original = readFileSync(file);
    const bytes = Buffer.from(original);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 3) ^ 1, bytes.length - 3);
    writeFileSync(file, bytes);
    const bad = await cli(['packs', 'verify', '--all', '--config', cfg], { env: {}, clock: fixedClock(NOW) });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAIL 123456-acme-analytics\/2026-Q3/);
    expect(bad.stdout).toMatch(/123456-acme-analytics\/2026-Q3\/members\.csv: .*\[hash-mismatch\]/);
    writeFileSync(file, original);
  });

  it('the security list receives the review: subject, both bodies, attachments equal to the pack', () => {
    expect(mail.subject).toMatch(/^\[ampaudit\] Acme Analytics 2026-Q3 access review: \d+ high, \d+ medium, \d+ low, \d+ info open/);
    expect(mail.text).toContain('2026-Q3');
    expect(mail.text).toContain(demo.review.pack.dir);
    expect(String(mail.html)).toContain('Quarterly access review');
    const byName = new Map(mail.attachments.map((a) => [a.filename, a.content]));
    expect([...byName.keys()].sort()).toEqual(['findings.csv', 'review-pack.pdf']);
    expect(byName.get('review-pack.pdf')!.equals(readFileSync(demo.review.pdfPath))).toBe(true);
    expect(byName.get('findings.csv')!.equals(readFileSync(join(demo.review.pack.dir, 'findings.csv')))).toBe(true);
  });

  it('mailing the same pack again, and delivering again, sends nothing new', async () => {
    const before = sink.received.length;
    const mailSettings = { from: 'ampaudit@acme.example', to: ['security@acme.example'], attachmentLimitBytes: 10 * 1024 * 1024, projectDigests: true };
    const smtp = { host: '127.0.0.1', port: sink.port, secure: false, requireTLS: false };
    const config = { ...loadConfig({ path: demo.configFile, env: {} }), mail: { ...mailSettings, smtp } };
    const again = await mailReview(config, fixedClock(NOW), demo.review);
    expect(again.lines.join('\n')).toMatch(/already/);
    await deliverOutbox(config, fixedClock(NOW), true);
    expect(sink.received.length).toBe(before);
  });
});
