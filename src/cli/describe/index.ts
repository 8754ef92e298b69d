/** `describe`: kubectl's describers by kind, over objects fetched by the command. */
export { DescribeWriter, rfc1123z, multiline, events, type EventLike } from './writer.js';
export { podTemplate } from './containers.js';
export { describePod, controlledBy, qosClass } from './pod.js';
export { describeReplicas, describeJob, describeDaemonSet, describeDeployment, podStatusCounts, type ControllerInput } from './workloads.js';
export { describeService, describeEndpoints, describeNamespace, describeNode, describeGeneric, endpointsFor } from './core.js';
