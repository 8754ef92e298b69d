/** The garbage collector: dependents of deleted owners, foreground and orphan propagation. */
export { GarbageCollector, type GarbageCollectorOptions } from './controller.js';
export { decideDependent, decideOwner, type DeletionPolicy, type DependentDecision, type OwnerCheck, type OwnerDecision, type OwnerState } from './policy.js';
export { byOwnerUid, byUid, foregroundFinalizer, orphanFinalizer, resourceForRef } from './refs.js';
