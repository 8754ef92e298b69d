/**
 * One node as the scheduler sees it (kube-scheduler's `framework.NodeInfo`): the node's labels,
 * effective taints and allocatable amounts, and the running sum of what the pods placed on it
 * ask for — requests, host ports, and pods per spreading group — so a filter or score is a few
 * number comparisons instead of a walk over the node's pods.
 */
import type { Node, Taint } from '../api/kinds.js';
import type { HostPort, PodInfo } from './podinfo.js';
import { addList, addResources, emptyResources, type Resources } from './resources.js';

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

export class NodeInfo {
  node: Node | undefined;
  labels: Readonly<Record<string, string>> = noLabels;
  taints: readonly Taint[] = noTaints;
  unschedulable = false;
  allocatable: Resources = emptyResources();
  /** Sum of requests of the pods here; `pods` is their number. */
  readonly requested: Resources = emptyResources();
  /** Like `requested`, but pods without requests count kube-scheduler's defaults (for scoring). */
  nonZeroMilliCpu = 0;
  nonZeroMemory = 0;
  /** `PROTOCOL/port` → host IPs bound (one entry per pod port, so removal is exact). */
  readonly usedPorts = new Map<string, string[]>();
  /** Spread key (interned, see PodInfo) → number of pods here. */
  readonly spreadCounts = new Map<number, number>();
  readonly pods = new Map<string, PodInfo>();

  constructor(readonly name: string) {}

  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata.labels ?? noLabels;
    this.taints = effectiveTaints(node);
    this.unschedulable = node.spec?.unschedulable === true;
    const alloc = emptyResources();
    addList(alloc, node.status?.allocatable ?? node.status?.capacity);
    this.allocatable = alloc;
  }

  addPod(p: PodInfo): void {
    const prior = this.pods.get(p.key);
    if (prior) this.removePod(prior);
    this.pods.set(p.key, p);
    addResources(this.requested, p.requests);
    this.requested.pods++;
    this.nonZeroMilliCpu += p.nonZeroMilliCpu;
    this.nonZeroMemory += p.nonZeroMemory;
    for (const hp of p.hostPorts) {
      const k = portKey(hp);
      const ips = this.usedPorts.get(k);
      if (ips) ips.push(hp.hostIP);
      else this.usedPorts.set(k, [hp.hostIP]);
    }
    if (p.spreadKey !== undefined) this.spreadCounts.set(p.spreadKey, (this.spreadCounts.get(p.spreadKey) ?? 0) + 1);
  }

  removePod(p: PodInfo): boolean {
    const had = this.pods.get(p.key);
    if (!had) return false;
    this.pods.delete(p.key);
    addResources(this.requested, had.requests, -1);
    this.requested.pods--;
    this.nonZeroMilliCpu -= had.nonZeroMilliCpu;
    this.nonZeroMemory -= had.nonZeroMemory;
    for (const hp of had.hostPorts) {
      const k = portKey(hp);
      const ips = this.usedPorts.get(k);
      if (!ips) continue;
      const i = ips.indexOf(hp.hostIP);
      if (i >= 0) ips.splice(i, 1);
      if (ips.length === 0) this.usedPorts.delete(k);
    }
    if (had.spreadKey !== undefined) {
      const n = (this.spreadCounts.get(had.spreadKey) ?? 1) - 1;
      if (n <= 0) this.spreadCounts.delete(had.spreadKey);
      else this.spreadCounts.set(had.spreadKey, n);
    }
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
