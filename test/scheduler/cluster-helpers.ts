/** A scheduler cache with nodes and placed pods, its ClusterView (namespaces with labels, an
 * optional default spreading selector), and the verdicts or scores of one plugin over all nodes,
 * run through PreFilter/PreScore as the algorithm runs them. Builders for affinity terms and
 * spread constraints. */
import type { Node, Pod } from '../../src/api/kinds.js';
import type { Selector } from '../../src/api/labels.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { CycleState, type ClusterView, type FilterPlugin, type FilterStatus, type ScorePlugin } from '../../src/scheduler/framework.js';
import { podInfoOf } from '../../src/scheduler/podinfo.js';
import { podBuilder, type PodBuilder } from '../helpers/builders.js';
import { pod as withUid, schedNode } from './helpers.js';

export interface Cluster {
  readonly cache: SchedulerCache;
  readonly view: ClusterView;
}

export interface ClusterOptions {
  readonly namespaces?: Readonly<Record<string, Record<string, string>>>;
  readonly defaultSelector?: (p: Pod) => Selector | undefined;
}

/** `placed`: [node name, pod] pairs. */
export function clusterOf(nodes: readonly Node[], placed: readonly (readonly [string, Pod])[], opts: ClusterOptions = {}): Cluster {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.upsertNode(n);
  for (const [node, p] of placed) cache.setPod({ ...p, spec: { ...p.spec, nodeName: node } });
  const ns = opts.namespaces ?? {};
  const view: ClusterView = {
    nodes: cache.nodeList,
    index: cache.index,
    namespaceLabels: (n) => ns[n],
    namespaces: () => Object.entries(ns),
    defaultSelector: (p) => opts.defaultSelector?.(p),
  };
  return { cache, view };
}

/** Node name → the filter's verdict (undefined: fits). */
export function verdicts(plugin: FilterPlugin, p: Pod, c: Cluster): Record<string, FilterStatus> {
  const info = podInfoOf(p);
  const cycle = new CycleState();
  const active = plugin.preFilter ? plugin.preFilter(info, c.view, cycle) : true;
  const out: Record<string, FilterStatus> = {};
  for (const n of c.cache.nodeList) out[n.name] = active ? plugin.filter(info, n, cycle) : undefined;
  return out;
}

/** Node name → normalised score over all nodes as the feasible ones; undefined when the plugin
 * skips the pod. */
export function scoresOf(plugin: ScorePlugin, p: Pod, c: Cluster): Record<string, number> | undefined {
  const info = podInfoOf(p);
  const cycle = new CycleState();
  const nodes = c.cache.nodeList;
  if (plugin.preScore && !plugin.preScore(info, nodes, nodes.length, c.view, cycle)) return undefined;
  if (plugin.applies && !plugin.applies(info, cycle)) return undefined;
  const buf = new Float64Array(nodes.length);
  nodes.forEach((n, i) => (buf[i] = plugin.score(info, n, cycle)));
  plugin.normalize?.(buf, nodes.length, cycle);
  const out: Record<string, number> = {};
  nodes.forEach((n, i) => (out[n.name] = Math.round(buf[i]!)));
  return out;
}

/** A node with labels (hostname = its name unless given). */
export function labelledNode(name: string, labels: Record<string, string> = {}): Node {
  return schedNode(name).labels({ 'kubernetes.io/hostname': name, ...labels }).build();
}

let n = 0;

/** A pod in `ns` with `labels` (a fresh name and uid each time). */
export function labelled(labels: Record<string, string>, ns = 'default', b?: (p: PodBuilder) => PodBuilder): Pod {
  const base = podBuilder(`p-${++n}`).namespace(ns).labels(labels);
  return withUid(b ? b(base) : base);
}

export interface TermOpts {
  readonly namespaces?: string[];
  readonly namespaceSelector?: Record<string, unknown>;
  readonly matchLabelKeys?: string[];
  readonly mismatchLabelKeys?: string[];
}

/** A PodAffinityTerm selecting `matchLabels` over `topologyKey`. */
export function term(matchLabels: Record<string, string>, topologyKey: string, o: TermOpts = {}): Record<string, unknown> {
  return { labelSelector: { matchLabels }, topologyKey, ...o };
}

export interface AffinitySpec {
  readonly affinity?: Record<string, unknown>[];
  readonly anti?: Record<string, unknown>[];
  readonly preferredAffinity?: [number, Record<string, unknown>][];
  readonly preferredAnti?: [number, Record<string, unknown>][];
}

export function affinity(s: AffinitySpec): Record<string, unknown> {
  const block = (req?: Record<string, unknown>[], pref?: [number, Record<string, unknown>][]) =>
    req || pref
      ? {
          ...(req ? { requiredDuringSchedulingIgnoredDuringExecution: req } : {}),
          ...(pref ? { preferredDuringSchedulingIgnoredDuringExecution: pref.map(([weight, podAffinityTerm]) => ({ weight, podAffinityTerm })) } : {}),
        }
      : undefined;
  const out: Record<string, unknown> = {};
  const a = block(s.affinity, s.preferredAffinity);
  const anti = block(s.anti, s.preferredAnti);
  if (a) out['podAffinity'] = a;
  if (anti) out['podAntiAffinity'] = anti;
  return out;
}

/** A pod with labels and pod (anti-)affinity. */
export function withAffinity(labels: Record<string, string>, s: AffinitySpec, ns = 'default'): Pod {
  return labelled(labels, ns, (b) => b.podField('affinity', affinity(s)));
}

/** A topology spread constraint (DoNotSchedule unless said). */
export function constraint(topologyKey: string, maxSkew: number, matchLabels: Record<string, string>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { maxSkew, topologyKey, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels }, ...extra };
}

export function spreading(labels: Record<string, string>, constraints: Record<string, unknown>[], b?: (p: PodBuilder) => PodBuilder): Pod {
  return labelled(labels, 'default', (p) => (b ? b(p) : p).podField('topologySpreadConstraints', constraints));
}
