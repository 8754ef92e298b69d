/**
 * The incoming pod's affinity terms as PreFilter/PreScore use them: the namespaceSelector resolved
 * into the namespaces it selects now (kube-scheduler's `mergeAffinityTermNamespacesIfNotEmpty`),
 * and each term, or the conjunction of the required affinity terms, bound to its PodCounter.
 */
import { everythingSelector } from '../api/labels.js';
import type { ClusterView } from './framework.js';
import type { PodCounter } from './cluster-index.js';
import type { AffinityTerm } from './pod-terms.js';
import type { PodInfo } from './podinfo.js';

/** The namespaces a term of the incoming pod covers; undefined: all of them. */
export function resolveNamespaces(t: AffinityTerm, cluster: ClusterView): ReadonlySet<string> | undefined {
  if (!t.nsSelector) return t.namespaces;
  if (t.nsSelector.empty) return undefined;
  const out = new Set(t.namespaces);
  for (const [name, labels] of cluster.namespaces()) if (t.nsSelector.matches(labels)) out.add(name);
  return out;
}

export interface BoundTerm {
  readonly term: AffinityTerm;
  readonly namespaces: ReadonlySet<string> | undefined;
  readonly counter: PodCounter;
}

/** One counter per term: pods matching that term alone (anti-affinity, preferred terms). */
export function bindEach(terms: readonly AffinityTerm[], cluster: ClusterView): BoundTerm[] {
  return terms.map((term) => {
    const namespaces = resolveNamespaces(term, cluster);
    return { term, namespaces, counter: cluster.index.counter(namespaces, term.selector, term.topologyKey) };
  });
}

function inNamespaces(ns: ReadonlySet<string> | undefined, p: PodInfo): boolean {
  return !ns || ns.has(p.namespace);
}

/** Required affinity: an existing pod counts only when it matches every term (kube-scheduler's
 * `podMatchesAllAffinityTerms`), counted under each term's topology key. */
export function bindAll(terms: readonly AffinityTerm[], cluster: ClusterView): BoundTerm[] {
  if (terms.length === 1) return bindEach(terms, cluster);
  const namespaces = terms.map((t) => resolveNamespaces(t, cluster));
  const all = (p: PodInfo) => terms.every((t, i) => inNamespaces(namespaces[i], p) && t.selector.matches(p.pod.metadata.labels));
  const extraKey = `all:${terms.map((t, i) => `${t.key}@${namespaces[i] ? [...namespaces[i]!].sort().join(',') : '*'}`).join(';')}`;
  return terms.map((term, i) => ({
    term,
    namespaces: namespaces[i],
    counter: cluster.index.counter(undefined, everythingSelector(), term.topologyKey, extraKey, all),
  }));
}

/** Whether `p` matches every bound term (the self-affinity special case). */
export function matchesAllBound(bound: readonly BoundTerm[], p: PodInfo): boolean {
  return bound.every((b) => inNamespaces(b.namespaces, p) && b.term.selector.matches(p.pod.metadata.labels));
}
