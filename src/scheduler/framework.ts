/**
 * The plugin contracts, after kube-scheduler's scheduling framework, with the extension points
 * skiff needs: PreFilter (per-pod state computed once per decision), Filter (can this pod run on
 * this node?), PreScore and Score (how good is it?). Everything a plugin needs about the pod is
 * precomputed in its PodInfo, everything about a node is kept current in its NodeInfo, and what
 * spans the cluster (pods per topology domain, existing pods' affinity terms) in the cache's
 * ClusterIndex, so the per-node calls are a few lookups even on thousands of nodes.
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../api/kinds.js';
import type { Selector } from '../api/labels.js';
import type { ClusterIndex } from './cluster-index.js';
import type { NodeInfo } from './nodeinfo.js';
import type { PodInfo } from './podinfo.js';

/** A filter's verdict: undefined when the node fits, else the reason(s), worded as
 * kube-scheduler words them (they are counted into the FailedScheduling message). */
export type FilterStatus = string | readonly string[] | undefined;

/** What PreFilter and PreScore read besides the pod: the nodes, the cluster-wide indexes and
 * the objects other informers hold (namespaces' labels, the pod's services and controllers). */
export interface ClusterView {
  readonly nodes: readonly NodeInfo[];
  readonly index: ClusterIndex;
  namespaceLabels(ns: string): Readonly<Record<string, string>> | undefined;
  /** Every namespace with its labels (to resolve a term's namespaceSelector). */
  namespaces(): Iterable<readonly [string, Readonly<Record<string, string>>]>;
  /** kube-scheduler's DefaultSelector: the selectors of the services, replication controller and
   * replica set that select the pod, merged; undefined when there are none. */
  defaultSelector(pod: Pod): Selector | undefined;
  /** Claims, volumes and classes (VolumeBinding); absent where the scheduler has no informers
   * for them (benchmarks of bare schedulers). */
  readonly storage?: StorageView;
}

export interface StorageView {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
  /** The pods placed on a node that mount claim `namespace/name` and have not finished. */
  claimUsers(namespace: string, name: string): readonly Pod[];
}

/**
 * State of one scheduling decision (kube-scheduler's CycleState), written by PreFilter/PreScore
 * and read by Filter/Score. One slot per plugin that needs one; reset at every decision.
 */
export class CycleState {
  readonly slots = new Map<string, unknown>();
  read<T>(plugin: string): T | undefined {
    return this.slots.get(plugin) as T | undefined;
  }
  write(plugin: string, v: unknown): void {
    this.slots.set(plugin, v);
  }
}

/**
 * A plugin's slot read through a one-entry memo: Filter and Score run on hundreds of nodes per
 * decision, all with the same CycleState, so the Map lookup happens once per decision.
 */
export function slotReader<T>(key: string): (cycle: CycleState | undefined) => T | undefined {
  let lastCycle: CycleState | undefined;
  let last: T | undefined;
  return (cycle) => {
    if (cycle !== lastCycle) {
      lastCycle = cycle;
      last = cycle?.read<T>(key);
    }
    return last;
  };
}

export interface FilterPlugin {
  readonly name: string;
  /** False when the pod asks nothing of this plugin (no host ports, no selector…), so it is not
   * called for every node (kube-scheduler's PreFilter "Skip"). */
  applies?(pod: PodInfo): boolean;
  /** Computes this decision's state into `cycle`; false skips the filter for this pod. Replaces
   * `applies` for plugins that have one. */
  preFilter?(pod: PodInfo, cluster: ClusterView, cycle: CycleState): boolean;
  filter(pod: PodInfo, node: NodeInfo, cycle?: CycleState): FilterStatus;
}

export const maxNodeScore = 100;

export interface ScorePlugin {
  readonly name: string;
  /** How much this plugin's 0..100 counts in the weighted sum. */
  readonly weight: number;
  /** False when the plugin has nothing to say about this pod (its score would be the same on
   * every node), so the scheduler skips it. */
  applies?(pod: PodInfo, cycle?: CycleState): boolean;
  /** Computes this decision's scoring state over the feasible nodes (`nodes[0..count)`); false
   * skips the plugin. Runs before `applies`. */
  preScore?(pod: PodInfo, nodes: readonly NodeInfo[], count: number, cluster: ClusterView, cycle: CycleState): boolean;
  /** The raw score of a feasible node; 0..100 unless `normalize` maps it there. */
  score(pod: PodInfo, node: NodeInfo, cycle?: CycleState): number;
  /** Rescales the raw scores of this cycle's feasible nodes (`scores[0..count)`) to 0..100. */
  normalize?(scores: Float64Array, count: number, cycle?: CycleState): void;
}

/** kube-scheduler's DefaultNormalizeScore: scale so the best is 100 (or, `reverse`, the worst 0). */
export function defaultNormalize(scores: Float64Array, count: number, reverse: boolean): void {
  let max = 0;
  for (let i = 0; i < count; i++) if (scores[i]! > max) max = scores[i]!;
  if (max === 0) {
    if (reverse) for (let i = 0; i < count; i++) scores[i] = maxNodeScore;
    return;
  }
  for (let i = 0; i < count; i++) {
    const s = (maxNodeScore * scores[i]!) / max;
    scores[i] = reverse ? maxNodeScore - s : s;
  }
}
