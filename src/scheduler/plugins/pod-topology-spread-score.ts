/**
 * PodTopologySpread's score (whenUnsatisfiable: ScheduleAnyway, or the system defaults — hostname
 * maxSkew 3 and zone maxSkew 5 over the pod's services and controller — for a pod without
 * constraints): per constraint, `pods in the node's domain · log(domains + 2) + maxSkew − 1`,
 * summed; fewer is better, scaled as kube-scheduler does (`100 · (max + min − s) / max`). Nodes
 * missing a key of explicit constraints score 0.
 */
import { maxNodeScore, slotReader, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import { labelHostname, systemDefaultConstraints } from '../pod-terms.js';
import { domainCounts, hasAllKeys, type DomainCounts } from '../spread-counts.js';

export const podTopologySpreadStateKey = 'PodTopologySpread/score';

interface State {
  readonly counts: readonly DomainCounts[];
  readonly weights: readonly number[];
  /** Feasible nodes left out (explicit constraints whose keys they lack). */
  readonly ignored: ReadonlySet<NodeInfo>;
}

const ignoredScore = -1;
const readState = slotReader<State>(podTopologySpreadStateKey);

export const podTopologySpreadScore: ScorePlugin = {
  name: 'PodTopologySpread',
  weight: 2,
  preScore(pod, nodes, count, cluster, cycle) {
    const explicit = pod.spreadConstraints.length > 0;
    let constraints = pod.spreadConstraints.filter((c) => !c.hard);
    if (!explicit) {
      const sel = cluster.defaultSelector(pod.pod);
      if (sel) constraints = [...systemDefaultConstraints(sel)];
    }
    if (constraints.length === 0) return false;
    const ignored = new Set<NodeInfo>();
    const values = constraints.map(() => new Set<string>());
    for (let i = 0; i < count; i++) {
      const n = nodes[i]!;
      if (explicit && !hasAllKeys(n.labels, constraints)) {
        ignored.add(n);
        continue;
      }
      for (let j = 0; j < constraints.length; j++) {
        const c = constraints[j]!;
        if (c.topologyKey === labelHostname) continue;
        values[j]!.add(n.labels[c.topologyKey] ?? '');
      }
    }
    const weights = constraints.map((c, j) => Math.log((c.topologyKey === labelHostname ? count - ignored.size : values[j]!.size) + 2));
    cycle.write(podTopologySpreadStateKey, { counts: domainCounts(pod, constraints, cluster, explicit), weights, ignored } satisfies State);
    return true;
  },
  score(_pod, node, cycle) {
    const s = readState(cycle);
    if (!s) return 0;
    if (s.ignored.has(node)) return ignoredScore;
    let score = 0;
    for (let i = 0; i < s.counts.length; i++) {
      const d = s.counts[i]!;
      const c = d.constraint;
      const v = node.labels[c.topologyKey];
      if (v === undefined) continue;
      const cnt = c.topologyKey === labelHostname ? d.counter.byNode.get(node.id) ?? 0 : d.counts.get(v) ?? 0;
      score += cnt * s.weights[i]! + (c.maxSkew - 1);
    }
    return Math.round(score);
  },
  normalize(scores, count) {
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < count; i++) {
      const s = scores[i]!;
      if (s === ignoredScore) continue;
      if (s < min) min = s;
      if (s > max) max = s;
    }
    for (let i = 0; i < count; i++) {
      const s = scores[i]!;
      if (s === ignoredScore) scores[i] = 0;
      else if (max === 0) scores[i] = maxNodeScore;
      else scores[i] = Math.floor((maxNodeScore * (max + min - s)) / max);
    }
  },
};
