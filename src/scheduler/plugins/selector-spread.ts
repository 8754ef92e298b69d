/**
 * SelectorSpread: pods of one controller (same controlling ownerReference uid; without one, same
 * namespace and labels) go to the nodes holding the fewest of them, so losing a node loses few
 * replicas. Score `100 · (max − count) / max` over this cycle's feasible nodes. Only for pods
 * PodTopologySpread does not spread (runs after it).
 */
import { maxNodeScore, type ScorePlugin } from '../framework.js';
import { podTopologySpreadStateKey } from './pod-topology-spread-score.js';

export const selectorSpread: ScorePlugin = {
  name: 'SelectorSpread',
  weight: 2,
  // kube-scheduler replaced SelectorSpread by PodTopologySpread's system defaults; it stays here
  // for pods those do not cover (no service or existing controller selects them).
  applies: (pod, cycle) => pod.spreadKey !== undefined && cycle?.read(podTopologySpreadStateKey) === undefined,
  score(pod, node) {
    return node.spreadCount(pod.spreadKey!);
  },
  normalize(scores, count) {
    let max = 0;
    for (let i = 0; i < count; i++) if (scores[i]! > max) max = scores[i]!;
    for (let i = 0; i < count; i++) scores[i] = max === 0 ? maxNodeScore : (maxNodeScore * (max - scores[i]!)) / max;
  },
};
