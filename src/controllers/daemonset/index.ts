/** The daemon set controller and its pure parts: node predicates, template hash, sync plan. */
export { DaemonSetController } from './controller.js';
export { planDaemonSet, maxUnavailableOf, type DaemonPlan, type DaemonRemoval, type DaemonStatus, type RemoveReason } from './plan.js';
export { nodeShouldRunDaemonPod, matchesNodeAffinity, tolerates, withDaemonTolerations, affinityForNode, daemonTolerations, type NodeVerdict } from './predicates.js';
export { templateHash, revisionHashLabel, templateGenerationLabel } from './hash.js';
