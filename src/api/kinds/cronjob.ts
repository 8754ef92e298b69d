/** batch/v1 CronJobs: a Job template run on a cron schedule. */
import type { KubeObject, ObjectMeta } from '../types.js';
import type { ObjectReference } from './cluster.js';
import type { JobSpec } from './workloads.js';

export type ConcurrencyPolicy = 'Allow' | 'Forbid' | 'Replace';

export interface CronJobSpec {
  schedule: string;
  timeZone?: string;
  startingDeadlineSeconds?: number;
  concurrencyPolicy?: ConcurrencyPolicy;
  suspend?: boolean;
  jobTemplate: { metadata?: ObjectMeta; spec: JobSpec & Record<string, unknown> };
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
}

export interface CronJob extends KubeObject {
  spec: CronJobSpec & Record<string, unknown>;
  status?: {
    active?: ObjectReference[];
    lastScheduleTime?: string;
    lastSuccessfulTime?: string;
  } & Record<string, unknown>;
}
