/** Replication: ReplicationControllers and ReplicaSets on one engine, plus the pod helpers,
 * expectations and work loop the other workload controllers share. */
export { ReplicaManager, type ReplicaKind, type ReplicaOwner } from './manager.js';
export { ReplicationControllerController, ReplicaSetController, replicationControllerKind, replicaSetKind } from './kinds.js';
export { claimDecision, deletionOrder, podsToDelete, slowStartBatches, replicaDiff, replicaStatus, burstReplicas, type ClaimDecision, type ReplicaStatus } from './policy.js';
export { Expectations } from './expectations.js';
export { QueueController } from './base.js';
export { PodControl, slowStart } from './podcontrol.js';
export * from './pods.js';
