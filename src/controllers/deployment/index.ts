/** The deployment controller and its pure parts: template hash, annotations, rollout arithmetic,
 * proportional scaling, progress conditions, history cleanup. */
export { DeploymentController } from './controller.js';
export { computeHash, safeEncodeString, fnv32a, equalIgnoreHash, podTemplateHashLabel, canonicalTemplate } from './hash.js';
export * from './annotations.js';
export { scaledValue, resolveFenceposts, maxSurge, maxUnavailable, newRSNewReplicas, maxScaledDown, unhealthyCleanup, healthyScaleDown } from './rolling.js';
export { proportionalSizes, proportion, replicaSetFraction, isSaturated, isScalingEvent } from './scale.js';
export * from './progress.js';
export { replicaSetsToCleanUp } from './cleanup.js';
export { oldPodsRunning } from './recreate.js';
export { findNewReplicaSet, findOldReplicaSets, findActiveOrLatest } from './replicasets.js';
export { newReplicaSetFor } from './newrs.js';
export type { Deployment, DeploymentStatus, DeploymentCondition, ReplicaSet } from './types.js';
