/** The scheduler: cron in the configured time zone, catch-up, the run lock, run records. */
export { runDaemon, type DaemonHandle, type DaemonOptions, type DaemonResult, type TriggerName } from './daemon.js';
export { nextRun, nextRuns, parseCron, previousRun, CronSyntaxError, type CronSchedule } from './cron.js';
export { scheduleSpecOf, type ScheduleSpec } from './config.js';
export { planCatchUp, reviewPeriodsDue, type CatchUpInput, type CatchUpPlan, type ReviewPlan, type ReviewPlanInput } from './plan.js';
export { openRunLock, processAlive, withRunLock, DEFAULT_STALE_AFTER_MS, type AcquireResult, type LockHolder, type LockOptions, type RunLock } from './lock.js';
export { archiveOf, type PackArchive } from './archive.js';
export { formatRuns, formatDuration, formatLocalTime, runsText, type RunsTableOptions } from './runs.js';
export { handleStopSignals, type SignalSource, type StopSignal } from './signals.js';
export { failed, isSkip, ok, RUN_KIND, systemTimers, type JobName, type JobOutcome, type Jobs, type Timers } from './types.js';
