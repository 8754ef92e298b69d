/**
 * The namespace controller (Kubernetes' `pkg/controller/namespace`). A DELETE of a namespace only
 * marks it (deletionTimestamp, phase Terminating) because of the `kubernetes` entry in
 * `spec.finalizers`; this controller deletes everything in it, waits until nothing is left, then
 * removes that entry through `namespaces/NAME/finalize`, after which the server removes the
 * namespace. Progress is reported in status conditions as Kubernetes does.
 */
import type { Condition, Namespace } from '../../api/kinds.js';
import { namespaces, resourceTypes } from '../../api/resources.js';
import { CustomResourceTracker } from '../customresources/index.js';
import { ApiError } from '../../api/errors.js';
import type { Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../controller.js';
import { deleteContent, namespacedResources, type ContentReport } from './content.js';
import { kubeTime } from '../../api/time.js';

export const kubernetesFinalizer = 'kubernetes';

export interface NamespaceControllerOptions {
  readonly workers?: number;
  /** How soon to look again while objects without a known deadline remain (default 2 s). */
  readonly recheckMs?: number;
}

export class NamespaceController implements Controller {
  readonly name = 'namespace';
  private readonly queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 30_000 });
  private readonly namespaces: Informer<Namespace>;
  /** Custom resources are content too (Kubernetes finds them by discovery). */
  private readonly custom: CustomResourceTracker;

  constructor(private readonly ctx: ControllerContext, private readonly opts: NamespaceControllerOptions = {}) {
    this.namespaces = ctx.informers.informer<Namespace>(namespaces);
    this.custom = new CustomResourceTracker(ctx.informers);
    const enqueue = (ns: Namespace) => {
      if (ns.metadata.deletionTimestamp) this.queue.add(ns.metadata.name ?? '');
    };
    this.namespaces.addEventHandler({ add: enqueue, update: (_o, ns) => enqueue(ns) });
  }

  async start(): Promise<void> {
    await Promise.all([this.namespaces.waitForSync(), this.custom.waitForSync()]);
    await runWorkers(this.ctx, this.name, this.queue, this.opts.workers ?? 2, (key) => this.sync(key));
  }

  stop(): void {
    this.queue.shutDown();
  }

  async sync(name: string): Promise<void> {
    const ns = this.namespaces.get(name);
    if (!ns?.metadata.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(kubernetesFinalizer)) return;
    const report = await deleteContent(this.ctx.client, name, namespacedResources([...resourceTypes, ...this.custom.list()]));
    const empty = Object.keys(report.remaining).length === 0 && report.failures.length === 0;
    if (!empty) {
      await this.reportStatus(name, report);
      if (report.failures.length > 0) throw new Error(`deleting content of namespace ${name}: ${report.failures.join('; ')}`);
      const recheck = this.opts.recheckMs ?? 2000;
      this.queue.addAfter(name, Math.max(100, Math.min(report.estimateMs > 0 ? report.estimateMs + 100 : recheck, recheck)));
      return;
    }
    await this.finalize(name);
  }

  /** PUT namespaces/NAME/finalize without `kubernetes`; the server deletes the namespace when no
   * finalizer remains. */
  private async finalize(name: string): Promise<void> {
    let live: Namespace;
    try {
      live = await this.ctx.client.get<Namespace>(namespaces, undefined, name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      throw err;
    }
    const finalizers = (live.spec?.finalizers ?? []).filter((f) => f !== kubernetesFinalizer);
    if (finalizers.length === (live.spec?.finalizers ?? []).length) return;
    const body = { apiVersion: 'v1', kind: 'Namespace', ...live, spec: { ...(live.spec ?? {}), finalizers } };
    try {
      await this.ctx.client.request('PUT', this.ctx.client.path(namespaces, undefined, name, 'finalize'), body);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }

  /** Kubernetes' deletion conditions: what content and which finalizers are still there. Best
   * effort: a failed status write does not hold up the deletion. */
  private async reportStatus(name: string, report: ContentReport): Promise<void> {
    const now = kubeTime();
    const cond = (type: string, on: boolean, reason: string, message: string): Condition =>
      ({ type, status: on ? 'True' : 'False', lastTransitionTime: now, reason, message });
    const remaining = Object.entries(report.remaining).map(([r, n]) => `${r} has ${n} resource instances`).join(', ');
    const finalizers = Object.entries(report.finalizers).map(([f, n]) => `${f} in ${n} resource instances`).join(', ');
    const wanted: Condition[] = [
      cond('NamespaceDeletionContentFailure', report.failures.length > 0, report.failures.length > 0 ? 'ContentDeletionFailed' : 'ContentDeleted',
        report.failures.length > 0 ? `Failed to delete all resource types, ${report.failures.length} remaining: ${report.failures.join(', ')}` : 'All content successfully deleted, may be waiting on finalization'),
      cond('NamespaceContentRemaining', remaining !== '', remaining ? 'SomeResourcesRemain' : 'ContentRemoved', remaining ? `Some resources are remaining: ${remaining}` : 'All content successfully removed'),
      cond('NamespaceFinalizersRemaining', finalizers !== '', finalizers ? 'SomeFinalizersRemain' : 'ContentHasNoFinalizers', finalizers ? `Some content in the namespace has finalizers remaining: ${finalizers}` : 'All content-preserving finalizers finished'),
    ];
    try {
      const live = await this.ctx.client.get<Namespace>(namespaces, undefined, name);
      const old = live.status?.conditions ?? [];
      const same = (a: Condition, b: Condition | undefined) => b && a.status === b.status && a.reason === b.reason && a.message === b.message;
      if (wanted.every((c) => same(c, old.find((o) => o.type === c.type)))) return;
      const conditions = wanted.map((c) => {
        const prev = old.find((o) => o.type === c.type);
        return prev && prev.status === c.status ? { ...c, lastTransitionTime: prev.lastTransitionTime ?? now } : c;
      });
      await this.ctx.client.update(namespaces, { ...live, status: { ...(live.status ?? {}), conditions } }, 'status');
    } catch (err) {
      this.ctx.log.debug({ controller: this.name, namespace: name, err: err instanceof Error ? err.message : String(err) }, 'status update failed');
    }
  }
}
