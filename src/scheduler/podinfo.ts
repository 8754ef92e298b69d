/**
 * What the scheduler needs to know about a pod, computed once per pod object (kube-scheduler's
 * PreFilter state and `framework.PodInfo`): summed requests, host ports, tolerations, the compiled
 * node selector and affinity, and the key that groups it with its siblings for spreading. Plugins
 * read these fields on every node, so nothing here is recomputed per node.
 */
import type { Container, Pod, Toleration } from '../api/kinds.js';
import { addList, addResources, emptyResources, maxInto, type Resources } from './resources.js';
import { compileMap, compileTerm, compileTerms, type NodeMatcher, type NodeSelectorTerm } from './node-selector.js';
import { noTerms, podTermsOf, spreadConstraintsOf, type PodTerms, type SpreadConstraint } from './pod-terms.js';

export interface HostPort {
  readonly port: number;
  readonly protocol: string;
  readonly hostIP: string;
}

export interface PreferredTerm {
  readonly weight: number;
  readonly matches: NodeMatcher;
}

/** kube-scheduler's defaults for scoring pods without requests (`schedutil.DefaultMilliCPURequest`,
 * `DefaultMemoryRequest`), so best-effort pods still spread by LeastAllocated. Filtering counts 0. */
export const defaultMilliCpuRequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

export interface PodInfo {
  readonly key: string;
  readonly pod: Pod;
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly priority: number;
  /** Requests for fitting (pods field unused: every pod takes one slot). */
  readonly requests: Resources;
  readonly nonZeroMilliCpu: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  readonly tolerations: readonly Toleration[];
  /** spec.nodeSelector and required node affinity, ANDed; undefined when neither is set. */
  readonly nodeMatcher: NodeMatcher | undefined;
  readonly preferred: readonly PreferredTerm[];
  /** Pods with the same key spread over nodes: the controller's uid, else namespace + labels,
   * interned to a small integer (NodeInfo counts by it on every node for every pod). */
  readonly spreadKey: number | undefined;
  /** Inter-pod affinity and anti-affinity terms; undefined when the pod has none. */
  readonly terms: PodTerms | undefined;
  /** spec.topologySpreadConstraints, compiled (empty when none). */
  readonly spreadConstraints: readonly SpreadConstraint[];
  /** Scheduling gates remain: the pod must not be scheduled yet. */
  readonly gated: boolean;
}

const noPorts: readonly HostPort[] = [];
const noTolerations: readonly Toleration[] = [];
const noPreferred: readonly PreferredTerm[] = [];

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}

function containerRequests(c: Container): Resources {
  const r = emptyResources();
  addList(r, c.resources?.requests);
  return r;
}

/** Sum of containers (plus sidecars), at least the largest init container, plus overhead. */
export function podRequests(pod: Pod): Resources {
  const total = emptyResources();
  for (const c of pod.spec.containers ?? []) addList(total, c.resources?.requests);
  const inits = pod.spec.initContainers ?? [];
  if (inits.length > 0) {
    // Sidecars (restartPolicy Always) keep running beside the app; every other init container runs
    // alone with only the sidecars started before it.
    const sidecars = emptyResources();
    const peak = emptyResources();
    for (const c of inits) {
      const r = containerRequests(c);
      if (c.restartPolicy === 'Always') {
        addResources(sidecars, r);
        addResources(total, r);
      } else {
        const atOnce = emptyResources();
        addResources(atOnce, sidecars);
        addResources(atOnce, r);
        maxInto(peak, atOnce);
      }
    }
    maxInto(total, peak);
  }
  addList(total, pod.spec['overhead'] as Record<string, string> | undefined);
  total.pods = 0;
  return total;
}

function hostPorts(pod: Pod): readonly HostPort[] {
  let out: HostPort[] | undefined;
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      (out ??= []).push({ port: p.hostPort, protocol: p.protocol ?? 'TCP', hostIP: p.hostIP || '0.0.0.0' });
    }
  }
  return out ?? noPorts;
}

interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
    preferredDuringSchedulingIgnoredDuringExecution?: { weight?: number; preference?: NodeSelectorTerm }[];
  };
}

function nodeMatcher(pod: Pod): NodeMatcher | undefined {
  const sel = pod.spec.nodeSelector;
  const a = (pod.spec.affinity as Affinity | undefined)?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const bySelector = sel && Object.keys(sel).length > 0 ? compileMap(sel) : undefined;
  const byAffinity = a ? compileTerms(a.nodeSelectorTerms ?? []) : undefined;
  if (bySelector && byAffinity) return (n) => bySelector(n) && byAffinity(n);
  return bySelector ?? byAffinity;
}

function preferredTerms(pod: Pod): readonly PreferredTerm[] {
  const list = (pod.spec.affinity as Affinity | undefined)?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
  if (!list || list.length === 0) return noPreferred;
  return list.filter((t) => (t.weight ?? 0) !== 0 && t.preference).map((t) => ({ weight: t.weight ?? 0, matches: compileTerm(t.preference!) }));
}

/** The grouping SelectorSpread uses: the controlling owner when there is one, otherwise pods with
 * exactly the same labels in the same namespace (what a Service or RC selecting them would see). */
export function spreadKeyOf(pod: Pod): string | undefined {
  for (const ref of pod.metadata.ownerReferences ?? []) if (ref.controller && ref.uid) return ref.uid;
  const labels = pod.metadata.labels;
  if (!labels) return undefined;
  const keys = Object.keys(labels);
  if (keys.length === 0) return undefined;
  keys.sort();
  return `${pod.metadata.namespace ?? ''}/${keys.map((k) => `${k}=${labels[k]}`).join(',')}`;
}

const spreadIds = new Map<string, number>();

/** A small integer per distinct spread group (integer Map keys are the cheapest to look up). */
function internSpreadKey(key: string | undefined): number | undefined {
  if (key === undefined) return undefined;
  let id = spreadIds.get(key);
  if (id === undefined) spreadIds.set(key, (id = spreadIds.size));
  return id;
}

/** spec.schedulingGates is non-empty (kube-scheduler's SchedulingGates PreEnqueue plugin). */
export function isGated(pod: Pod): boolean {
  const g = pod.spec['schedulingGates'] as unknown[] | undefined;
  return Array.isArray(g) && g.length > 0;
}

const cache = new WeakMap<Pod, PodInfo>();

/** The PodInfo of a pod object (memoised per object: informer objects are never mutated). */
export function podInfoOf(pod: Pod): PodInfo {
  const hit = cache.get(pod);
  if (hit) return hit;
  const requests = podRequests(pod);
  const podTerms = podTermsOf(pod);
  const info: PodInfo = {
    key: podKey(pod),
    pod,
    uid: pod.metadata.uid ?? '',
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name ?? '',
    priority: pod.spec.priority ?? 0,
    requests,
    nonZeroMilliCpu: requests.milliCpu || defaultMilliCpuRequest,
    nonZeroMemory: requests.memory || defaultMemoryRequest,
    hostPorts: hostPorts(pod),
    tolerations: pod.spec.tolerations ?? noTolerations,
    nodeMatcher: nodeMatcher(pod),
    preferred: preferredTerms(pod),
    spreadKey: internSpreadKey(spreadKeyOf(pod)),
    terms: podTerms === noTerms ? undefined : podTerms,
    spreadConstraints: spreadConstraintsOf(pod),
    gated: isGated(pod),
  };
  cache.set(pod, info);
  return info;
}
