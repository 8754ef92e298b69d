/**
 * The replica manager: one engine for ReplicationControllers and apps/v1 ReplicaSets (Kubernetes'
 * ReplicaSetController, which serves both). It keeps `spec.replicas` active pods matching the
 * selector: claims (adopts orphans, releases pods that stopped matching), creates in slow-start
 * batches, deletes surplus in Kubernetes' order, and writes the status subresource.
 */
import { pods as podsResource, type ResourceType } from '../../api/resources.js';
import type { Pod, PodTemplateSpec } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import type { Selector } from '../../api/labels.js';
import type { Informer } from '../../client/informer.js';
import type { ControllerContext } from '../controller.js';
import { QueueController, type Syncable } from './base.js';
import { Expectations } from './expectations.js';
import { PodControl, errorMessage, isConflict, isNotFound, slowStart } from './podcontrol.js';
import { controllerRef, isActive, namespaceIndex, ownerRefFor, podFromTemplate, podIndexes, podKey } from './pods.js';
import { claimDecision, podsToDelete, replicaDiff, replicaStatus, type ReplicaStatus } from './policy.js';

/** What differs between the kinds the engine serves. */
export interface ReplicaKind {
  readonly controllerName: string;
  readonly resource: ResourceType;
  readonly apiVersion: string;
  readonly kind: string;
  /** The object's selector, or undefined when it has none usable (nothing is then managed). */
  selector(obj: ReplicaOwner): Selector | undefined;
}

export interface ReplicaOwner extends KubeObject {
  spec: { replicas?: number; minReadySeconds?: number; template?: PodTemplateSpec } & Record<string, unknown>;
  status?: Partial<ReplicaStatus> & Record<string, unknown>;
}

export class ReplicaManager extends QueueController {
  readonly name: string;
  private owners!: Informer<ReplicaOwner>;
  private pods!: Informer<Pod>;
  readonly expectations = new Expectations();
  private readonly control: PodControl;

  constructor(ctx: ControllerContext, private readonly kind: ReplicaKind) {
    super(ctx);
    this.name = kind.controllerName;
    this.control = new PodControl(ctx);
  }

  protected register(): readonly Syncable[] {
    this.owners = this.ctx.informers.informer<ReplicaOwner>(this.kind.resource);
    this.pods = this.ctx.informers.informer<Pod>(podsResource);
    this.owners.addIndex(podIndexes.byNamespace, namespaceIndex);
    this.pods.addIndex(podIndexes.byNamespace, namespaceIndex);
    this.owners.addEventHandler({
      add: (o) => this.enqueue(keyOf(o)),
      update: (_, o) => this.enqueue(keyOf(o)),
      delete: (o) => {
        this.expectations.delete(keyOf(o));
        this.enqueue(keyOf(o));
      },
    });
    this.pods.addEventHandler({
      add: (p) => this.podAdded(p),
      update: (old, p) => this.podUpdated(old, p),
      delete: (p) => this.podDeleted(p),
    });
    return [this.owners, this.pods];
  }

  /** The key of the owner `pod`'s controllerRef points at, when that is one of ours. */
  private ownerKeyOf(pod: Pod): string | undefined {
    const ref = controllerRef(pod);
    if (!ref || ref.kind !== this.kind.kind) return undefined;
    const key = `${pod.metadata.namespace ?? ''}/${ref.name}`;
    const owner = this.owners.get(key);
    return owner && owner.metadata.uid === ref.uid ? key : undefined;
  }

  /** Owners in the pod's namespace whose selector matches it: who might adopt an orphan. */
  private enqueueMatching(pod: Pod): void {
    for (const o of this.owners.byIndex(podIndexes.byNamespace, pod.metadata.namespace ?? '')) {
      if (this.kind.selector(o)?.matches(pod.metadata.labels)) this.enqueue(keyOf(o));
    }
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    const key = this.ownerKeyOf(pod);
    if (key) {
      this.expectations.creationObserved(key);
      this.enqueue(key);
    } else if (!controllerRef(pod)) this.enqueueMatching(pod);
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    const key = this.ownerKeyOf(pod);
    if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp && key) this.expectations.deletionObserved(key, podKey(pod));
    const oldKey = this.ownerKeyOf(old);
    if (oldKey && oldKey !== key) this.enqueue(oldKey);
    if (key) this.enqueue(key);
    else if (!controllerRef(pod)) this.enqueueMatching(pod);
  }

  private podDeleted(pod: Pod): void {
    const key = this.ownerKeyOf(pod);
    if (!key) return;
    this.expectations.deletionObserved(key, podKey(pod));
    this.enqueue(key);
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.owners.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const owner: ReplicaOwner = { ...cached, apiVersion: this.kind.apiVersion, kind: this.kind.kind };
    const selector = this.kind.selector(owner);
    if (!selector || selector.empty) {
      this.ctx.log.warn({ controller: this.name, key }, 'no usable selector; not managing pods');
      return;
    }
    // Read expectations before the pods: a pod seen after this point is at most newer.
    const satisfied = this.expectations.satisfied(key);
    const active = this.pods.byIndex(podIndexes.byNamespace, owner.metadata.namespace ?? '').filter(isActive);
    const owned = await this.claim(owner, selector, active);
    let manageError: unknown;
    if (satisfied && !owner.metadata.deletionTimestamp) {
      try {
        await this.manage(key, owner, owned);
      } catch (err) {
        manageError = err;
      }
    }
    await this.writeStatus(owner, owned);
    if (manageError !== undefined) throw manageError;
  }

  /** Applies claim decisions; returns the active pods this owner controls afterwards. */
  private async claim(owner: ReplicaOwner, selector: Selector, active: readonly Pod[]): Promise<Pod[]> {
    const owned: Pod[] = [];
    const ownerUid = owner.metadata.uid ?? '';
    const ownerDeleting = Boolean(owner.metadata.deletionTimestamp);
    let canAdopt: boolean | undefined;
    for (const pod of active) {
      const decision = claimDecision(pod, { ownerUid, ownerDeleting, matches: selector.matches(pod.metadata.labels) });
      if (decision === 'keep') owned.push(pod);
      else if (decision === 'adopt') {
        // Kubernetes rechecks the owner with a live read before adopting: a cached owner may
        // already be deleted, and adopting into it would hand the pod to the garbage collector.
        canAdopt ??= await this.stillLive(owner);
        if (!canAdopt) continue;
        const refs = [...(pod.metadata.ownerReferences ?? []), ownerRefFor(owner, this.kind.apiVersion, this.kind.kind)];
        try {
          owned.push(await this.control.setOwnerReferences(pod, refs));
        } catch (err) {
          if (!isNotFound(err)) this.ctx.log.info({ controller: this.name, pod: podKey(pod), err: errorMessage(err) }, 'adoption failed');
        }
      } else if (decision === 'release') {
        const refs = (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
        try {
          await this.control.setOwnerReferences(pod, refs);
        } catch (err) {
          if (!isNotFound(err)) this.ctx.log.info({ controller: this.name, pod: podKey(pod), err: errorMessage(err) }, 'release failed');
        }
      }
    }
    return owned;
  }

  private async stillLive(owner: ReplicaOwner): Promise<boolean> {
    try {
      const fresh = await this.ctx.client.get(this.kind.resource, owner.metadata.namespace, owner.metadata.name ?? '');
      return fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp;
    } catch {
      return false;
    }
  }

  /** Creates or deletes pods toward `spec.replicas`, recording expectations first. */
  private async manage(key: string, owner: ReplicaOwner, owned: readonly Pod[]): Promise<void> {
    const diff = replicaDiff(owned.length, owner.spec.replicas ?? 1);
    if (diff > 0) {
      this.expectations.expect(key, diff);
      const ref = ownerRefFor(owner, this.kind.apiVersion, this.kind.kind);
      const template = podFromTemplate(owner.spec.template, owner.metadata.namespace ?? 'default', owner.metadata.name ?? '', ref);
      const result = await slowStart(diff, async () => {
        try {
          return await this.control.create(owner, structuredClone(template));
        } catch (err) {
          this.expectations.creationObserved(key);
          throw err;
        }
      });
      if (result.skipped > 0) this.expectations.creationObserved(key, result.skipped);
      if (result.error !== undefined) throw result.error;
    } else if (diff < 0) {
      const victims = podsToDelete(owned, -diff);
      this.expectations.expect(key, 0, victims.map(podKey));
      const results = await Promise.allSettled(victims.map(async (p) => {
        try {
          await this.control.delete(owner, p);
        } catch (err) {
          this.expectations.deletionObserved(key, podKey(p));
          throw err;
        }
      }));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    }
  }

  /** Writes the status subresource when it changed; re-reads once on a conflict. Requeues while
   * ready pods wait out `minReadySeconds` to become available. */
  private async writeStatus(owner: ReplicaOwner, owned: readonly Pod[]): Promise<void> {
    const minReady = owner.spec.minReadySeconds ?? 0;
    const next = replicaStatus(owned, owner.spec.template?.metadata?.labels ?? {}, minReady, owner.metadata.generation ?? 0, Date.now());
    if (minReady > 0 && next.readyReplicas > next.availableReplicas) this.queue.addAfter(keyOf(owner), minReady * 1000);
    const cur = owner.status ?? {};
    const same = (Object.keys(next) as (keyof ReplicaStatus)[]).every((k) => (cur[k] ?? 0) === next[k]);
    if (same) return;
    let target: ReplicaOwner = owner;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.ctx.client.update(this.kind.resource, { ...target, status: { ...(target.status ?? {}), ...next } }, 'status');
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt > 0) throw err;
        target = await this.ctx.client.get<ReplicaOwner>(this.kind.resource, owner.metadata.namespace, owner.metadata.name ?? '');
      }
    }
  }
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}
