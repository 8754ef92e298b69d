/**
 * Pod readiness gates and the conditions the kubelet does not own, as kubelet's status code
 * treats them: Ready is True only when the containers are ready *and* every gate's condition in
 * status.conditions is True (GeneratePodReadyCondition); a condition type the kubelet does not own
 * (a gate's, DisruptionTarget, anything a controller adds) is carried over from the pod as it is,
 * never rewritten.
 */
import type { Condition, Pod } from '../api/kinds.js';
import type { ConditionValue } from './pod-conditions.js';

/** kubetypes.PodConditionsByKubelet, with PodReadyToStartContainers (on by default in 1.32). */
export const kubeletConditionTypes: ReadonlySet<string> = new Set(['PodScheduled', 'Ready', 'Initialized', 'ContainersReady', 'PodReadyToStartContainers']);

/** kubelet's reason when the containers are ready and a gate is not. */
export const readinessGatesNotReady = 'ReadinessGatesNotReady';

/** The pod's conditions that others own, unchanged and in their order. */
export function foreignConditions(prior: readonly Condition[] | undefined): Condition[] {
  return (prior ?? []).filter((c) => !kubeletConditionTypes.has(c.type));
}

/** Why the gates keep the pod from Ready, in kubelet's words; undefined when they all pass. */
export function unreadyGatesMessage(pod: Pod, conditions: readonly Condition[]): string | undefined {
  const messages: string[] = [];
  for (const gate of pod.spec.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) messages.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') messages.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  return messages.length ? messages.join(', ') : undefined;
}

/**
 * The Ready condition from ContainersReady (kubelet's GeneratePodReadyCondition): the same while
 * that is not True, else False with ReadinessGatesNotReady while a gate is unmet, else True.
 */
export function gatedReady(pod: Pod, containersReady: ConditionValue): ConditionValue {
  if (!containersReady.ok) return { ...containersReady, type: 'Ready' };
  const gates = unreadyGatesMessage(pod, pod.status?.conditions ?? []);
  return gates === undefined ? { type: 'Ready', ok: true } : { type: 'Ready', ok: false, reason: readinessGatesNotReady, message: gates };
}
