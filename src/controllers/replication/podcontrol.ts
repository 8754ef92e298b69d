/**
 * Pod writes on behalf of a controller, each with the Event Kubernetes records for it
 * (`SuccessfulCreate` / `Created pod: NAME`, `SuccessfulDelete` / `Deleted pod: NAME`, their
 * `Failed…` warnings), and ownership patches that only apply to the version of the pod the
 * decision was made on.
 */
import { pods as podsResource } from '../../api/resources.js';
import type { Pod } from '../../api/kinds.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { ApiError } from '../../api/errors.js';
import type { ControllerContext } from '../controller.js';
import { slowStartBatches } from './policy.js';

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class PodControl {
  constructor(private readonly ctx: ControllerContext) {}

  /** Creates `pod` for `owner` (an object with kind and apiVersion set, for the Event). */
  async create(owner: KubeObject, pod: Pod): Promise<Pod> {
    try {
      const created = await this.ctx.client.create<Pod>(podsResource, pod);
      void this.ctx.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name ?? ''}`);
      return created;
    } catch (err) {
      void this.ctx.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      throw err;
    }
  }

  /** Deletes `pod` (already gone counts as done). `gracePeriodSeconds: 0` for pods no node will
   * ever finish. */
  async delete(owner: KubeObject, pod: Pod, gracePeriodSeconds?: number): Promise<void> {
    const name = pod.metadata.name ?? '';
    try {
      await this.ctx.client.delete(podsResource, pod.metadata.namespace, name, {
        ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
        preconditions: { uid: pod.metadata.uid ?? '' },
      });
      void this.ctx.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (err) {
      if (isNotFound(err)) return;
      void this.ctx.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
      throw err;
    }
  }

  /** Replaces the pod's ownerReferences, provided it is still the version we looked at (a JSON
   * patch `test` on uid and resourceVersion): adoption and release never race another writer. */
  async setOwnerReferences(pod: Pod, refs: readonly OwnerReference[]): Promise<Pod> {
    return this.ctx.client.patch<Pod>(podsResource, pod.metadata.namespace, pod.metadata.name ?? '', [
      { op: 'test', path: '/metadata/uid', value: pod.metadata.uid },
      { op: 'test', path: '/metadata/resourceVersion', value: pod.metadata.resourceVersion },
      refs.length > 0
        ? { op: 'add', path: '/metadata/ownerReferences', value: refs }
        : { op: 'remove', path: '/metadata/ownerReferences' },
    ], 'json');
  }
}

/**
 * Runs `count` calls of `fn` in slow-start batches (1, 2, 4, …), stopping after the first batch
 * with a failure. Returns how many succeeded, how many were never attempted, and the first error.
 */
export async function slowStart(count: number, fn: () => Promise<unknown>): Promise<{ successes: number; skipped: number; error?: unknown }> {
  let successes = 0;
  let attempted = 0;
  for (const size of slowStartBatches(count)) {
    attempted += size;
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    let error: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') successes++;
      else error ??= r.reason;
    }
    if (error !== undefined) return { successes, skipped: count - attempted, error };
  }
  return { successes, skipped: 0 };
}
