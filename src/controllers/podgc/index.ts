export { PodGcController, type PodGcOptions } from './controller.js';
export { isTerminated, orphansByNode, taintOutOfService, terminatedOverThreshold, terminatingOnDownNodes, unscheduledTerminating } from './policy.js';
