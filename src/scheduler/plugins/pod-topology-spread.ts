/**
 * PodTopologySpread's filter (whenUnsatisfiable: DoNotSchedule): placing the pod in the node's
 * domain must keep `pods there + 1 (if the pod matches its own selector) − the emptiest eligible
 * domain` within maxSkew; with fewer eligible domains than minDomains the minimum counts as 0.
 * A node without the constraint's key cannot take the pod at all.
 */
import type { FilterPlugin } from '../framework.js';
import { domainCounts, type DomainCounts } from '../spread-counts.js';

export const reasonTopologySpread = "node(s) didn't match pod topology spread constraints";
export const reasonTopologySpreadMissingLabel = `${reasonTopologySpread} (missing required label)`;

const stateKey = 'PodTopologySpread/filter';

interface State {
  readonly counts: readonly DomainCounts[];
  /** Per constraint: 1 when the pod matches its own selector. */
  readonly self: readonly number[];
}

export const podTopologySpreadFilter: FilterPlugin = {
  name: 'PodTopologySpread',
  preFilter(pod, cluster, cycle) {
    if (pod.spreadConstraints.length === 0) return false;
    const hard = pod.spreadConstraints.filter((c) => c.hard);
    if (hard.length === 0) return false;
    const counts = domainCounts(pod, hard, cluster, true);
    const labels = pod.pod.metadata.labels;
    cycle.write(stateKey, { counts, self: hard.map((c) => (c.selector.matches(labels) ? 1 : 0)) } satisfies State);
    return true;
  },
  filter(_pod, node, cycle) {
    const s = cycle?.read<State>(stateKey);
    if (!s) return undefined;
    for (let i = 0; i < s.counts.length; i++) {
      const d = s.counts[i]!;
      const c = d.constraint;
      const v = node.labels[c.topologyKey];
      if (v === undefined) return reasonTopologySpreadMissingLabel;
      const min = d.domains < c.minDomains ? 0 : d.min;
      const skew = (d.counts.get(v) ?? 0) + s.self[i]! - min;
      if (skew > c.maxSkew) return reasonTopologySpread;
    }
    return undefined;
  },
};
