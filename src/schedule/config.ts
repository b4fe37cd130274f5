/**
 * The daemon's view of `config.schedule`: every expression parsed up front, so a typo stops the
 * daemon at start with the config line, not at 02:00 with a log line.
 */
import { configLocator } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { InputError } from '../errors.js';
import { CronSyntaxError, nextRun, parseCron, type CronSchedule } from './cron.js';

export interface ScheduleSpec {
  readonly timeZone: string;
  readonly collect: CronSchedule;
  /** Undefined: alerts run right after each collect. */
  readonly alerts?: CronSchedule;
  readonly dormancyNotice: CronSchedule;
  readonly review: CronSchedule;
}

const HINT = 'five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * *"; evaluated in `timezone`';

/** Parses `config.schedule`. Throws one InputError (with the rest in `more`) naming `schedule.<job>`. */
export function scheduleSpecOf(config: Config): ScheduleSpec {
  const locate = configLocator(config);
  const errors: InputError[] = [];
  const parse = (job: keyof Config['schedule'], expr: string): CronSchedule | undefined => {
    try {
      const s = parseCron(expr);
      // The fields may be valid and still never meet (e.g. the 31st of a 30-day month on a weekday filter).
      if (!nextRun(s, 'UTC', new Date(Date.UTC(2000, 0, 1)))) throw new CronSyntaxError('it never fires');
      return s;
    } catch (err) {
      if (!(err instanceof CronSyntaxError)) throw err;
      errors.push(new InputError(`${JSON.stringify(expr)} is not a usable cron expression: ${err.message}`, locate(['schedule', job], 'value'), HINT));
      return undefined;
    }
  };
  const s = config.schedule;
  const collect = parse('collect', s.collect);
  const alerts = s.alerts === undefined ? undefined : parse('alerts', s.alerts);
  const dormancyNotice = parse('dormancyNotice', s.dormancyNotice);
  const review = parse('review', s.review);
  const [first, ...rest] = errors;
  if (first) throw new InputError(first.problem, first.where, first.hint, rest);
  return {
    timeZone: config.timezone,
    collect: collect as CronSchedule,
    ...(alerts ? { alerts } : {}),
    dormancyNotice: dormancyNotice as CronSchedule,
    review: review as CronSchedule,
  };
}
