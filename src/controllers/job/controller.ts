/**
 * The job controller (batch/v1): runs a job's pods to `completions` successes, at most
 * `parallelism` at a time, retrying failures up to `backoffLimit` (a new pod per failure with
 * restartPolicy Never; container restarts count with OnFailure), ending the job at
 * `activeDeadlineSeconds`, and honouring `suspend`. The decisions are `planJob`'s; this class
 * reads the caches, applies the plan with expectations, and writes status and Events.
 */
import { jobs } from '../../api/resources.js';
import type { Job } from '../../api/kinds.js';
import type { LabelSelector } from '../../api/types.js';
import { fromLabelSelector, type Selector } from '../../api/labels.js';
import type { ControllerContext } from '../controller.js';
import {
  OwnedPodsController, claimPods, isConflict, isNotFound, ownerRefFor, podFromTemplate, podKey, slowStart, burstReplicas,
} from '../replication/index.js';
import { isFinished, planJob, type JobPlan } from './policy.js';
import { nextJobStatus, sameStatus } from './status.js';
import { withIndex } from './indexed.js';

export interface JobControllerOptions {
  /** Base of the delay before a new pod after a failure (Kubernetes: 10 s; tests use less). */
  readonly backoffBaseMs?: number;
}

export class JobController extends OwnedPodsController<Job> {
  private readonly backoffBaseMs: number;

  constructor(ctx: ControllerContext, opts: JobControllerOptions = {}) {
    super(ctx, { controllerName: 'job-controller', resource: jobs, apiVersion: 'batch/v1', kind: 'Job' });
    this.backoffBaseMs = opts.backoffBaseMs ?? 10_000;
  }

  protected selectorOf(job: Job): Selector | undefined {
    try {
      const sel = fromLabelSelector(job.spec.selector as LabelSelector | undefined);
      return sel.empty ? undefined : sel;
    } catch {
      return undefined;
    }
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.owners.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const job = this.typed(cached);
    if (isFinished(job) || job.metadata.deletionTimestamp) return;
    const selector = this.selectorOf(job);
    if (!selector) return;
    const satisfied = this.expectations.satisfied(key);
    const candidates = this.claimCandidates(job);
    const owned = await claimPods(this.ctx, this.control, this.claimOwner(job), selector, candidates);
    const now = Date.now();
    const plan = planJob(job, owned, { now, backoffBaseMs: this.backoffBaseMs });
    if (plan.requeueAfterMs !== undefined) this.queue.addAfter(key, plan.requeueAfterMs + 10);
    if (!satisfied) {
      // Our own creations or deletions are still on their way into the cache: count, don't act.
      await this.writeStatus(job, { ...plan, create: 0, remove: [], finish: undefined } as JobPlan, 0, now);
      return;
    }
    await this.remove(key, job, plan);
    const created = await this.create(key, job, plan.create, plan.indexes);
    await this.writeStatus(job, plan, created, now);
  }

  private async remove(key: string, job: Job, plan: JobPlan): Promise<void> {
    if (plan.remove.length === 0) return;
    this.expectations.expect(key, 0, plan.remove.map(podKey));
    const results = await Promise.allSettled(plan.remove.map(async (p) => {
      try {
        await this.control.delete(job, p);
      } catch (err) {
        this.expectations.deletionObserved(key, podKey(p));
        throw err;
      }
    }));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Creates `n` pods in slow-start batches; returns how many were created. */
  private async create(key: string, job: Job, n: number, indexes?: readonly number[]): Promise<number> {
    const count = Math.min(n, burstReplicas);
    if (count <= 0) return 0;
    this.expectations.expect(key, count);
    const template = podFromTemplate(job.spec.template, job.metadata.namespace ?? 'default', job.metadata.name ?? '', ownerRefFor(job, 'batch/v1', 'Job'));
    let next = 0;
    const result = await slowStart(count, async () => {
      const i = indexes?.[next++];
      try {
        return await this.control.create(job, i === undefined ? structuredClone(template) : withIndex(template, job.metadata.name ?? '', i));
      } catch (err) {
        this.expectations.creationObserved(key);
        throw err;
      }
    });
    if (result.skipped > 0) this.expectations.creationObserved(key, result.skipped);
    if (result.error !== undefined) throw result.error;
    return result.successes;
  }

  /** Writes the status subresource when it changed, then the Events of the change (so a
   * re-run sync that finds the job finished does not repeat them). */
  private async writeStatus(job: Job, plan: JobPlan, created: number, now: number): Promise<void> {
    const { status, events } = nextJobStatus(job, plan, created, now);
    if (sameStatus(job.status, status)) return;
    let target: Job = job;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.ctx.client.update(jobs, { ...target, status }, 'status');
        break;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt > 0) throw err;
        target = await this.ctx.client.get<Job>(jobs, job.metadata.namespace, job.metadata.name ?? '');
        if (isFinished(target)) return;
      }
    }
    for (const e of events) void this.ctx.recorder.event(job, e.type, e.reason, e.message);
  }
}
