/**
 * NodeAffinity: spec.nodeSelector and required node affinity must match the node's labels (and
 * `metadata.name` for matchFields); preferred terms score the sum of the weights of the terms a
 * node matches, scaled so the best node gets 100.
 */
import { defaultNormalize, type FilterPlugin, type ScorePlugin } from '../framework.js';

export const reasonNodeAffinity = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinityFilter: FilterPlugin = {
  name: 'NodeAffinity',
  applies: (pod) => pod.nodeMatcher !== undefined,
  filter(pod, node) {
    return !pod.nodeMatcher || pod.nodeMatcher(node) ? undefined : reasonNodeAffinity;
  },
};

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  applies: (pod) => pod.preferred.length > 0,
  score(pod, node) {
    let sum = 0;
    for (const t of pod.preferred) if (t.matches(node)) sum += t.weight;
    return sum;
  },
  normalize: (scores, count) => defaultNormalize(scores, count, false),
};
