/**
 * The garbage collector's decisions, as pure functions over what it observed — Kubernetes'
 * `attemptToDeleteItem` (for a dependent) and `processDeletingDependentsItem` /
 * `orphanDependents` (for an owner being deleted with the foreground or orphan policy).
 */
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { foregroundFinalizer, orphanFinalizer } from './refs.js';

/**
 * `present`: exists with the uid the reference names. `absent`: no such object (404, or another
 * object with the same name and a new uid). `waitingForDependents`: being deleted in the
 * foreground, so its dependents must go first. `unresolvable`: a kind we do not serve — kept, as
 * deleting on a guess would lose data.
 */
export type OwnerState = 'present' | 'absent' | 'waitingForDependents' | 'unresolvable';

export interface OwnerCheck {
  readonly ref: OwnerReference;
  readonly state: OwnerState;
}

export type DeletionPolicy = 'Background' | 'Foreground' | 'Orphan';

export type DependentDecision =
  | { readonly action: 'none' }
  /** Keep the object, drop references to owners that are gone or going. */
  | { readonly action: 'removeOwnerRefs'; readonly uids: readonly string[] }
  | { readonly action: 'delete'; readonly policy: DeletionPolicy };

/**
 * What to do with `dependent` given the state of each of its owners: nothing while any owner is
 * solid (only stale references are dropped), else delete it — in the foreground when a
 * foreground-deleting owner waits and the dependent has dependents of its own (so the wait
 * cascades), otherwise by the dependent's own finalizers.
 */
export function decideDependent(dependent: KubeObject, owners: readonly OwnerCheck[], hasDependents: boolean): DependentDecision {
  if (dependent.metadata.deletionTimestamp !== undefined || owners.length === 0) return { action: 'none' };
  const solid = owners.filter((o) => o.state === 'present' || o.state === 'unresolvable');
  const dangling = owners.filter((o) => o.state === 'absent');
  const waiting = owners.filter((o) => o.state === 'waitingForDependents');
  if (solid.length > 0) {
    const stale = [...dangling, ...waiting].map((o) => o.ref.uid);
    return stale.length > 0 ? { action: 'removeOwnerRefs', uids: stale } : { action: 'none' };
  }
  if (waiting.length > 0 && hasDependents) return { action: 'delete', policy: 'Foreground' };
  const f = dependent.metadata.finalizers ?? [];
  if (f.includes(orphanFinalizer)) return { action: 'delete', policy: 'Orphan' };
  if (f.includes(foregroundFinalizer)) return { action: 'delete', policy: 'Foreground' };
  return { action: 'delete', policy: 'Background' };
}

export type OwnerDecision =
  | { readonly action: 'none' }
  /** Remove the owner's reference from these dependents, then the `orphan` finalizer. */
  | { readonly action: 'orphan'; readonly dependents: readonly KubeObject[] }
  /** Dependents still to delete (`toDelete`) and those that hold the owner (`blocking`); the
   * `foregroundDeletion` finalizer goes once nothing blocks. */
  | { readonly action: 'foreground'; readonly toDelete: readonly KubeObject[]; readonly blocking: readonly KubeObject[] };

/**
 * What to do for an owner being deleted with a GC finalizer. Orphan comes first (a client that
 * asked for both gets the safer one). In the foreground only dependents whose reference says
 * `blockOwnerDeletion` hold the owner back, as in Kubernetes; the rest are deleted but not waited
 * for (they would be collected as orphans anyway).
 */
export function decideOwner(owner: KubeObject, dependents: readonly KubeObject[]): OwnerDecision {
  const uid = owner.metadata.uid;
  const f = owner.metadata.finalizers ?? [];
  if (owner.metadata.deletionTimestamp === undefined || !uid) return { action: 'none' };
  const refTo = (d: KubeObject) => (d.metadata.ownerReferences ?? []).find((r) => r.uid === uid);
  const mine = dependents.filter((d) => refTo(d) !== undefined);
  if (f.includes(orphanFinalizer)) return { action: 'orphan', dependents: mine };
  if (f.includes(foregroundFinalizer)) {
    return {
      action: 'foreground',
      toDelete: mine.filter((d) => d.metadata.deletionTimestamp === undefined),
      blocking: mine.filter((d) => refTo(d)?.blockOwnerDeletion === true),
    };
  }
  return { action: 'none' };
}
