/** Whether tolerations cover taints, with Kubernetes' matching rules (`v1.Toleration.ToleratesTaint`). */
import type { Taint, Toleration } from '../api/kinds.js';

/** An empty effect matches every effect; an empty key with Exists matches every key; Equal (the
 * default operator) needs the same value. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (t.operator !== undefined && t.operator !== 'Equal') return false;
  return (t.value ?? '') === (taint.value ?? '');
}

export function toleratedBy(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (tolerates(t, taint)) return true;
  return false;
}
