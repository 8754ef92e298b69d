/**
 * The pod garbage collector (kube-controller-manager's `pod-garbage-collector`). Every period it
 * removes what no kubelet will ever clean up: finished pods beyond `--terminated-pod-gc-threshold`,
 * pods bound to a node that has been gone for the quarantine time (checked against the API, not
 * only the cache, before anything is deleted), pods being deleted that never reached a node, and
 * pods being deleted on a node that is down and tainted out of service. A pod that had not
 * finished is first marked Failed (orphans with the DisruptionTarget condition, reason
 * DeletionByPodGC), then force-deleted, as Kubernetes does.
 */
import type { Condition, Node, Pod } from '../../api/kinds.js';
import { ApiError } from '../../api/errors.js';
import { nodes as nodesResource, pods as podsResource } from '../../api/resources.js';
import { kubeTime } from '../../api/time.js';
import type { Informer } from '../../client/informer.js';
import type { Controller, ControllerContext } from '../controller.js';
import { isTerminated, orphansByNode, terminatedOverThreshold, terminatingOnDownNodes, unscheduledTerminating } from './policy.js';

export interface PodGcOptions {
  /** `--terminated-pod-gc-threshold` (12500 as kube-controller-manager; ≤ 0 keeps every one). */
  readonly terminatedPodThreshold?: number;
  /** How often a collection runs (20 s as Kubernetes). */
  readonly periodMs?: number;
  /** How long a node must be missing before its pods go (40 s as Kubernetes). */
  readonly quarantineMs?: number;
}

export class PodGcController implements Controller {
  readonly name = 'pod-garbage-collector';
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly threshold: number;
  private readonly periodMs: number;
  private readonly quarantineMs: number;
  /** Nodes seen missing, with when they were first missed. */
  private readonly missingSince = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly ctx: ControllerContext, opts: PodGcOptions = {}) {
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.nodes = ctx.informers.informer<Node>(nodesResource);
    this.threshold = opts.terminatedPodThreshold ?? 12_500;
    this.periodMs = opts.periodMs ?? 20_000;
    this.quarantineMs = opts.quarantineMs ?? 40_000;
  }

  async start(): Promise<void> {
    await Promise.all([this.pods.waitForSync(), this.nodes.waitForSync()]);
    const tick = (): void => {
      if (this.stopped) return;
      void this.collect().catch((err: unknown) => {
        this.ctx.log.warn({ controller: this.name, err: err instanceof Error ? err.message : String(err) }, 'pod collection failed; next period retries');
      }).finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.periodMs);
      });
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** One collection: each kind of garbage in Kubernetes' order. */
  async collect(now = Date.now()): Promise<void> {
    const pods = this.pods.list();
    const nodes = new Map(this.nodes.list().map((n) => [n.metadata.name ?? '', n]));
    for (const p of terminatedOverThreshold(pods, this.threshold)) await this.remove(p, 'terminated pod over the threshold');
    for (const p of terminatingOnDownNodes(pods, nodes)) await this.remove(p, 'terminating pod on an out-of-service node');
    await this.collectOrphans(pods, new Set(nodes.keys()), now);
    for (const p of unscheduledTerminating(pods)) await this.remove(p, 'terminating pod that was never scheduled');
  }

  private async collectOrphans(pods: readonly Pod[], nodeNames: ReadonlySet<string>, now: number): Promise<void> {
    const orphans = orphansByNode(pods, nodeNames);
    for (const node of this.missingSince.keys()) if (!orphans.has(node)) this.missingSince.delete(node);
    for (const [node, onNode] of orphans) {
      const since = this.missingSince.get(node) ?? now;
      this.missingSince.set(node, since);
      if (now - since < this.quarantineMs || !(await this.goneForGood(node))) continue;
      for (const p of onNode) {
        await this.remove(p, 'orphaned pod: its node no longer exists', {
          type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: kubeTime(now),
        });
      }
      this.missingSince.delete(node);
    }
  }

  /** The cache may lag: only a 404 from the API server proves the node is gone. */
  private async goneForGood(node: string): Promise<boolean> {
    try {
      await this.ctx.client.get(nodesResource, undefined, node);
      return false;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return true;
      throw err;
    }
  }

  /** Marks an unfinished pod Failed (with `condition`), then deletes it at once. */
  private async remove(pod: Pod, why: string, condition?: Condition): Promise<void> {
    const { namespace, name, uid } = pod.metadata;
    this.ctx.log.info({ controller: this.name, pod: `${namespace ?? ''}/${name ?? ''}`, node: pod.spec.nodeName }, `garbage collecting ${why}`);
    try {
      if (!isTerminated(pod)) {
        await this.ctx.client.patch(podsResource, namespace, name ?? '', { status: { phase: 'Failed', ...(condition ? { conditions: [condition] } : {}) } }, 'strategic', 'status');
      }
      await this.ctx.client.delete(podsResource, namespace, name ?? '', { gracePeriodSeconds: 0, ...(uid ? { preconditions: { uid } } : {}) });
    } catch (err) {
      // Gone or replaced meanwhile: nothing left to collect.
      if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return;
      throw err;
    }
  }
}
