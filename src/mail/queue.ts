/**
 * The review pipeline's entry to mail: compose the review mail (and the project digests when
 * `mail.projectDigests` is on) and put them in the outbox. Sending is `deliverPending`.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { ReviewData } from '../pack/types.js';
import type { ReviewResult } from '../review/review.js';
import { composeProjectDigests, composeReviewMail, type PackFiles } from './compose.js';
import { Outbox, outboxDirFor, type EnqueueResult } from './outbox.js';
import { templatesForMail } from './templates.js';

/** The mail-relevant files of a review just written. */
export function packFilesOf(r: Pick<ReviewResult, 'pack' | 'pdfPath' | 'csvs'>): PackFiles {
  return { dir: r.pack.dir, dirName: r.pack.dirName, pdfPath: r.pdfPath, findingsCsvPath: r.csvs.findings.path, manifestSha256: r.pack.manifestSha256 };
}

export interface QueueReviewOptions {
  readonly config: Pick<Config, 'mail' | 'store'>;
  readonly data: ReviewData;
  readonly pack: PackFiles;
  readonly clock: Clock;
  /** Default: the configured outbox (`mail.outbox`, else `outbox/` next to the store). */
  readonly outbox?: Outbox;
  readonly templatesDir?: string;
}

export interface QueueReviewResult {
  readonly outbox: Outbox;
  readonly review: EnqueueResult;
  readonly digests: readonly EnqueueResult[];
}

/** Queues the review mail (and digests). Idempotent: a pack already queued or sent is not queued again. */
export async function queueReviewMail(o: QueueReviewOptions): Promise<QueueReviewResult> {
  const mail = o.config.mail;
  if (!mail) throw new Error('bug: queueReviewMail called without `mail:` in the config');
  const outbox = o.outbox ?? new Outbox(outboxDirFor(o.config));
  const templates = templatesForMail(mail, o.templatesDir);
  const base = { data: o.data, pack: o.pack, mail, clock: o.clock, templates };
  const review = await outbox.enqueue(composeReviewMail(base), o.clock);
  const digests: EnqueueResult[] = [];
  if (mail.projectDigests) {
    for (const d of composeProjectDigests(base)) digests.push(await outbox.enqueue(d.message, o.clock));
  }
  return { outbox, review, digests };
}
