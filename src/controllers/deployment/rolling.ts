/**
 * The RollingUpdate strategy (Kubernetes' rolloutRolling): grow the new ReplicaSet while the total
 * stays within replicas + maxSurge, shrink old ones while the available pods stay at least
 * replicas − maxUnavailable — unhealthy old replicas first, then the oldest ReplicaSets. The
 * arithmetic is exported pure; `rolloutRolling` applies it through a {@link Rollout}.
 */
import type { IntOrString } from '../../api/kinds.js';
import type { Deployment, ReplicaSet } from './types.js';
import type { Rollout } from './rollout.js';
import {
  availableReplicaCount, byCreation, deploymentReplicas, filterActive, replicaCount, specReplicas,
} from './replicasets.js';
import { deploymentComplete } from './progress.js';

/** apimachinery's GetScaledValueFromIntOrPercent: an int as is, a percentage of `total` rounded
 * up (surge) or down (unavailable). Undefined for a string that is no percentage. */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean): number | undefined {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) return /^-?\d+$/.test(v) ? Number(v) : undefined;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Kubernetes' ResolveFenceposts: surge rounds up, unavailable down; if both come to 0 (only a
 * rounded-down percentage can do that; validation refuses literal zeros) one may be unavailable. */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, desired, true) ?? 0;
  let unavailable = scaledValue(maxUnavailable, desired, false) ?? 0;
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, deploymentReplicas(d));
}

/** Pods allowed above spec.replicas (0 for Recreate). */
export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d).surge : 0;
}

/** Pods allowed to be unavailable, at most spec.replicas (0 for Recreate or no replicas). */
export function maxUnavailable(d: Deployment): number {
  const replicas = deploymentReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas);
}

/** Kubernetes' NewRSNewReplicas: the size the new ReplicaSet may grow to now. */
export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  const replicas = deploymentReplicas(d);
  if (!isRollingUpdate(d)) return replicas;
  const current = replicaCount(allRSs);
  const maxTotal = replicas + maxSurge(d);
  if (current >= maxTotal) return specReplicas(newRS);
  const up = Math.min(maxTotal - current, replicas - specReplicas(newRS));
  return specReplicas(newRS) + up;
}

/** How many old replicas may go in this step (Kubernetes' maxScaledDown in
 * reconcileOldReplicaSets): total − minAvailable − the new ReplicaSet's unavailable pods. */
export function maxScaledDown(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  const minAvailable = deploymentReplicas(d) - maxUnavailable(d);
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  return replicaCount(allRSs) - minAvailable - newUnavailable;
}

/** Old ReplicaSets with unavailable replicas, oldest first, shrunk by at most `budget` in all:
 * returns the sizes to set (cleanupUnhealthyReplicas). */
export function unhealthyCleanup(oldRSs: readonly ReplicaSet[], budget: number): Map<ReplicaSet, number> {
  const out = new Map<ReplicaSet, number>();
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    const size = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    // A status that still counts pods of a larger size is behind, not unhealthy: Kubernetes
    // refuses to "clean up" upward, and so does this.
    if (size === 0 || available >= size) continue;
    const n = Math.min(budget - total, size - available);
    out.set(rs, size - n);
    total += n;
  }
  return out;
}

/** Sizes for old ReplicaSets so that available pods come down to minAvailable, oldest first
 * (scaleDownOldReplicaSetsForRollingUpdate). */
export function healthyScaleDown(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], oldRSs: readonly ReplicaSet[]): Map<ReplicaSet, number> {
  const out = new Map<ReplicaSet, number>();
  const minAvailable = deploymentReplicas(d) - maxUnavailable(d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return out;
  const want = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= want) break;
    const size = specReplicas(rs);
    if (size === 0) continue;
    const n = Math.min(size, want - total);
    out.set(rs, size - n);
    total += n;
  }
  return out;
}

async function reconcileNewReplicaSet(r: Rollout, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): Promise<boolean> {
  const replicas = deploymentReplicas(r.d);
  if (specReplicas(newRS) === replicas) return false;
  if (specReplicas(newRS) > replicas) return (await r.scaleReplicaSet(newRS, replicas)).scaled;
  return (await r.scaleReplicaSet(newRS, newRSNewReplicas(r.d, allRSs, newRS))).scaled;
}

async function reconcileOldReplicaSets(r: Rollout, allRSs: readonly (ReplicaSet | undefined)[], oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  if (replicaCount(oldRSs) === 0) return false;
  const budget = maxScaledDown(r.d, allRSs, newRS);
  if (budget <= 0) return false;
  let scaled = 0;
  const current = [...oldRSs];
  for (const [rs, size] of unhealthyCleanup(current, budget)) {
    const res = await r.scaleReplicaSet(rs, size);
    scaled += specReplicas(rs) - size;
    current[current.indexOf(rs)] = res.rs;
  }
  for (const [rs, size] of healthyScaleDown(r.d, [...current, newRS], current)) {
    await r.scaleReplicaSet(rs, size);
    scaled += specReplicas(rs) - size;
  }
  return scaled > 0;
}

/** One step of a rolling update. */
export async function rolloutRolling(r: Rollout): Promise<void> {
  const { newRS, oldRSs } = await r.replicaSets(true);
  const allRSs = [...oldRSs, newRS];
  if (!newRS) return r.syncRolloutStatus(allRSs, newRS);
  if (await reconcileNewReplicaSet(r, allRSs, newRS)) return r.syncRolloutStatus(allRSs, newRS);
  if (await reconcileOldReplicaSets(r, allRSs, filterActive(oldRSs), newRS)) return r.syncRolloutStatus(allRSs, newRS);
  if (deploymentComplete(r.d, r.d.status ?? {})) await r.cleanup(oldRSs);
  return r.syncRolloutStatus(allRSs, newRS);
}
