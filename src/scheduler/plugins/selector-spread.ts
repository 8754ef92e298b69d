/**
 * SelectorSpread: pods of one controller (same controlling ownerReference uid; without one, same
 * namespace and labels) go to the nodes holding the fewest of them, so losing a node loses few
 * replicas. Score `100 · (max − count) / max` over this cycle's feasible nodes.
 */
import { maxNodeScore, type ScorePlugin } from '../framework.js';

export const selectorSpread: ScorePlugin = {
  name: 'SelectorSpread',
  weight: 2,
  applies: (pod) => pod.spreadKey !== undefined,
  score(pod, node) {
    return node.spreadCount(pod.spreadKey!);
  },
  normalize(scores, count) {
    let max = 0;
    for (let i = 0; i < count; i++) if (scores[i]! > max) max = scores[i]!;
    for (let i = 0; i < count; i++) scores[i] = max === 0 ? maxNodeScore : (maxNodeScore * (max - scores[i]!)) / max;
  },
};
