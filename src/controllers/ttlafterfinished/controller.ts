/**
 * The TTL-after-finished controller: a Job with `ttlSecondsAfterFinished` is deleted, with its
 * pods, that many seconds after it completed or failed. The decision is made again on a fresh
 * read of the job (its TTL may have been changed, or the job replaced under the same name), and
 * the delete is conditioned on its uid.
 */
import { jobs as jobsResource } from '../../api/resources.js';
import type { Job } from '../../api/kinds.js';
import type { Informer } from '../../client/informer.js';
import type { ControllerContext } from '../controller.js';
import { QueueController, isNotFound, objectKey, type Syncable } from '../replication/index.js';
import { expiresAt } from './expiry.js';

export class TtlAfterFinishedController extends QueueController {
  readonly name = 'ttl-after-finished';
  private jobs!: Informer<Job>;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(ctx: ControllerContext) {
    super(ctx, 2);
  }

  protected register(): readonly Syncable[] {
    this.jobs = this.ctx.informers.informer<Job>(jobsResource);
    const changed = (j: Job): void => {
      if (j.spec?.ttlSecondsAfterFinished !== undefined && !j.metadata.deletionTimestamp) this.enqueue(objectKey(j));
    };
    this.jobs.addEventHandler({ add: changed, update: (_, j) => changed(j), delete: (j) => this.forget(objectKey(j)) });
    return [this.jobs];
  }

  override stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    super.stop();
  }

  private forget(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  protected async sync(key: string): Promise<void> {
    this.forget(key);
    const cached = this.jobs.get(key);
    if (!cached || cached.metadata.deletionTimestamp || !this.dueIn(key, cached)) return;
    // The cache may be behind: decide on what the server has now.
    let fresh: Job;
    try {
      fresh = await this.ctx.client.get<Job>(jobsResource, cached.metadata.namespace, cached.metadata.name ?? '');
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (fresh.metadata.deletionTimestamp || !this.dueIn(key, fresh)) return;
    try {
      // Foreground, as Kubernetes' TTL controller: the job is gone only once its pods are.
      await this.ctx.client.delete(jobsResource, fresh.metadata.namespace, fresh.metadata.name ?? '', {
        propagationPolicy: 'Foreground',
        preconditions: { uid: fresh.metadata.uid ?? '' },
      });
      this.ctx.log.debug({ job: key }, 'deleted a finished job whose TTL ran out');
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  /** True when the job's TTL has run out; otherwise schedules a look when it will. */
  private dueIn(key: string, job: Job): boolean {
    const at = expiresAt(job);
    if (at === undefined) return false;
    const wait = at - Date.now();
    if (wait <= 0) return true;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.enqueue(key);
    }, wait + 10);
    t.unref();
    this.timers.set(key, t);
    return false;
  }
}
