/** batch/v1 CronJob: a job template run on a cron schedule. */
import { bool, defs, int, int64, kindObject, list, listOf, obj, ref, str, time, type Definitions } from './dsl.js';

export const cronJobDefinitions: Definitions = {
  ...defs('batch', {
    CronJob: kindObject('Runs a job on a schedule.', {
      spec: ref('batch.CronJobSpec', 'The desired behaviour: schedule and job template.'),
      status: ref('batch.CronJobStatus', 'The most recently observed state. Read-only.'),
    }),
    CronJobList: listOf('batch.CronJob', 'cron jobs'),
    CronJobSpec: obj({
      schedule: str('The schedule in cron format (`*/5 * * * *`, `@hourly`).'),
      timeZone: str('The IANA time zone the schedule is read in; the controller\'s own when unset.'),
      startingDeadlineSeconds: int64('Seconds after a missed scheduled time during which the job may still start.'),
      concurrencyPolicy: str('`Allow` (default), `Forbid` or `Replace`: what to do when the previous run has not finished.', { enum: ['Allow', 'Forbid', 'Replace'] }),
      suspend: bool('When true, no further runs are started. Default false.'),
      jobTemplate: ref('batch.JobTemplateSpec', 'The job to create at each scheduled time.'),
      successfulJobsHistoryLimit: int('Finished successful jobs kept. Default 3.'),
      failedJobsHistoryLimit: int('Failed jobs kept. Default 1.'),
    }, 'The desired state of a cron job.', ['schedule', 'jobTemplate']),
    JobTemplateSpec: obj({
      metadata: ref('meta.ObjectMeta', 'Metadata of the jobs created from this template.'),
      spec: ref('batch.JobSpec', 'The jobs\' spec.'),
    }, 'The job a cron job creates.'),
    CronJobStatus: obj({
      active: list(ref('core.ObjectReference'), 'The jobs currently running.', { listType: 'atomic' }),
      lastScheduleTime: time('When a job was last scheduled.'),
      lastSuccessfulTime: time('When a job last completed successfully.'),
    }, 'The observed state of a cron job.'),
  }),
};
