/**
 * PodTopologySpread's filter (whenUnsatisfiable: DoNotSchedule): placing the pod in the node's
 * domain must keep `pods there + 1 (if the pod matches its own selector) − the emptiest eligible
 * domain` within maxSkew; with fewer eligible domains than minDomains the minimum counts as 0.
 * A node without the constraint's key cannot take the pod at all.
 */
import { slotReader, type FilterPlugin } from '../framework.js';
import { domainCounts } from '../spread-counts.js';

export const reasonTopologySpread = "node(s) didn't match pod topology spread constraints";
export const reasonTopologySpreadMissingLabel = `${reasonTopologySpread} (missing required label)`;

const stateKey = 'PodTopologySpread/filter';

interface State {
  readonly keys: readonly string[];
  readonly counts: readonly ReadonlyMap<string, number>[];
  /** Per constraint, the most pods a domain may already hold: maxSkew + minimum − self match. */
  readonly allowed: readonly number[];
}

const readState = slotReader<State>(stateKey);

export const podTopologySpreadFilter: FilterPlugin = {
  name: 'PodTopologySpread',
  preFilter(pod, cluster, cycle) {
    if (pod.spreadConstraints.length === 0) return false;
    const hard = pod.spreadConstraints.filter((c) => c.hard);
    if (hard.length === 0) return false;
    const counts = domainCounts(pod, hard, cluster, true);
    const labels = pod.pod.metadata.labels;
    const state: State = {
      keys: hard.map((c) => c.topologyKey),
      counts: counts.map((d) => d.counts),
      allowed: counts.map((d) => {
        const c = d.constraint;
        const min = d.domains < c.minDomains ? 0 : d.min;
        return c.maxSkew + min - (c.selector.matches(labels) ? 1 : 0);
      }),
    };
    cycle.write(stateKey, state);
    return true;
  },
  filter(_pod, node, cycle) {
    const s = readState(cycle);
    if (!s) return undefined;
    const labels = node.labels;
    for (let i = 0; i < s.keys.length; i++) {
      const v = labels[s.keys[i]!];
      if (v === undefined) return reasonTopologySpreadMissingLabel;
      if ((s.counts[i]!.get(v) ?? 0) > s.allowed[i]!) return reasonTopologySpread;
    }
    return undefined;
  },
};
