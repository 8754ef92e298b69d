/**
 * The arithmetic of kubectl's old `rolling-update` (pkg/kubectl/rolling_updater.go), kept pure so it
 * can be tested case by case: how far the new controller may grow (surge) and how far the old one
 * may shrink (availability) given the replica counts and how many new pods are available.
 *
 * The command always runs with maxSurge 1 and maxUnavailable 0: at most `desired + 1` pods, never
 * fewer than `desired` available ones. Old pods are assumed available (kubectl's rule: the old
 * controller counts toward the total so a volatile old controller cannot starve the update).
 */

export interface Limits {
  readonly desired: number;
  readonly maxSurge: number;
  readonly maxUnavailable: number;
  /** Pods that must stay available: `max(0, desired - maxUnavailable)`, 0 when scaling to 0. */
  readonly minAvailable: number;
}

export interface Counts {
  /** spec.replicas of the old and the new controller. */
  readonly oldReplicas: number;
  readonly newReplicas: number;
  /** Available (ready for minReadySeconds, not being deleted) pods of the new controller. */
  readonly newAvailable: number;
}

/** kubectl's fenceposts for rolling-update: surge 1, unavailable 0, or the old size when the
 * update scales to zero. */
export function limits(desired: number, oldReplicas: number, maxSurge = 1, maxUnavailable = 0): Limits {
  if (desired === 0) return { desired, maxSurge, maxUnavailable: oldReplicas, minAvailable: 0 };
  if (maxSurge === 0 && maxUnavailable === 0) throw new Error('one of maxSurge or maxUnavailable must be specified');
  return { desired, maxSurge, maxUnavailable, minAvailable: Math.max(0, desired - maxUnavailable) };
}

/** The new controller's next size, or undefined when it must not (or need not) grow now. */
export function scaleUpTo(l: Limits, c: Counts): number | undefined {
  if (c.newReplicas === l.desired) return undefined;
  const increment = c.oldReplicas === 0 ? l.desired - c.newReplicas : l.desired + l.maxSurge - (c.oldReplicas + c.newReplicas);
  if (increment <= 0) return undefined;
  return Math.min(l.desired, c.newReplicas + increment);
}

/** The old controller's next size, or undefined when shrinking now would break availability. */
export function scaleDownTo(l: Limits, c: Counts): number | undefined {
  if (c.oldReplicas === 0) return undefined;
  const newUnavailable = c.newReplicas - c.newAvailable;
  const decrement = c.oldReplicas + c.newReplicas - l.minAvailable - newUnavailable;
  if (decrement <= 0) return undefined;
  if (c.newReplicas === l.desired && c.newAvailable === l.desired) return 0;
  return Math.max(0, c.oldReplicas - decrement);
}

/** Whether the rollout loop is over: the new controller at its size, the old one at zero. */
export function done(l: Limits, c: Pick<Counts, 'oldReplicas' | 'newReplicas'>): boolean {
  return c.newReplicas === l.desired && c.oldReplicas === 0;
}

/** The line kubectl prints before the loop. */
export function startLine(newName: string, newReplicas: number, oldName: string, oldReplicas: number, l: Limits): string {
  return `Scaling up ${newName} from ${newReplicas} to ${l.desired}, scaling down ${oldName} from ${oldReplicas} to 0 (keep ${l.minAvailable} pods available, don't exceed ${l.desired + l.maxSurge} pods)`;
}
