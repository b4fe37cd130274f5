/** Mail for the commands that produce a pack. */
import type { Clock } from '../../clock.js';
import type { Config } from '../../config/schema.js';
import { mailReview, type MailReport } from '../../jobs.js';
import type { ReviewResult } from '../../review/review.js';
import type { CliContext } from '../context.js';

export type DeliveryReport = MailReport;

export function deliverReview(args: { config: Config; ctx: CliContext; result: ReviewResult }): Promise<DeliveryReport> {
  return mailReview(args.config, args.ctx.clock, args.result);
}

export function deliverDemo(args: { config: Config; review: ReviewResult; clock: Clock }): Promise<DeliveryReport> {
  return mailReview(args.config, args.clock, args.review);
}
