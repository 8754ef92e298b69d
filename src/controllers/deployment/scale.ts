/**
 * Scaling a deployment that is not rolling out a new template (Kubernetes' sync/scale): when one
 * ReplicaSet is active it simply takes the new size; when a rollout is in progress the change is
 * spread over the active ReplicaSets in proportion to their size — each gets
 * round(size × (replicas + surge) / max-replicas annotation) − size, the largest takes the
 * remainder — so that a scale in the middle of a rollout keeps its old/new ratio. The size
 * arithmetic is pure (`proportionalSizes`); `scaleDeployment` applies it.
 */
import type { Deployment, ReplicaSet } from './types.js';
import type { Rollout } from './rollout.js';
import { desiredReplicasOf, maxReplicasOf } from './annotations.js';
import {
  bySizeNewer, bySizeOlder, deploymentReplicas, filterActive, findActiveOrLatest, replicaCount, specReplicas,
} from './replicasets.js';
import { maxSurge } from './rolling.js';

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** The replicas `rs` gains (or loses) when the deployment grows by `toAdd` in all (getReplicaSetFraction). */
export function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const replicas = deploymentReplicas(d);
  if (replicas === 0) return -specReplicas(rs);
  const target = replicas + maxSurge(d);
  const annotated = maxReplicasOf(rs) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return roundHalfAway((specReplicas(rs) * target) / annotated) - specReplicas(rs);
}

/** Kubernetes' GetProportion: the fraction, capped by what is still left to add or remove. */
export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** New sizes for the active ReplicaSets (all with replicas > 0) during a rollout. */
export function proportionalSizes(d: Deployment, active: readonly ReplicaSet[]): Map<ReplicaSet, number> {
  const replicas = deploymentReplicas(d);
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowed - replicaCount(active);
  const order = [...active];
  if (toAdd > 0) order.sort(bySizeNewer);
  else if (toAdd < 0) order.sort(bySizeOlder);
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of order) {
    if (toAdd !== 0) {
      const p = proportion(rs, d, toAdd, added);
      sizes.set(rs, specReplicas(rs) + p);
      added += p;
    } else sizes.set(rs, specReplicas(rs));
  }
  const first = order[0];
  if (toAdd !== 0 && first) sizes.set(first, Math.max(0, (sizes.get(first) ?? 0) + toAdd - added));
  return sizes;
}

/** Kubernetes' IsSaturated: the new ReplicaSet has all the deployment's replicas, available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const replicas = deploymentReplicas(d);
  return specReplicas(rs) === replicas && desiredReplicasOf(rs) === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

/** A scaling event: some active ReplicaSet was last sized for another deployment size. */
export function isScalingEvent(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): boolean {
  const replicas = deploymentReplicas(d);
  return filterActive([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasOf(rs);
    return desired !== undefined && desired !== replicas;
  });
}

export async function scaleDeployment(r: Rollout, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): Promise<void> {
  const d = r.d;
  const replicas = deploymentReplicas(d);
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    if (specReplicas(only) !== replicas) await r.scaleReplicaSet(only, replicas);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const rs of filterActive(oldRSs)) await r.scaleReplicaSet(rs, 0);
    return;
  }
  if ((d.spec.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
  // Every active ReplicaSet is written, even at its old size: its replicas annotations follow
  // the deployment's new size, which ends the scaling event.
  for (const [rs, size] of proportionalSizes(d, filterActive([...oldRSs, newRS]))) await r.scaleReplicaSet(rs, size, true);
}
