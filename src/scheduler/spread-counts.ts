/**
 * Pods matching a spread constraint per topology domain, over the nodes the constraint counts
 * (kube-scheduler's PodTopologySpread PreFilter/PreScore state). The common case — the pod asks
 * no node affinity to be honoured, no taints to be honoured, and every node carries every key —
 * reads the ClusterIndex's counters directly; otherwise one pass over the nodes sums their
 * per-node counts into the domains the eligible nodes form.
 */
import type { Taint } from '../api/kinds.js';
import type { PodCounter } from './cluster-index.js';
import type { ClusterView } from './framework.js';
import type { NodeInfo } from './nodeinfo.js';
import type { SpreadConstraint } from './pod-terms.js';
import type { PodInfo } from './podinfo.js';
import { tolerates } from './tolerations.js';

export interface DomainCounts {
  readonly constraint: SpreadConstraint;
  readonly counter: PodCounter;
  /** Pods per domain; every eligible domain present (zero counts included) on the slow path,
   * only populated ones on the fast path. */
  readonly counts: ReadonlyMap<string, number>;
  /** Number of eligible domains. */
  readonly domains: number;
  /** The smallest count of any eligible domain. */
  readonly min: number;
}

/** countPodsMatchSelector leaves out terminating pods. */
const live = (p: PodInfo): boolean => !p.pod.metadata.deletionTimestamp;

export function spreadCounter(pod: PodInfo, c: SpreadConstraint, cluster: ClusterView): PodCounter {
  return cluster.index.counter(new Set([pod.namespace]), c.selector, c.topologyKey, 'live', live);
}

function untoleratedTaint(pod: PodInfo, node: NodeInfo): boolean {
  const taints: readonly Taint[] = node.node?.spec?.taints ?? [];
  for (const t of taints) {
    if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
    if (!pod.tolerations.some((tol) => tolerates(tol, t))) return true;
  }
  return false;
}

/** kube-scheduler's matchNodeInclusionPolicies. */
export function nodeIncluded(pod: PodInfo, c: SpreadConstraint, node: NodeInfo): boolean {
  if (c.honorAffinity && pod.nodeMatcher && !pod.nodeMatcher(node)) return false;
  if (c.honorTaints && untoleratedTaint(pod, node)) return false;
  return true;
}

export function hasAllKeys(labels: Readonly<Record<string, string>>, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (labels[c.topologyKey] === undefined) return false;
  return true;
}

/**
 * Counts for each constraint. `requireAll`: a node counts only when it has every constraint's
 * key (explicit constraints; the system defaults do not require it).
 */
export function domainCounts(pod: PodInfo, constraints: readonly SpreadConstraint[], cluster: ClusterView, requireAll: boolean): DomainCounts[] {
  const counters = constraints.map((c) => spreadCounter(pod, c, cluster));
  const nodes = cluster.nodes.length;
  const fast = constraints.every((c) => !(c.honorAffinity && pod.nodeMatcher) && !c.honorTaints) &&
    (!requireAll || constraints.every((c) => cluster.index.nodeCountWithKey(c.topologyKey) === nodes));
  if (fast) {
    return constraints.map((constraint, i) => {
      const counter = counters[i]!;
      const all = cluster.index.domainsOf(constraint.topologyKey);
      const domains = all?.size ?? 0;
      let min = 0;
      if (all && counter.byValue.size >= domains) {
        min = Infinity;
        for (const v of all.keys()) min = Math.min(min, counter.byValue.get(v) ?? 0);
        if (min === Infinity) min = 0;
      }
      return { constraint, counter, counts: counter.byValue, domains, min };
    });
  }
  const maps = constraints.map(() => new Map<string, number>());
  for (const node of cluster.nodes) {
    if (requireAll && !hasAllKeys(node.labels, constraints)) continue;
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i]!;
      const v = node.labels[c.topologyKey];
      if (v === undefined || !nodeIncluded(pod, c, node)) continue;
      const m = maps[i]!;
      m.set(v, (m.get(v) ?? 0) + (counters[i]!.byNode.get(node.id) ?? 0));
    }
  }
  return constraints.map((constraint, i) => {
    const m = maps[i]!;
    let min = m.size > 0 ? Infinity : 0;
    for (const n of m.values()) if (n < min) min = n;
    return { constraint, counter: counters[i]!, counts: m, domains: m.size, min };
  });
}
