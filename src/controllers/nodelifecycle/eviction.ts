/**
 * Taint-based eviction, limited to the controller's own NoExecute taints (unreachable,
 * not-ready): a pod leaves a tainted node after its matching toleration's `tolerationSeconds`,
 * stays for good with a toleration that has none (DaemonSet pods), and — since skiff has no
 * DefaultTolerationSeconds admission plugin — a pod without a matching toleration is treated as
 * if that plugin had given it one of `podEvictionTimeoutMs` (Kubernetes' 300 s).
 */
import type { Pod, Taint, Toleration } from '../../api/kinds.js';
import { taintNotReady, taintUnreachable } from './health.js';

/** Kubernetes' `Toleration.ToleratesTaint`. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if ((t.operator ?? 'Equal') === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/**
 * When `pod` must leave a node with `taints` (epoch ms), or undefined when it may stay. `now` is
 * the fallback for a taint without `timeAdded`.
 */
export function evictionTime(pod: Pod, taints: readonly Taint[], podEvictionTimeoutMs: number, now: number): number | undefined {
  if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return undefined;
  let at: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute' || (taint.key !== taintUnreachable && taint.key !== taintNotReady)) continue;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : now;
    const matching = (pod.spec.tolerations ?? []).filter((t) => tolerates(t, taint));
    let allowedMs: number | undefined;
    if (matching.length === 0) allowedMs = podEvictionTimeoutMs;
    else if (matching.some((t) => t.tolerationSeconds === undefined || t.tolerationSeconds === null)) continue;
    else allowedMs = Math.max(0, Math.min(...matching.map((t) => t.tolerationSeconds!)) * 1000);
    const when = added + allowedMs;
    at = at === undefined ? when : Math.min(at, when);
  }
  return at;
}
