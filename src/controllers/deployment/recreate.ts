/**
 * The Recreate strategy (Kubernetes' rolloutRecreate): scale every old ReplicaSet to zero, wait
 * until none of their pods is left (not even terminating), and only then create — or grow — the
 * new ReplicaSet to the full size. No old and new pods ever run side by side.
 */
import type { Rollout } from './rollout.js';
import type { ReplicaSet } from './types.js';
import { actualReplicaCount, deploymentReplicas, filterActive, specReplicas } from './replicasets.js';
import { deploymentComplete } from './progress.js';

/** Old pods still exist: counted by the old ReplicaSets' status, or seen among the pods of any
 * ReplicaSet but the new one (a terminating pod counts; a finished one does not). */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], pods: ReadonlyMap<string, readonly { status?: { phase?: string } }[]>): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, list] of pods) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (list.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

export async function rolloutRecreate(r: Rollout): Promise<void> {
  let { newRS, oldRSs } = await r.replicaSets(false);
  let allRSs = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) {
    if ((await r.scaleReplicaSet(rs, 0)).scaled) scaledDown = true;
  }
  if (scaledDown) return r.syncRolloutStatus(allRSs, newRS);
  if (oldPodsRunning(newRS, oldRSs, r.podsByReplicaSet())) return r.syncRolloutStatus(allRSs, newRS);
  if (!newRS) {
    ({ newRS, oldRSs } = await r.replicaSets(true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS && specReplicas(newRS) !== deploymentReplicas(r.d)) await r.scaleReplicaSet(newRS, deploymentReplicas(r.d));
  if (deploymentComplete(r.d, r.d.status ?? {})) await r.cleanup(oldRSs);
  return r.syncRolloutStatus(allRSs, newRS);
}
