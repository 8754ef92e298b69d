/** The autoscaler's conditions, as upstream sets them: a changed status moves the transition
 * time, the same status keeps it; the order is AbleToScale, ScalingActive, ScalingLimited. */
import type { HPACondition } from '../../api/kinds.js';

const order: readonly HPACondition['type'][] = ['AbleToScale', 'ScalingActive', 'ScalingLimited'];

export function setCondition(list: HPACondition[], type: HPACondition['type'], status: HPACondition['status'], reason: string, message: string, now: Date): HPACondition[] {
  const old = list.find((c) => c.type === type);
  const next: HPACondition = { type, status, lastTransitionTime: old && old.status === status ? old.lastTransitionTime! : now.toISOString(), reason, message };
  return [...list.filter((c) => c.type !== type), next].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}
