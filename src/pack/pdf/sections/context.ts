/** What every section renderer gets. */
import type { ReviewData } from '../../types.js';
import type { Attachment } from '../document.js';
import type { Counts, RuleGroup } from '../model.js';
import type { Writer } from '../writer.js';

export interface SectionContext {
  readonly w: Writer;
  readonly data: ReviewData;
  /** The configured time zone (the snapshot's). */
  readonly tz: string;
  readonly counts: Counts;
  readonly groups: readonly RuleGroup[];
  readonly attachments: readonly Attachment[];
  readonly packId: string;
}
