/**
 * The review pack PDF, read back with real tools: poppler (pdftotext, pdfinfo, pdfdetach,
 * pdffonts, pdftohtml) and, when installed, qpdf. CI installs both with apt.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../src/domain/findings.js';
import { renderPdf, type RenderResult } from '../src/pack/pdf/index.js';
import { buildReviewData, fixtureAttachments } from '../src/pack/testing/fixture.js';
import type { ReviewData } from '../src/pack/types.js';

const hasQpdf = spawnSync('qpdf', ['--version']).status === 0;

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** pdftotext output split into pages (poppler ends each page with a form feed). */
function pagesOf(pdf: string): string[] {
  return run('pdftotext', ['-enc', 'UTF-8', pdf, '-']).split('\f').slice(0, -1);
}

/** Text without whitespace or hyphens: wrapped lines and table cells read the same wherever they break. */
function squash(s: string): string {
  // pdftotext also drops a hyphen where a line breaks after it ("audit-" + "logs" reads "auditlogs").
  return s.replace(/[\s-]+/g, '');
}

function expectText(haystack: string | undefined, needle: string, label?: string): void {
  expect(squash(haystack ?? ''), label ?? needle).toContain(squash(needle));
}

function info(pdf: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of run('pdfinfo', [pdf]).split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) out[m[1].trim()] = m[2].trim();
  }
  return out;
}

interface OutlineItem {
  readonly title: string;
  readonly page: number;
  readonly depth: number;
}

/** The bookmarks as pdftohtml reads them: title, target page, nesting depth. */
function outlineOf(pdf: string): OutlineItem[] {
  const xml = run('pdftohtml', ['-xml', '-i', '-stdout', pdf]);
  const start = xml.indexOf('<outline>');
  const items: OutlineItem[] = [];
  let depth = 0;
  for (const m of xml.slice(start).matchAll(/<outline>|<\/outline>|<item page="(\d+)">([^<]*)<\/item>/g)) {
    if (m[0] === '<outline>') depth += 1;
    else if (m[0] === '</outline>') depth -= 1;
    else items.push({ title: m[2]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"'), page: Number(m[1]), depth });
  }
  return items;
}

/** The XMP packet (pdfkit writes it uncompressed). */
function xmpOf(pdf: string): string {
  const raw = readFileSync(pdf).toString('latin1');
  const start = raw.indexOf('<?xpacket begin');
  const end = raw.indexOf('<?xpacket end', start);
  expect(start).toBeGreaterThan(0);
  return Buffer.from(raw.slice(start, raw.indexOf('?>', end) + 2), 'latin1').toString('utf8');
}

const SECTIONS = [
  'Executive summary',
  'Findings by rule',
  'Changes since last review',
  'Privileged access',
  'API key inventory',
  'Export activity',
  'Exceptions in force',
  'Controls',
  'Data provenance and gaps',
  'Sign-off',
  'Attachments',
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ampaudit-pdf-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('renderPdf: the demo-sized pack', () => {
  let data: ReviewData;
  let attachments: ReturnType<typeof fixtureAttachments>;
  let result: RenderResult;
  let pdf: string;
  let pages: string[];
  let body: string;

  beforeAll(async () => {
    data = buildReviewData();
    attachments = fixtureAttachments(data);
    pdf = join(dir, 'demo.pdf');
    result = await renderPdf(data, attachments, pdf);
    pages = pagesOf(pdf);
    body = pages.slice(1).join('\n');
  });

  it('has every section, in order, after the cover', () => {
    let at = -1;
    for (const title of SECTIONS) {
      const i = body.indexOf(`\n${title}\n`, at + 1);
      expect(i, title).toBeGreaterThan(at);
      at = i;
    }
  });

  it.each([
    ['cover: org and id', 0, 'Acme Analytics GmbH (org id 123456)'],
    ['cover: period in the time zone', 0, '2026-Q3: 1 Jul 2026 – 30 Sep 2026, quarter boundaries in Europe/Berlin (UTC+02:00)'],
    ['cover: generated at, local and UTC', 0, '2026-10-01 07:00 Europe/Berlin (2026-10-01 05:00 UTC)'],
    ['cover: tool version', 0, 'ampaudit 0.1.0'],
    ['cover: coverage with the gap stated', 0, 'Audit log covers 92.3% of the period; not covered: 2026-08-03 02:00 – 2026-08-10 04:00 (7 d 2 h).'],
    ['cover: revision', 0, '1 (first pack for this period)'],
    ['cover: contents with page numbers', 0, 'Executive summary'],
  ])('%s', (_name, page, expected) => {
    expectText(pages[page], expected);
  });

  it('states the executive summary numbers', () => {
    const summary = body.slice(body.indexOf('\nExecutive summary\n'), body.indexOf('\nFindings by rule\n'));
    // 29 open (9 high, 11 medium, 6 low, 3 info), 2 excepted, 1 unknown in the fixture.
    for (const t of [
      '9 11 6 3 High · open Medium · open Low · open Info · open',
      '29 open findings in all; 2 excepted (accepted risks with an approver and an expiry); 1 unknown',
      '2 findings re-opened because the exception expired',
      'Compared with 2026-Q2: 19 new, 4 resolved and 12 persisting findings',
      'New 5 7 4 3 19 Resolved 1 2 1 0 4 Persisting 5 5 2 0 12',
      'Open findings by severity',
      'Open findings over the last 4 quarters',
      'What needs a decision',
      'The 9 open high-severity findings, new ones first:',
      '2 exceptions expired',
    ])
      expectText(summary, t);
    for (const q of ['2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3']) expect(summary).toContain(q);
  });

  it('groups findings by rule with evidence, exceptions, unknowns and remediation', () => {
    const findings = body.slice(body.indexOf('\nFindings by rule\n'), body.indexOf('\nChanges since last review\n'));
    for (const rule of data.rules.filter((r) => data.findings.some((f) => f.ruleId === r.id))) expectText(findings, rule.title, rule.id);
    for (const t of [
      'Last login: 2026-04-12 09:00 (audit-logs, 2026-04-12)',
      'Exceptions applied',
      'Service account used by the quarterly board report; logs in once a quarter.',
      'exception expired 2026-06-30',
      'Could not be decided',
      'Logins are known continuously only since 2026-08-10 (51 days, fewer than 60)',
      'How to fix',
      'Revoke the old key and record the rotation date in the inventory.',
      'Rules without findings',
      'temporary-elevation-overdue',
      'Disabled: not evaluated',
    ])
      expectText(findings, t);
  });

  it.each([
    ['Changes since last review', ['New this quarter (19)', 'Resolved since the last review (4)', 'Persisting from earlier quarters (12)', 'sam.reed@northwind-consulting.example']],
    ['Privileged access', ['Organization owners (3)', 'Organization admins (3)', 'Project admins (10)', 'group Engineering', 'Contractors and vendors (3)', 'ended 16 days ago']],
    ['API key inventory', ['10 keys in the inventory, 5 with an open finding', 'key-51e7733dc9fc', 'overdue', 'orphaned']],
    ['Export activity', ['Top exporters', 'Large cohort exports (2)', '1,850,000']],
    ['Exceptions in force', ['EXPIRED 2026-06-30', 'SEC-2301', 'cto@acme.example', 'former.intern@acme.example']],
    ['Controls', ['SOC 2', 'ISO/IEC 27001:2022', 'NIST SP 800-53', 'CC6.2', 'dormant-account: 3 open, 1 excepted, 1 unknown']],
    ['Data provenance and gaps', ['members-export', './data/register.csv', 'Gaps in the period (1)', '2026-08-03 02:00', 'Data-quality notes (3)', 'Previous pack (hash chain)']],
    ['Sign-off', ['Reviewer', 'Approve with actions', 'Reject', 'Signature']],
    ['Attachments', ['findings.csv', 'members.csv', 'exceptions.csv', 'pdfdetach -saveall']],
  ])('section %s shows its key values', (section, expected) => {
    const from = body.indexOf(`\n${section}\n`);
    const next = SECTIONS[SECTIONS.indexOf(section) + 1];
    const text = body.slice(from, next ? body.indexOf(`\n${next}\n`, from) : undefined);
    for (const e of expected) expectText(text, e);
  });

  it('never shows a key id that looks like a secret, only its ref', () => {
    const secret = data.snapshot.keys?.find((k) => k.ref !== k.id);
    expect(secret?.ref).toBe('key-51e7733dc9fc');
    expect(pages.join('\n')).not.toContain(secret?.id);
    expect(readFileSync(pdf).toString('latin1')).not.toContain(secret?.id);
  });

  it('reports its page count and "Page n of N" on every page', () => {
    const meta = info(pdf);
    expect(Number(meta.Pages)).toBe(result.pages);
    expect(pages).toHaveLength(result.pages);
    pages.forEach((p, i) => expect(p).toContain(`Page ${i + 1} of ${result.pages}`));
    pages.forEach((p) => expect(p).toContain('Acme Analytics GmbH (org 123456) · 2026-Q3'));
  });

  it('is a tagged A4 PDF 1.7 with document info from the data, not the clock', () => {
    const meta = info(pdf);
    expect(meta.Tagged).toBe('yes');
    expect(meta['PDF version']).toBe('1.7');
    expect(meta['Page size']).toContain('595.28 x 841.89 pts (A4)');
    expect(meta.Title).toBe('Quarterly access review 2026-Q3: Acme Analytics GmbH');
    expect(meta.Author).toBe('ampaudit 0.1.0');
    expect(meta.Creator).toBe('ampaudit 0.1.0');
    expect(meta.Keywords).toContain('pack 123456/2026-Q3');
    expect(meta.Subject).toContain('29 open findings (9 high, 11 medium, 6 low, 3 info)');
    expect(meta.CreationDate).toMatch(/Oct\s+1 05:00:00 2026 UTC/);
  });

  it('has a bookmark for every section and each rule group, pointing at its page', () => {
    const outline = outlineOf(pdf);
    expect(outline.map((o) => o.title)).toEqual(result.outline);
    expect(outline.filter((o) => o.depth === 1).map((o) => o.title)).toEqual(['Cover', ...SECTIONS]);
    const groups = outline.filter((o) => o.depth === 2).map((o) => o.title);
    const ruleTitles = data.rules.filter((r) => data.findings.some((f) => f.ruleId === r.id)).map((r) => r.title);
    expect([...groups].sort()).toEqual([...ruleTitles, 'Rules without findings'].sort());
    for (const o of outline.slice(1)) expect(pages[o.page - 1], o.title).toContain(o.title);
  });

  it('embeds every attachment byte for byte', () => {
    const out = join(dir, 'detached');
    mkdirSync(out, { recursive: true });
    run('pdfdetach', ['-saveall', '-o', out, pdf]);
    expect(readdirSync(out).sort()).toEqual(attachments.map((a) => a.name).sort());
    for (const a of attachments) expect(Buffer.compare(readFileSync(join(out, a.name)), Buffer.from(a.bytes)), a.name).toBe(0);
  });

  it('identifies itself as PDF/A-3B in its XMP metadata, agreeing with the info dictionary', () => {
    const xmp = xmpOf(pdf);
    expect(xmp).toContain('<pdfaid:part>3</pdfaid:part>');
    expect(xmp).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(xmp).toContain('<xmp:CreateDate>2026-10-01T05:00:00Z</xmp:CreateDate>');
    expect(xmp).toContain('<rdf:li xml:lang="x-default">Quarterly access review 2026-Q3: Acme Analytics GmbH</rdf:li>');
    expect(xmp).toContain('<pdf:Producer>ampaudit 0.1.0 (PDFKit)</pdf:Producer>');
  });

  it('embeds its fonts (DejaVu), never a standard-14 font', () => {
    const rows = run('pdffonts', [pdf]).split('\n').slice(2).filter((l) => l.trim());
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row).toMatch(/DejaVuSans/);
      expect(row).toMatch(/\byes\s+yes\s+yes\b/); // embedded, subset, ToUnicode
    }
  });

  it.skipIf(!hasQpdf)('passes qpdf --check', () => {
    const r = spawnSync('qpdf', ['--check', pdf], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('No syntax or stream encoding errors found');
  });

  it.skipIf(!hasQpdf)('declares the CSVs as PDF/A-3 associated files (MIME type, dates, AFRelationship, /AF)', () => {
    const json = JSON.parse(run('qpdf', ['--json=2', '--json-key=attachments', '--json-key=qpdf', pdf])) as {
      attachments: Record<string, { description: string; streams: Record<string, { mimetype: string; modificationdate: string; creationdate: string; checksum: string }> }>;
      qpdf: [unknown, Record<string, { value?: Record<string, unknown> }>];
    };
    for (const a of attachments) {
      const entry = json.attachments[a.name];
      expect(entry?.description).toBe(a.description);
      expect(entry?.streams['/F']).toMatchObject({ mimetype: 'text/csv', modificationdate: '2026-10-01T05:00:00Z', creationdate: '2026-10-01T05:00:00Z' });
      // The PDF specification's CheckSum is the 16-byte MD5 (pdfkit's own file() writes 32 hex characters instead).
      expect(entry?.streams['/F']?.checksum).toBe(createHash('md5').update(a.bytes).digest('hex'));
    }
    const objects = json.qpdf[1];
    const catalog = Object.values(objects).find((o) => o.value?.['/Type'] === '/Catalog')?.value ?? {};
    const af = catalog['/AF'] as string[];
    expect(af).toHaveLength(attachments.length);
    for (const ref of af) expect(objects[`obj:${ref}`]?.value).toMatchObject({ '/Type': '/Filespec', '/AFRelationship': '/Data' });
    expect(catalog['/Lang']).toBe('u:en');
    expect(catalog['/StructTreeRoot']).toBeDefined();
    const intent = objects[`obj:${(catalog['/OutputIntents'] as string[])[0]}`]?.value;
    expect(intent?.['/S']).toBe('/GTS_PDFA1');
  });

  it('gives the same bytes for the same input, to a file or a stream', async () => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    const again = await renderPdf(data, attachments, sink);
    expect(again).toEqual(result);
    expect(Buffer.compare(Buffer.concat(chunks), readFileSync(pdf))).toBe(0);
  });
});

describe('renderPdf: untrusted text', () => {
  it('draws data as text without control or bidi characters, replaces glyphs the fonts lack, escapes the XMP', async () => {
    const base = buildReviewData({ orgName: 'Ac&me <Ops> "Nord" \u202Eevil' });
    const hostile: Finding = {
      ...(base.findings[0] as Finding),
      id: 'hostile',
      message: 'Bell\u0007 and NUL\u0000 here; bidi \u202Egnp.exe\u202C; kanji 漢字; tab\there; =HYPERLINK("http://x","y")',
    };
    const data: ReviewData = { ...base, findings: [hostile, ...base.findings.slice(1)] };
    const pdf = join(dir, 'hostile.pdf');
    await renderPdf(data, [], pdf);
    const text = pagesOf(pdf).join('\n');
    expect(text).toContain('Ac&me <Ops> "Nord" evil');
    expect(text).toContain('=HYPERLINK("http://x","y")');
    expect(text).toMatch(/Bell and NUL here; bidi gnp\.exe; kanji \uFFFD\uFFFD; tab here/);
    expect(text).not.toMatch(/[\u0000-\u0008\u000B\u000E-\u001F\u202A-\u202E]/);
    const xmp = xmpOf(pdf);
    expect(xmp).toContain('Quarterly access review 2026-Q3: Ac&amp;me &lt;Ops&gt; &quot;Nord&quot; evil');
    expect(info(pdf).Title).toBe('Quarterly access review 2026-Q3: Ac&me <Ops> "Nord" evil');
    if (hasQpdf) expect(spawnSync('qpdf', ['--check', pdf]).status).toBe(0);
  });

  it('refuses an attachment name that is not a plain file name', async () => {
    const data = buildReviewData();
    await expect(renderPdf(data, [{ name: '../x.csv', bytes: new Uint8Array(), mime: 'text/csv', description: 'x' }], join(dir, 'bad.pdf'))).rejects.toThrow(/plain file name/);
  });
});

describe('renderPdf: first review', () => {
  it('says there is nothing to compare with and draws a one-point trend', async () => {
    const pdf = join(dir, 'first.pdf');
    const r = await renderPdf(buildReviewData({ firstReview: true }), [], pdf);
    const text = pagesOf(pdf).join('\n');
    expect(text).toContain('No earlier pack for this organization: every current finding counts as new.');
    expect(text).toContain('None: this is the first review archived for this organization.');
    expect(text).toContain('Open findings over the last 1 quarter');
    expect(r.outline[0]).toBe('Cover');
  });
});

describe('renderPdf: an exception approved after the evaluation time', () => {
  it('is not in force, says "not yet approved at" the evaluation time, and shows its finding open', async () => {
    const base = buildReviewData();
    const s = base.snapshot;
    const unused = base.findings.find((f) => f.ruleId === 'key-unused');
    expect(unused?.status).toBe('open');
    const late = { rule: 'key-unused', subject: unused!.subject.id, reason: 'Disaster-recovery export token', approvedBy: 'anna.schmidt@acme.example', approvedOn: '2026-10-26', ticket: 'SEC-231', expires: '2027-04-24', line: 30 };
    const data: ReviewData = { ...base, snapshot: { ...s, exceptions: [...(s.exceptions ?? []), late] } };
    const pdf = join(dir, 'late-exception.pdf');
    await renderPdf(data, [], pdf);
    // After the cover (its contents name the sections too).
    const text = pagesOf(pdf).slice(1).join('\n');
    const section = text.slice(text.indexOf('\nExceptions in force\n'), text.indexOf('\nControls\n'));
    // The evaluation time is 2026-10-01 00:00 Berlin (the end of 2026-Q3).
    expectText(section, '5 exceptions in the exceptions file: 2 in force (1 expiring within 30 days), 2 expired and 1 not yet approved at 2026-10-01 00:00.');
    expectText(section, 'An exception approved after the evaluation time does not apply to this review.');
    expectText(section, `${unused!.subject.id} 1 finding open`);
    expectText(section, 'not yet approved at 2026-10-01 00:00; expires 2027-04-24');
    expect(squash(section)).not.toContain(squash(`${unused!.subject.id} no current finding`));
    // The excepted key finding (named by inventory id) applies; the expired one's finding is open again.
    expectText(section, 'applies to 1 finding');
    expect(squash(section).match(/1findingopen/g)?.length).toBe(3);
  });
});

describe('renderPdf: a 50k-member org with 5k findings', () => {
  it(
    'stays readable: capped lists pointing to the CSVs, repeated table headers, a bounded page count',
    async () => {
      const data = buildReviewData({ members: 50_000, findings: 5_000 });
      const pdf = join(dir, 'large.pdf');
      const r = await renderPdf(data, fixtureAttachments(data), pdf);
      // The PDF shows what needs a decision; its length follows the caps, not the org's size:
      // 50 findings for a high rule, 25 for a medium one, 25 in compact form for a busy
      // low/info rule, 50 per change list, 50 keys, plus about 20 pages of fixed sections.
      // For this fixture's 18 rules with findings that is about 50 pages.
      expect(r.pages).toBeLessThanOrEqual(60);
      expect(r.pages).toBeGreaterThan(25);
      const pages = pagesOf(pdf);
      const text = pages.join('\n');
      expect(text).toMatch(/Showing 50 of [\d,]+; the remaining [\d,]+ are in findings\.csv\./);
      expect(text).toMatch(/Showing 25 of [\d,]+; the remaining [\d,]+ are in findings\.csv\. Evidence for these is in findings\.csv\./);
      expect(text).toMatch(/Showing 50 of [\d,]+; the remaining [\d,]+ are in changes\.csv\./);
      expect(text).toMatch(/Showing 50 of 300; the remaining 250 are in api-keys\.csv\./);
      // The summary's ten decisions come from several rules, not ten of the noisiest one.
      const summary = pages.find((p) => p.includes('What needs a decision')) ?? '';
      expect(summary).toMatch(/10 of the [\d,]+ open high-severity findings: the most urgent of each rule in turn, new ones first:/);
      const decisions = summary.slice(summary.indexOf('What needs a decision'));
      const rulesNamed = new Set(data.rules.filter((r) => decisions.includes(`(${r.title};`)).map((r) => r.id));
      expect(rulesNamed.size).toBeGreaterThan(1);
      // The dormant-account table runs over several pages, each starting with the header row.
      const outline = outlineOf(pdf);
      const first = outline.find((o) => o.title === 'Active members have logged in within the last 60 days');
      const next = outline[outline.indexOf(first as OutlineItem) + 1];
      expect(first && next && next.page - first.page).toBeGreaterThan(1);
      for (let p = (first?.page ?? 0) + 1; p < (next?.page ?? 0); p++) expect(pages[p - 1], `page ${p}`).toContain('Evidence (source, date)');
    },
    180_000,
  );
});
