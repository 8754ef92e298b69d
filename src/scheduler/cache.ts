/**
 * The scheduler's picture of the cluster (kube-scheduler's `internal/cache`): a NodeInfo per node
 * with the pods bound to it. Pods enter when the informer shows them bound, or earlier, "assumed",
 * the moment the scheduler decides — binding takes a round trip, and the next decision must
 * already see the resources taken. The informer's copy of a bound pod then replaces the assumed
 * one; a failed binding forgets it. Terminated pods hold nothing.
 */
import type { Node, Pod } from '../api/kinds.js';
import { ClusterIndex } from './cluster-index.js';
import { NodeInfo, SpreadIndex } from './nodeinfo.js';
import { podInfoOf, podKey, type PodInfo } from './podinfo.js';

interface PodState {
  info: PodInfo;
  node: string;
  assumed: boolean;
}

/** Succeeded and Failed pods free their node's resources (the scheduler's informer in Kubernetes
 * leaves them out by field selector). */
export function isTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  return Object.keys(b).length === n;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  /** Nodes that have a Node object, in a stable order for sampled iteration. */
  readonly nodeList: NodeInfo[] = [];
  private readonly podStates = new Map<string, PodState>();
  private readonly spread = new SpreadIndex();
  /** Pods per topology domain and existing pods' affinity terms (PodTopologySpread and
   * InterPodAffinity read these instead of walking every pod). */
  readonly index = new ClusterIndex();

  get nodeCount(): number {
    return this.nodeList.length;
  }

  node(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  /** Adds or updates a node. Pods seen before their node already wait in a placeholder. */
  upsertNode(node: Node): NodeInfo {
    const name = node.metadata.name ?? '';
    let ni = this.nodes.get(name);
    if (!ni) this.nodes.set(name, (ni = new NodeInfo(name, this.spread)));
    if (!ni.node) this.nodeList.push(ni);
    const before = ni.node ? ni.labels : undefined;
    const after = node.metadata.labels ?? {};
    if (before === undefined || !sameLabels(before, after)) {
      // The indexes count pods and nodes by label value: take them out under the old labels.
      if (before) this.index.nodeLabels(before, -1);
      for (const p of ni.pods.values()) this.index.podPlaced(p, ni.id, ni.labels, -1);
      ni.setNode(node);
      this.index.nodeLabels(ni.labels, 1);
      for (const p of ni.pods.values()) this.index.podPlaced(p, ni.id, ni.labels, 1);
    } else {
      ni.setNode(node);
    }
    return ni;
  }

  removeNode(name: string): void {
    const ni = this.nodes.get(name);
    if (!ni?.node) return;
    this.index.nodeLabels(ni.labels, -1);
    ni.node = undefined;
    const i = this.nodeList.indexOf(ni);
    if (i >= 0) this.nodeList.splice(i, 1);
    // Its pods stay accounted until their own deletions arrive, as in Kubernetes.
    if (ni.pods.size === 0) this.nodes.delete(name);
  }

  private place(info: PodInfo, node: string, assumed: boolean): void {
    let ni = this.nodes.get(node);
    if (!ni) this.nodes.set(node, (ni = new NodeInfo(node, this.spread)));
    ni.addPod(info);
    this.index.podPlaced(info, ni.id, ni.labels, 1);
    this.podStates.set(info.key, { info, node, assumed });
  }

  private unplace(key: string): PodState | undefined {
    const st = this.podStates.get(key);
    if (!st) return undefined;
    this.podStates.delete(key);
    const ni = this.nodes.get(st.node);
    if (ni) {
      if (ni.removePod(st.info)) this.index.podPlaced(st.info, ni.id, ni.labels, -1);
      if (!ni.node && ni.pods.size === 0) this.nodes.delete(st.node);
    }
    return st;
  }

  /** A pod from the informer (added or updated): bound and running pods are placed on their
   * node (confirming an assumption), unbound or terminated ones are not. Returns whether the
   * pod gave resources back (it terminated or moved away), which may let waiting pods fit. */
  setPod(pod: Pod): boolean {
    const key = podKey(pod);
    const nodeName = pod.spec.nodeName;
    const prior = this.podStates.get(key);
    if (!nodeName || isTerminated(pod)) {
      if (prior && (!prior.assumed || prior.info.uid !== (pod.metadata.uid ?? ''))) {
        this.unplace(key);
        return true;
      }
      return false;
    }
    if (prior?.assumed && prior.node === nodeName && prior.info.uid === (pod.metadata.uid ?? '')) {
      // The binding we assumed, confirmed: binding sets only spec.nodeName (and a condition), so
      // what the pod takes on its node is unchanged and the assumed PodInfo stays.
      prior.assumed = false;
      return false;
    }
    const info = podInfoOf(pod);
    if (prior) {
      if (prior.info === info && !prior.assumed) return false;
      this.unplace(key);
    }
    this.place(info, nodeName, false);
    return false;
  }

  removePod(pod: Pod): boolean {
    const st = this.podStates.get(podKey(pod));
    if (!st || st.info.uid !== (pod.metadata.uid ?? '')) return false;
    this.unplace(st.info.key);
    return true;
  }

  /** Places a pod the scheduler has just chosen a node for, before the binding is written. */
  assume(info: PodInfo, node: string): void {
    this.unplace(info.key);
    this.place(info, node, true);
  }

  /** Undoes an assumption whose binding failed; a pod the informer has confirmed stays. */
  forget(info: PodInfo): void {
    const st = this.podStates.get(info.key);
    if (st?.assumed && st.info.uid === info.uid) this.unplace(info.key);
  }

  isAssumed(key: string, uid: string): boolean {
    const st = this.podStates.get(key);
    return !!st && st.assumed && st.info.uid === uid;
  }

  /** Where the cache has this pod (assumed or bound). */
  nodeOf(key: string): string | undefined {
    return this.podStates.get(key)?.node;
  }
}
