/**
 * Waiting for objects to be gone, as `delete --wait` and `stop` do: an object that only got a
 * `deletionTimestamp` (pods terminating, foreground deletion) is not gone yet; one recreated under
 * the same name (another uid) is.
 */
import type { KubeObject } from '../../api/types.js';
import type { CliContext } from './context.js';
import type { ApiResource } from './discovery.js';
import { CliError, isNotFound } from './errors.js';
import { getObject, listObjects } from './objects.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves when `name` (of `uid`, if given) no longer exists; `timeoutMs` 0 waits for ever. */
export async function waitForGone(ctx: CliContext, r: ApiResource, namespace: string | undefined, name: string, uid: string | undefined, timeoutMs = 0): Promise<void> {
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    try {
      const o = await getObject(ctx, r, namespace, name);
      if (uid && o.metadata.uid !== uid) return;
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (Date.now() > deadline) throw new CliError(`timed out waiting for the condition on ${r.plural}/${name}`);
    await sleep(delay);
  }
}

/** Resolves when no object of `r` in `namespace` is owned by `ownerUid` any more. */
export async function waitForDependentsGone(ctx: CliContext, r: ApiResource, namespace: string | undefined, ownerUid: string, timeoutMs = 0): Promise<void> {
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  const owned = (o: KubeObject) => (o.metadata.ownerReferences ?? []).some((ref) => ref.uid === ownerUid);
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (!(await listObjects(ctx, r, namespace)).some(owned)) return;
    if (Date.now() > deadline) throw new CliError(`timed out waiting for the ${r.plural} of the deleted object to go`);
    await sleep(delay);
  }
}
