/**
 * The daemon set controller (apps/v1): one pod on every node that should run it, following nodes
 * as they join, leave, change labels or taints, and replacing pods of an old template one node at
 * a time (RollingUpdate) or only when deleted (OnDelete). Pods are created with `spec.nodeName`
 * set — placed by labels, not by the scheduler's resource fit (S19) — and also carry the
 * `metadata.name` node affinity modern Kubernetes gives them. Decisions are `planDaemonSet`'s.
 */
import { controllerRevisions, daemonSets, nodes as nodesResource } from '../../api/resources.js';
import type { ControllerRevision, DaemonSet, Node, Pod } from '../../api/kinds.js';
import type { LabelSelector } from '../../api/types.js';
import { fromLabelSelector, type Selector } from '../../api/labels.js';
import type { Informer } from '../../client/informer.js';
import type { ControllerContext } from '../controller.js';
import {
  OwnedPodsController, claimPods, isConflict, isNotFound, objectKey, ownerRefFor, podFromTemplate, podKey, slowStart, type Syncable,
} from '../replication/index.js';
import { revisionHashLabel, templateGenerationLabel, templateHash } from './hash.js';
import { ensureRevision, ownedRevisions, truncateHistory } from '../history/index.js';
import { planDaemonSet, type DaemonPlan, type DaemonStatus } from './plan.js';
import { affinityForNode, withDaemonTolerations } from './predicates.js';

export class DaemonSetController extends OwnedPodsController<DaemonSet> {
  private nodes!: Informer<Node>;
  private revisions!: Informer<ControllerRevision>;

  constructor(ctx: ControllerContext) {
    super(ctx, { controllerName: 'daemonset-controller', resource: daemonSets, apiVersion: 'apps/v1', kind: 'DaemonSet' });
  }

  protected selectorOf(ds: DaemonSet): Selector | undefined {
    try {
      const sel = fromLabelSelector(ds.spec.selector as LabelSelector | undefined);
      return sel.empty ? undefined : sel;
    } catch {
      return undefined;
    }
  }

  protected override registerMore(): readonly Syncable[] {
    this.nodes = this.ctx.informers.informer<Node>(nodesResource);
    this.nodes.addEventHandler({
      add: () => this.enqueueAll(),
      update: (old, n) => {
        if (nodeChanged(old, n)) this.enqueueAll();
      },
      delete: () => this.enqueueAll(),
    });
    this.revisions = this.ctx.informers.informer<ControllerRevision>(controllerRevisions);
    return [this.nodes, this.revisions];
  }

  private enqueueAll(): void {
    for (const ds of this.owners.list()) this.enqueue(objectKey(ds));
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.owners.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const ds = this.typed(cached);
    const selector = this.selectorOf(ds);
    if (!selector) return;
    const satisfied = this.expectations.satisfied(key);
    const candidates = this.claimCandidates(ds);
    const owned = await claimPods(this.ctx, this.control, this.claimOwner(ds), selector, candidates);
    const now = Date.now();
    // The template's ControllerRevision (what rollout history and undo read); its hash labels the pods.
    const history = ownedRevisions(this.revisions.list().filter((r) => r.metadata.namespace === ds.metadata.namespace), ds);
    let hash = templateHash(ds.spec.template);
    let collisionCount = ds.status?.collisionCount ?? 0;
    let revisionNames: string[] = [];
    if (!ds.metadata.deletionTimestamp) {
      const ensured = await ensureRevision(this.ctx, ds, ownerRefFor(ds, 'apps/v1', 'DaemonSet'), history, ds.spec.template, collisionCount);
      hash = ensured.revision.metadata.labels?.[revisionHashLabel] ?? hash;
      collisionCount = ensured.collisionCount;
      revisionNames = [ensured.revision.metadata.name ?? ''];
    }
    const plan = planDaemonSet(ds, this.nodes.list(), owned, hash, now);
    let error: unknown;
    if (satisfied && !ds.metadata.deletionTimestamp) {
      try {
        await this.apply(key, ds, plan, hash);
      } catch (err) {
        error = err;
      }
    }
    await this.writeStatus(ds, { ...plan.status, ...(collisionCount > 0 ? { collisionCount } : {}) });
    if (revisionNames.length > 0) {
      const inUse = new Set(owned.map((p) => p.metadata.labels?.[revisionHashLabel]));
      const live = new Set([...revisionNames, ...history.filter((r) => inUse.has(r.metadata.labels?.[revisionHashLabel])).map((r) => r.metadata.name ?? '')]);
      await truncateHistory(this.ctx, history, live, ds.spec.revisionHistoryLimit ?? 10);
    }
    const minReady = ds.spec.minReadySeconds ?? 0;
    if (minReady > 0 && plan.status.numberReady > plan.status.numberAvailable) this.queue.addAfter(key, minReady * 1000);
    if (error !== undefined) throw error;
  }

  private async apply(key: string, ds: DaemonSet, plan: DaemonPlan, hash: string): Promise<void> {
    if (plan.createOn.length === 0 && plan.remove.length === 0) return;
    this.expectations.expect(key, plan.createOn.length, plan.remove.map((r) => podKey(r.pod)));
    const deletions = Promise.allSettled(plan.remove.map(async ({ pod, reason, force }) => {
      if (reason === 'failed') {
        void this.ctx.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${podKey(pod)} on node ${pod.spec.nodeName ?? ''}, will try to kill it`);
      }
      try {
        await this.control.delete(ds, pod, force ? 0 : undefined);
      } catch (err) {
        this.expectations.deletionObserved(key, podKey(pod));
        throw err;
      }
    }));
    let next = 0;
    const creations = slowStart(plan.createOn.length, async () => {
      const node = plan.createOn[next++]!;
      try {
        return await this.control.create(ds, this.podFor(ds, node, hash));
      } catch (err) {
        this.expectations.creationObserved(key);
        throw err;
      }
    });
    const [removed, createdResult] = await Promise.all([deletions, creations]);
    if (createdResult.skipped > 0) this.expectations.creationObserved(key, createdResult.skipped);
    const failed = removed.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (createdResult.error !== undefined) throw createdResult.error;
    if (failed) throw failed.reason;
  }

  /** The daemon pod for `node`: the template, the revision labels, the daemon tolerations, bound
   * to the node by name and by affinity. */
  private podFor(ds: DaemonSet, node: string, hash: string): Pod {
    const pod = podFromTemplate(ds.spec.template, ds.metadata.namespace ?? 'default', ds.metadata.name ?? '', ownerRefFor(ds, 'apps/v1', 'DaemonSet'));
    pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [revisionHashLabel]: hash, [templateGenerationLabel]: String(ds.metadata.generation ?? 1) };
    pod.spec.nodeName = node;
    pod.spec.tolerations = withDaemonTolerations(pod.spec);
    pod.spec.affinity = affinityForNode(pod.spec, node);
    return pod;
  }

  private async writeStatus(ds: DaemonSet, next: DaemonStatus & { collisionCount?: number }): Promise<void> {
    const cur = (ds.status ?? {}) as Partial<Record<string, unknown>>;
    if ((Object.keys(next) as (keyof typeof next)[]).every((k) => (cur[k] ?? 0) === next[k])) return;
    let target: DaemonSet = ds;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.ctx.client.update(daemonSets, { ...target, status: { ...(target.status ?? {}), ...next } }, 'status');
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt > 0) throw err;
        target = await this.ctx.client.get<DaemonSet>(daemonSets, ds.metadata.namespace, ds.metadata.name ?? '');
      }
    }
  }
}

/** Only what decides placement matters: labels, taints, unschedulable. Heartbeats do not. */
function nodeChanged(a: Node, b: Node): boolean {
  return JSON.stringify(a.metadata.labels ?? {}) !== JSON.stringify(b.metadata.labels ?? {})
    || JSON.stringify(a.spec?.taints ?? []) !== JSON.stringify(b.spec?.taints ?? [])
    || Boolean(a.spec?.unschedulable) !== Boolean(b.spec?.unschedulable);
}
