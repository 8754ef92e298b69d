/** Replication: ReplicationControllers and ReplicaSets on one engine, plus the pod helpers,
 * expectations and work loop the other workload controllers share. */
export { ReplicaManager, type ReplicaKind, type ReplicaOwner } from './manager.js';
export { ReplicationControllerController, ReplicaSetController, replicationControllerKind, replicaSetKind } from './kinds.js';
export { claimDecision, deletionOrder, podsToDelete, slowStartBatches, replicaDiff, replicaStatus, burstReplicas, type ClaimDecision, type ReplicaStatus } from './policy.js';
export { Expectations } from './expectations.js';
export { failureConditions, replicaFailure } from './failure.js';
export { PodControl, slowStart, isConflict, isNotFound, errorMessage } from './podcontrol.js';
export { claimPods, type ClaimOwner } from './claim.js';
export * from './pods.js';
export { QueueController, type Syncable } from './base.js';
export { OwnedPodsController, objectKey, type OwnerKind } from './owned.js';
