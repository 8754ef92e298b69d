/**
 * The cronjob controller's time arithmetic, as Kubernetes' cronjob controller v2 does it: the
 * scheduled times missed since the last run (or since creation, or since the starting deadline),
 * of which only the latest is ever run; the wait until the next one; and the Job made for one
 * scheduled time, named after it in minutes since the epoch so that a time is never run twice.
 */
import type { CronSchedule } from '../../api/cron.js';
import { formatInZone } from '../../api/cron.js';
import type { CronJob, Job } from '../../api/kinds.js';
import type { OwnerReference } from '../../api/types.js';

/** Kubernetes waits 100 ms past a scheduled time before syncing for it. */
export const nextScheduleDeltaMs = 100;
/** Beyond this many missed times, a TooManyMissedTimes warning (Kubernetes' arbitrary 100). */
export const tooManyMissed = 100;

export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface MissedTimes {
  /** Where counting started: the last schedule time, creation, or the starting deadline. */
  readonly earliest: Date;
  /** The latest scheduled time at or before now that was not run, if any. */
  readonly mostRecent?: Date;
  /** How many were missed (an estimate past two, as Kubernetes' count). */
  readonly missed: number;
}

function earliestTime(cj: CronJob, now: Date, withDeadline: boolean): Date {
  let earliest = new Date(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? now.toISOString());
  const sds = cj.spec.startingDeadlineSeconds;
  if (withDeadline && typeof sds === 'number') {
    const deadline = new Date(now.getTime() - sds * 1000);
    if (deadline > earliest) earliest = deadline;
  }
  return earliest;
}

/** Kubernetes' mostRecentScheduleTime. Throws when two activations are under a second apart
 * (a schedule that can never fire, such as `0 0 31 2 *`, gives no second activation). */
export function missedTimes(cj: CronJob, now: Date, schedule: CronSchedule, withDeadline: boolean): MissedTimes {
  const earliest = earliestTime(cj, now, withDeadline);
  if (earliest > now) return { earliest, missed: 0 };
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  if (now < t1) return { earliest, missed: 0 };
  if (now < t2) return { earliest, mostRecent: t1, missed: 1 };
  const between = Math.round((t2.getTime() - t1.getTime()) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  const elapsed = Math.floor((now.getTime() - t1.getTime()) / 1000);
  const missed = Math.floor(elapsed / between) + 1;
  let mostRecent = schedule.prev?.(now);
  if (!mostRecent || mostRecent < t1) {
    // No way back from now (`@every`): step forward from just before the estimate.
    let t = schedule.next(new Date(t1.getTime() + (missed - 2) * between * 1000));
    mostRecent = t1;
    for (; t <= now; t = schedule.next(t)) mostRecent = t;
  }
  return { earliest, mostRecent, missed };
}

/** Milliseconds until the controller should look again: just past the next activation. */
export function nextSyncInMs(cj: CronJob, now: Date, schedule: CronSchedule): number | undefined {
  try {
    const m = missedTimes(cj, now, schedule, false);
    const from = m.mostRecent ?? m.earliest;
    return schedule.next(from).getTime() + nextScheduleDeltaMs - now.getTime();
  } catch {
    return undefined;
  }
}

/** `NAME-<scheduled minutes since the epoch>`. */
export function jobName(cj: CronJob, scheduled: Date): string {
  return `${cj.metadata.name ?? ''}-${Math.floor(scheduled.getTime() / 60_000)}`;
}

/** The job for one scheduled time: the template's labels, annotations and spec, the scheduled
 * time annotation (in the cron job's time zone, UTC without one), the cron job as controller. */
export function jobFor(cj: CronJob, scheduled: Date): Job {
  const t = cj.spec.jobTemplate;
  const owner: OwnerReference = {
    apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name ?? '', uid: cj.metadata.uid ?? '', controller: true, blockOwnerDeletion: true,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(cj, scheduled),
      namespace: cj.metadata.namespace ?? 'default',
      labels: { ...(t.metadata?.labels ?? {}) },
      annotations: { ...(t.metadata?.annotations ?? {}), [scheduledTimestampAnnotation]: formatInZone(scheduled, cj.spec.timeZone ?? 'UTC') },
      ownerReferences: [owner],
    },
    spec: structuredClone(t.spec),
  };
}

/** `Complete` or `Failed` once the job has finished. */
export function finishedAs(job: Job): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

/** Oldest first by start time; jobs that never started last, then by name (Kubernetes' byJobStartTime). */
export function byStartTime(a: Job, b: Job): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (!sa && sb) return 1;
  if (sa && !sb) return -1;
  if (sa && sb && sa !== sb) return Date.parse(sa) - Date.parse(sb);
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** RFC 1123 with a numeric zone, in UTC (`Mon, 02 Jan 2006 15:04:05 +0000`), as MissSchedule words it. */
export function rfc1123z(t: Date): string {
  return t.toUTCString().replace('GMT', '+0000');
}
