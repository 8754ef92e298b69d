/** The node lifecycle controller: node health from leases and status, taints, eviction. */
export { NodeLifecycleController, byNodeName, nodeLeaseNamespace, type NodeLifecycleOptions } from './controller.js';
export { desiredTaints, isStale, observe, readiness, taintNotReady, taintUnreachable, unknownConditions, watchedConditions, type Probe } from './health.js';
export { evictionTime, tolerates } from './eviction.js';
