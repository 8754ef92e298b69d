/**
 * Claiming pods (Kubernetes' ControllerRefManager.ClaimPods) for any owner: keep ours that match,
 * adopt matching orphans (after a live read proves the owner is not being deleted), release ours
 * that stopped matching. Shared by every workload controller; the decisions are `claimDecision`.
 */
import type { Pod } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import type { Selector } from '../../api/labels.js';
import type { ResourceType } from '../../api/resources.js';
import type { ControllerContext } from '../controller.js';
import { errorMessage, isNotFound, type PodControl } from './podcontrol.js';
import { ownerRefFor, podKey } from './pods.js';
import { claimDecision } from './policy.js';

export interface ClaimOwner {
  readonly obj: KubeObject;
  readonly resource: ResourceType;
  readonly apiVersion: string;
  readonly kind: string;
}

/** Applies the claim decisions to `candidates`; returns the pods `owner` controls afterwards. */
export async function claimPods(ctx: ControllerContext, control: PodControl, owner: ClaimOwner, selector: Selector, candidates: readonly Pod[]): Promise<Pod[]> {
  const owned: Pod[] = [];
  const obj = owner.obj;
  const ownerUid = obj.metadata.uid ?? '';
  const ownerDeleting = Boolean(obj.metadata.deletionTimestamp);
  let canAdopt: boolean | undefined;
  for (const pod of candidates) {
    const decision = claimDecision(pod, { ownerUid, ownerDeleting, matches: selector.matches(pod.metadata.labels) });
    if (decision === 'keep') owned.push(pod);
    else if (decision === 'adopt') {
      // A cached owner may already be deleted; adopting into it would hand the pod to the
      // garbage collector. Kubernetes rechecks with a live read, once per sync.
      canAdopt ??= await stillLive(ctx, owner);
      if (!canAdopt) continue;
      const refs = [...(pod.metadata.ownerReferences ?? []), ownerRefFor(obj, owner.apiVersion, owner.kind)];
      try {
        owned.push(await control.setOwnerReferences(pod, refs));
      } catch (err) {
        if (!isNotFound(err)) ctx.log.info({ owner: obj.metadata.name, pod: podKey(pod), err: errorMessage(err) }, 'adoption failed');
      }
    } else if (decision === 'release') {
      try {
        await control.setOwnerReferences(pod, (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid));
      } catch (err) {
        if (!isNotFound(err)) ctx.log.info({ owner: obj.metadata.name, pod: podKey(pod), err: errorMessage(err) }, 'release failed');
      }
    }
  }
  return owned;
}

async function stillLive(ctx: ControllerContext, owner: ClaimOwner): Promise<boolean> {
  try {
    const fresh = await ctx.client.get(owner.resource, owner.obj.metadata.namespace, owner.obj.metadata.name ?? '');
    return fresh.metadata.uid === owner.obj.metadata.uid && !fresh.metadata.deletionTimestamp;
  } catch {
    return false;
  }
}
