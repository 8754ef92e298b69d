export { NodeAgent, type NodeAgentOptions } from './agent.js';
export { NodeFleet, maxFleetNodes, type FleetOptions } from './fleet.js';
export { SharedAgentFeed, type AgentFeed, type AgentEvents } from './podfeed.js';
export { nodeObject, nodeStatus, kubeletVersion, type NodeIdentity } from './node-object.js';
export { renewNodeLease, nodeLeaseNamespace, leaseDurationSeconds } from './lease.js';
export { podStatus } from './pod-status.js';
export { podPhase } from './pod-phase.js';
export { backoffDelayMs, shouldRestart } from './container-record.js';
export { nodeClientCredentials, usableCertificate, type ClientCredentials } from './bootstrap.js';
