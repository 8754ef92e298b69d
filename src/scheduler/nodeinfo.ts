/**
 * One node as the scheduler sees it (kube-scheduler's `framework.NodeInfo`): the node's labels,
 * effective taints and allocatable amounts, and the running sum of what the pods placed on it
 * ask for — requests, host ports, and pods per spreading group — so a filter or score is a few
 * number comparisons instead of a walk over the node's pods.
 */
import type { Node, Taint } from '../api/kinds.js';
import type { HostPort, PodInfo } from './podinfo.js';
import { addList, emptyResources, type Resources } from './resources.js';

export const taintNotReady = 'node.kubernetes.io/not-ready';
export const taintUnreachable = 'node.kubernetes.io/unreachable';
export const taintUnschedulable = 'node.kubernetes.io/unschedulable';

const noLabels: Readonly<Record<string, string>> = Object.freeze({});
const noTaints: readonly Taint[] = [];

/**
 * The node's taints plus the one its Ready condition implies: the node lifecycle controller taints
 * a NotReady node `not-ready` and an Unknown one `unreachable`; until it has, the scheduler must
 * not place pods there either, so it reads the condition the same way.
 */
export function effectiveTaints(node: Node): readonly Taint[] {
  const taints = node.spec?.taints ?? noTaints;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return taints;
  const key = ready?.status === 'Unknown' ? taintUnreachable : taintNotReady;
  if (taints.some((t) => t.key === key && t.effect === 'NoSchedule')) return taints;
  return [...taints, { key, effect: 'NoSchedule' }];
}

function portKey(p: HostPort): string {
  return `${p.protocol}/${p.port}`;
}

/**
 * Pods per spreading group per node, kept by group: scoring a pod reads its one group's map for
 * every candidate node, so the lookups hit one small, cache-warm table instead of a map on each
 * node. Nodes sharing an index (one per SchedulerCache) have distinct ids.
 */
export class SpreadIndex {
  private readonly groups = new Map<number, Map<number, number>>();
  private nextId = 0;

  newNodeId(): number {
    return this.nextId++;
  }

  /** The counts of one group by node id (undefined when no pod of it is placed). */
  group(key: number): ReadonlyMap<number, number> | undefined {
    return this.groups.get(key);
  }

  add(key: number, node: number, delta: 1 | -1): void {
    let g = this.groups.get(key);
    if (!g) {
      if (delta < 0) return;
      this.groups.set(key, (g = new Map()));
    }
    const n = (g.get(node) ?? 0) + delta;
    if (n > 0) g.set(node, n);
    else {
      g.delete(node);
      if (g.size === 0) this.groups.delete(key);
    }
  }
}

/** Slots of {@link NodeInfo.amounts}. */
export const enum Slot {
  AllocMilliCpu = 0,
  AllocMemory = 1,
  AllocPods = 2,
  ReqMilliCpu = 3,
  ReqMemory = 4,
  ReqPods = 5,
  NonZeroMilliCpu = 6,
  NonZeroMemory = 7,
}

export class NodeInfo {
  /**
   * The numbers every filter and score reads, side by side in one small typed array: a decision
   * reads them on hundreds of nodes, and with the API client's work between decisions the CPU
   * caches are cold, so one cache line per node instead of a walk over several objects and boxed
   * doubles is what keeps a decision cheap. Other resources live in the scalar maps.
   */
  readonly amounts = new Float64Array(8);
  /** Whether `taints` is non-empty (read without touching the array). */
  tainted = false;
  unschedulable = false;
  node: Node | undefined;
  labels: Readonly<Record<string, string>> = noLabels;
  taints: readonly Taint[] = noTaints;
  allocScalar: Map<string, number> | undefined;
  reqScalar: Map<string, number> | undefined;
  /** `PROTOCOL/port` → host IPs bound (one entry per pod port, so removal is exact). */
  readonly usedPorts = new Map<string, string[]>();
  readonly pods = new Map<string, PodInfo>();

  /** This node's id in `spread`. */
  readonly id: number;

  constructor(readonly name: string, readonly spread: SpreadIndex = new SpreadIndex()) {
    this.id = spread.newNodeId();
  }

  /** Pods of spreading group `key` (see PodInfo.spreadKey) on this node. */
  spreadCount(key: number): number {
    return this.spread.group(key)?.get(this.id) ?? 0;
  }

  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata.labels ?? noLabels;
    this.taints = effectiveTaints(node);
    this.tainted = this.taints.length > 0;
    this.unschedulable = node.spec?.unschedulable === true;
    const alloc = emptyResources();
    addList(alloc, node.status?.allocatable ?? node.status?.capacity);
    this.amounts[Slot.AllocMilliCpu] = alloc.milliCpu;
    this.amounts[Slot.AllocMemory] = alloc.memory;
    this.amounts[Slot.AllocPods] = alloc.pods;
    this.allocScalar = alloc.scalar;
  }

  /** What the node offers (a copy, for reading outside the hot path). */
  get allocatable(): Resources {
    const a = this.amounts;
    return { milliCpu: a[Slot.AllocMilliCpu]!, memory: a[Slot.AllocMemory]!, pods: a[Slot.AllocPods]!, scalar: this.allocScalar };
  }

  /** What the pods here request; `pods` is their number (a copy). */
  get requested(): Resources {
    const a = this.amounts;
    return { milliCpu: a[Slot.ReqMilliCpu]!, memory: a[Slot.ReqMemory]!, pods: a[Slot.ReqPods]!, scalar: this.reqScalar };
  }

  private account(p: PodInfo, sign: 1 | -1): void {
    const a = this.amounts;
    a[Slot.ReqMilliCpu] = a[Slot.ReqMilliCpu]! + sign * p.requests.milliCpu;
    a[Slot.ReqMemory] = a[Slot.ReqMemory]! + sign * p.requests.memory;
    a[Slot.ReqPods] = a[Slot.ReqPods]! + sign;
    a[Slot.NonZeroMilliCpu] = a[Slot.NonZeroMilliCpu]! + sign * p.nonZeroMilliCpu;
    a[Slot.NonZeroMemory] = a[Slot.NonZeroMemory]! + sign * p.nonZeroMemory;
    if (p.requests.scalar) {
      const into = (this.reqScalar ??= new Map());
      for (const [k, v] of p.requests.scalar) into.set(k, (into.get(k) ?? 0) + sign * v);
    }
  }

  addPod(p: PodInfo): void {
    const prior = this.pods.get(p.key);
    if (prior) this.removePod(prior);
    this.pods.set(p.key, p);
    this.account(p, 1);
    for (const hp of p.hostPorts) {
      const k = portKey(hp);
      const ips = this.usedPorts.get(k);
      if (ips) ips.push(hp.hostIP);
      else this.usedPorts.set(k, [hp.hostIP]);
    }
    if (p.spreadKey !== undefined) this.spread.add(p.spreadKey, this.id, 1);
  }

  removePod(p: PodInfo): boolean {
    const had = this.pods.get(p.key);
    if (!had) return false;
    this.pods.delete(p.key);
    this.account(had, -1);
    for (const hp of had.hostPorts) {
      const k = portKey(hp);
      const ips = this.usedPorts.get(k);
      if (!ips) continue;
      const i = ips.indexOf(hp.hostIP);
      if (i >= 0) ips.splice(i, 1);
      if (ips.length === 0) this.usedPorts.delete(k);
    }
    if (had.spreadKey !== undefined) this.spread.add(had.spreadKey, this.id, -1);
    return true;
  }

  /** Whether a wanted host port collides with one in use: same protocol and port, and either
   * side binds all addresses (0.0.0.0) or both bind the same one. */
  portInUse(want: HostPort): boolean {
    const ips = this.usedPorts.get(portKey(want));
    if (!ips) return false;
    if (want.hostIP === '0.0.0.0') return ips.length > 0;
    for (const ip of ips) if (ip === '0.0.0.0' || ip === want.hostIP) return true;
    return false;
  }
}
