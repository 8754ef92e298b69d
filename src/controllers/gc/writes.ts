/**
 * The garbage collector's writes. Each reads the live object, checks it is still the one the
 * decision was about (same uid), changes one list, and writes it back with its resourceVersion —
 * a 409 throws, and the work item is retried from fresh reads.
 */
import type { ResourceType } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../api/errors.js';
import type { RestClient } from '../../client/rest.js';
import type { DeletionPolicy } from './policy.js';

function isCode(err: unknown, ...codes: number[]): boolean {
  return err instanceof ApiError && codes.includes(err.code);
}

async function liveCopy(client: RestClient, r: ResourceType, namespace: string | undefined, name: string, uid: string | undefined): Promise<KubeObject | undefined> {
  try {
    const live = await client.get(r, namespace, name);
    return uid && live.metadata.uid !== uid ? undefined : live;
  } catch (err) {
    if (isCode(err, 404)) return undefined;
    throw err;
  }
}

/** Drops the ownerReferences naming `uids` from an object. */
export async function removeOwnerRefs(client: RestClient, r: ResourceType, obj: KubeObject, uids: ReadonlySet<string>): Promise<void> {
  const live = await liveCopy(client, r, obj.metadata.namespace, obj.metadata.name!, obj.metadata.uid);
  if (!live) return;
  const refs = live.metadata.ownerReferences ?? [];
  const kept = refs.filter((ref) => !uids.has(ref.uid));
  if (kept.length === refs.length) return;
  live.metadata.ownerReferences = kept;
  try {
    await client.update(r, live);
  } catch (err) {
    if (!isCode(err, 404)) throw err;
  }
}

/** Removes one finalizer; the server deletes the object when it was the last one. */
export async function removeFinalizer(client: RestClient, r: ResourceType, obj: KubeObject, finalizer: string): Promise<void> {
  const live = await liveCopy(client, r, obj.metadata.namespace, obj.metadata.name!, obj.metadata.uid);
  if (!live || !(live.metadata.finalizers ?? []).includes(finalizer)) return;
  live.metadata.finalizers = (live.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  try {
    await client.update(r, live);
  } catch (err) {
    if (!isCode(err, 404)) throw err;
  }
}

/** Deletes exactly this object (uid precondition) with a propagation policy; already gone or
 * replaced by a namesake counts as done. */
export async function deleteObject(client: RestClient, r: ResourceType, obj: KubeObject, policy: DeletionPolicy): Promise<void> {
  try {
    await client.delete(r, obj.metadata.namespace, obj.metadata.name!, {
      propagationPolicy: policy,
      ...(obj.metadata.uid ? { preconditions: { uid: obj.metadata.uid } } : {}),
    });
  } catch (err) {
    // 404: gone already. 409 on the uid precondition: a namesake, not ours to delete.
    if (isCode(err, 404)) return;
    if (isCode(err, 409) && /Precondition failed: UID/.test((err as Error).message)) return;
    throw err;
  }
}

/** The live object if it still is `uid` (a GET: the garbage collector confirms absence before
 * acting on it, because an informer may simply not have caught up). */
export async function confirmOwner(client: RestClient, r: ResourceType, namespace: string | undefined, name: string, uid: string): Promise<KubeObject | undefined> {
  return liveCopy(client, r, namespace, name, uid);
}
