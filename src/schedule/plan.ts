/**
 * What is due, decided from facts only (the time, the schedules, the recorded runs, the
 * archive), so the decisions are tested without a daemon.
 *
 * Reviews: the archive adds packs in period order and refuses a period older than its newest
 * pack, so the quarters that can still get a pack are those *after* the newest pack, oldest
 * first, each once. Without any pack, the review starts at the quarter of the store's first
 * collect (evidence exists from there), or at the last completed quarter if that is earlier
 * or nothing was collected yet.
 */
import { lastCompletedQuarter, nextQuarter, quarterOf } from '../period.js';
import { previousRun, type CronSchedule } from './cron.js';
import type { JobName } from './types.js';

export interface ReviewPlanInput {
  /** The review's slot: the quarters that had ended by then are due. */
  readonly ref: Date;
  readonly timeZone: string;
  readonly fiscalYearStartMonth: number;
  /** Period label → a pack folder of that period, for every period the archive holds. */
  readonly packs: ReadonlyMap<string, string>;
  /** When the store's first collect started. */
  readonly firstCollectAt?: Date;
}

export interface ReviewPlan {
  /** Oldest first. */
  readonly due: readonly string[];
  /** When nothing is due: why. */
  readonly reason?: string;
}

export function reviewPeriodsDue(i: ReviewPlanInput): ReviewPlan {
  const last = lastCompletedQuarter(i.ref, i.timeZone, i.fiscalYearStartMonth).label;
  const newest = [...i.packs.keys()].sort().pop();
  if (newest !== undefined && newest >= last) {
    return {
      due: [],
      reason:
        newest === last
          ? `${last} already has a pack (${i.packs.get(last) ?? newest}); a period is reviewed once`
          : `the archive already holds a later period (${newest}) than ${last}`,
    };
  }
  let start: string;
  if (newest !== undefined) {
    start = nextQuarter(newest, i.timeZone, i.fiscalYearStartMonth).label;
  } else {
    // No pack yet: every quarter from the one ampaudit started collecting in (a first collect in
    // the early hours of a quarter's first day still counts for the quarter that just ended, whose
    // review slot is later that morning). Quarters that ended before that were never missed.
    const DAY_MS = 86_400_000;
    start = i.firstCollectAt ? quarterOf(new Date(i.firstCollectAt.getTime() - DAY_MS), i.timeZone, i.fiscalYearStartMonth).label : last;
  }
  const due: string[] = [];
  for (let p = start; p <= last; p = nextQuarter(p, i.timeZone, i.fiscalYearStartMonth).label) due.push(p);
  return { due };
}

export interface CatchUpInput {
  readonly now: Date;
  readonly timeZone: string;
  readonly fiscalYearStartMonth: number;
  readonly schedules: {
    readonly collect: CronSchedule;
    readonly alerts?: CronSchedule;
    readonly dormancyNotice: CronSchedule;
    readonly review: CronSchedule;
  };
  /** Start of the latest run of each job that completed (ok or partial; skips do not count). */
  readonly lastDone: Readonly<Partial<Record<JobName, Date>>>;
  readonly firstCollectAt?: Date;
  readonly packs: ReadonlyMap<string, string>;
}

export interface CatchUpPlan {
  /** Set (to the reason) when the collect is to run now. */
  readonly collect?: string;
  /** Only for alerts on their own schedule; otherwise they follow the collect. */
  readonly alerts?: string;
  readonly dormancyNotice?: string;
  /** Quarters to review, oldest first. */
  readonly reviews: readonly string[];
  /** Why no review is due, when none is and a review slot has passed. */
  readonly reviewNote?: string;
}

/** A job missed its latest slot when nothing completed since that slot began. */
function missed(schedule: CronSchedule, i: CatchUpInput, job: JobName): { slot: Date; last?: Date } | undefined {
  const slot = previousRun(schedule, i.timeZone, i.now);
  if (!slot) return undefined;
  const last = i.lastDone[job];
  if (last && last.getTime() >= slot.getTime()) return undefined;
  return last ? { slot, last } : { slot };
}

function because(job: string, m: { slot: Date; last?: Date }): string {
  return `no ${job} since the slot at ${m.slot.toISOString()} (last: ${m.last ? m.last.toISOString() : 'never'})`;
}

/**
 * What a daemon starting at `now` missed while it was down. The collect is due when no collect
 * completed since its latest slot (for the daily default: the last collect is older than a day);
 * the dormancy notice when its latest slot passed while the store was in use and no notice went
 * out since (once, however many months were missed); reviews as in reviewPeriodsDue for the
 * quarters that had ended by the latest review slot (a review slot not reached yet is left to the
 * schedule, so a daemon started at 01:00 on the first day does not review before the 02:00 collect).
 */
export function planCatchUp(i: CatchUpInput): CatchUpPlan {
  const collect = missed(i.schedules.collect, i, 'collect');
  const alerts = i.schedules.alerts ? missed(i.schedules.alerts, i, 'alerts') : undefined;
  const dormancy = missed(i.schedules.dormancyNotice, i, 'dormancyNotice');
  const dormancyDue = dormancy && i.firstCollectAt !== undefined && i.firstCollectAt.getTime() <= dormancy.slot.getTime();
  const reviewSlot = previousRun(i.schedules.review, i.timeZone, i.now);
  const review = reviewSlot
    ? reviewPeriodsDue({
        ref: reviewSlot,
        timeZone: i.timeZone,
        fiscalYearStartMonth: i.fiscalYearStartMonth,
        packs: i.packs,
        ...(i.firstCollectAt ? { firstCollectAt: i.firstCollectAt } : {}),
      })
    : { due: [] };
  return {
    ...(collect ? { collect: because('collect', collect) } : {}),
    ...(alerts ? { alerts: because('alerts run', alerts) } : {}),
    ...(dormancy && dormancyDue ? { dormancyNotice: because('dormancy notice', dormancy) } : {}),
    reviews: review.due,
    ...(review.reason ? { reviewNote: review.reason } : {}),
  };
}
