/**
 * The scheduler: watches pods without a node (that name this scheduler) and all nodes, and for
 * each pod, one at a time, runs the filter and score plugins over the cached cluster, assumes the
 * pod onto the best node and POSTs its binding. Decisions are sequential — each must see the last
 * one's assumption — but bindings are written concurrently (up to `maxBindsInFlight`), since the
 * API round trip, not the decision, is the slow part. A pod no node fits gets a FailedScheduling
 * event and an Unschedulable PodScheduled condition, and waits in the queue for a cluster change.
 */
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { ApiError } from '../api/errors.js';
import type { Condition, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, ReplicaSet, ReplicationController, Service, StorageClass } from '../api/kinds.js';
import type { KubeObject } from '../api/types.js';
import { namespaces as namespacesResource, nodes as nodesResource, pods as podsResource, replicaSets, replicationControllers, services,
  persistentVolumeClaims, persistentVolumes, storageClasses } from '../api/resources.js';
import type { Informer } from '../client/informer.js';
import type { Controller, ControllerContext } from '../controllers/controller.js';
import { Algorithm, type AlgorithmOptions } from './algorithm.js';
import { isTerminated, SchedulerCache } from './cache.js';
import { SchedulerClusterView } from './cluster-view.js';
import { selectNodeForClaims } from './claims.js';
import { EventSink } from './events.js';
import type { ClusterView, FilterPlugin, ScorePlugin } from './framework.js';
import { isGated, podInfoOf, podKey, type PodInfo } from './podinfo.js';
import { defaultFilterPlugins, defaultScorePlugins, reasonAffinityRules, reasonTopologySpread, reasonTopologySpreadMissingLabel } from './plugins/index.js';
import { SchedulingQueue, type QueuedPod, type QueueOptions } from './queue.js';
import { fitErrorMessage } from './reasons.js';
import { kubeTime } from '../api/time.js';

export const defaultSchedulerName = 'default-scheduler';

export interface SchedulerOptions extends AlgorithmOptions {
  readonly schedulerName?: string;
  /** Bindings written at once (decisions wait when this many are outstanding). */
  readonly maxBindsInFlight?: number;
  readonly filters?: readonly FilterPlugin[];
  readonly scorers?: readonly ScorePlugin[];
  readonly queue?: QueueOptions;
}

export interface SchedulerStats {
  scheduled: number;
  unschedulable: number;
  bindErrors: number;
  /** Time spent deciding (PodInfo, filter, score), in ms; not the writes the decisions start. */
  decisionMs: number;
}

/** Node changes that can make a parked pod fit; heartbeats (every node, every few seconds)
 * are not among them and must not churn the unschedulable pods. */
function nodeChangeMayHelp(a: Node, b: Node): boolean {
  const ready = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return ready(a) !== ready(b) ||
    a.spec?.unschedulable !== b.spec?.unschedulable ||
    JSON.stringify(a.status?.allocatable) !== JSON.stringify(b.status?.allocatable) ||
    JSON.stringify(a.metadata.labels) !== JSON.stringify(b.metadata.labels) ||
    JSON.stringify(a.spec?.taints) !== JSON.stringify(b.spec?.taints);
}

export class Scheduler implements Controller {
  readonly name = 'scheduler';
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly events: EventSink;
  readonly stats: SchedulerStats = { scheduled: 0, unschedulable: 0, bindErrors: 0, decisionMs: 0 };
  private readonly algorithm: Algorithm;
  private readonly schedulerName: string;
  private readonly maxBinds: number;
  private binds = 0;
  private bindWaiter: (() => void) | undefined;
  private podInformer: Informer<Pod> | undefined;
  private view: ClusterView | undefined;
  /** Parked pods that other pods' placement may help (required affinity, spread constraints):
   * kube-scheduler requeues those on an assigned pod's add or label change. */
  private readonly waitingOnPods = new Set<string>();
  private stopped = false;

  constructor(private readonly ctx: ControllerContext, opts: SchedulerOptions = {}) {
    this.schedulerName = opts.schedulerName ?? defaultSchedulerName;
    this.maxBinds = opts.maxBindsInFlight ?? 32;
    this.queue = new SchedulingQueue(opts.queue);
    this.events = new EventSink(ctx.recorder, {}, () => this.queue.activeLength > 0 || this.binds > 0);
    this.algorithm = new Algorithm(opts.filters ?? defaultFilterPlugins, opts.scorers ?? defaultScorePlugins, opts);
  }

  async start(): Promise<void> {
    const podInf = this.ctx.informers.informer<Pod>(podsResource);
    const nodeInf = this.ctx.informers.informer<Node>(nodesResource);
    this.podInformer = podInf;
    const nsInf = this.ctx.informers.informer<Namespace>(namespacesResource);
    const others = {
      namespaces: nsInf,
      services: this.ctx.informers.informer<Service>(services),
      replicationControllers: this.ctx.informers.informer<ReplicationController>(replicationControllers),
      replicaSets: this.ctx.informers.informer<ReplicaSet>(replicaSets),
      claims: this.ctx.informers.informer<PersistentVolumeClaim>(persistentVolumeClaims),
      volumes: this.ctx.informers.informer<PersistentVolume>(persistentVolumes),
      storageClasses: this.ctx.informers.informer<StorageClass>(storageClasses),
      pods: podInf,
    };
    // A claim, volume or class appearing or binding may make a waiting pod schedulable.
    const { claims, volumes, storageClasses: classes } = others;
    for (const inf of [claims, volumes, classes] as Informer<KubeObject>[]) {
      inf.addEventHandler({ add: () => this.queue.moveAllToActive(), update: () => this.queue.moveAllToActive() });
    }
    this.view = new SchedulerClusterView(this.cache, others);
    // A namespace's labels decide which pods a namespaceSelector covers.
    nsInf.addEventHandler({ add: () => this.podsMayHelp(), update: () => this.podsMayHelp() });
    nodeInf.addEventHandler({
      add: (n) => {
        this.cache.upsertNode(n);
        this.queue.moveAllToActive();
      },
      update: (o, n) => {
        this.cache.upsertNode(n);
        if (nodeChangeMayHelp(o, n)) this.queue.moveAllToActive();
      },
      delete: (n) => this.cache.removeNode(n.metadata.name ?? ''),
    });
    podInf.addEventHandler({
      add: (p) => this.onPod(p),
      update: (_o, p) => this.onPod(p),
      delete: (p) => {
        if (this.cache.removePod(p)) this.queue.moveAllToActive();
        this.queue.delete(podKey(p));
      },
    });
    await Promise.all([podInf.waitForSync(), nodeInf.waitForSync(), ...Object.values(others).map((i) => i.waitForSync())]);
    await this.run();
  }

  stop(): void {
    this.stopped = true;
    this.queue.close();
  }

  private responsibleFor(p: Pod): boolean {
    return (p.spec.schedulerName || defaultSchedulerName) === this.schedulerName;
  }

  private podsMayHelp(): void {
    if (this.waitingOnPods.size === 0) return;
    this.waitingOnPods.clear();
    this.queue.moveAllToActive();
  }

  private onPod(p: Pod): void {
    const wasAt = this.cache.nodeOf(podKey(p));
    if (this.cache.setPod(p)) this.queue.moveAllToActive();
    else if (p.spec.nodeName && wasAt !== p.spec.nodeName) this.podsMayHelp();
    // Gated pods (spec.schedulingGates) wait outside the queue until an update removes the gates
    // (kube-scheduler's SchedulingGates PreEnqueue plugin).
    const pending = !p.spec.nodeName && !p.metadata.deletionTimestamp && !isTerminated(p) && this.responsibleFor(p) && !isGated(p);
    if (!pending) this.queue.delete(podKey(p));
    else if (!this.cache.isAssumed(podKey(p), p.metadata.uid ?? '')) this.queue.add(p);
  }

  private async run(): Promise<void> {
    let lastYield = performance.now();
    while (!this.stopped) {
      let e = this.queue.tryPop();
      if (!e) {
        if (this.binds === 0) this.events.resume();
        e = await this.queue.pop();
        if (!e) break;
        lastYield = performance.now();
      }
      this.scheduleOne(e);
      if (this.binds >= this.maxBinds) {
        await new Promise<void>((r) => (this.bindWaiter = r));
        lastYield = performance.now();
      } else if (performance.now() - lastYield > 10) {
        // Decisions are synchronous: let watch events and binding replies in now and then.
        await yieldToIo();
        lastYield = performance.now();
      }
    }
  }

  /** One decision; the binding it starts completes in the background. */
  scheduleOne(e: QueuedPod): void {
    const current = this.podInformer?.get(e.key) ?? e.pod;
    if (current.metadata.uid !== e.pod.metadata.uid || current.spec.nodeName || current.metadata.deletionTimestamp || isGated(current) ||
        this.cache.isAssumed(e.key, current.metadata.uid ?? '')) {
      this.queue.done(e);
      return;
    }
    const t = performance.now();
    const info = podInfoOf(current);
    const d = this.algorithm.schedule(info, this.cache.nodeList, this.view);
    this.stats.decisionMs += performance.now() - t;
    if (!d.node) {
      this.stats.unschedulable++;
      const message = fitErrorMessage(this.cache.nodeCount, d.reasons);
      this.queue.unschedulableAgain(e);
      if (d.reasons.has(reasonAffinityRules) || d.reasons.has(reasonTopologySpread) || d.reasons.has(reasonTopologySpreadMissingLabel)) this.waitingOnPods.add(e.key);
      this.ctx.log.debug({ pod: e.key, message }, 'unschedulable');
      this.events.emit(asPod(current), 'Warning', 'FailedScheduling', message);
      void this.markUnschedulable(current, message);
      return;
    }
    const node = d.node.name;
    this.cache.assume(info, node);
    this.binds++;
    void this.bind(e, info, node).finally(() => {
      this.binds--;
      if (this.binds === 0 && this.queue.activeLength === 0) this.events.resume();
      const w = this.bindWaiter;
      this.bindWaiter = undefined;
      w?.();
    });
  }

  private async bind(e: QueuedPod, info: PodInfo, node: string): Promise<void> {
    try {
      if (this.view) await selectNodeForClaims(this.ctx.client, info.pod, node, this.view);
      await this.ctx.client.post(podsResource, info.namespace, info.name, 'binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: info.name, namespace: info.namespace, ...(info.uid ? { uid: info.uid } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      });
      this.stats.scheduled++;
      this.queue.done(e);
      this.events.emit(asPod(info.pod), 'Normal', 'Scheduled', `Successfully assigned ${info.namespace}/${info.name} to ${node}`);
    } catch (err) {
      this.cache.forget(info);
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) {
        // Deleted, being deleted, or bound by someone else: nothing left to do for this pod.
        this.queue.done(e);
        return;
      }
      this.stats.bindErrors++;
      const message = err instanceof Error ? err.message : String(err);
      this.ctx.log.warn({ pod: e.key, node, err: message }, 'binding failed; will retry');
      this.events.emit(asPod(info.pod), 'Warning', 'FailedScheduling', `Binding rejected: ${message}`);
      this.queue.retryLater(e);
    }
  }

  /** PodScheduled=False/Unschedulable with the FitError message, as kubectl describe shows it;
   * written only when it changes. */
  private async markUnschedulable(pod: Pod, message: string): Promise<void> {
    const prior = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (prior?.status === 'False' && prior.reason === 'Unschedulable' && prior.message === message) return;
    const condition: Omit<Condition, 'lastProbeTime'> & { lastProbeTime: null } = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message,
      lastProbeTime: null,
      lastTransitionTime: prior?.status === 'False' && prior.lastTransitionTime ? prior.lastTransitionTime : kubeTime(),
    };
    try {
      await this.ctx.client.patch(podsResource, pod.metadata.namespace, pod.metadata.name ?? '', { status: { conditions: [condition] } }, 'strategic', 'status');
    } catch (err) {
      this.ctx.log.debug({ pod: podKey(pod), err: err instanceof Error ? err.message : String(err) }, 'could not set PodScheduled condition');
    }
  }
}

/** Informer list items may lack kind/apiVersion; events need them in involvedObject. */
function asPod(p: Pod): Pod {
  return p.kind ? p : { ...p, kind: 'Pod', apiVersion: 'v1' };
}
