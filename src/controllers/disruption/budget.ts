/**
 * The arithmetic of a PodDisruptionBudget's status, as Kubernetes' disruption controller does it:
 * how many pods are expected and how many must stay healthy (from an int, or from a percentage or
 * maxUnavailable scaled against the pods' controllers), which recent evictions still count as
 * disruptions, how many pods are healthy, and the `DisruptionAllowed` condition.
 */
import type { Pod, PodDisruptionBudget, PodDisruptionBudgetStatus } from '../../api/kinds.js';
import { disruptionAllowedCondition, setCondition, withAllowedCondition } from '../../api/disruption.js';
import { isReady } from '../replication/index.js';

/** An eviction the controller has not yet seen carried out stops counting after this long
 * (Kubernetes' DeletionTimeout). */
export const deletionTimeoutMs = 2 * 60_000;

/** An int, or `N%` of `total` rounded up (intstr.GetScaledValueFromIntOrPercent with roundUp). */
export function scaledValue(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or a percentage`);
  return Math.ceil((Number(m[1]) * total) / 100);
}

/** Whether the budget's bound needs the pods' controllers' scale (everything but an int minAvailable). */
export function needsScale(pdb: PodDisruptionBudget): boolean {
  const { minAvailable, maxUnavailable } = pdb.spec;
  if (maxUnavailable !== undefined && maxUnavailable !== null) return true;
  return typeof minAvailable === 'string';
}

export interface Expected {
  readonly expectedCount: number;
  readonly desiredHealthy: number;
}

/** Expected pods and desired healthy ones. `scale` is the sum of the pods' controllers' replicas,
 * asked for only when {@link needsScale}. */
export function expectedPods(pdb: PodDisruptionBudget, podCount: number, scale: () => number): Expected {
  const { minAvailable, maxUnavailable } = pdb.spec;
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const expectedCount = scale();
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - scaledValue(maxUnavailable, expectedCount)) };
  }
  if (typeof minAvailable === 'number') return { expectedCount: podCount, desiredHealthy: minAvailable };
  if (typeof minAvailable === 'string') {
    const expectedCount = scale();
    return { expectedCount, desiredHealthy: scaledValue(minAvailable, expectedCount) };
  }
  return { expectedCount: 0, desiredHealthy: 0 };
}

export interface DisruptedPods {
  /** The entries still in force: pods evicted recently that are not yet terminating. */
  readonly map: Record<string, string>;
  /** Pods whose eviction was allowed over {@link deletionTimeoutMs} ago and which still run. */
  readonly expired: readonly string[];
  /** When the next entry expires (ms since the epoch), to look again then. */
  readonly recheckAt?: number;
}

/** The budget's `disruptedPods` kept for the pods that still match and have not begun to go. */
export function disruptedPods(pdb: PodDisruptionBudget, pods: readonly Pod[], now: number): DisruptedPods {
  const old = pdb.status?.disruptedPods ?? {};
  const map: Record<string, string> = {};
  const expired: string[] = [];
  let recheckAt: number | undefined;
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    if (pod.metadata.deletionTimestamp) continue;
    const at = old[name];
    if (at === undefined) continue;
    const deadline = Date.parse(at) + deletionTimeoutMs;
    if (deadline < now) {
      expired.push(name);
      continue;
    }
    map[name] = at;
    recheckAt = recheckAt === undefined ? deadline : Math.min(recheckAt, deadline);
  }
  return { map, expired, ...(recheckAt !== undefined ? { recheckAt } : {}) };
}

/** Ready pods that are neither terminating nor recently evicted. */
export function countHealthy(pods: readonly Pod[], disrupted: Readonly<Record<string, string>>): number {
  return pods.filter((p) => !p.metadata.deletionTimestamp && disrupted[p.metadata.name ?? ''] === undefined && isReady(p)).length;
}

/** The status the controller writes after a good sync. No disruption is allowed while no pod is
 * expected, so a budget whose first pods appear before the controller looks is safe. */
export function budgetStatus(pdb: PodDisruptionBudget, expected: Expected, currentHealthy: number, disrupted: Readonly<Record<string, string>>): PodDisruptionBudgetStatus {
  let allowed = currentHealthy - expected.desiredHealthy;
  if (expected.expectedCount <= 0 || allowed <= 0) allowed = 0;
  const { disruptedPods: _old, ...rest } = pdb.status ?? { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  return withAllowedCondition({
    ...rest,
    ...(Object.keys(disrupted).length > 0 ? { disruptedPods: { ...disrupted } } : {}),
    currentHealthy,
    desiredHealthy: expected.desiredHealthy,
    expectedPods: expected.expectedCount,
    disruptionsAllowed: allowed,
    observedGeneration: pdb.metadata.generation ?? 0,
  });
}

/** The status after a failed sync: nothing may be disrupted (Kubernetes' failSafe). */
export function failSafeStatus(pdb: PodDisruptionBudget, message: string): PodDisruptionBudgetStatus {
  const base = pdb.status ?? { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  const observedGeneration = pdb.metadata.generation ?? 0;
  return {
    ...base,
    disruptionsAllowed: 0,
    observedGeneration,
    conditions: setCondition(base.conditions, {
      type: disruptionAllowedCondition, status: 'False', reason: 'SyncFailed', message, observedGeneration,
    }),
  };
}
