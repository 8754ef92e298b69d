/**
 * What the pod garbage collector removes, as kube-controller-manager's podgc decides it, pure
 * over the cached pods and nodes: finished pods beyond the threshold (evicted first, then the
 * oldest), pods bound to nodes that no longer exist, pods being deleted that never reached a node,
 * and pods being deleted on a node that is down and marked out of service.
 */
import type { Node, Pod } from '../../api/kinds.js';

/** The taint an operator puts on a node that is shut down for good (non-graceful node shutdown). */
export const taintOutOfService = 'node.kubernetes.io/out-of-service';

export function isTerminated(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

const evicted = (p: Pod): boolean => p.status?.reason === 'Evicted';
const created = (p: Pod): number => Date.parse(p.metadata.creationTimestamp ?? '') || 0;

/** The finished pods to delete so that at most `threshold` remain (none when threshold ≤ 0). */
export function terminatedOverThreshold(pods: readonly Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const done = pods.filter(isTerminated);
  if (done.length <= threshold) return [];
  const order = [...done].sort((a, b) => Number(evicted(b)) - Number(evicted(a)) || created(a) - created(b));
  return order.slice(0, done.length - threshold);
}

/** Pods bound to a node not among `nodeNames`, by that node's name. */
export function orphansByNode(pods: readonly Pod[], nodeNames: ReadonlySet<string>): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const p of pods) {
    const node = p.spec.nodeName;
    if (!node || nodeNames.has(node)) continue;
    out.set(node, [...(out.get(node) ?? []), p]);
  }
  return out;
}

/** Pods being deleted that were never bound: no kubelet will ever finish their deletion. */
export function unscheduledTerminating(pods: readonly Pod[]): Pod[] {
  return pods.filter((p) => p.metadata.deletionTimestamp && !p.spec.nodeName);
}

function nodeDown(node: Node): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const outOfService = (node.spec?.taints ?? []).some((t) => t.key === taintOutOfService && t.effect === 'NoExecute');
  return ready?.status !== 'True' && outOfService;
}

/** Pods being deleted on a node that is not ready and tainted out of service. */
export function terminatingOnDownNodes(pods: readonly Pod[], nodes: ReadonlyMap<string, Node>): Pod[] {
  return pods.filter((p) => {
    if (!p.metadata.deletionTimestamp || !p.spec.nodeName) return false;
    const node = nodes.get(p.spec.nodeName);
    return node !== undefined && nodeDown(node);
  });
}
