/**
 * What a DELETE does to an object, decided without the store: preconditions, the finalizers
 * that propagation policies add, and whether the object goes now or is marked — graceful
 * deletion (pods) and pending finalizers leave it in place with a deletionTimestamp, and the
 * owner of that work (kubelet, a controller) finishes it.
 */
import { isDeepStrictEqual } from 'node:util';
import { ConflictError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { kubeTime } from '../../api/time.js';
import type { Strategy } from './strategy.js';
import type { DeleteOptions } from './registry.js';

export type DeletionPlan =
  | { readonly kind: 'remove' }
  /** `next` is undefined when marking changes nothing (already marked as asked). */
  | { readonly kind: 'mark'; readonly next: KubeObject | undefined };

/** Throws the 409 Kubernetes gives when a precondition does not hold. */
export function checkPreconditions(current: KubeObject, opts: DeleteOptions, plural: string, group: string, name: string): void {
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== current.metadata.uid) {
    throw new ConflictError(plural, group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw new ConflictError(plural, group, name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`);
  }
}

export function planDeletion(current: KubeObject, opts: DeleteOptions, strategy: Strategy, now: number): DeletionPlan {
  const next = structuredClone(current);
  const m = next.metadata;
  const finalizers = new Set(m.finalizers ?? []);
  if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');
  if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
  if (finalizers.size > 0) m.finalizers = [...finalizers];
  const grace = strategy.gracePeriod(current, opts.gracePeriodSeconds);
  const already = current.metadata.deletionTimestamp !== undefined;
  const pending = strategy.finalizersOf(next).length > 0;
  if (!pending && (grace === 0 || (already && (current.metadata.deletionGracePeriodSeconds ?? 0) === 0))) return { kind: 'remove' };
  // A shorter grace period than the one running replaces it; a longer one does not.
  if (!already || grace < (current.metadata.deletionGracePeriodSeconds ?? Infinity)) {
    m.deletionTimestamp = kubeTime(now + grace * 1000);
    m.deletionGracePeriodSeconds = grace;
  }
  strategy.markDeleting(next);
  return { kind: 'mark', next: isDeepStrictEqual(next, current) ? undefined : next };
}
