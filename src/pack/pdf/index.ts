/**
 * The review pack's archival PDF (SPEC §7): PDF/A-3b, tagged, fonts embedded, bookmarks, page
 * numbers, and the pack's CSVs embedded as attachments. Pure with respect to its input: the same
 * ReviewData and attachments give the same bytes (no wall clock, no randomness).
 */
import { SEVERITIES } from '../../domain/common.js';
import { writeFileAtomic } from '../../fsutil.js';
import type { ReviewData } from '../types.js';
import { createDocument, embedFile, type Attachment } from './document.js';
import { clean, spanDays } from './format.js';
import { drawFurniture } from './furniture.js';
import { countFindings, packIdOf, ruleGroups } from './model.js';
import { renderAccess } from './sections/access.js';
import { renderAttachments } from './sections/attachments.js';
import { renderChanges } from './sections/changes.js';
import type { SectionContext } from './sections/context.js';
import { renderControls } from './sections/controls.js';
import { renderCover } from './sections/cover.js';
import { renderExceptions } from './sections/exceptions.js';
import { renderExports } from './sections/exports.js';
import { renderFindings } from './sections/findings.js';
import { renderKeys } from './sections/keys.js';
import { renderProvenance } from './sections/provenance.js';
import { renderSignOff } from './sections/signoff.js';
import { renderSummary } from './sections/summary.js';
import { Writer } from './writer.js';

export type { Attachment } from './document.js';
export { packIdOf } from './model.js';

export interface RenderResult {
  readonly pages: number;
  /** Bookmark titles in document order (sections, and rule groups under "Findings by rule"). */
  readonly outline: string[];
}

function checkAttachments(list: readonly Attachment[]): void {
  const seen = new Set<string>();
  for (const a of list) {
    if (!/^[\w.-]+$/.test(a.name)) throw new Error(`attachment name ${JSON.stringify(a.name)} must be a plain file name`);
    if (seen.has(a.name)) throw new Error(`attachment ${a.name} is given twice`);
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(a.mime)) throw new Error(`attachment ${a.name}: ${JSON.stringify(a.mime)} is not a MIME type`);
    seen.add(a.name);
  }
}

/** Renders the pack PDF to a stream (ended when done) or, atomically, to a file path. */
export async function renderPdf(data: ReviewData, attachments: readonly Attachment[], out: NodeJS.WritableStream | string): Promise<RenderResult> {
  checkAttachments(attachments);
  const createdAt = new Date(data.generatedAt);
  if (Number.isNaN(createdAt.getTime())) throw new Error(`generatedAt ${JSON.stringify(data.generatedAt)} is not an ISO instant`);
  const s = data.snapshot;
  const tz = s.timezone;
  const counts = countFindings(data.findings);
  const packId = packIdOf(data);
  const org = clean(s.org.name);
  const tool = `ampaudit ${clean(data.toolVersion)}`;
  const doc = createDocument({
    title: `Quarterly access review ${data.periodLabel}: ${org}`,
    author: tool,
    subject: `Access review pack for ${org} (org ${clean(s.org.id)}), ${data.periodLabel}: ${counts.openTotal} open findings (${SEVERITIES.map((x) => `${counts.open[x]} ${x}`).join(', ')}), ${counts.excepted} excepted, ${counts.unknown} unknown`,
    keywords: `access review, ${data.periodLabel}, ${org}, Amplitude, ampaudit, pack ${packId}`,
    creator: tool,
    producer: `${tool} (PDFKit)`,
    createdAt,
    lang: 'en',
  });

  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });

  const w = new Writer(doc);
  const ctx: SectionContext = { w, data, tz, counts, groups: ruleGroups(data), attachments, packId };
  const cover = renderCover(ctx);
  renderSummary(ctx);
  renderFindings(ctx);
  renderChanges(ctx);
  renderAccess(ctx);
  renderKeys(ctx);
  renderExports(ctx);
  renderExceptions(ctx);
  renderControls(ctx);
  renderProvenance(ctx);
  renderSignOff(ctx);
  renderAttachments(ctx);
  w.endSection();
  cover.fillContents(w.toc);
  const pages = drawFurniture(w, {
    headerLeft: `Quarterly access review · ${org}`,
    headerRight: `${data.periodLabel} (${spanDays({ from: s.period.start, to: s.period.end }, tz)})`,
    footerLeft: `${org} (org ${clean(s.org.id)}) · ${data.periodLabel}, ${spanDays({ from: s.period.start, to: s.period.end }, tz)} · pack ${packId}`,
  });
  for (const a of attachments) embedFile(doc, a, createdAt);
  doc.end();
  await finished;
  const pdf = Buffer.concat(chunks);

  if (typeof out === 'string') writeFileAtomic(out, pdf);
  else {
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(pdf, () => resolve());
    });
  }
  return { pages, outline: [...w.outline] };
}
