/** The cronjob controller, its clock and its schedule arithmetic. */
export { CronJobController, type CronJobControllerOptions } from './controller.js';
export { ManualClock, realClock, type Clock } from './clock.js';
export {
  byStartTime, finishedAs, jobFor, jobName, missedTimes, nextSyncInMs, rfc1123z, scheduledTimestampAnnotation, tooManyMissed, type MissedTimes,
} from './schedule.js';
