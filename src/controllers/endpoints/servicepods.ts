/**
 * What the endpoints and endpointslice controllers both watch: services and pods, indexed by
 * namespace, every change turned into the keys of the services concerned (a pod enqueues each
 * service whose selector picks it, under its old labels and its new, so a pod that stops
 * matching leaves its old service).
 */
import type { Pod, Service } from '../../api/kinds.js';
import { pods as podsResource, services as servicesResource } from '../../api/resources.js';
import { mapMatches } from '../../api/labels.js';
import type { Informer } from '../../client/informer.js';
import { keyOf } from '../../client/informer.js';
import type { WorkQueue } from '../../client/workqueue.js';
import type { ControllerContext } from '../controller.js';

/** Index of namespaced objects by namespace, shared by every controller that asks for it. */
export const byNamespace = 'byNamespace';
const namespaceIndex = (o: { metadata: { namespace?: string } }): string[] => [o.metadata.namespace ?? ''];

export function hasSelector(svc: Service): boolean {
  return svc.spec?.selector !== undefined && Object.keys(svc.spec.selector).length > 0;
}

export class ServicePodsTrigger {
  readonly services: Informer<Service>;
  readonly pods: Informer<Pod>;

  constructor(ctx: ControllerContext, private readonly queue: WorkQueue) {
    this.services = ctx.informers.informer<Service>(servicesResource);
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.services.addIndex(byNamespace, namespaceIndex);
    this.pods.addIndex(byNamespace, namespaceIndex);
    this.services.addEventHandler({
      add: (s) => queue.add(keyOf(s)),
      update: (_o, s) => queue.add(keyOf(s)),
      delete: (s) => queue.add(keyOf(s)),
    });
    this.pods.addEventHandler({
      add: (p) => this.podChanged(p),
      update: (o, p) => {
        this.podChanged(o);
        this.podChanged(p);
      },
      delete: (p) => this.podChanged(p),
    });
  }

  /** Enqueues every service in the pod's namespace whose selector picks it. */
  podChanged(pod: Pod): void {
    for (const svc of this.services.byIndex(byNamespace, pod.metadata.namespace ?? '')) {
      if (hasSelector(svc) && mapMatches(svc.spec.selector, pod.metadata.labels ?? {})) this.queue.add(keyOf(svc));
    }
  }

  waitForSync(): Promise<unknown> {
    return Promise.all([this.services.waitForSync(), this.pods.waitForSync()]);
  }
}
