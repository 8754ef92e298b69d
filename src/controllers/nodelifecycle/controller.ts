/**
 * The node lifecycle controller (Kubernetes' `pkg/controller/nodelifecycle`). Each pass over a
 * node: note whether it was heard from (Lease renewal or Ready heartbeat), mark it Unknown when it
 * has been silent longer than `nodeMonitorGracePeriodMs`, keep the unreachable / not-ready taints
 * in line with its Ready condition, mark its pods not ready while it is not, and evict pods
 * whose time on a tainted node is up (see eviction.ts) so their controllers replace them.
 */
import type { Lease, Node, Pod } from '../../api/kinds.js';
import { leases, nodes, pods as podsResource } from '../../api/resources.js';
import { ApiError } from '../../api/errors.js';
import type { Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../controller.js';
import { evictionTime } from './eviction.js';
import { desiredTaints, isStale, observe, readiness, unknownConditions, type Probe } from './health.js';
import { kubeTime } from '../../api/time.js';

export const nodeLeaseNamespace = 'kube-node-lease';
/** Index of pods by `spec.nodeName`. */
export const byNodeName = 'byNodeName';

export interface NodeLifecycleOptions {
  /** Silence after which a node is Unknown (Kubernetes: 40 s). */
  readonly nodeMonitorGracePeriodMs?: number;
  /** How often every node is looked at (Kubernetes: 5 s). */
  readonly nodeMonitorPeriodMs?: number;
  /** Eviction delay for pods without a toleration of the taint (DefaultTolerationSeconds: 300 s). */
  readonly podEvictionTimeoutMs?: number;
  readonly workers?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

export class NodeLifecycleController implements Controller {
  readonly name = 'nodelifecycle';
  private readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 10_000 });
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly probes = new Map<string, Probe>();
  private readonly grace: number;
  private readonly evictAfter: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: ControllerContext, private readonly opts: NodeLifecycleOptions = {}) {
    this.grace = opts.nodeMonitorGracePeriodMs ?? 40_000;
    this.evictAfter = opts.podEvictionTimeoutMs ?? 300_000;
    this.now = opts.now ?? Date.now;
    this.nodes = ctx.informers.informer<Node>(nodes);
    this.leases = ctx.informers.informer<Lease>(leases);
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.pods.addIndex(byNodeName, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    const enqueueNode = (n: Node) => this.queue.add(n.metadata.name ?? '');
    this.nodes.addEventHandler({ add: enqueueNode, update: (_o, n) => enqueueNode(n), delete: (n) => this.probes.delete(n.metadata.name ?? '') });
    const enqueueLease = (l: Lease) => {
      if (l.metadata.namespace === nodeLeaseNamespace && l.metadata.name) this.queue.add(l.metadata.name);
    };
    this.leases.addEventHandler({ add: enqueueLease, update: (_o, l) => enqueueLease(l) });
  }

  async start(): Promise<void> {
    await Promise.all([this.nodes.waitForSync(), this.leases.waitForSync(), this.pods.waitForSync()]);
    const period = this.opts.nodeMonitorPeriodMs ?? 5000;
    this.timer = setInterval(() => {
      for (const n of this.nodes.list()) this.queue.add(n.metadata.name ?? '');
    }, period);
    await runWorkers(this.ctx, this.name, this.queue, this.opts.workers ?? 2, (key) => this.sync(key));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.queue.shutDown();
  }

  async sync(name: string): Promise<void> {
    const cached = this.nodes.get(name);
    if (!cached) {
      this.probes.delete(name);
      return;
    }
    const now = this.now();
    const lease = this.leases.get(`${nodeLeaseNamespace}/${name}`);
    const probe = observe(this.probes.get(name), cached, lease?.spec?.renewTime, now);
    this.probes.set(name, probe);
    let node: Node = cached;
    // The work queue keeps one timer per key: collect the next time to look, set it once.
    let wakeAt: number | undefined;

    if (isStale(probe, now, this.grace)) {
      const conditions = unknownConditions(node, now);
      if (conditions) {
        const wasReady = readiness(node);
        node = await this.ctx.client.update<Node>(nodes, { ...structuredClone(node), status: { ...(node.status ?? {}), conditions } }, 'status');
        if (wasReady !== 'Unknown') {
          this.ctx.log.info({ controller: this.name, node: name }, 'node stopped posting status: Unknown');
          void this.ctx.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        }
      }
    } else {
      // Heard from: look again when it would turn stale.
      wakeAt = probe.probeAt + this.grace + 10;
    }

    const taints = desiredTaints(node, now);
    if (taints) node = await this.ctx.client.update<Node>(nodes, { ...structuredClone(node), spec: { ...(node.spec ?? {}), taints } });

    const onNode = this.pods.byIndex(byNodeName, name);
    if (readiness(node) !== 'True') await this.markPodsNotReady(onNode, now);
    const nextEviction = await this.evict(name, node, onNode, now);
    if (nextEviction !== undefined) wakeAt = wakeAt === undefined ? nextEviction : Math.min(wakeAt, nextEviction);
    if (wakeAt !== undefined) this.queue.addAfter(name, wakeAt - now);
  }

  /** Kubernetes' MarkPodsNotReady: a pod on a node that is not ready is not ready either, so
   * endpoints stop sending it traffic before anything else happens. */
  private async markPodsNotReady(pods: readonly Pod[], now: number): Promise<void> {
    for (const pod of pods) {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (pod.metadata.deletionTimestamp || !ready || ready.status !== 'True') continue;
      const conditions = (pod.status?.conditions ?? []).map((c) =>
        c.type === 'Ready' ? { ...c, status: 'False' as const, reason: 'NodeNotReady', lastTransitionTime: kubeTime(now) } : c);
      try {
        await this.ctx.client.update(podsResource, { ...structuredClone(pod), status: { ...(pod.status ?? {}), conditions } }, 'status');
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
        if (err.code === 409) this.queue.addRateLimited(pod.spec.nodeName ?? '');
      }
    }
  }

  /** Deletes pods whose time on this node's NoExecute taints is up; returns when the next one's
   * time is (epoch ms), if any. */
  private async evict(name: string, node: Node, pods: readonly Pod[], now: number): Promise<number | undefined> {
    const taints = node.spec?.taints ?? [];
    let next: number | undefined;
    for (const pod of pods) {
      const at = evictionTime(pod, taints, this.evictAfter, now);
      if (at === undefined) continue;
      if (at > now) {
        next = next === undefined ? at : Math.min(next, at);
        continue;
      }
      try {
        await this.ctx.client.delete(podsResource, pod.metadata.namespace, pod.metadata.name!, pod.metadata.uid ? { preconditions: { uid: pod.metadata.uid } } : {});
        this.ctx.log.info({ controller: this.name, node: name, pod: `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}` }, 'evicting pod from unhealthy node');
        void this.ctx.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`);
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
      }
    }
    return next === undefined ? undefined : next + 10;
  }
}
