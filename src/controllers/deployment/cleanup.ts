/**
 * Which old ReplicaSets go when there are more than revisionHistoryLimit (Kubernetes'
 * cleanupDeployment): the lowest revisions first, and only ones that are empty — no replicas
 * wanted or present, their controller caught up with their spec — and not already being deleted.
 */
import type { Deployment, ReplicaSet } from './types.js';
import { byRevision, specReplicas } from './replicasets.js';

/** revisionHistoryLimit at MaxInt32 means "keep everything" (the extensions/v1beta1 default). */
const keepAll = 2147483647;

export function replicaSetsToCleanUp(d: Deployment, oldRSs: readonly ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec.revisionHistoryLimit;
  if (limit === undefined || limit === null || limit === keepAll) return [];
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return [];
  return [...alive].sort(byRevision).slice(0, diff).filter((rs) =>
    (rs.status?.replicas ?? 0) === 0 && specReplicas(rs) === 0
    && (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0));
}
