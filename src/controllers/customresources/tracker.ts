/**
 * The custom resources served right now, followed through the CRDs (what Kubernetes' controllers
 * learn from discovery): a resource is added once its CRD is established and removed when the CRD
 * is gone. Controllers that act on every kind (garbage collector, namespace deletion) use it next
 * to the built-in resource table.
 */
import type { ResourceType } from '../../api/resources.js';
import { customResourceDefinitions } from '../../api/resources.js';
import { crdResourceType } from '../../api/crd/index.js';
import type { KubeObject } from '../../api/types.js';
import type { InformerFactory } from '../../client/factory.js';
import type { Informer } from '../../client/informer.js';

export interface ResourceListener {
  added?(r: ResourceType): void;
  removed?(r: ResourceType): void;
}

const keyOfResource = (r: ResourceType): string => `${r.group}/${r.plural}`;

export class CustomResourceTracker {
  private readonly crds: Informer;
  /** CRD name → the resource it serves. */
  private readonly served = new Map<string, ResourceType>();

  constructor(informers: InformerFactory, private readonly listener: ResourceListener = {}) {
    this.crds = informers.informer(customResourceDefinitions);
    this.crds.addEventHandler({
      add: (c) => this.changed(c),
      update: (_o, c) => this.changed(c),
      delete: (c) => this.gone(c.metadata.name ?? ''),
    });
  }

  waitForSync(): Promise<void> {
    return this.crds.waitForSync();
  }

  /** The custom resources served now. */
  list(): ResourceType[] {
    return [...this.served.values()];
  }

  private changed(crd: KubeObject): void {
    const name = crd.metadata.name ?? '';
    const r = crdResourceType(crd);
    const prev = this.served.get(name);
    if (prev && (!r || keyOfResource(prev) !== keyOfResource(r) || prev.storageVersion !== r.storageVersion || prev.namespaced !== r.namespaced)) this.gone(name);
    if (r && !this.served.has(name)) {
      this.served.set(name, r);
      this.listener.added?.(r);
    }
  }

  private gone(name: string): void {
    const prev = this.served.get(name);
    if (!prev) return;
    this.served.delete(name);
    this.listener.removed?.(prev);
  }
}
