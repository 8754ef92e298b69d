/**
 * Which nodes a daemon pod belongs on (Kubernetes' NodeShouldRunDaemonPod): the node must match
 * the template's nodeSelector and required node affinity, and the pod — with the tolerations every
 * daemon pod gets — must tolerate the node's NoSchedule and NoExecute taints. A pod already there
 * may stay while only a NoSchedule taint is untolerated. Resource fit is deliberately not checked:
 * daemon pods are placed by labels (S19).
 */
import type { Node, PodSpec, Taint, Toleration } from '../../api/kinds.js';

/** Tolerations Kubernetes adds to every daemon pod, so that node conditions and cordoning do
 * not evict or block the node's own daemons. */
export const daemonTolerations: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** Host-network daemons also run where the pod network is not up yet. */
const networkUnavailable: Toleration = { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' };

/** The template's tolerations plus the daemon ones it lacks. */
export function withDaemonTolerations(spec: Pick<PodSpec, 'tolerations' | 'hostNetwork'>): Toleration[] {
  const out = [...(spec.tolerations ?? [])];
  const extra = spec.hostNetwork ? [...daemonTolerations, networkUnavailable] : daemonTolerations;
  for (const t of extra) {
    if (!out.some((o) => o.key === t.key && o.effect === t.effect && (o.operator ?? 'Equal') === t.operator)) out.push({ ...t });
  }
  return out;
}

/** Kubernetes' Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

function untolerated(tolerations: readonly Toleration[], taints: readonly Taint[], effects: readonly string[]): Taint[] {
  return taints.filter((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
}

interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const vs = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && vs.includes(value);
    case 'NotIn':
      return value === undefined || !vs.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || !/^-?\d+$/.test(value) || vs.length !== 1 || !/^-?\d+$/.test(vs[0]!)) return false;
      return r.operator === 'Gt' ? BigInt(value) > BigInt(vs[0]!) : BigInt(value) < BigInt(vs[0]!);
    }
    default:
      return false;
  }
}

/** A term with no requirements matches nothing, as in Kubernetes. */
function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return exprs.every((r) => requirementMatches(r, Object.prototype.hasOwnProperty.call(labels, r.key) ? labels[r.key] : undefined))
    && fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata.name));
}

export function requiredNodeTerms(spec: Pick<PodSpec, 'affinity'>): NodeSelectorTerm[] | undefined {
  const na = (spec.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } } | undefined)?.nodeAffinity;
  return na?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
}

/** nodeSelector and required node affinity (any term). */
export function matchesNodeAffinity(spec: Pick<PodSpec, 'nodeSelector' | 'affinity'>, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  if (!Object.entries(spec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v)) return false;
  const terms = requiredNodeTerms(spec);
  return terms === undefined || terms.some((t) => termMatches(t, node));
}

export interface NodeVerdict {
  /** A daemon pod should be created here if missing. */
  readonly shouldRun: boolean;
  /** A daemon pod already here may stay. */
  readonly shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(spec: PodSpec, node: Node): NodeVerdict {
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!matchesNodeAffinity(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = withDaemonTolerations(spec);
  const taints = node.spec?.taints ?? [];
  if (untolerated(tolerations, taints, ['NoSchedule', 'NoExecute']).length === 0) return { shouldRun: true, shouldContinueRunning: true };
  return { shouldRun: false, shouldContinueRunning: untolerated(tolerations, taints, ['NoExecute']).length === 0 };
}

/** The required node affinity Kubernetes (≥1.12) gives a daemon pod for `nodeName`: the
 * template's required terms are replaced by one matching the node's name. */
export function affinityForNode(spec: Pick<PodSpec, 'affinity'>, nodeName: string): Record<string, unknown> {
  const affinity = structuredClone(spec.affinity ?? {});
  const nodeAffinity = { ...((affinity['nodeAffinity'] as Record<string, unknown> | undefined) ?? {}) };
  nodeAffinity['requiredDuringSchedulingIgnoredDuringExecution'] = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
  return { ...affinity, nodeAffinity };
}
