/**
 * The common shape of controllers that own pods (replication, jobs, daemon sets): an informer of
 * owners, the shared pod informer, expectations, and the pod handlers that map a pod event to the
 * owner keys to sync — the controller its controllerRef names, or for an orphan every owner in its
 * namespace whose selector matches (a possible adopter).
 */
import { pods as podsResource, type ResourceType } from '../../api/resources.js';
import type { Pod } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import type { Selector } from '../../api/labels.js';
import type { Informer } from '../../client/informer.js';
import type { ControllerContext } from '../controller.js';
import { QueueController, type Syncable } from './base.js';
import { Expectations } from './expectations.js';
import { PodControl } from './podcontrol.js';
import { claimIndex, controllerRef, namespaceIndex, podIndexes, podKey } from './pods.js';
import type { ClaimOwner } from './claim.js';

export interface OwnerKind {
  readonly controllerName: string;
  readonly resource: ResourceType;
  readonly apiVersion: string;
  readonly kind: string;
}

export function objectKey(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

export abstract class OwnedPodsController<T extends KubeObject> extends QueueController {
  readonly name: string;
  protected owners!: Informer<T>;
  protected pods!: Informer<Pod>;
  readonly expectations = new Expectations();
  protected readonly control: PodControl;

  constructor(ctx: ControllerContext, protected readonly ownerKind: OwnerKind) {
    super(ctx);
    this.name = ownerKind.controllerName;
    this.control = new PodControl(ctx);
  }

  /** The owner's selector, or undefined when it has none usable. */
  protected abstract selectorOf(owner: T): Selector | undefined;

  /** More informers a subclass needs (called during registration). */
  protected registerMore(): readonly Syncable[] {
    return [];
  }

  protected register(): readonly Syncable[] {
    this.owners = this.ctx.informers.informer<T>(this.ownerKind.resource);
    this.pods = this.ctx.informers.informer<Pod>(podsResource);
    this.owners.addIndex(podIndexes.byNamespace, namespaceIndex);
    this.pods.addIndex(podIndexes.byNamespace, namespaceIndex);
    this.pods.addIndex(podIndexes.byClaim, claimIndex);
    this.owners.addEventHandler({
      add: (o) => this.enqueue(objectKey(o)),
      update: (_, o) => this.enqueue(objectKey(o)),
      delete: (o) => {
        this.expectations.delete(objectKey(o));
        this.enqueue(objectKey(o));
      },
    });
    this.pods.addEventHandler({
      add: (p) => this.podAdded(p),
      update: (old, p) => this.podUpdated(old, p),
      delete: (p) => this.podDeleted(p),
    });
    return [this.owners, this.pods, ...this.registerMore()];
  }

  /** The pods `owner` may claim: its own and the orphans of its namespace (claiming ignores pods
   * of other controllers anyway). */
  protected claimCandidates(owner: T): Pod[] {
    const own = this.pods.byIndex(podIndexes.byClaim, `owner:${owner.metadata.uid ?? ''}`);
    const orphans = this.pods.byIndex(podIndexes.byClaim, `orphan:${owner.metadata.namespace ?? ''}`);
    return orphans.length === 0 ? own : own.concat(orphans);
  }

  /** The owner as this kind's API object (informer items may lack kind and apiVersion). */
  protected typed(cached: T): T {
    return { ...cached, apiVersion: this.ownerKind.apiVersion, kind: this.ownerKind.kind };
  }

  protected claimOwner(owner: T): ClaimOwner {
    return { obj: owner, resource: this.ownerKind.resource, apiVersion: this.ownerKind.apiVersion, kind: this.ownerKind.kind };
  }

  /** The key of the owner the pod's controllerRef points at, when that is one of ours. */
  protected ownerKeyOf(pod: Pod): string | undefined {
    const ref = controllerRef(pod);
    if (!ref || ref.kind !== this.ownerKind.kind) return undefined;
    const key = `${pod.metadata.namespace ?? ''}/${ref.name}`;
    const owner = this.owners.get(key);
    return owner && owner.metadata.uid === ref.uid ? key : undefined;
  }

  private enqueueMatching(pod: Pod): void {
    for (const o of this.owners.byIndex(podIndexes.byNamespace, pod.metadata.namespace ?? '')) {
      if (this.selectorOf(o)?.matches(pod.metadata.labels)) this.enqueue(objectKey(o));
    }
  }

  protected podAdded(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    const key = this.ownerKeyOf(pod);
    if (key) {
      this.expectations.creationObserved(key);
      this.enqueue(key);
    } else if (!controllerRef(pod)) this.enqueueMatching(pod);
  }

  protected podUpdated(old: Pod, pod: Pod): void {
    if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    const key = this.ownerKeyOf(pod);
    if (key && pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) this.expectations.deletionObserved(key, podKey(pod));
    const oldKey = this.ownerKeyOf(old);
    if (oldKey && oldKey !== key) this.enqueue(oldKey);
    if (key) this.enqueue(key);
    else if (!controllerRef(pod)) this.enqueueMatching(pod);
  }

  protected podDeleted(pod: Pod): void {
    const key = this.ownerKeyOf(pod);
    if (!key) return;
    this.expectations.deletionObserved(key, podKey(pod));
    this.enqueue(key);
  }
}
