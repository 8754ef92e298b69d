/**
 * The replica manager: one engine for ReplicationControllers and apps/v1 ReplicaSets (Kubernetes'
 * ReplicaSetController, which serves both). It keeps `spec.replicas` active pods matching the
 * selector: claims (adopts orphans, releases pods that stopped matching), creates in slow-start
 * batches, deletes surplus in Kubernetes' order, and writes the status subresource.
 */
import type { Condition, Pod, PodTemplateSpec } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import type { Selector } from '../../api/labels.js';
import type { ControllerContext } from '../controller.js';
import { isConflict, isNotFound, slowStart } from './podcontrol.js';
import { claimPods } from './claim.js';
import { failureConditions } from './failure.js';
import { OwnedPodsController, objectKey, type OwnerKind } from './owned.js';
import { isActive, ownerRefFor, podFromTemplate, podKey } from './pods.js';
import { podsToDelete, replicaDiff, replicaStatus, type ReplicaStatus } from './policy.js';

/** What differs between the kinds the engine serves. */
export interface ReplicaKind extends OwnerKind {
  /** The object's selector, or undefined when it has none usable (nothing is then managed). */
  selector(obj: ReplicaOwner): Selector | undefined;
}

export interface ReplicaOwner extends KubeObject {
  spec: { replicas?: number; minReadySeconds?: number; template?: PodTemplateSpec } & Record<string, unknown>;
  status?: Partial<ReplicaStatus> & Record<string, unknown>;
}

export class ReplicaManager extends OwnedPodsController<ReplicaOwner> {
  constructor(ctx: ControllerContext, private readonly kind: ReplicaKind) {
    super(ctx, kind);
  }

  protected selectorOf(owner: ReplicaOwner): Selector | undefined {
    return this.kind.selector(owner);
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.owners.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const owner = this.typed(cached);
    const selector = this.kind.selector(owner);
    if (!selector || selector.empty) {
      this.ctx.log.warn({ controller: this.name, key }, 'no usable selector; not managing pods');
      return;
    }
    // Read expectations before the pods: a pod seen after this point is at most newer.
    const satisfied = this.expectations.satisfied(key);
    const active = this.claimCandidates(owner).filter(isActive);
    const owned = await claimPods(this.ctx, this.control, this.claimOwner(owner), selector, active);
    let manageError: unknown;
    if (satisfied && !owner.metadata.deletionTimestamp) {
      try {
        await this.manage(key, owner, owned);
      } catch (err) {
        manageError = err;
      }
    }
    await this.writeStatus(owner, owned, manageError);
    if (manageError !== undefined) throw manageError;
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
  private async writeStatus(owner: ReplicaOwner, owned: readonly Pod[], manageError: unknown): Promise<void> {
    const minReady = owner.spec.minReadySeconds ?? 0;
    const next = replicaStatus(owned, owner.spec.template?.metadata?.labels ?? {}, minReady, owner.metadata.generation ?? 0, Date.now());
    if (minReady > 0 && next.readyReplicas > next.availableReplicas) this.queue.addAfter(objectKey(owner), minReady * 1000);
    const cur = owner.status ?? {};
    const conditions = failureConditions(cur.conditions as Condition[] | undefined, manageError, owned.length - (owner.spec.replicas ?? 1));
    const same = (Object.keys(next) as (keyof ReplicaStatus)[]).every((k) => (cur[k] ?? 0) === next[k]) && conditions === cur.conditions;
    if (same) return;
    let target: ReplicaOwner = owner;
    for (let attempt = 0; ; attempt++) {
      try {
        const { conditions: _old, ...rest } = target.status ?? {};
        await this.ctx.client.update(this.kind.resource, { ...target, status: { ...rest, ...next, ...(conditions ? { conditions } : {}) } }, 'status');
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt > 0) throw err;
        target = await this.ctx.client.get<ReplicaOwner>(this.kind.resource, owner.metadata.namespace, owner.metadata.name ?? '');
      }
    }
  }
}
