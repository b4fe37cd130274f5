/**
 * Data is never markup: member names, subject labels, messages, project names, data-quality
 * notes and the org name carry HTML payloads; the received HTML bodies are tokenized and must
 * hold no element that came from data. Header values from data cannot add headers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import { mailSchema } from '../src/config/schema.js';
import type { Finding } from '../src/domain/findings.js';
import { deliverPending } from '../src/mail/outbox.js';
import { queueReviewMail } from '../src/mail/queue.js';
import { startSmtpSink, type SmtpSink } from '../src/mail/testing/smtp-sink.js';
import { writeMailTestPack } from '../src/mail/testing/pack.js';
import { createSmtpTransport } from '../src/mail/transport.js';
import { buildReviewData } from '../src/pack/testing/fixture.js';
import type { ReviewData } from '../src/pack/types.js';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '"><script>alert(1)</script>';

/**
 * Start-tag names of an HTML document, by the tokenizer's rule: `<` followed by an ASCII letter
 * opens a tag, whose attributes run to the first `>` outside quotes; comments and doctypes are
 * skipped. A payload that escaped escaping shows up here as an `img` or `script` tag.
 */
function startTags(html: string): string[] {
  const tags: string[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      const end = html.indexOf('>', lt);
      i = end < 0 ? html.length : end + 1;
      continue;
    }
    const m = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)/.exec(html.slice(lt, lt + 80));
    if (!m) {
      i = lt + 1;
      continue;
    }
    let j = lt + m[0].length;
    let quote: string | null = null;
    while (j < html.length) {
      const c = html[j];
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
      j++;
    }
    if (m[1] !== '/') tags.push(m[2]!.toLowerCase());
    i = j + 1;
  }
  return tags;
}

/** The elements the shipped templates use; anything else came from data. */
const TEMPLATE_TAGS = new Set(['html', 'head', 'meta', 'title', 'body', 'div', 'table', 'tr', 'td', 'th', 'span', 'strong']);

function poisoned(): ReviewData {
  const base = buildReviewData();
  const evil: Finding = {
    id: 'f-evil',
    ruleId: 'unregistered-account',
    severity: 'high',
    status: 'open',
    subject: { kind: 'member', id: 'eve@acme.example', label: `${IMG} <eve@acme.example>` },
    message: `${SCRIPT} is a member with no register entry ${IMG}`,
    evidence: [],
    remediation: [],
    firstSeen: '2026-Q3',
    projects: ['101'],
  };
  const excepted: Finding = {
    id: 'f-evil-exc',
    ruleId: 'addon-undocumented',
    severity: 'low',
    status: 'excepted',
    subject: { kind: 'member', id: 'mal@acme.example', label: 'mal@acme.example' },
    message: 'Govern add-on not in scope',
    evidence: [],
    remediation: [],
    firstSeen: '2026-Q2',
    projects: ['101'],
    exception: { reason: 'r', approvedBy: `${SCRIPT}@acme.example`, approvedOn: '2026-07-01', ticket: `SEC-${IMG}`, expires: '2026-12-31', expired: false },
  };
  return {
    ...base,
    snapshot: {
      ...base.snapshot,
      org: { id: '123456', name: `Acme ${IMG}\r\nBcc: attacker@evil.example` },
      projects: base.snapshot.projects.map((p) => (p.id === '101' ? { ...p, name: `Web <script>alert(4)</script> Production` } : p)),
      dataQuality: [...base.snapshot.dataQuality, `Note ${IMG}`],
    },
    findings: [...base.findings, evil, excepted],
    changes: [...base.changes, { kind: 'new', finding: evil }],
  };
}

describe('HTML injection in mail', () => {
  let tmp: string;
  let sink: SmtpSink;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ampaudit-mail-inject-'));
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the tokenizer finds a payload that is not escaped (so the test can fail)', () => {
    expect(startTags(`<td>${IMG}</td><div>${SCRIPT}</div>`)).toEqual(['td', 'img', 'div', 'script']);
    expect(startTags('<td>&lt;img src&#x3D;x&gt;</td><!-- <script> -->')).toEqual(['td']);
  });

  it('review and digest mails carry the payloads as inert text, and header values cannot add headers', async () => {
    const data = poisoned();
    const { pack } = await writeMailTestPack(join(tmp, 'reports'), { data });
    const mail = mailSchema.parse({ from: 'ampaudit@acme.example', to: ['security@acme.example'], smtp: { host: '127.0.0.1', port: sink.port }, projectDigests: true });
    const clock = fixedClock('2026-10-01T07:00:00.000Z');
    const queued = await queueReviewMail({ config: { mail, store: join(tmp, 'evidence.db') }, data, pack, clock });
    expect(queued.digests.length).toBeGreaterThan(0);
    const transport = createSmtpTransport(mail.smtp!, {});
    const result = await deliverPending({ outbox: queued.outbox, transport, clock });
    transport.close();
    expect(result.sent).toHaveLength(1 + queued.digests.length);
    expect(sink.received).toHaveLength(1 + queued.digests.length);

    let sawDigestFor101 = false;
    for (const got of sink.received) {
      const parsed = await simpleParser(got.raw);
      const html = parsed.html || '';
      const tags = startTags(html);
      expect(tags.filter((t) => !TEMPLATE_TAGS.has(t))).toEqual([]);
      expect(tags).not.toContain('img');
      expect(tags).not.toContain('script');
      // The payload is there, escaped.
      expect(html).toContain('Acme &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; Bcc: attacker@evil.example');
      // Header injection: one line, no extra recipient, no Bcc header.
      expect(parsed.subject).not.toMatch(/[\r\n]/);
      expect(parsed.subject).toContain(`Acme ${IMG} Bcc: attacker@evil.example`);
      expect(parsed.bcc).toBeUndefined();
      expect(got.raw.toString('latin1').split('\r\n\r\n')[0]).not.toMatch(/^bcc:/im);
      expect(got.to.every((a) => a.endsWith('@acme.example'))).toBe(true);

      if (parsed.headers.get('x-ampaudit-kind') === 'review') {
        expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &lt;eve@acme.example&gt;');
        expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; is a member with no register entry');
        expect(html).toContain('Note &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
        // Plain text is not markup: the payload reads as it was written.
        expect(parsed.text).toContain(`${SCRIPT} is a member with no register entry`);
      } else if (parsed.headers.get('x-ampaudit-project') === '101') {
        sawDigestFor101 = true;
        expect(parsed.subject).toContain('project Web <script>alert(4)</script> Production');
        expect(html).toContain('Web &lt;script&gt;alert(4)&lt;/script&gt; Production');
        expect(html).toContain('approved by &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@acme.example (SEC-&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;)');
      }
    }
    expect(sawDigestFor101).toBe(true);
  });
});
