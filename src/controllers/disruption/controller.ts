/**
 * The disruption controller (policy/v1), after Kubernetes': for each PodDisruptionBudget it finds
 * the selected pods, works out how many are expected and how many must stay healthy, forgets
 * evictions once their pods are going (or after two minutes), and writes `currentHealthy`,
 * `desiredHealthy`, `expectedPods`, `disruptionsAllowed`, `observedGeneration` and the
 * `DisruptionAllowed` condition. The eviction subresource reads that status to allow or refuse.
 */
import { deployments, pods as podsResource, podDisruptionBudgets, replicaSets, replicationControllers } from '../../api/resources.js';
import type { Deployment, Pod, PodDisruptionBudget, PodDisruptionBudgetStatus, ReplicaSet, ReplicationController } from '../../api/kinds.js';
import { fromLabelSelector, type Selector } from '../../api/labels.js';
import type { KubeObject } from '../../api/types.js';
import { isDeepStrictEqual } from 'node:util';
import type { Informer } from '../../client/informer.js';
import type { ControllerContext } from '../controller.js';
import { QueueController, isNotFound, namespaceIndex, objectKey, podIndexes, type Syncable } from '../replication/index.js';
import { budgetStatus, countHealthy, disruptedPods, expectedPods, failSafeStatus, needsScale } from './budget.js';
import { expectedScale } from './scale.js';

export class DisruptionController extends QueueController {
  readonly name = 'disruption';
  private pdbs!: Informer<PodDisruptionBudget>;
  private pods!: Informer<Pod>;
  private rcs!: Informer<ReplicationController>;
  private rss!: Informer<ReplicaSet>;
  private deployments!: Informer<Deployment>;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(ctx: ControllerContext) {
    super(ctx, 2);
  }

  protected register(): readonly Syncable[] {
    this.pdbs = this.ctx.informers.informer<PodDisruptionBudget>(podDisruptionBudgets);
    this.pods = this.ctx.informers.informer<Pod>(podsResource);
    this.rcs = this.ctx.informers.informer<ReplicationController>(replicationControllers);
    this.rss = this.ctx.informers.informer<ReplicaSet>(replicaSets);
    this.deployments = this.ctx.informers.informer<Deployment>(deployments);
    this.pdbs.addIndex(podIndexes.byNamespace, namespaceIndex);
    this.pods.addIndex(podIndexes.byNamespace, namespaceIndex);
    this.pdbs.addEventHandler({
      add: (b) => this.enqueue(objectKey(b)),
      update: (_, b) => this.enqueue(objectKey(b)),
      delete: (b) => this.forget(objectKey(b)),
    });
    this.pods.addEventHandler({
      add: (p) => this.podChanged(p),
      update: (old, p) => {
        this.podChanged(p);
        if (!isDeepStrictEqual(old.metadata.labels, p.metadata.labels)) this.podChanged(old);
      },
      delete: (p) => this.podChanged(p),
    });
    // A controller's scale feeds percentages and maxUnavailable.
    const scaled = (old: KubeObject, o: KubeObject): void => {
      if (!isDeepStrictEqual((old.spec as { replicas?: number } | undefined)?.replicas, (o.spec as { replicas?: number } | undefined)?.replicas)) this.namespaceChanged(o);
    };
    for (const inf of [this.rcs, this.rss, this.deployments] as Informer<KubeObject>[]) {
      inf.addEventHandler({ add: (o) => this.namespaceChanged(o), update: scaled, delete: (o) => this.namespaceChanged(o) });
    }
    return [this.pdbs, this.pods, this.rcs, this.rss, this.deployments];
  }

  override stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    super.stop();
  }

  private forget(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  private selectorOf(pdb: PodDisruptionBudget): Selector | undefined {
    try {
      return fromLabelSelector(pdb.spec.selector ?? undefined);
    } catch {
      return undefined;
    }
  }

  private podChanged(pod: Pod): void {
    for (const pdb of this.pdbs.byIndex(podIndexes.byNamespace, pod.metadata.namespace ?? '')) {
      if (this.selectorOf(pdb)?.matches(pod.metadata.labels ?? {})) this.enqueue(objectKey(pdb));
    }
  }

  private namespaceChanged(o: KubeObject): void {
    for (const pdb of this.pdbs.byIndex(podIndexes.byNamespace, o.metadata.namespace ?? '')) this.enqueue(objectKey(pdb));
  }

  private event(pdb: PodDisruptionBudget, type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.ctx.recorder.event({ ...pdb, apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' }, type, reason, message);
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.pdbs.get(key);
    if (!cached) return this.forget(key);
    const pdb: PodDisruptionBudget = structuredClone(cached);
    const selector = this.selectorOf(pdb);
    const pods = selector ? this.pods.byIndex(podIndexes.byNamespace, pdb.metadata.namespace ?? '').filter((p) => selector.matches(p.metadata.labels ?? {})) : [];
    if (pods.length === 0) this.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let status: PodDisruptionBudgetStatus;
    try {
      let unmanaged: readonly string[] = [];
      let scale = 0;
      if (needsScale(pdb)) ({ total: scale, unmanaged } = await expectedScale({ client: this.ctx.client, rcs: this.rcs, rss: this.rss, deployments: this.deployments }, pods));
      if (unmanaged.length > 0) {
        this.event(pdb, 'Warning', 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${selector?.toString() ?? ''}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`);
      }
      const expected = expectedPods(pdb, pods.length, () => scale);
      const now = Date.now();
      const disrupted = disruptedPods(pdb, pods, now);
      for (let i = 0; i < disrupted.expired.length; i++) {
        this.event(pdb, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace ?? ''}/${pdb.metadata.name ?? ''} to be deleted but it wasn't`);
      }
      status = budgetStatus(pdb, expected, countHealthy(pods, disrupted.map), disrupted.map);
      this.recheckAt(key, disrupted.recheckAt, now);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${message}`);
      status = failSafeStatus(pdb, message);
    }
    if (isDeepStrictEqual(status, pdb.status)) return;
    try {
      await this.ctx.client.update(podDisruptionBudgets, { ...pdb, status: status as PodDisruptionBudget['status'] }, 'status');
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  /** Looks again when the oldest remembered eviction stops counting. */
  private recheckAt(key: string, at: number | undefined, now: number): void {
    this.forget(key);
    if (at === undefined) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.enqueue(key);
    }, Math.max(0, at - now) + 50);
    t.unref();
    this.timers.set(key, t);
  }
}
