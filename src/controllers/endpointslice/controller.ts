/**
 * The endpointslice controller (Kubernetes' `pkg/controller/endpointslice`): for every service
 * with a selector, EndpointSlices of at most 100 endpoints listing the pods it picks, labelled
 * `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by`, owned by the service.
 * Pod, node and slice events only enqueue service keys; `sync` plans from the caches
 * (desired.ts, reconcile.ts) and writes the difference.
 */
import type { EndpointSlice, Node, Pod, Service } from '../../api/kinds.js';
import { managedByLabel, serviceNameLabel } from '../../api/kinds.js';
import { endpointSlices, nodes as nodesResource } from '../../api/resources.js';
import { mapMatches } from '../../api/labels.js';
import type { Informer } from '../../client/informer.js';
import { splitKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../controller.js';
import { byNamespace, hasSelector, ServicePodsTrigger } from '../endpoints/servicepods.js';
import { controllerName, desiredGroups, maxEndpointsPerSlice, sliceLabels } from './desired.js';
import { planSlices } from './reconcile.js';
import { SliceTracker } from './tracker.js';
import { applyPlan } from './writer.js';

/** Index of slices by `namespace/<kubernetes.io/service-name>` and manager. */
export const byServiceAndManager = 'byServiceAndManager';
export function sliceOwnerIndex(s: EndpointSlice): string[] {
  const svc = s.metadata.labels?.[serviceNameLabel];
  const by = s.metadata.labels?.[managedByLabel];
  return svc && by ? [`${by}|${s.metadata.namespace ?? ''}/${svc}`] : [];
}

export interface EndpointSliceControllerOptions {
  readonly workers?: number;
  /** `--max-endpoints-per-slice` (default 100). */
  readonly maxEndpointsPerSlice?: number;
}

export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice';
  private readonly queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 30_000 });
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly tracker = new SliceTracker();
  private readonly trigger: ServicePodsTrigger;

  constructor(private readonly ctx: ControllerContext, private readonly opts: EndpointSliceControllerOptions = {}) {
    this.trigger = new ServicePodsTrigger(ctx, this.queue);
    this.services = this.trigger.services;
    this.pods = this.trigger.pods;
    this.nodes = ctx.informers.informer<Node>(nodesResource);
    this.slices = ctx.informers.informer<EndpointSlice>(endpointSlices);
    this.slices.addIndex(byServiceAndManager, sliceOwnerIndex);
    // A node's zone label is copied into its endpoints.
    this.nodes.addEventHandler({
      update: (o, n) => {
        if (o.metadata.labels?.['topology.kubernetes.io/zone'] === n.metadata.labels?.['topology.kubernetes.io/zone']) return;
        for (const p of this.pods.list()) if (p.spec.nodeName === n.metadata.name) this.trigger.podChanged(p);
      },
    });
    const sliceChanged = (s: EndpointSlice): void => {
      if (s.metadata.labels?.[managedByLabel] !== controllerName) return;
      const svc = s.metadata.labels[serviceNameLabel];
      if (svc) this.queue.add(`${s.metadata.namespace}/${svc}`);
    };
    this.slices.addEventHandler({ add: sliceChanged, update: (_o, s) => sliceChanged(s), delete: sliceChanged });
  }

  async start(): Promise<void> {
    await Promise.all([this.trigger.waitForSync(), this.nodes.waitForSync(), this.slices.waitForSync()]);
    await runWorkers(this.ctx, this.name, this.queue, this.opts.workers ?? 2, (key) => this.sync(key));
  }

  stop(): void {
    this.queue.shutDown();
  }

  /** The slices this controller manages for the service `key`. */
  managedSlices(key: string): EndpointSlice[] {
    return this.slices.byIndex(byServiceAndManager, `${controllerName}|${key}`);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const existing = this.managedSlices(key);
    if (!this.tracker.caughtUp(key, existing)) {
      this.queue.addAfter(key, 50);
      return;
    }
    const svc = this.services.get(key);
    const shape = svc ? { labels: sliceLabels(svc, controllerName), addressType: 'IPv4' as const } : { labels: {}, addressType: 'IPv4' as const };
    const target = {
      ...shape,
      key,
      namespace: namespace ?? '',
      prefix: `${name}-`,
      owner: { apiVersion: 'v1', kind: 'Service', name, uid: svc?.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
    };
    // Gone, selector-less (the mirroring controller's) or ExternalName: no slices of ours.
    if (!svc || !hasSelector(svc) || svc.spec.type === 'ExternalName') {
      if (existing.length > 0) await applyPlan(this.ctx.client, this.tracker, target, { create: [], update: [], delete: existing });
      if (!svc) this.tracker.forget(key);
      return;
    }
    const pods = this.pods.byIndex(byNamespace, namespace ?? '').filter((p) => mapMatches(svc.spec.selector, p.metadata.labels ?? {}));
    const groups = desiredGroups(svc, pods, (n) => this.nodes.get(n));
    // Slices of an earlier service of the same name are not this one's to reuse.
    const owned = existing.filter((s) => s.metadata.ownerReferences?.some((o) => o.uid === svc.metadata.uid));
    const plan = planSlices(groups, owned, shape, this.opts.maxEndpointsPerSlice ?? maxEndpointsPerSlice);
    plan.delete.push(...existing.filter((s) => !owned.includes(s)));
    if (plan.create.length + plan.update.length + plan.delete.length === 0) return;
    await applyPlan(this.ctx.client, this.tracker, target, plan);
  }
}
