/**
 * The garbage collector (Kubernetes' `pkg/controller/garbagecollector`). It watches every stored
 * resource through the shared informers and reads the owner → dependents graph from two indexes
 * on them (dependents by owner uid, objects by uid) rather than keeping a graph of its own.
 *
 * - An object whose owners are all gone is deleted (background propagation), confirmed by a live
 *   GET first: an owner missing from a cache may only be late.
 * - An owner deleted with `propagationPolicy: Foreground` carries the `foregroundDeletion`
 *   finalizer: its dependents are deleted, and the finalizer goes once no dependent with
 *   `blockOwnerDeletion` remains, which lets the server remove the owner.
 * - An owner deleted with `Orphan` carries `orphan`: its references are removed from its
 *   dependents, then the finalizer.
 *
 * Custom resources are followed too: an informer per established CRD (CustomResourceTracker),
 * added and dropped as CRDs come and go, so ownerReferences to and from custom objects work.
 */
import type { ResourceType } from '../../api/resources.js';
import { resourceTypes } from '../../api/resources.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { Informer } from '../../client/informer.js';
import { RestClient } from '../../client/rest.js';
import { CustomResourceTracker } from '../customresources/index.js';
import { keyOf } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../controller.js';
import { decideDependent, decideOwner, type OwnerCheck, type OwnerState } from './policy.js';
import {
  byOwnerUid, byUid, foregroundFinalizer, hasGcFinalizer, objectKey, orphanFinalizer, ownerUidIndex,
  parseWorkKey, resourceForRef, uidIndex, workKey,
} from './refs.js';
import { confirmOwner, deleteObject, removeFinalizer, removeOwnerRefs } from './writes.js';

export interface GarbageCollectorOptions {
  readonly workers?: number;
  /** Resources to watch; every stored resource by default. */
  readonly resources?: readonly ResourceType[];
}

export class GarbageCollector implements Controller {
  readonly name = 'garbagecollector';
  private readonly queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 30_000 });
  private readonly informers = new Map<ResourceType, Informer>();

  private readonly custom: CustomResourceTracker | undefined;
  private customClient: RestClient | undefined;

  constructor(private readonly ctx: ControllerContext, private readonly opts: GarbageCollectorOptions = {}) {
    for (const r of opts.resources ?? resourceTypes) this.follow(r, ctx.informers.informer(r));
    if (!opts.resources) {
      this.custom = new CustomResourceTracker(ctx.informers, {
        added: (r) => this.customAdded(r),
        removed: (r) => this.customRemoved(r),
      });
    }
  }

  private follow(r: ResourceType, inf: Informer): void {
    inf.addIndex(byOwnerUid, ownerUidIndex);
    inf.addIndex(byUid, uidIndex);
    inf.addEventHandler({
      add: (o) => this.observed(r, undefined, o),
      update: (old, o) => this.observed(r, old, o),
      delete: (o) => this.removed(o),
    });
    this.informers.set(r, inf);
  }

  /** A CRD was established: watch its objects (an informer of our own, stopped with the CRD),
   * and look again at objects whose owner was of that kind (kept so far as unresolvable). */
  private customAdded(r: ResourceType): void {
    // One HTTP/2 connection carries every custom resource's watch: as many CRDs as users make
    // must not use up the shared client's sockets (a watch holds one for as long as it runs).
    this.customClient ??= new RestClient(this.ctx.client.config, { http2: true });
    const inf = new Informer(this.customClient, r);
    this.follow(r, inf);
    void inf.start();
    for (const [resource, other] of this.informers) {
      for (const o of other.list()) {
        if ((o.metadata.ownerReferences ?? []).some((ref) => resourceForRef(ref, [r]) === r)) this.queue.add(workKey('D', resource, keyOf(o)));
      }
    }
  }

  private customRemoved(r: ResourceType): void {
    this.informers.get(r)?.stop();
    this.informers.delete(r);
  }

  private resources(): ResourceType[] {
    return [...this.informers.keys()];
  }

  private observed(r: ResourceType, old: KubeObject | undefined, o: KubeObject): void {
    const refs = o.metadata.ownerReferences ?? [];
    const refsChanged = !old || JSON.stringify(old.metadata.ownerReferences ?? []) !== JSON.stringify(refs);
    const deletingChanged = !old || old.metadata.deletionTimestamp !== o.metadata.deletionTimestamp;
    if (refs.length > 0 && (refsChanged || deletingChanged)) this.queue.add(workKey('D', r, keyOf(o)));
    if (hasGcFinalizer(o)) this.queue.add(workKey('O', r, keyOf(o)));
    if (refsChanged || deletingChanged) this.wakeOwners([...(old?.metadata.ownerReferences ?? []), ...refs]);
  }

  private removed(o: KubeObject): void {
    const uid = o.metadata.uid;
    if (uid) for (const { resource, obj } of this.dependentsOf(uid)) this.queue.add(workKey('D', resource, keyOf(obj)));
    this.wakeOwners(o.metadata.ownerReferences ?? []);
  }

  /** A dependent changed: an owner waiting on its dependents (or orphaning them) looks again. */
  private wakeOwners(refs: readonly OwnerReference[]): void {
    for (const ref of refs) {
      const r = resourceForRef(ref, this.resources());
      const owner = r && this.informers.get(r)?.byIndex(byUid, ref.uid)[0];
      if (r && owner && hasGcFinalizer(owner)) this.queue.add(workKey('O', r, keyOf(owner)));
    }
  }

  private dependentsOf(uid: string): { resource: ResourceType; obj: KubeObject }[] {
    const out: { resource: ResourceType; obj: KubeObject }[] = [];
    for (const [resource, inf] of this.informers) for (const obj of inf.byIndex(byOwnerUid, uid)) out.push({ resource, obj });
    return out;
  }

  async start(): Promise<void> {
    await Promise.all([...this.informers.values(), ...(this.custom ? [this.custom] : [])].map((i) => i.waitForSync()));
    await runWorkers(this.ctx, this.name, this.queue, this.opts.workers ?? 4, (key) => this.sync(key));
  }

  stop(): void {
    this.queue.shutDown();
    // The custom resources' informers are ours, not the factory's.
    for (const r of this.custom?.list() ?? []) this.customRemoved(r);
    this.customClient?.close();
    this.customClient = undefined;
  }

  async sync(work: string): Promise<void> {
    const item = parseWorkKey(work, this.resources());
    if (!item) return;
    const obj = this.informers.get(item.resource)?.get(item.key);
    if (!obj) return;
    if (item.kind === 'D') await this.syncDependent(item.resource, obj);
    else await this.syncOwner(item.resource, obj);
  }

  /** Kubernetes' attemptToDeleteItem: look at every owner, then keep, trim, or delete. */
  private async syncDependent(r: ResourceType, dep: KubeObject): Promise<void> {
    if (dep.metadata.deletionTimestamp !== undefined) return;
    const checks: OwnerCheck[] = [];
    for (const ref of dep.metadata.ownerReferences ?? []) checks.push({ ref, state: await this.ownerState(r, dep, ref) });
    const hasDependents = dep.metadata.uid ? this.dependentsOf(dep.metadata.uid).length > 0 : false;
    const decision = decideDependent(dep, checks, hasDependents);
    switch (decision.action) {
      case 'none':
        return;
      case 'removeOwnerRefs':
        await removeOwnerRefs(this.ctx.client, r, dep, new Set(decision.uids));
        return;
      case 'delete':
        this.ctx.log.debug({ controller: this.name, kind: r.kind, key: keyOf(dep), policy: decision.policy }, 'deleting object whose owners are gone');
        await deleteObject(this.ctx.client, r, dep, decision.policy);
        return;
    }
  }

  private async ownerState(depResource: ResourceType, dep: KubeObject, ref: OwnerReference): Promise<OwnerState> {
    const r = resourceForRef(ref, this.resources());
    const inf = r && this.informers.get(r);
    if (!r || !inf) return 'unresolvable';
    // A cluster-scoped object cannot be owned by a namespaced one: such a reference is dangling.
    if (r.namespaced && !depResource.namespaced) return 'absent';
    const namespace = r.namespaced ? dep.metadata.namespace : undefined;
    const cached = inf.get(objectKey(r, namespace, ref.name));
    const owner = cached?.metadata.uid === ref.uid ? cached : await confirmOwner(this.ctx.client, r, namespace, ref.name, ref.uid);
    if (!owner) return 'absent';
    const deletingInForeground = owner.metadata.deletionTimestamp !== undefined && (owner.metadata.finalizers ?? []).includes(foregroundFinalizer);
    return deletingInForeground ? 'waitingForDependents' : 'present';
  }

  /** An owner being deleted with the orphan or foreground policy. */
  private async syncOwner(r: ResourceType, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid;
    if (!uid) return;
    const deps = this.dependentsOf(uid);
    const decision = decideOwner(owner, deps.map((d) => d.obj));
    const resourceOf = new Map(deps.map((d) => [d.obj, d.resource]));
    switch (decision.action) {
      case 'none':
        return;
      case 'orphan':
        for (const d of decision.dependents) await removeOwnerRefs(this.ctx.client, resourceOf.get(d)!, d, new Set([uid]));
        await removeFinalizer(this.ctx.client, r, owner, orphanFinalizer);
        return;
      case 'foreground':
        // Dependents are deleted through their own check (which also keeps those with another
        // solid owner, dropping only this reference).
        for (const d of decision.toDelete) this.queue.add(workKey('D', resourceOf.get(d)!, keyOf(d)));
        if (decision.blocking.length === 0) await removeFinalizer(this.ctx.client, r, owner, foregroundFinalizer);
        return;
    }
  }
}
