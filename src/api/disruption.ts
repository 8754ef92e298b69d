/** The `DisruptionAllowed` condition of a PodDisruptionBudget, shared by the disruption controller
 * and the eviction subresource (both change `disruptionsAllowed`). */
import type { MetaCondition, PodDisruptionBudgetStatus } from './kinds.js';
import { kubeTime } from './time.js';

export const disruptionAllowedCondition = 'DisruptionAllowed';

/** Sets (or keeps) one condition, moving lastTransitionTime only when the status changes
 * (apimachinery's SetStatusCondition). */
export function setCondition(conditions: readonly MetaCondition[] | undefined, want: Omit<MetaCondition, 'lastTransitionTime'>, now = kubeTime()): MetaCondition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === want.type);
  const old = i >= 0 ? list[i] : undefined;
  const next: MetaCondition = { ...want, lastTransitionTime: old && old.status === want.status ? old.lastTransitionTime : now };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

/** The `DisruptionAllowed` condition for the status's count (Kubernetes' UpdateDisruptionAllowedCondition). */
export function withAllowedCondition(status: PodDisruptionBudgetStatus): PodDisruptionBudgetStatus {
  const allowed = status.disruptionsAllowed > 0;
  return {
    ...status,
    conditions: setCondition(status.conditions, {
      type: disruptionAllowedCondition,
      status: allowed ? 'True' : 'False',
      reason: allowed ? 'SufficientPods' : 'InsufficientPods',
      message: '',
      ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
    }),
  };
}

