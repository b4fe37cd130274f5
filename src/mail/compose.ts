/**
 * Composing the review mail to the security list and the per-project digests to project admins.
 * Pure apart from reading the templates and the sizes of the two files it may attach; the date
 * comes from the injected clock (or the review's generation time), ids from the content.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Clock } from '../clock.js';
import type { Finding } from '../domain/findings.js';
import type { Member } from '../domain/model.js';
import type { Snapshot } from '../domain/snapshot.js';
import { bytes, clean, plural } from '../pack/pdf/format.js';
import type { ReviewData } from '../pack/types.js';
import { mailId, messageIdFor, normalizeRecipients } from './id.js';
import { templatesForMail, type TemplateSet } from './templates.js';
import { headerValue } from './text.js';
import type { MailAttachment, MailKind, MailMessage, MailSettings } from './types.js';
import {
  byImportance,
  changeSummary,
  countOpen,
  countsPhrase,
  coverageGaps,
  findingItem,
  generatedText,
  periodRange,
  previousCounts,
  severityRows,
} from './view.js';

/** The archived pack the mail is about (from `writePack` / `runReview`). */
export interface PackFiles {
  /** The pack folder in the archive. */
  readonly dir: string;
  /** e.g. `2026-Q3` or `2026-Q3-r2`. */
  readonly dirName: string;
  readonly pdfPath: string;
  readonly findingsCsvPath: string;
  readonly manifestSha256: string;
}

export interface ComposeOptions {
  readonly data: ReviewData;
  readonly pack: PackFiles;
  readonly mail: MailSettings;
  /** The shipped templates folder (default: the package's `templates/`). The operator's folder is `mail.templates`. */
  readonly templatesDir?: string;
  /** Already loaded templates (saves reading them again for digests). */
  readonly templates?: TemplateSet;
  /** Date header; without it, the review's generation time. */
  readonly clock?: Clock;
}

export const DEFAULT_TOP_FINDINGS = 10;
export const DEFAULT_TOP_NEW = 5;
export const DEFAULT_DIGEST_FINDINGS = 50;

/** The pack's identity in the outbox: `<org id>/<pack folder>`. A new revision is a new pack. */
export function packId(data: ReviewData, pack: Pick<PackFiles, 'dirName'>): string {
  return `${data.snapshot.org.id}/${pack.dirName}`;
}

function templatesOf(o: ComposeOptions): TemplateSet {
  return o.templates ?? templatesForMail(o.mail, o.templatesDir);
}

function dateOf(o: { clock?: Clock; data: ReviewData }): string {
  return o.clock ? o.clock.now().toISOString() : o.data.generatedAt;
}

/** By the pack's folder: `2026-Q3` alone would name the period's first revision, not a rerun's. */
function verifyCommand(pack: Pick<PackFiles, 'dirName'>): string {
  return `ampaudit packs verify ${pack.dirName}`;
}

export interface MessageParts {
  readonly kind: MailKind;
  readonly ref: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly attachments?: readonly MailAttachment[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly date: string;
}

/** Assembles a message: single-line headers, the deterministic Message-ID. */
export function buildMessage(p: MessageParts): MailMessage {
  const from = headerValue(p.from, 320);
  const to = p.to.map((a) => headerValue(a, 320)).filter((a) => a.length > 0);
  const headers: Record<string, string> = { 'Auto-Submitted': 'auto-generated', 'X-Ampaudit-Kind': p.kind };
  for (const [k, v] of Object.entries(p.headers ?? {})) {
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(k)) throw new Error(`bug: invalid mail header name ${k}`);
    headers[k] = headerValue(v, 900);
  }
  return {
    kind: p.kind,
    ref: p.ref,
    from,
    to,
    subject: headerValue(p.subject, 250),
    html: p.html,
    text: p.text,
    attachments: p.attachments ?? [],
    headers,
    messageId: messageIdFor(mailId(p.kind, p.ref, to), from),
    date: p.date,
  };
}

function reviewSubject(data: ReviewData): string {
  const org = clean(data.snapshot.org.name);
  const rev = data.revision > 1 ? ` (revision ${data.revision})` : '';
  const unknown = data.findings.filter((f) => f.status === 'unknown').length;
  const undecided = unknown > 0 ? `; ${unknown} ${unknown === 1 ? 'check' : 'checks'} undecided` : '';
  return `[ampaudit] ${org} ${data.periodLabel}${rev} access review: ${countsPhrase(countOpen(data.findings))}${undecided}`;
}

interface AttachmentPlan {
  readonly attached: boolean;
  readonly files: readonly { readonly name: string; readonly size: string }[];
  readonly total: string;
  readonly limit: string;
  readonly list: readonly MailAttachment[];
}

function planAttachments(pack: PackFiles, limitBytes: number): AttachmentPlan {
  const files: MailAttachment[] = [
    { filename: basename(pack.pdfPath), path: pack.pdfPath, contentType: 'application/pdf', bytes: statSync(pack.pdfPath).size },
    { filename: basename(pack.findingsCsvPath), path: pack.findingsCsvPath, contentType: 'text/csv; charset=utf-8', bytes: statSync(pack.findingsCsvPath).size },
  ];
  const total = files.reduce((s, f) => s + f.bytes, 0);
  const attached = total <= limitBytes;
  // "2.9 KiB, above the 2.9 KiB limit" reads as nonsense: close sizes are given in bytes.
  const same = bytes(total) === bytes(limitBytes);
  return {
    attached,
    files: files.map((f) => ({ name: f.filename, size: bytes(f.bytes) })),
    total: same ? `${total} B` : bytes(total),
    limit: same ? `${limitBytes} B` : bytes(limitBytes),
    list: attached ? files : [],
  };
}

function introText(data: ReviewData, open: number, excepted: number, unknown: number, attached: boolean): string {
  const rev = data.revision > 1 ? ` (revision ${data.revision})` : '';
  const parts = [plural(open, 'open finding')];
  if (excepted > 0) parts.push(plural(excepted, 'excepted finding'));
  const tail = unknown > 0 ? ` and ${plural(unknown, 'check')} that could not decide` : '';
  const where = attached ? 'The full PDF report and findings.csv are attached.' : 'The full report is in the archive (see below).';
  return `The quarterly access review of ${clean(data.snapshot.org.name)} for ${data.periodLabel}${rev} is written and archived. It has ${parts.join(', ')}${tail}. ${where}`;
}

/** The review mail to `mail.to`: summary, top findings, changes, coverage gaps, archive path, attachments under the cap. */
export function composeReviewMail(o: ComposeOptions & { readonly topFindings?: number; readonly topNew?: number }): MailMessage {
  const { data, pack, mail } = o;
  const templates = templatesOf(o);
  const cap = o.topFindings ?? DEFAULT_TOP_FINDINGS;
  const open = data.findings.filter((f) => f.status === 'open').sort(byImportance(data.periodLabel));
  const prev = previousCounts(data);
  const rows = severityRows(data.findings, prev?.counts);
  const gaps = coverageGaps(data);
  const att = planAttachments(pack, mail.attachmentLimitBytes);
  const subject = reviewSubject(data);
  const org = clean(data.snapshot.org.name);
  const excepted = data.findings.filter((f) => f.status === 'excepted').length;
  const unknown = data.findings.filter((f) => f.status === 'unknown').length;
  const view = {
    kind: 'review',
    subject,
    heading: 'Quarterly access review',
    title: `${org} · ${data.periodLabel}${data.revision > 1 ? ` (revision ${data.revision})` : ''}`,
    subtitle: `${periodRange(data)} · generated ${generatedText(data)}`,
    introText: introText(data, open.length, excepted, unknown, att.attached),
    preheader: `${countsPhrase(countOpen(data.findings))}. Pack archived at ${pack.dir}.`,
    org,
    orgId: clean(data.snapshot.org.id),
    period: data.periodLabel,
    revision: data.revision,
    periodRange: periodRange(data),
    timezone: data.snapshot.timezone,
    generated: generatedText(data),
    toolVersion: data.toolVersion,
    summary: {
      rows,
      previousPeriod: prev?.period,
      changeHeader: prev ? `Since ${prev.period}` : 'Change',
      totalOpen: open.length,
      totalExcepted: excepted,
      totalUnknown: unknown,
    },
    top: { items: open.slice(0, cap).map((f) => findingItem(f, data.periodLabel)), shown: Math.min(cap, open.length), total: open.length, more: Math.max(0, open.length - cap) },
    changes: changeSummary(data, o.topNew ?? DEFAULT_TOP_NEW),
    coverage: { gaps, complete: gaps.length === 0 },
    archive: { dir: pack.dir, dirName: pack.dirName, pdfPath: pack.pdfPath, manifestSha256: pack.manifestSha256, verifyCommand: verifyCommand(pack) },
    attachments: att,
  };
  return buildMessage({
    kind: 'review',
    ref: packId(data, pack),
    from: mail.from,
    to: mail.to,
    subject,
    html: templates.render('review', 'html', view),
    text: templates.render('review', 'txt', view),
    attachments: att.list,
    headers: { 'X-Ampaudit-Pack': packId(data, pack), 'X-Ampaudit-Manifest-Sha256': pack.manifestSha256 },
    date: dateOf(o),
  });
}

// ---------------------------------------------------------------------------------------------
// Per-project digests

/** Active: the members export says active, or (status unknown) SCIM says active. Anyone else gets no mail. */
function isActive(m: Member | undefined): boolean {
  if (!m) return false;
  if (m.status) return m.status.value === 'active';
  return m.scimActive?.value === true;
}

/** Project id → the active members holding the Admin role on it (direct or through a group), sorted. */
export function projectAdmins(snapshot: Snapshot): Map<string, string[]> {
  const members = new Map(snapshot.members.map((m) => [m.email, m]));
  const out = new Map<string, Set<string>>();
  for (const g of snapshot.grants ?? []) {
    if (g.level !== 'admin' || !isActive(members.get(g.email))) continue;
    let set = out.get(g.projectId);
    if (!set) out.set(g.projectId, (set = new Set()));
    set.add(g.email);
  }
  return new Map([...out].map(([k, v]) => [k, normalizeRecipients([...v])]));
}

export interface ProjectDigest {
  readonly projectId: string;
  readonly projectName: string;
  readonly recipients: readonly string[];
  readonly findings: number;
  readonly message: MailMessage;
}

const STATUS_ORDER: Readonly<Record<Finding['status'], number>> = { open: 0, unknown: 1, excepted: 2 };

/**
 * One digest per project that has active admins and at least one open finding concerning it
 * (`finding.projects`), to those admins, listing only that project's findings (open first).
 * Projects without admins get nothing (project-without-admin reports them to the security list).
 */
export function composeProjectDigests(o: ComposeOptions & { readonly maxFindings?: number }): ProjectDigest[] {
  const { data, pack, mail } = o;
  const templates = templatesOf(o);
  const cap = o.maxFindings ?? DEFAULT_DIGEST_FINDINGS;
  const admins = projectAdmins(data.snapshot);
  const order = byImportance(data.periodLabel);
  const out: ProjectDigest[] = [];
  const projects = [...data.snapshot.projects].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  for (const project of projects) {
    const to = admins.get(project.id);
    if (!to || to.length === 0) continue;
    const fs = data.findings
      .filter((f) => f.projects?.includes(project.id))
      .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || order(a, b));
    const counts = countOpen(fs);
    if (fs.every((f) => f.status !== 'open')) continue;
    const name = clean(project.name);
    const org = clean(data.snapshot.org.name);
    const rev = data.revision > 1 ? ` (revision ${data.revision})` : '';
    const subject = `[ampaudit] ${org} ${data.periodLabel}${rev} access review, project ${name}: ${countsPhrase(counts)}`;
    const view = {
      kind: 'digest',
      subject,
      heading: 'Project access review',
      title: `${name} (project ${clean(project.id)})`,
      subtitle: `${org} · ${data.periodLabel}${rev} · ${periodRange(data)}`,
      preheader: `${countsPhrase(counts)} in ${name}.`,
      org,
      period: data.periodLabel,
      revision: data.revision,
      periodRange: periodRange(data),
      timezone: data.snapshot.timezone,
      generated: generatedText(data),
      toolVersion: data.toolVersion,
      project: { id: clean(project.id), name, environment: project.environment },
      summary: { rows: severityRows(fs), totalOpen: fs.filter((f) => f.status === 'open').length },
      findings: { items: fs.slice(0, cap).map((f) => findingItem(f, data.periodLabel)), shown: Math.min(cap, fs.length), total: fs.length, more: Math.max(0, fs.length - cap) },
      recipientsNote: `You receive this as an Admin of ${name}.`,
      archive: { dir: pack.dir, dirName: pack.dirName, manifestSha256: pack.manifestSha256, verifyCommand: verifyCommand(pack) },
    };
    const ref = `${packId(data, pack)}#project:${project.id}`;
    out.push({
      projectId: project.id,
      projectName: name,
      recipients: to,
      findings: fs.length,
      message: buildMessage({
        kind: 'digest',
        ref,
        from: mail.from,
        to,
        subject,
        html: templates.render('digest', 'html', view),
        text: templates.render('digest', 'txt', view),
        headers: { 'X-Ampaudit-Pack': packId(data, pack), 'X-Ampaudit-Project': project.id },
        date: dateOf(o),
      }),
    });
  }
  return out;
}
