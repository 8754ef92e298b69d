/**
 * Facts about a deployment's ReplicaSets, free of I/O (Kubernetes' deployment util): counts, the
 * orders the rollout walks them in, and which one is the new ReplicaSet — the oldest whose
 * template equals the deployment's once the hash label is ignored.
 */
import type { Deployment, ReplicaSet } from './types.js';
import { equalIgnoreHash } from './hash.js';
import { revisionOf } from './annotations.js';

/** spec.replicas (the server defaults it to 1). */
export function specReplicas(rs: ReplicaSet): number {
  return rs.spec.replicas ?? 0;
}

export function deploymentReplicas(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

/** Sum of spec.replicas. */
export function replicaCount(rss: readonly (ReplicaSet | undefined)[]): number {
  let n = 0;
  for (const rs of rss) if (rs) n += specReplicas(rs);
  return n;
}

/** Sum of status.replicas (pods that exist). */
export function actualReplicaCount(rss: readonly (ReplicaSet | undefined)[]): number {
  let n = 0;
  for (const rs of rss) if (rs) n += rs.status?.replicas ?? 0;
  return n;
}

export function readyReplicaCount(rss: readonly (ReplicaSet | undefined)[]): number {
  let n = 0;
  for (const rs of rss) if (rs) n += rs.status?.readyReplicas ?? 0;
  return n;
}

export function availableReplicaCount(rss: readonly (ReplicaSet | undefined)[]): number {
  let n = 0;
  for (const rs of rss) if (rs) n += rs.status?.availableReplicas ?? 0;
  return n;
}

/** ReplicaSets with spec.replicas above zero. */
export function filterActive(rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && specReplicas(rs) > 0);
}

function created(rs: ReplicaSet): number {
  return Date.parse(rs.metadata.creationTimestamp ?? '') || 0;
}

/** Older first; the same second: by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return created(a) - created(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** Larger first; the same size: newer first (where to add replicas). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreation(b, a);
}

/** Larger first; the same size: older first (where to remove replicas). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreation(a, b);
}

/** Lower revision first; the same revision: older first. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a) || 0;
  const rb = revisionOf(b) || 0;
  return ra - rb || byCreation(a, b);
}

/** The ReplicaSet running the deployment's current template, if any (the oldest such). */
export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** Every ReplicaSet but the new one. */
export function findOldReplicaSets(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet[] {
  const fresh = findNewReplicaSet(d, rss);
  return rss.filter((rs) => rs.metadata.uid !== fresh?.metadata.uid);
}

/** Kubernetes' FindActiveOrLatest: the one ReplicaSet with replicas, or when none has any the new
 * one or else the latest old one; undefined while several have replicas (a rollout is on). */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}
