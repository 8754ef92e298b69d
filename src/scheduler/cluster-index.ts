/**
 * What spans the cluster, kept incrementally as pods are placed and removed (kube-scheduler
 * recomputes these in PreFilter by walking every pod; at 5,000 nodes and thousands of pods per
 * decision that walk is what a JavaScript scheduler cannot afford):
 *
 *  - counters: placed pods matching a (namespaces, selector) per value of one topology key and
 *    per node, created the first time a decision asks (one walk over the placed pods) and then
 *    kept current; sibling pods ask the same question, so a handful serve a whole workload;
 *  - term groups: existing pods' own affinity terms, identical terms grouped, each with the
 *    count of its pods per topology value (the symmetric anti-affinity check and the score's
 *    "existing pods' preferred terms" read these, one lookup per group instead of per pod);
 *  - domains: per node label key, how many nodes carry each value.
 */
import type { PodInfo } from './podinfo.js';
import { selectorKey, type AffinityTerm } from './pod-terms.js';
import type { Selector } from '../api/labels.js';

type Labels = Readonly<Record<string, string>>;

function bump(m: Map<string, number>, k: string, d: number): void {
  const n = (m.get(k) ?? 0) + d;
  if (n > 0) m.set(k, n);
  else m.delete(k);
}

/** Placed pods matching one question, by topology value and by node id. */
export class PodCounter {
  readonly byValue = new Map<string, number>();
  readonly byNode = new Map<number, number>();
  lastUsed = 0;
  constructor(
    readonly key: string,
    /** undefined: every namespace. */
    readonly namespaces: ReadonlySet<string> | undefined,
    readonly matches: (p: PodInfo) => boolean,
    readonly topologyKey: string,
  ) {}

  update(p: PodInfo, nodeId: number, labels: Labels, d: 1 | -1): void {
    if (this.namespaces && !this.namespaces.has(p.namespace)) return;
    if (!this.matches(p)) return;
    const n = (this.byNode.get(nodeId) ?? 0) + d;
    if (n > 0) this.byNode.set(nodeId, n);
    else this.byNode.delete(nodeId);
    const v = labels[this.topologyKey];
    if (v !== undefined) bump(this.byValue, v, d);
  }
}

export const enum TermKind {
  RequiredAffinity = 0,
  RequiredAntiAffinity = 1,
  PreferredAffinity = 2,
  PreferredAntiAffinity = 3,
}

/** Existing pods sharing one affinity term, counted per value of the term's topology key. */
export class TermGroup {
  readonly byValue = new Map<string, number>();
  pods = 0;
  constructor(readonly kind: TermKind, readonly term: AffinityTerm) {}
}

interface PlacedRef {
  info: PodInfo;
  nodeId: number;
  labels: Labels;
}

const maxCounters = 512;

export class ClusterIndex {
  private readonly counters = new Map<string, PodCounter>();
  private readonly groups = new Map<string, TermGroup>();
  /** Groups by kind, for iteration. */
  readonly groupsByKind: readonly Set<TermGroup>[] = [new Set(), new Set(), new Set(), new Set()];
  /** label key → value → nodes with it. */
  private readonly domains = new Map<string, Map<string, number>>();
  private readonly nodesWithKey = new Map<string, number>();
  private tick = 0;

  constructor(private readonly placed: () => Iterable<PlacedRef>) {}

  // --- nodes ---

  nodeLabels(labels: Labels, d: 1 | -1): void {
    for (const k in labels) {
      let m = this.domains.get(k);
      if (!m) this.domains.set(k, (m = new Map()));
      bump(m, labels[k]!, d);
      const n = (this.nodesWithKey.get(k) ?? 0) + d;
      if (n > 0) this.nodesWithKey.set(k, n);
      else this.nodesWithKey.delete(k);
    }
  }

  /** The values of `key` among nodes, with how many nodes carry each. */
  domainsOf(key: string): ReadonlyMap<string, number> | undefined {
    return this.domains.get(key);
  }

  nodeCountWithKey(key: string): number {
    return this.nodesWithKey.get(key) ?? 0;
  }

  // --- pods ---

  podPlaced(p: PodInfo, nodeId: number, labels: Labels, d: 1 | -1): void {
    for (const c of this.counters.values()) c.update(p, nodeId, labels, d);
    if (!p.terms) return;
    this.termsPlaced(p.terms.requiredAffinity, TermKind.RequiredAffinity, labels, d);
    this.termsPlaced(p.terms.requiredAntiAffinity, TermKind.RequiredAntiAffinity, labels, d);
    this.termsPlaced(p.terms.preferredAffinity, TermKind.PreferredAffinity, labels, d);
    this.termsPlaced(p.terms.preferredAntiAffinity, TermKind.PreferredAntiAffinity, labels, d);
  }

  private termsPlaced(terms: readonly AffinityTerm[], kind: TermKind, labels: Labels, d: 1 | -1): void {
    for (const t of terms) {
      const key = `${kind}|${t.key}`;
      let g = this.groups.get(key);
      if (!g) {
        if (d < 0) continue;
        this.groups.set(key, (g = new TermGroup(kind, t)));
        this.groupsByKind[kind]!.add(g);
      }
      g.pods += d;
      const v = labels[t.topologyKey];
      if (v !== undefined) bump(g.byValue, v, d);
      if (g.pods <= 0) {
        this.groups.delete(key);
        this.groupsByKind[kind]!.delete(g);
      }
    }
  }

  /**
   * The counter of placed pods in `namespaces` (undefined: all) matching `selector` and `extra`
   * (a further condition named by `extraKey`), per value of `topologyKey`; built on first use.
   */
  counter(namespaces: ReadonlySet<string> | undefined, selector: Selector, topologyKey: string, extraKey = '', extra?: (p: PodInfo) => boolean): PodCounter {
    const nsKey = namespaces ? [...namespaces].sort().join(',') : '*';
    const key = `${nsKey}|${selectorKey(selector)}|${topologyKey}|${extraKey}`;
    let c = this.counters.get(key);
    if (!c) {
      if (this.counters.size >= maxCounters) this.evict();
      const matches = extra ? (p: PodInfo) => selector.matches(p.pod.metadata.labels) && extra(p) : (p: PodInfo) => selector.matches(p.pod.metadata.labels);
      c = new PodCounter(key, namespaces, matches, topologyKey);
      for (const r of this.placed()) c.update(r.info, r.nodeId, r.labels, 1);
      this.counters.set(key, c);
    }
    c.lastUsed = ++this.tick;
    return c;
  }

  get counterCount(): number {
    return this.counters.size;
  }

  /** Drops the least recently used half: counters are cheap to rebuild, costly to keep updated. */
  private evict(): void {
    const all = [...this.counters.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    for (const c of all.slice(0, all.length >> 1)) this.counters.delete(c.key);
  }
}
