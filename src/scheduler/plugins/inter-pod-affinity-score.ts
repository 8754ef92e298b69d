/**
 * InterPodAffinity's score: for each topology domain, the weights of the pod's preferred affinity
 * terms times the pods there matching them, minus the same for its preferred anti-affinity; plus,
 * as kube-scheduler does, existing pods' terms that match this pod — their preferred affinity
 * (+weight), preferred anti-affinity (−weight) and required affinity (+hardPodAffinityWeight, 1).
 * A node scores the sum for its domains; scores are scaled min..max to 0..100.
 */
import { TermKind } from '../cluster-index.js';
import { maxNodeScore, slotReader, type ScorePlugin } from '../framework.js';
import { termMatches } from '../pod-terms.js';
import { bindEach } from '../resolve-terms.js';

/** kube-scheduler's default `hardPodAffinityWeight`. */
export const hardPodAffinityWeight = 1;

const stateKey = 'InterPodAffinity/score';

interface Part {
  readonly topologyKey: string;
  readonly counts: ReadonlyMap<string, number>;
  readonly weight: number;
}

const readState = slotReader<Part[]>(stateKey);

export const interPodAffinityScore: ScorePlugin = {
  name: 'InterPodAffinity',
  weight: 2,
  preScore(pod, _nodes, _count, cluster, cycle) {
    const parts: Part[] = [];
    const t = pod.terms;
    if (t) {
      for (const b of bindEach(t.preferredAffinity, cluster)) if (b.counter.byValue.size > 0) parts.push({ topologyKey: b.term.topologyKey, counts: b.counter.byValue, weight: b.term.weight });
      for (const b of bindEach(t.preferredAntiAffinity, cluster)) if (b.counter.byValue.size > 0) parts.push({ topologyKey: b.term.topologyKey, counts: b.counter.byValue, weight: -b.term.weight });
    }
    const byKind = cluster.index.groupsByKind;
    const kinds: readonly [TermKind, number][] = [[TermKind.RequiredAffinity, hardPodAffinityWeight], [TermKind.PreferredAffinity, 1], [TermKind.PreferredAntiAffinity, -1]];
    let nsLabels: Readonly<Record<string, string>> | undefined;
    let nsRead = false;
    for (const [kind, factor] of kinds) {
      for (const g of byKind[kind]!) {
        if (g.byValue.size === 0) continue;
        if (!nsRead) {
          nsLabels = cluster.namespaceLabels(pod.namespace);
          nsRead = true;
        }
        if (!termMatches(g.term, pod.pod, nsLabels)) continue;
        const w = kind === TermKind.RequiredAffinity ? factor : factor * g.term.weight;
        parts.push({ topologyKey: g.term.topologyKey, counts: g.byValue, weight: w });
      }
    }
    if (parts.length === 0) return false;
    cycle.write(stateKey, parts);
    return true;
  },
  score(_pod, node, cycle) {
    const parts = readState(cycle);
    if (!parts) return 0;
    let s = 0;
    const labels = node.labels;
    for (const p of parts) {
      const v = labels[p.topologyKey];
      if (v !== undefined) s += p.weight * (p.counts.get(v) ?? 0);
    }
    return s;
  },
  normalize(scores, count) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < count; i++) {
      const s = scores[i]!;
      if (s > max) max = s;
      if (s < min) min = s;
    }
    const diff = max - min;
    for (let i = 0; i < count; i++) scores[i] = diff > 0 ? Math.trunc((maxNodeScore * (scores[i]! - min)) / diff) : 0;
  },
};
