/**
 * One scheduling decision (kube-scheduler's `schedulePod`): filter nodes, score the feasible ones,
 * pick the best. On big clusters it stops filtering once it has found "enough" feasible nodes
 * (percentageOfNodesToScore, at least 100 nodes) and starts the next pod where this one stopped,
 * so every node gets its turn. Buffers are reused between decisions: nothing proportional to the
 * cluster is allocated per pod.
 *
 * The default percentage is 5%, kube-scheduler's floor, rather than its adaptive 50% − N/125
 * (10% at 5,000 nodes): the plugins cost more per node here than in Go, the decision loop is
 * what a burst of pods waits on, and 250 candidates of 5,000 spread pods as well. `0` selects
 * kube-scheduler's adaptive formula.
 */
import { ClusterIndex } from './cluster-index.js';
import { CycleState, type ClusterView, type FilterPlugin, type ScorePlugin } from './framework.js';
import type { NodeInfo } from './nodeinfo.js';
import type { PodInfo } from './podinfo.js';

export interface AlgorithmOptions {
  /** Percent of nodes to look for feasible ones in (1..100; default 5; 0: kube-scheduler's
   * adaptive 50 − N/125, at least 5). */
  readonly percentageOfNodesToScore?: number;
  readonly minFeasibleNodesToFind?: number;
  /** For tests: a deterministic tie-break. */
  readonly random?: () => number;
}

export type Decision =
  | { readonly node: NodeInfo; readonly feasible: number; readonly evaluated: number }
  | { readonly node: undefined; readonly reasons: ReadonlyMap<string, number>; readonly evaluated: number };

export class Algorithm {
  private nextStart = 0;
  private feasible: NodeInfo[] = [];
  private total = new Float64Array(128);
  private readonly buffers: Float64Array[];
  private readonly reasons = new Map<string, number>();
  private readonly active: FilterPlugin[] = [];
  private readonly random: () => number;
  private readonly minFeasible: number;
  /** The last decision's state and view (for tests and debugging). */
  cycle: CycleState | undefined;
  cluster: ClusterView | undefined;

  constructor(
    private readonly filters: readonly FilterPlugin[],
    private readonly scorers: readonly ScorePlugin[],
    private readonly opts: AlgorithmOptions = {},
  ) {
    this.buffers = scorers.map(() => new Float64Array(128));
    this.random = opts.random ?? Math.random;
    this.minFeasible = opts.minFeasibleNodesToFind ?? 100;
  }

  /** How many feasible nodes are enough out of `n`. */
  numFeasibleNodesToFind(n: number): number {
    if (n < this.minFeasible) return n;
    const set = this.opts.percentageOfNodesToScore ?? 5;
    let pct = set > 0 ? set : Math.max(5, 50 - Math.floor(n / 125));
    if (pct >= 100) return n;
    pct = Math.max(1, pct);
    return Math.max(this.minFeasible, Math.floor((n * pct) / 100));
  }

  /** `cluster`: what PreFilter/PreScore read; without it, a view of just `nodes` with no pods
   * indexed (tests of plugins that need none). */
  schedule(pod: PodInfo, nodes: readonly NodeInfo[], cluster: ClusterView = bareView(nodes)): Decision {
    const n = nodes.length;
    const cycle = new CycleState();
    this.cycle = cycle;
    this.cluster = cluster;
    const want = this.numFeasibleNodesToFind(n);
    const reasons = this.reasons;
    reasons.clear();
    const active = this.active;
    active.length = 0;
    for (const f of this.filters) {
      if (f.preFilter ? f.preFilter(pod, cluster, cycle) : !f.applies || f.applies(pod)) active.push(f);
    }
    let found = 0;
    let k = 0;
    const start = n > 0 ? this.nextStart % n : 0;
    for (; k < n && found < want; k++) {
      let i = start + k;
      if (i >= n) i -= n;
      const ni = nodes[i]!;
      let fits = true;
      for (let j = 0; j < active.length; j++) {
        const st = active[j]!.filter(pod, ni, cycle);
        if (st === undefined) continue;
        fits = false;
        if (typeof st === 'string') reasons.set(st, (reasons.get(st) ?? 0) + 1);
        else for (const r of st) reasons.set(r, (reasons.get(r) ?? 0) + 1);
        break;
      }
      if (fits) this.feasible[found++] = ni;
    }
    this.nextStart = n > 0 ? (start + k) % n : 0;
    if (found === 0) return { node: undefined, reasons: new Map(reasons), evaluated: k };
    const node = found === 1 ? this.feasible[0]! : this.best(pod, found, cycle, cluster);
    // Drop references so removed nodes can be collected.
    for (let i = 0; i < found; i++) this.feasible[i] = undefined as unknown as NodeInfo;
    return { node, feasible: found, evaluated: k };
  }

  private best(pod: PodInfo, count: number, cycle: CycleState, cluster: ClusterView): NodeInfo {
    if (this.total.length < count) {
      const size = Math.max(count, this.total.length * 2);
      this.total = new Float64Array(size);
      for (let i = 0; i < this.buffers.length; i++) this.buffers[i] = new Float64Array(size);
    }
    const total = this.total;
    total.fill(0, 0, count);
    const feasible = this.feasible;
    for (let p = 0; p < this.scorers.length; p++) {
      const sp = this.scorers[p]!;
      if (sp.preScore && !sp.preScore(pod, feasible, count, cluster, cycle)) continue;
      if (sp.applies && !sp.applies(pod, cycle)) continue;
      const buf = this.buffers[p]!;
      for (let i = 0; i < count; i++) buf[i] = sp.score(pod, feasible[i]!, cycle);
      sp.normalize?.(buf, count, cycle);
      const w = sp.weight;
      for (let i = 0; i < count; i++) total[i] = total[i]! + buf[i]! * w;
    }
    // Highest total; ties broken uniformly at random (reservoir sampling, one pass).
    let bestIdx = 0;
    let bestScore = total[0]!;
    let ties = 1;
    for (let i = 1; i < count; i++) {
      const s = total[i]!;
      if (s > bestScore) {
        bestScore = s;
        bestIdx = i;
        ties = 1;
      } else if (s === bestScore) {
        ties++;
        if (this.random() * ties < 1) bestIdx = i;
      }
    }
    return feasible[bestIdx]!;
  }
}

/** A ClusterView of bare nodes: no pods indexed, no namespaces, no default spreading. */
export function bareView(nodes: readonly NodeInfo[]): ClusterView {
  return {
    nodes,
    index: new ClusterIndex(),
    namespaceLabels: () => undefined,
    namespaces: () => [],
    defaultSelector: () => undefined,
  };
}
