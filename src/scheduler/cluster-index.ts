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

/** A label every pod a selector matches must carry with one of `values` (its first `=`/`in`
 * requirement), so most pods are turned away by one lookup. */
interface Anchor {
  readonly key: string;
  readonly values: ReadonlySet<string>;
}

function anchorOf(s: Selector): Anchor | undefined {
  for (const r of s.requirements) if (r.operator === '=' || r.operator === '==' || r.operator === 'in') return { key: r.key, values: new Set(r.values) };
  return undefined;
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
    readonly anchor: Anchor | undefined,
  ) {}

  update(p: PodInfo, nodeId: number, labels: Labels, d: 1 | -1): void {
    if (this.namespaces && !this.namespaces.has(p.namespace)) return;
    if (this.anchor) {
      const v = p.pod.metadata.labels?.[this.anchor.key];
      if (v === undefined || !this.anchor.values.has(v)) return;
    }
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

/** A placed pod with where it is (its node's id and labels at placement). */
interface Placed {
  readonly info: PodInfo;
  readonly nodeId: number;
  readonly labels: Labels;
}

const maxCounters = 512;

export class ClusterIndex {
  private readonly counters = new Map<string, PodCounter>();
  /** Anchored counters by anchor label key and value; the rest in `unanchored`. */
  private readonly anchored = new Map<string, Map<string, Set<PodCounter>>>();
  private readonly unanchored = new Set<PodCounter>();
  private readonly groups = new Map<string, TermGroup>();
  /** Groups by kind, for iteration. */
  readonly groupsByKind: readonly Set<TermGroup>[] = [new Set(), new Set(), new Set(), new Set()];
  /** label key → value → nodes with it. */
  private readonly domains = new Map<string, Map<string, number>>();
  private readonly nodesWithKey = new Map<string, number>();
  private tick = 0;

  /** Placed pods, and the same by label key and value, so a new counter visits only the pods
   * carrying its anchor label. */
  private readonly placed = new Map<PodInfo, Placed>();
  private readonly byLabel = new Map<string, Map<string, Set<Placed>>>();

  private track(p: PodInfo, nodeId: number, labels: Labels, d: 1 | -1): void {
    const podLabels = p.pod.metadata.labels;
    let ref: Placed | undefined;
    if (d > 0) {
      ref = { info: p, nodeId, labels };
      this.placed.set(p, ref);
    } else {
      ref = this.placed.get(p);
      if (!ref) return;
      this.placed.delete(p);
    }
    for (const k in podLabels) {
      const v = podLabels[k]!;
      let byValue = this.byLabel.get(k);
      if (!byValue) {
        if (d < 0) continue;
        this.byLabel.set(k, (byValue = new Map()));
      }
      let set = byValue.get(v);
      if (!set) {
        if (d < 0) continue;
        byValue.set(v, (set = new Set()));
      }
      if (d > 0) set.add(ref);
      else {
        set.delete(ref);
        if (set.size === 0) {
          byValue.delete(v);
          if (byValue.size === 0) this.byLabel.delete(k);
        }
      }
    }
  }

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
    this.track(p, nodeId, labels, d);
    for (const c of this.unanchored) c.update(p, nodeId, labels, d);
    if (this.anchored.size > 0) {
      const podLabels = p.pod.metadata.labels;
      for (const k in podLabels) {
        const set = this.anchored.get(k)?.get(podLabels[k]!);
        if (set) for (const c of set) c.update(p, nodeId, labels, d);
      }
    }
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
      const anchor = anchorOf(selector);
      const built = (c = new PodCounter(key, namespaces, matches, topologyKey, anchor));
      if (anchor) {
        const byValue = this.byLabel.get(anchor.key);
        for (const v of anchor.values) for (const r of byValue?.get(v) ?? []) built.update(r.info, r.nodeId, r.labels, 1);
      } else {
        for (const r of this.placed.values()) built.update(r.info, r.nodeId, r.labels, 1);
      }
      this.counters.set(key, c);
      this.register(c, 1);
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
    for (const c of all.slice(0, all.length >> 1)) {
      this.counters.delete(c.key);
      this.register(c, -1);
    }
  }

  private register(c: PodCounter, d: 1 | -1): void {
    if (!c.anchor) {
      if (d > 0) this.unanchored.add(c);
      else this.unanchored.delete(c);
      return;
    }
    let byValue = this.anchored.get(c.anchor.key);
    if (!byValue) this.anchored.set(c.anchor.key, (byValue = new Map()));
    for (const v of c.anchor.values) {
      let set = byValue.get(v);
      if (!set) byValue.set(v, (set = new Set()));
      if (d > 0) set.add(c);
      else {
        set.delete(c);
        if (set.size === 0) byValue.delete(v);
      }
    }
    if (byValue.size === 0) this.anchored.delete(c.anchor.key);
  }
}
