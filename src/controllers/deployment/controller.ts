/**
 * The deployment controller (apps/v1): turns a Deployment into ReplicaSets — one per pod
 * template, named and labelled by its pod-template-hash — and rolls between them by the
 * deployment's strategy, leaving the pods to the replica set controller. It watches deployments,
 * ReplicaSets (an owned one's change, or an orphan a deployment could adopt, syncs that
 * deployment) and pod deletions (a Recreate rollout waits for old pods to be gone).
 */
import { deployments, pods as podsResource, replicaSets } from '../../api/resources.js';
import type { Pod } from '../../api/kinds.js';
import type { KubeObject, LabelSelector } from '../../api/types.js';
import { fromLabelSelector, type Selector } from '../../api/labels.js';
import type { Informer } from '../../client/informer.js';
import type { ControllerContext } from '../controller.js';
import { QueueController, claimIndex, controllerRef, namespaceIndex, objectKey, podIndexes, type Syncable } from '../replication/index.js';
import type { Deployment, ReplicaSet } from './types.js';
import { claimReplicaSets } from './claim.js';
import { DeploymentSync } from './sync.js';
import { DeploymentWrites } from './writes.js';

export class DeploymentController extends QueueController {
  readonly name = 'deployment';
  private deployments!: Informer<Deployment>;
  private replicaSets!: Informer<ReplicaSet>;
  private pods!: Informer<Pod>;
  private readonly writes: DeploymentWrites;

  constructor(ctx: ControllerContext) {
    super(ctx, 5);
    this.writes = new DeploymentWrites(ctx);
  }

  protected register(): readonly Syncable[] {
    this.deployments = this.ctx.informers.informer<Deployment>(deployments);
    this.replicaSets = this.ctx.informers.informer<ReplicaSet>(replicaSets);
    this.pods = this.ctx.informers.informer<Pod>(podsResource);
    this.deployments.addIndex(podIndexes.byNamespace, namespaceIndex);
    this.replicaSets.addIndex(podIndexes.byNamespace, namespaceIndex);
    this.replicaSets.addIndex(podIndexes.byClaim, claimIndex);
    this.pods.addIndex(podIndexes.byClaim, claimIndex);
    this.deployments.addEventHandler({
      add: (d) => this.enqueue(objectKey(d)),
      update: (_, d) => this.enqueue(objectKey(d)),
      delete: (d) => this.enqueue(objectKey(d)),
    });
    this.replicaSets.addEventHandler({
      add: (rs) => this.replicaSetChanged(undefined, rs),
      update: (old, rs) => this.replicaSetChanged(old, rs),
      delete: (rs) => this.enqueueOwner(rs),
    });
    this.pods.addEventHandler({ delete: (p) => this.podDeleted(p) });
    return [this.deployments, this.replicaSets, this.pods];
  }

  private selectorOf(d: Deployment): Selector | undefined {
    try {
      return fromLabelSelector(d.spec.selector as LabelSelector | undefined);
    } catch {
      return undefined;
    }
  }

  /** The deployment the object's controllerRef names, if it is one we know (same uid). */
  private ownerOf(obj: KubeObject): Deployment | undefined {
    const ref = controllerRef(obj);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.deployments.get(`${obj.metadata.namespace ?? ''}/${ref.name}`);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  private enqueueOwner(rs: ReplicaSet): void {
    const d = this.ownerOf(rs);
    if (d) this.enqueue(objectKey(d));
  }

  /** Deployments that could adopt an orphan ReplicaSet with these labels. */
  private enqueueMatching(rs: ReplicaSet): void {
    for (const d of this.deployments.byIndex(podIndexes.byNamespace, rs.metadata.namespace ?? '')) {
      const sel = this.selectorOf(d);
      if (sel && !sel.empty && sel.matches(rs.metadata.labels)) this.enqueue(objectKey(d));
    }
  }

  private replicaSetChanged(old: ReplicaSet | undefined, rs: ReplicaSet): void {
    if (old && old.metadata.resourceVersion === rs.metadata.resourceVersion) return;
    if (old && controllerRef(old)?.uid !== controllerRef(rs)?.uid) this.enqueueOwner(old);
    if (controllerRef(rs)) return this.enqueueOwner(rs);
    if (rs.metadata.deletionTimestamp) return;
    const labelsChanged = JSON.stringify(old?.metadata.labels ?? {}) !== JSON.stringify(rs.metadata.labels ?? {});
    if (!old || labelsChanged || controllerRef(old)) this.enqueueMatching(rs);
  }

  /** A Recreate rollout waits for the old pods to be gone: their deletion is its cue. */
  private podDeleted(pod: Pod): void {
    const ref = controllerRef(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = this.replicaSets.get(`${pod.metadata.namespace ?? ''}/${ref.name}`);
    const d = rs && rs.metadata.uid === ref.uid ? this.ownerOf(rs) : undefined;
    if (d && d.spec.strategy?.type === 'Recreate') this.enqueue(objectKey(d));
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.deployments.get(key);
    if (!cached) return;
    const d: Deployment = { ...structuredClone(cached), apiVersion: 'apps/v1', kind: 'Deployment' };
    const selector = this.selectorOf(d);
    if (!selector) return;
    if (selector.empty) {
      // Validation refuses this in apps/v1; a legacy object may still carry one.
      void this.ctx.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status = { ...(d.status ?? {}), observedGeneration: d.metadata.generation ?? 0 };
        await this.writes.updateStatus(d);
      }
      return;
    }
    const ns = d.metadata.namespace ?? '';
    const candidates = [
      ...this.replicaSets.byIndex(podIndexes.byClaim, `owner:${d.metadata.uid ?? ''}`),
      ...this.replicaSets.byIndex(podIndexes.byClaim, `orphan:${ns}`),
    ];
    const owned = await claimReplicaSets(this.ctx, d, selector, candidates);
    const pods = new Map<string, Pod[]>();
    for (const rs of owned) pods.set(rs.metadata.uid ?? '', this.pods.byIndex(podIndexes.byClaim, `owner:${rs.metadata.uid ?? ''}`));
    await new DeploymentSync({
      writes: this.writes,
      d,
      replicaSets: owned,
      pods,
      lookup: (name) => this.replicaSets.get(`${ns}/${name}`),
      requeueAfter: (ms) => this.queue.addAfter(key, ms),
    }).run();
  }
}
