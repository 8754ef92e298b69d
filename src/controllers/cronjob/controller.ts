/**
 * The cronjob controller (batch/v1), after Kubernetes' cronjob controller v2: at each scheduled
 * time it creates one Job from the template (named `NAME-<minutes since the epoch>` so a time is
 * never run twice), keeps `status.active`, `lastScheduleTime` and `lastSuccessfulTime`, applies
 * the concurrency policy, the starting deadline and `suspend`, runs only the latest of the times
 * missed while it was down, and deletes finished jobs beyond the history limits. It wakes itself
 * for the next scheduled time through its {@link Clock}, which tests replace.
 */
import { cronJobs, jobs as jobsResource } from '../../api/resources.js';
import { ApiError } from '../../api/errors.js';
import type { CronJob, Job, ObjectReference } from '../../api/kinds.js';
import { CronSyntaxError, localTimeZone, parseSchedule, timeZoneError, type CronSchedule } from '../../api/cron.js';
import type { Informer } from '../../client/informer.js';
import type { ControllerContext } from '../controller.js';
import { QueueController, claimIndex, controllerRef, isNotFound, objectKey, podIndexes, type Syncable } from '../replication/index.js';
import { realClock, type Clock } from './clock.js';
import { byStartTime, finishedAs, jobFor, missedTimes, nextSyncInMs, rfc1123z, tooManyMissed } from './schedule.js';

export interface CronJobControllerOptions {
  readonly clock?: Clock;
}

interface Outcome {
  /** The cron job's status changed and must be written. */
  changed: boolean;
  /** When to look again, in ms. */
  requeueMs?: number;
}

export class CronJobController extends QueueController {
  readonly name = 'cronjob';
  private cronJobs!: Informer<CronJob>;
  private jobs!: Informer<Job>;
  private readonly clock: Clock;
  private readonly wakeUps = new Map<string, () => void>();

  constructor(ctx: ControllerContext, opts: CronJobControllerOptions = {}) {
    super(ctx, 3);
    this.clock = opts.clock ?? realClock;
  }

  protected register(): readonly Syncable[] {
    this.cronJobs = this.ctx.informers.informer<CronJob>(cronJobs);
    this.jobs = this.ctx.informers.informer<Job>(jobsResource);
    this.jobs.addIndex(podIndexes.byClaim, claimIndex);
    this.cronJobs.addEventHandler({
      add: (cj) => this.enqueue(objectKey(cj)),
      update: (_, cj) => this.enqueue(objectKey(cj)),
      delete: (cj) => this.forget(objectKey(cj)),
    });
    const jobChanged = (job: Job): void => {
      const ref = controllerRef(job);
      if (ref?.kind === 'CronJob') this.enqueue(`${job.metadata.namespace ?? ''}/${ref.name}`);
    };
    this.jobs.addEventHandler({ add: jobChanged, update: (_, j) => jobChanged(j), delete: jobChanged });
    return [this.cronJobs, this.jobs];
  }

  override stop(): void {
    for (const cancel of this.wakeUps.values()) cancel();
    this.wakeUps.clear();
    super.stop();
  }

  private forget(key: string): void {
    this.wakeUps.get(key)?.();
    this.wakeUps.delete(key);
  }

  /** One wake-up per cron job: the latest sync decides when. */
  private wakeIn(key: string, ms: number): void {
    this.forget(key);
    this.wakeUps.set(key, this.clock.after(ms, () => {
      this.wakeUps.delete(key);
      this.enqueue(key);
    }));
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.cronJobs.get(key);
    if (!cached) return this.forget(key);
    const cj: CronJob = { ...structuredClone(cached), apiVersion: 'batch/v1', kind: 'CronJob' };
    const owned = this.jobs.byIndex(podIndexes.byClaim, `owner:${cj.metadata.uid ?? ''}`).map((j) => structuredClone(j));
    const cleaned = await this.cleanupFinished(cj, owned);
    const outcome = await this.syncCronJob(cj, owned.filter((j) => !cleaned.has(j.metadata.uid ?? '')));
    if (cleaned.size > 0 || outcome.changed) {
      try {
        await this.ctx.client.update(cronJobs, cj, 'status');
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
    }
    if (outcome.requeueMs !== undefined) this.wakeIn(key, outcome.requeueMs);
  }

  private event(cj: CronJob, type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.ctx.recorder.event(cj, type, reason, message);
  }

  /** Deletes finished jobs beyond the history limits, oldest first; returns their uids. */
  private async cleanupFinished(cj: CronJob, owned: Job[]): Promise<Set<string>> {
    const deleted = new Set<string>();
    const limits: ['Complete' | 'Failed', number | undefined][] = [
      ['Complete', cj.spec.successfulJobsHistoryLimit],
      ['Failed', cj.spec.failedJobsHistoryLimit],
    ];
    for (const [as, limit] of limits) {
      if (limit === undefined || limit === null) continue;
      const finished = owned.filter((j) => finishedAs(j) === as && !j.metadata.deletionTimestamp).sort(byStartTime);
      for (const job of finished.slice(0, Math.max(0, finished.length - limit))) {
        if (await this.deleteJob(cj, job)) deleted.add(job.metadata.uid ?? '');
      }
    }
    return deleted;
  }

  /** Deletes a job (its pods in the background) and drops it from the active list. */
  private async deleteJob(cj: CronJob, job: Job): Promise<boolean> {
    try {
      await this.ctx.client.delete(jobsResource, job.metadata.namespace, job.metadata.name ?? '', { propagationPolicy: 'Background' });
    } catch (err) {
      if (!isNotFound(err)) {
        this.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${err instanceof Error ? err.message : String(err)}`);
        return false;
      }
    }
    this.dropActive(cj, job.metadata.uid);
    this.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name ?? ''}`);
    return true;
  }

  private dropActive(cj: CronJob, uid: string | undefined): void {
    if (!cj.status?.active) return;
    cj.status.active = cj.status.active.filter((r) => r.uid !== uid);
  }

  /** Brings `status.active` and `lastSuccessfulTime` up to date with the jobs. */
  private async reconcileActive(cj: CronJob, owned: Job[]): Promise<boolean> {
    let changed = false;
    const active = (): ObjectReference[] => cj.status?.active ?? [];
    const seen = new Set<string>();
    for (const job of owned) {
      const uid = job.metadata.uid ?? '';
      seen.add(uid);
      const listed = active().some((r) => r.uid === uid);
      const finished = finishedAs(job);
      if (!listed && !finished) {
        this.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata.name ?? ''}`);
      } else if (listed && finished) {
        this.dropActive(cj, uid);
        this.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name ?? ''}, condition: ${finished}`);
        changed = true;
      }
      const done = job.status?.completionTime;
      if (finished === 'Complete' && done && (!cj.status?.lastSuccessfulTime || Date.parse(done) > Date.parse(cj.status.lastSuccessfulTime))) {
        cj.status = { ...(cj.status ?? {}), lastSuccessfulTime: done };
        changed = true;
      }
    }
    for (const ref of [...active()]) {
      if (seen.has(ref.uid ?? '')) continue;
      // Not in our cache: ask the server before calling it gone (the cache may be behind).
      try {
        const job = await this.ctx.client.get<Job>(jobsResource, ref.namespace ?? cj.metadata.namespace, ref.name ?? '');
        if (job.metadata.uid === ref.uid) continue;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      this.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name ?? ''}`);
      this.dropActive(cj, ref.uid);
      changed = true;
    }
    return changed;
  }

  private schedule(cj: CronJob): CronSchedule | undefined {
    const tz = cj.spec.timeZone;
    if (tz !== undefined && tz !== null) {
      const err = timeZoneError(tz);
      if (err) {
        this.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${tz}": ${err}`);
        return undefined;
      }
    }
    try {
      return parseSchedule(cj.spec.schedule, tz ?? localTimeZone());
    } catch (err) {
      this.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec.schedule}" : ${err instanceof CronSyntaxError ? err.message : String(err)}`);
      return undefined;
    }
  }

  private async syncCronJob(cj: CronJob, owned: Job[]): Promise<Outcome> {
    const out: Outcome = { changed: await this.reconcileActive(cj, owned) };
    if (cj.metadata.deletionTimestamp || cj.spec.suspend === true) return out;
    const schedule = this.schedule(cj);
    if (!schedule) return out;
    const now = this.clock.now();
    const next = (): number | undefined => nextSyncInMs(cj, now, schedule);
    let missed;
    try {
      missed = missedTimes(cj, now, schedule, true);
    } catch (err) {
      this.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec.schedule} : ${err instanceof Error ? err.message : String(err)}`);
      return out;
    }
    if (missed.missed > tooManyMissed) {
      this.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${missed.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    const scheduled = missed.mostRecent;
    if (!scheduled) return { ...out, requeueMs: next() };
    const sds = cj.spec.startingDeadlineSeconds;
    if (typeof sds === 'number' && scheduled.getTime() + sds * 1000 < now.getTime()) {
      this.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return { ...out, requeueMs: next() };
    }
    const want = jobFor(cj, scheduled);
    const last = cj.status?.lastScheduleTime;
    if ((cj.status?.active ?? []).some((r) => r.name === want.metadata.name) || (last && Date.parse(last) === scheduled.getTime())) {
      return { ...out, requeueMs: next() };
    }
    // A running job of ours counts even when the cached CronJob does not list it yet (our own
    // status write may not have come back through the watch).
    const running = (cj.status?.active ?? []).length > 0 || owned.some((j) => !finishedAs(j));
    if (cj.spec.concurrencyPolicy === 'Forbid' && running) {
      this.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return { ...out, requeueMs: next() };
    }
    if (cj.spec.concurrencyPolicy === 'Replace') {
      for (const ref of [...(cj.status?.active ?? [])]) {
        const job = owned.find((j) => j.metadata.uid === ref.uid) ?? ({ metadata: { name: ref.name, namespace: ref.namespace, uid: ref.uid } } as Job);
        if (!(await this.deleteJob(cj, job))) throw new Error(`could not replace job ${ref.namespace ?? ''}/${ref.name ?? ''}`);
        out.changed = true;
      }
    }
    let created: Job;
    try {
      created = await this.ctx.client.create<Job>(jobsResource, want);
      this.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name ?? ''}`);
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) {
        this.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
      // Already there: ours (a status write lost after creating it) is recorded; another's is left alone.
      created = await this.ctx.client.get<Job>(jobsResource, want.metadata.namespace, want.metadata.name ?? '');
      if (controllerRef(created)?.uid !== cj.metadata.uid) return out;
      if ((cj.status?.active ?? []).some((r) => r.uid === created.metadata.uid)) return out;
    }
    const ref: ObjectReference = {
      kind: 'Job', namespace: created.metadata.namespace, name: created.metadata.name, uid: created.metadata.uid,
      apiVersion: 'batch/v1', resourceVersion: created.metadata.resourceVersion,
    };
    cj.status = { ...(cj.status ?? {}), active: [...(cj.status?.active ?? []), ref], lastScheduleTime: scheduled.toISOString().replace(/\.\d{3}Z$/, 'Z') };
    return { changed: true, requeueMs: next() };
  }
}
