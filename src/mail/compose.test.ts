import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { mailSchema } from '../config/schema.js';
import type { Finding } from '../domain/findings.js';
import { defaultPolicy, evaluate } from '../engine/index.js';
import { InputError } from '../errors.js';
import { buildReviewData } from '../pack/testing/fixture.js';
import type { ReviewData } from '../pack/types.js';
import keyRotationOverdue from '../rules/key-rotation-overdue.js';
import { composeProjectDigests, composeReviewMail, projectAdmins, type PackFiles } from './compose.js';
import { buildEml } from './eml.js';
import { mailId } from './id.js';

let tmp: string;
let pack: PackFiles;
const mail = mailSchema.parse({ from: 'Ampaudit <ampaudit@acme.example>', to: ['security@acme.example'] });

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ampaudit-compose-'));
  const dir = join(tmp, '123456-acme', '2026-Q3');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'review-pack.pdf'), Buffer.alloc(3000, 7));
  writeFileSync(join(dir, 'findings.csv'), 'id,rule\n1,x\n');
  pack = { dir, dirName: '2026-Q3', pdfPath: join(dir, 'review-pack.pdf'), findingsCsvPath: join(dir, 'findings.csv'), manifestSha256: 'f'.repeat(64) };
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function withOrg(data: ReviewData, name: string): ReviewData {
  return { ...data, snapshot: { ...data.snapshot, org: { ...data.snapshot.org, name } } };
}

describe('composeReviewMail', () => {
  it.each([
    ['the demo-like review', (d: ReviewData) => d, '[ampaudit] Acme Analytics GmbH 2026-Q3 access review: 9 high, 11 medium, 6 low, 3 info open; 1 check undecided'],
    ['a second revision', (d: ReviewData) => ({ ...d, revision: 2 }), '[ampaudit] Acme Analytics GmbH 2026-Q3 (revision 2) access review: 9 high, 11 medium, 6 low, 3 info open; 1 check undecided'],
    ['nothing open', (d: ReviewData) => ({ ...d, findings: d.findings.filter((f) => f.status === 'excepted') }), '[ampaudit] Acme Analytics GmbH 2026-Q3 access review: no open findings'],
    ['line breaks in the org name', (d: ReviewData) => withOrg(d, 'Acme\r\nBcc: x@evil.example\n'), '[ampaudit] Acme Bcc: x@evil.example 2026-Q3 access review: 9 high, 11 medium, 6 low, 3 info open; 1 check undecided'],
  ])('subject for %s', (_name, change, subject) => {
    const m = composeReviewMail({ data: change(buildReviewData()), pack, mail });
    expect(m.subject).toBe(subject);
  });

  it('takes the date from the clock, the Message-ID from kind, pack and recipients', () => {
    const data = buildReviewData();
    const a = composeReviewMail({ data, pack, mail, clock: fixedClock('2026-10-01T07:30:00.000Z') });
    expect(a.date).toBe('2026-10-01T07:30:00.000Z');
    expect(a.messageId).toBe(`<${mailId('review', '123456/2026-Q3', ['security@acme.example'])}@acme.example>`);
    expect(a.ref).toBe('123456/2026-Q3');
    const b = composeReviewMail({ data, pack, mail });
    expect(b.date).toBe(data.generatedAt);
    expect(b.messageId).toBe(a.messageId);
    const other = composeReviewMail({ data, pack: { ...pack, dirName: '2026-Q3-r2' }, mail });
    expect(other.messageId).not.toBe(a.messageId);
    // A rerun's mail names its own revision to verify, not the period's first pack.
    expect(other.text).toContain('ampaudit packs verify 2026-Q3-r2');
    expect(other.html).toContain('ampaudit packs verify 2026-Q3-r2');
  });

  it('builds the same .eml bytes for the same message', async () => {
    const m = composeReviewMail({ data: buildReviewData(), pack, mail, clock: fixedClock('2026-10-01T07:30:00.000Z') });
    const one = await buildEml(m);
    const two = await buildEml(m);
    expect(one.bytes.equals(two.bytes)).toBe(true);
    expect(one.envelope).toEqual({ from: 'ampaudit@acme.example', to: ['security@acme.example'] });
  });

  it('attaches the PDF and findings.csv only when together under the limit', () => {
    const data = buildReviewData();
    const total = 3000 + 'id,rule\n1,x\n'.length;
    const at = composeReviewMail({ data, pack, mail: { ...mail, attachmentLimitBytes: total } });
    expect(at.attachments.map((a) => [a.filename, a.contentType, a.bytes])).toEqual([
      ['review-pack.pdf', 'application/pdf', 3000],
      ['findings.csv', 'text/csv; charset=utf-8', 12],
    ]);
    const over = composeReviewMail({ data, pack, mail: { ...mail, attachmentLimitBytes: total - 1 } });
    expect(over.attachments).toEqual([]);
    expect(over.text.replace(/\s+/g, ' ')).toContain(`together are 3012 B, above the 3011 B limit for attachments. Open them in the pack folder: ${pack.dir}`);
  });

  it('states the coverage plainly, and says so when nothing is missing', () => {
    const data = buildReviewData();
    const complete: ReviewData = {
      ...data,
      findings: data.findings.filter((f) => f.status !== 'unknown'),
      snapshot: { ...data.snapshot, dataQuality: [], coverage: { ...data.snapshot.coverage, periodGaps: [] } },
    };
    expect(composeReviewMail({ data: complete, pack, mail }).text).toContain('Complete: every configured source was read and the audit log covers\nthe whole quarter.');
    const gaps = composeReviewMail({ data: { ...data, snapshot: { ...data.snapshot, sources: [...data.snapshot.sources, { source: 'scim', configured: true, ok: false, error: 'HTTP 401' }] } }, pack, mail }).text;
    expect(gaps).toContain('! SCIM (members and groups) could not be read (HTTP 401): its facts are\n  unknown in this review.');
  });

  it('keeps the text body to 72 columns (a lone long token such as a path may exceed it)', () => {
    const text = composeReviewMail({ data: buildReviewData({ findings: 300 }), pack, mail }).text;
    for (const line of text.split('\n')) if (line.length > 72) expect(line.trim()).not.toContain(' ');
  });

  it('uses an operator template in place of the shipped one, by file name', () => {
    const dir = mkdtempSync(join(tmp, 'tpl-'));
    writeFileSync(join(dir, 'review.txt.hbs'), 'CUSTOM {{org}} {{period}}: {{summary.totalOpen}} open\n{{#each top.items}}{{> finding}}{{/each}}');
    writeFileSync(join(dir, '_finding.txt.hbs'), '- {{ruleId}}\n');
    const m = composeReviewMail({ data: buildReviewData(), pack, mail: { ...mail, templates: dir }, topFindings: 2 });
    expect(m.text).toBe('CUSTOM Acme Analytics GmbH 2026-Q3: 29 open\n- contractor-expired\n- excessive-export\n');
    expect(m.html).toContain('Quarterly access review');
  });

  it('refuses a broken operator template or a missing folder with an input error naming it', () => {
    const dir = mkdtempSync(join(tmp, 'tpl-bad-'));
    writeFileSync(join(dir, 'review.html.hbs'), '{{#if x}}unclosed');
    expect(() => composeReviewMail({ data: buildReviewData(), pack, mail: { ...mail, templates: dir } })).toThrow(InputError);
    expect(() => composeReviewMail({ data: buildReviewData(), pack, mail: { ...mail, templates: dir } })).toThrow(join(dir, 'review.html.hbs'));
    expect(() => composeReviewMail({ data: buildReviewData(), pack, mail: { ...mail, templates: join(dir, 'nope') } })).toThrow(/does not exist/);
  });
});

describe('composeProjectDigests', () => {
  function withProjects(): ReviewData {
    const data = buildReviewData();
    const tag = (f: Finding): Finding => {
      if (f.ruleId === 'collaborator-production-admin') return { ...f, projects: ['101'] };
      if (f.ruleId === 'privilege-change-unapproved') return { ...f, projects: ['102'] };
      if (f.ruleId === 'key-rotation-overdue' && f.status === 'excepted') return { ...f, projects: ['101'] };
      if (f.ruleId === 'project-without-admin') return { ...f, projects: ['105'] };
      if (f.ruleId === 'addon-undocumented') return { ...f, projects: ['104'] };
      return f;
    };
    const deactivated = data.snapshot.members.find((m) => m.status?.value === 'deactivated')!;
    return {
      ...data,
      findings: data.findings.map(tag),
      snapshot: {
        ...data.snapshot,
        // A deactivated admin gets no mail.
        grants: [...(data.snapshot.grants ?? []), { email: deactivated.email, projectId: '101', level: 'admin', roleName: 'Admin', via: { kind: 'direct' }, source: 'user-management', pulledAt: '2026-10-01T04:40:00.000Z' }],
      },
    };
  }

  it('finds the active admins of each project, direct or through a group', () => {
    const admins = projectAdmins(withProjects().snapshot);
    expect(admins.get('101')).toEqual(['ada.bauer@acme.example', 'clara.bauer@acme.example', 'elena.bauer@acme.example']);
    expect(admins.get('102')).toEqual(['ben.bauer@acme.example', 'clara.bauer@acme.example', 'felix.bauer@acme.example', 'tomasz.krawczyk@contoso-analytics.example']);
    expect(admins.get('104')).toBeUndefined();
    expect(admins.get('105')).toBeUndefined();
  });

  it('sends one digest per project with admins and open findings, with only that project\'s findings', () => {
    const digests = composeProjectDigests({ data: withProjects(), pack, mail, clock: fixedClock('2026-10-01T07:30:00.000Z') });
    expect(digests.map((d) => [d.projectId, d.recipients, d.findings])).toEqual([
      ['101', ['ada.bauer@acme.example', 'clara.bauer@acme.example', 'elena.bauer@acme.example'], 2],
      ['102', ['ben.bauer@acme.example', 'clara.bauer@acme.example', 'felix.bauer@acme.example', 'tomasz.krawczyk@contoso-analytics.example'], 1],
    ]);
    const web = digests[0]!.message;
    expect(web.subject).toBe('[ampaudit] Acme Analytics GmbH 2026-Q3 access review, project Web Production: 0 high, 1 medium, 0 low, 0 info open');
    expect(web.to).toEqual(['ada.bauer@acme.example', 'clara.bauer@acme.example', 'elena.bauer@acme.example']);
    expect(web.ref).toBe('123456/2026-Q3#project:101');
    expect(web.headers['X-Ampaudit-Project']).toBe('101');
    expect(web.attachments).toEqual([]);
    expect(web.text).toContain('* [MEDIUM] collaborator-production-admin\n');
    expect(web.text).toContain('* [HIGH] key-rotation-overdue\n');
    expect(web.text).toContain('(excepted until 2026-10-20, approved by maria.keller@acme.example\n   (SEC-2301))');
    expect(web.text).not.toContain('privilege-change-unapproved');
    expect(web.text).not.toContain('contractor-expired');
    expect(digests[1]!.message.text).toContain('* [MEDIUM] privilege-change-unapproved\n');
    expect(digests[1]!.message.text).not.toContain('collaborator-production-admin');
  });

  it('sends a key-rotation-overdue finding on a project key, as the rule reports it, to that project\'s admins only', () => {
    const data = buildReviewData();
    const rules = [keyRotationOverdue];
    const evaluated = evaluate({ snapshot: data.snapshot, rules, policy: defaultPolicy(rules), exceptions: [] });
    // The project key of iOS Production (102), and the org key, which concerns no project.
    const findings = evaluated.filter((f) => f.subject.id === 'key-project-010' || f.subject.id === 'key-org-001');
    expect(findings.map((f) => [f.subject.id, f.projects])).toEqual([
      ['key-org-001', undefined],
      ['key-project-010', ['102']],
    ]);
    const digests = composeProjectDigests({ data: { ...data, findings }, pack, mail, clock: fixedClock('2026-10-01T07:30:00.000Z') });
    expect(digests.map((d) => [d.projectId, d.recipients, d.findings])).toEqual([
      ['102', ['ben.bauer@acme.example', 'clara.bauer@acme.example', 'felix.bauer@acme.example', 'tomasz.krawczyk@contoso-analytics.example'], 1],
    ]);
    const text = digests[0]!.message.text;
    expect(text).toContain('* [MEDIUM] key-rotation-overdue\n');
    expect(text.replace(/\s+/g, ' ')).toContain('Marketing site ingestion (project API key, iOS Production (102)) was created on 2024-02-01 and never rotated');
    expect(text).not.toContain('Org admin automation');
  });
});
