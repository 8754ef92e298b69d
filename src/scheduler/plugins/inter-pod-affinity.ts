/**
 * InterPodAffinity's filter: the pod's required affinity (every term's topology domain on the node
 * must already hold a pod matching all its terms — unless no pod anywhere does and the pod matches
 * its own terms, so the first of a self-affine group can start), its required anti-affinity (no
 * matching pod in the node's domain), and the symmetric check: no existing pod whose required
 * anti-affinity matches this pod shares a domain with the node. Reasons as kube-scheduler words them.
 */
import { TermKind, type TermGroup } from '../cluster-index.js';
import { slotReader, type FilterPlugin } from '../framework.js';
import { termMatches } from '../pod-terms.js';
import { bindAll, bindEach, matchesAllBound, type BoundTerm } from '../resolve-terms.js';

export const reasonAffinityRules = "node(s) didn't match pod affinity rules";
export const reasonAntiAffinityRules = "node(s) didn't match pod anti-affinity rules";
export const reasonExistingAntiAffinity = "node(s) didn't satisfy existing pods anti-affinity rules";

const stateKey = 'InterPodAffinity/filter';

interface State {
  readonly affinity: readonly BoundTerm[];
  /** Some pod matching all affinity terms sits on a node with the term's key. */
  readonly affinityExists: boolean;
  readonly selfMatch: boolean;
  readonly anti: readonly BoundTerm[];
  /** Existing pods' required anti-affinity groups that match this pod. */
  readonly existing: readonly TermGroup[];
}

const readState = slotReader<State>(stateKey);

export const interPodAffinityFilter: FilterPlugin = {
  name: 'InterPodAffinity',
  preFilter(pod, cluster, cycle) {
    const antiGroups = cluster.index.groupsByKind[TermKind.RequiredAntiAffinity]!;
    const terms = pod.terms;
    if (!terms?.requiredAffinity.length && !terms?.requiredAntiAffinity.length && antiGroups.size === 0) return false;
    const existing: TermGroup[] = [];
    if (antiGroups.size > 0) {
      const nsLabels = cluster.namespaceLabels(pod.namespace);
      for (const g of antiGroups) if (g.byValue.size > 0 && termMatches(g.term, pod.pod, nsLabels)) existing.push(g);
    }
    const affinity = terms?.requiredAffinity.length ? bindAll(terms.requiredAffinity, cluster) : [];
    const anti = terms?.requiredAntiAffinity.length ? bindEach(terms.requiredAntiAffinity, cluster) : [];
    if (affinity.length === 0 && anti.length === 0 && existing.length === 0) return false;
    const state: State = {
      affinity,
      affinityExists: affinity.some((b) => b.counter.byValue.size > 0),
      selfMatch: affinity.length > 0 && matchesAllBound(affinity, pod),
      anti,
      existing,
    };
    cycle.write(stateKey, state);
    return true;
  },
  filter(_pod, node, cycle) {
    const s = readState(cycle);
    if (!s) return undefined;
    const labels = node.labels;
    if (s.affinity.length > 0) {
      let podsExist = true;
      for (const b of s.affinity) {
        const v = labels[b.term.topologyKey];
        if (v === undefined) return reasonAffinityRules;
        if ((b.counter.byValue.get(v) ?? 0) <= 0) podsExist = false;
      }
      if (!podsExist && (s.affinityExists || !s.selfMatch)) return reasonAffinityRules;
    }
    for (const b of s.anti) {
      const v = labels[b.term.topologyKey];
      if (v !== undefined && (b.counter.byValue.get(v) ?? 0) > 0) return reasonAntiAffinityRules;
    }
    for (const g of s.existing) {
      const v = labels[g.term.topologyKey];
      if (v !== undefined && (g.byValue.get(v) ?? 0) > 0) return reasonExistingAntiAffinity;
    }
    return undefined;
  },
};
