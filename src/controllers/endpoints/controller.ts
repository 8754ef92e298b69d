/**
 * The endpoints controller (Kubernetes' `pkg/controller/endpoint`): keeps, for every service with
 * a selector, an Endpoints object of the same name listing the pods the selector picks. Pod and
 * service events only enqueue service keys; `sync` recomputes from the caches and writes only
 * when the result differs from what is stored.
 */
import type { Endpoints, Pod, Service } from '../../api/kinds.js';
import { endpoints as endpointsResource } from '../../api/resources.js';
import { ApiError } from '../../api/errors.js';
import { mapMatches } from '../../api/labels.js';
import type { Informer } from '../../client/informer.js';
import { keyOf, splitKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../controller.js';
import { byNamespace, hasSelector, ServicePodsTrigger } from './servicepods.js';
import { endpointSubsets, endpointsLabels, endpointsUpToDate } from './subsets.js';
import { kubeTime } from '../../api/time.js';


export const lastChangeTriggerTime = 'endpoints.kubernetes.io/last-change-trigger-time';

export interface EndpointsControllerOptions {
  readonly workers?: number;
}

export class EndpointsController implements Controller {
  readonly name = 'endpoints';
  private readonly queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 30_000 });
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly trigger: ServicePodsTrigger;

  constructor(private readonly ctx: ControllerContext, private readonly opts: EndpointsControllerOptions = {}) {
    this.trigger = new ServicePodsTrigger(ctx, this.queue);
    this.services = this.trigger.services;
    this.pods = this.trigger.pods;
    this.endpoints = ctx.informers.informer<Endpoints>(endpointsResource);
    // Someone deleted or edited an Endpoints we own: put it back the way it should be. Endpoints
    // without a service are the user's, as in Kubernetes: editing them must not delete them.
    const ours = (e: Endpoints): void => {
      if (this.services.get(keyOf(e))) this.queue.add(keyOf(e));
    };
    this.endpoints.addEventHandler({ update: (_o, e) => ours(e), delete: ours });
  }

  async start(): Promise<void> {
    await Promise.all([this.trigger.waitForSync(), this.endpoints.waitForSync()]);
    await runWorkers(this.ctx, this.name, this.queue, this.opts.workers ?? 2, (key) => this.sync(key));
  }

  stop(): void {
    this.queue.shutDown();
  }

  /** Brings the Endpoints named `key` in line with its service and pods. */
  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(key);
    if (!svc) {
      // The service is gone: its endpoints go too (Kubernetes sets no ownerReference here).
      if (this.endpoints.get(key)) await ignoreNotFound(this.ctx.client.delete(endpointsResource, namespace, name));
      return;
    }
    if (!hasSelector(svc)) return; // Endpoints of selector-less services are the user's.
    const pods = this.pods.byIndex(byNamespace, namespace ?? '').filter((p) => mapMatches(svc.spec.selector, p.metadata.labels ?? {}));
    const subsets = endpointSubsets(svc, pods);
    const labels = endpointsLabels(svc);
    const current = this.endpoints.get(key);
    if (current && endpointsUpToDate(current, subsets, labels)) return;
    const annotations = { ...(current?.metadata.annotations ?? {}), [lastChangeTriggerTime]: kubeTime() };
    const next: Endpoints = {
      metadata: {
        name,
        namespace,
        labels,
        annotations,
        ...(current ? { resourceVersion: current.metadata.resourceVersion } : {}),
      },
      subsets,
    };
    // A 409 (someone wrote it since our cache saw it) throws: the retry reads the newer copy.
    if (current) await this.ctx.client.update(endpointsResource, next);
    else await this.ctx.client.create(endpointsResource, next);
  }
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
  }
}
