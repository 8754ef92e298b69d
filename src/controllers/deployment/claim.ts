/**
 * Which ReplicaSets a deployment controls (Kubernetes' ClaimReplicaSets): its own that still
 * match its selector; orphans that match, adopted with a controller ownerReference once a live
 * read shows the deployment is not being deleted; and its own that stopped matching, released
 * (their reference removed) so that they stop counting. The same decisions as for pods.
 */
import { deployments, replicaSets } from '../../api/resources.js';
import type { Pod } from '../../api/kinds.js';
import type { OwnerReference } from '../../api/types.js';
import type { Selector } from '../../api/labels.js';
import type { ControllerContext } from '../controller.js';
import { claimDecision, errorMessage, isNotFound, ownerRefFor } from '../replication/index.js';
import type { Deployment, ReplicaSet } from './types.js';

function setOwners(ctx: ControllerContext, rs: ReplicaSet, refs: readonly OwnerReference[]): Promise<ReplicaSet> {
  // Only the version the decision was made on: a concurrent writer makes this a 422/409, not a lost update.
  return ctx.client.patch<ReplicaSet>(replicaSets, rs.metadata.namespace, rs.metadata.name ?? '', [
    { op: 'test', path: '/metadata/uid', value: rs.metadata.uid },
    { op: 'test', path: '/metadata/resourceVersion', value: rs.metadata.resourceVersion },
    refs.length > 0 ? { op: 'add', path: '/metadata/ownerReferences', value: refs } : { op: 'remove', path: '/metadata/ownerReferences' },
  ], 'json');
}

async function stillLive(ctx: ControllerContext, d: Deployment): Promise<boolean> {
  try {
    const fresh = await ctx.client.get(deployments, d.metadata.namespace, d.metadata.name ?? '');
    return fresh.metadata.uid === d.metadata.uid && !fresh.metadata.deletionTimestamp;
  } catch {
    return false;
  }
}

/** Returns the ReplicaSets `d` controls after adopting and releasing among `candidates`. */
export async function claimReplicaSets(ctx: ControllerContext, d: Deployment, selector: Selector, candidates: readonly ReplicaSet[]): Promise<ReplicaSet[]> {
  const owned: ReplicaSet[] = [];
  const uid = d.metadata.uid ?? '';
  let canAdopt: boolean | undefined;
  for (const rs of candidates) {
    const decision = claimDecision(rs as unknown as Pod, { ownerUid: uid, ownerDeleting: Boolean(d.metadata.deletionTimestamp), matches: selector.matches(rs.metadata.labels) });
    try {
      if (decision === 'keep') owned.push(rs);
      else if (decision === 'adopt') {
        canAdopt ??= await stillLive(ctx, d);
        if (!canAdopt) continue;
        owned.push(await setOwners(ctx, rs, [...(rs.metadata.ownerReferences ?? []), ownerRefFor(d, 'apps/v1', 'Deployment')]));
      } else if (decision === 'release') {
        await setOwners(ctx, rs, (rs.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid));
      }
    } catch (err) {
      if (!isNotFound(err)) ctx.log.info({ deployment: d.metadata.name, replicaSet: rs.metadata.name, decision, err: errorMessage(err) }, 'claiming a replica set failed');
    }
  }
  return owned;
}
