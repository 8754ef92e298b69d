/**
 * A pod's inter-pod affinity terms and topology spread constraints, compiled once per pod object
 * (kube-scheduler's `framework.AffinityTerm` and PodTopologySpread's `topologySpreadConstraint`):
 * label selectors parsed, `matchLabelKeys`/`mismatchLabelKeys` folded into them from the pod's own
 * labels, the namespaces a term covers resolved as far as the pod alone allows, and a canonical
 * key so identical terms of sibling pods share one index entry.
 */
import type { Pod } from '../api/kinds.js';
import { fromLabelSelector, nothingSelector, selectorOf, type Requirement, type Selector } from '../api/labels.js';
import type { LabelSelector } from '../api/types.js';

/** A selector's identity in index keys ('' would be ambiguous: it prints both everything and nothing). */
export function selectorKey(s: Selector): string {
  if (s.empty) return '*';
  if (s.requirements.length === 0) return '!';
  return s.toString();
}

export interface AffinityTerm {
  readonly topologyKey: string;
  readonly selector: Selector;
  /** Namespaces named by the term (its owner's when neither namespaces nor a selector is set). */
  readonly namespaces: ReadonlySet<string>;
  /** The namespaceSelector; undefined when unset (selects no namespace). */
  readonly nsSelector: Selector | undefined;
  readonly weight: number;
  /** Identical for identical terms of pods in the same namespace. */
  readonly key: string;
}

/** kube-scheduler's AffinityTerm.Matches: the pod is in one of the term's namespaces (or its
 * namespace's labels match the namespaceSelector) and its labels match the selector. */
export function termMatches(t: AffinityTerm, pod: Pod, nsLabels: Readonly<Record<string, string>> | undefined): boolean {
  const ns = pod.metadata.namespace ?? '';
  if (!t.namespaces.has(ns) && !(t.nsSelector && t.nsSelector.matches(nsLabels ?? {}))) return false;
  return t.selector.matches(pod.metadata.labels);
}

interface RawTerm {
  labelSelector?: LabelSelector;
  namespaceSelector?: LabelSelector | null;
  namespaces?: string[];
  topologyKey?: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

interface RawWeighted {
  weight?: number;
  podAffinityTerm?: RawTerm;
}

interface RawPodAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: RawTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: RawWeighted[];
}

export interface RawAffinity {
  podAffinity?: RawPodAffinity;
  podAntiAffinity?: RawPodAffinity;
}

/** Compiled selectors by their JSON: sibling pods carry the same ones (bounded; cleared when full). */
const compiled = new Map<string, Selector>();

function safeSelector(ls: LabelSelector | undefined | null): Selector {
  if (!ls) return nothingSelector();
  const key = JSON.stringify(ls);
  let s = compiled.get(key);
  if (s) return s;
  try {
    s = fromLabelSelector(ls);
  } catch {
    s = nothingSelector();
  }
  if (compiled.size >= 4096) compiled.clear();
  compiled.set(key, s);
  return s;
}

/** The selector plus `key in (v)` (matchLabelKeys) or `key notin (v)` (mismatchLabelKeys) for
 * each listed key the pod has a label for. */
export function withLabelKeys(base: Selector, labels: Readonly<Record<string, string>> | undefined, match: readonly string[] | undefined, mismatch: readonly string[] | undefined): Selector {
  const extra: Requirement[] = [];
  for (const k of match ?? []) if (labels && k in labels) extra.push({ key: k, operator: 'in', values: [labels[k]!] });
  for (const k of mismatch ?? []) if (labels && k in labels) extra.push({ key: k, operator: 'notin', values: [labels[k]!] });
  if (extra.length === 0) return base;
  if (!base.empty && base.requirements.length === 0) return base; // nothing stays nothing
  return selectorOf([...base.requirements, ...extra]);
}

function compileTerm(raw: RawTerm, pod: Pod, weight: number): AffinityTerm {
  const ns = pod.metadata.namespace ?? '';
  const selector = withLabelKeys(safeSelector(raw.labelSelector), pod.metadata.labels, raw.matchLabelKeys, raw.mismatchLabelKeys);
  const nsSelector = raw.namespaceSelector ? safeSelector(raw.namespaceSelector) : undefined;
  const names = new Set(raw.namespaces ?? []);
  if (names.size === 0 && !nsSelector) names.add(ns);
  const topologyKey = raw.topologyKey ?? '';
  const key = `${weight}|${[...names].sort().join(',')}|${nsSelector ? selectorKey(nsSelector) : '-'}|${selectorKey(selector)}|${topologyKey}`;
  return { topologyKey, selector, namespaces: names, nsSelector, weight, key };
}

export interface PodTerms {
  readonly requiredAffinity: readonly AffinityTerm[];
  readonly requiredAntiAffinity: readonly AffinityTerm[];
  readonly preferredAffinity: readonly AffinityTerm[];
  readonly preferredAntiAffinity: readonly AffinityTerm[];
}

const none: readonly AffinityTerm[] = [];
export const noTerms: PodTerms = { requiredAffinity: none, requiredAntiAffinity: none, preferredAffinity: none, preferredAntiAffinity: none };

export function podTermsOf(pod: Pod): PodTerms {
  const a = pod.spec.affinity as RawAffinity | undefined;
  if (!a || (!a.podAffinity && !a.podAntiAffinity)) return noTerms;
  const req = (p: RawPodAffinity | undefined) => (p?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(t, pod, 0));
  const pref = (p: RawPodAffinity | undefined) =>
    (p?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
      .filter((w) => (w.weight ?? 0) !== 0 && w.podAffinityTerm)
      .map((w) => compileTerm(w.podAffinityTerm!, pod, w.weight ?? 0));
  return {
    requiredAffinity: req(a.podAffinity),
    requiredAntiAffinity: req(a.podAntiAffinity),
    preferredAffinity: pref(a.podAffinity),
    preferredAntiAffinity: pref(a.podAntiAffinity),
  };
}

/** One topology spread constraint (explicit, or one of the system defaults). */
export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  /** whenUnsatisfiable DoNotSchedule (a filter) rather than ScheduleAnyway (a score). */
  readonly hard: boolean;
  readonly selector: Selector;
  readonly minDomains: number;
  /** nodeAffinityPolicy Honor (the default): only nodes matching the pod's node affinity count. */
  readonly honorAffinity: boolean;
  /** nodeTaintsPolicy Honor (default Ignore): only nodes whose taints the pod tolerates count. */
  readonly honorTaints: boolean;
}

interface RawConstraint {
  maxSkew?: number;
  topologyKey?: string;
  whenUnsatisfiable?: string;
  labelSelector?: LabelSelector;
  minDomains?: number;
  nodeAffinityPolicy?: string;
  nodeTaintsPolicy?: string;
  matchLabelKeys?: string[];
}

const noConstraints: readonly SpreadConstraint[] = [];

export function spreadConstraintsOf(pod: Pod): readonly SpreadConstraint[] {
  const list = pod.spec['topologySpreadConstraints'] as RawConstraint[] | undefined;
  if (!list || list.length === 0) return noConstraints;
  return list.map((c) => ({
    maxSkew: c.maxSkew ?? 1,
    topologyKey: c.topologyKey ?? '',
    hard: c.whenUnsatisfiable !== 'ScheduleAnyway',
    selector: withLabelKeys(safeSelector(c.labelSelector), pod.metadata.labels, c.matchLabelKeys, undefined),
    minDomains: c.minDomains ?? 1,
    honorAffinity: c.nodeAffinityPolicy !== 'Ignore',
    honorTaints: c.nodeTaintsPolicy === 'Honor',
  }));
}

export const labelHostname = 'kubernetes.io/hostname';
export const labelZone = 'topology.kubernetes.io/zone';

/** kube-scheduler's system default constraints (`systemDefaultConstraints`), over `selector`. */
export function systemDefaultConstraints(selector: Selector): readonly SpreadConstraint[] {
  const base = { hard: false, selector, minDomains: 1, honorAffinity: true, honorTaints: false };
  return [
    { ...base, maxSkew: 3, topologyKey: labelHostname },
    { ...base, maxSkew: 5, topologyKey: labelZone },
  ];
}
