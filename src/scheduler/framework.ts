/**
 * The plugin contracts, after kube-scheduler's scheduling framework but only the two extension
 * points skiff needs: Filter (can this pod run on this node?) and Score (how good is it?).
 * Plugins are small stateless objects; everything they need about the pod is precomputed in its
 * PodInfo and everything about the node is kept current in its NodeInfo, so both calls are cheap
 * enough to run on thousands of nodes per pod.
 */
import type { NodeInfo } from './nodeinfo.js';
import type { PodInfo } from './podinfo.js';

/** A filter's verdict: undefined when the node fits, else the reason(s), worded as
 * kube-scheduler words them (they are counted into the FailedScheduling message). */
export type FilterStatus = string | readonly string[] | undefined;

export interface FilterPlugin {
  readonly name: string;
  /** False when the pod asks nothing of this plugin (no host ports, no selector…), so it is not
   * called for every node (kube-scheduler's PreFilter "Skip"). */
  applies?(pod: PodInfo): boolean;
  filter(pod: PodInfo, node: NodeInfo): FilterStatus;
}

export const maxNodeScore = 100;

export interface ScorePlugin {
  readonly name: string;
  /** How much this plugin's 0..100 counts in the weighted sum. */
  readonly weight: number;
  /** False when the plugin has nothing to say about this pod (its score would be the same on
   * every node), so the scheduler skips it. */
  applies?(pod: PodInfo): boolean;
  /** The raw score of a feasible node; 0..100 unless `normalize` maps it there. */
  score(pod: PodInfo, node: NodeInfo): number;
  /** Rescales the raw scores of this cycle's feasible nodes (`scores[0..count)`) to 0..100. */
  normalize?(scores: Float64Array, count: number): void;
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
