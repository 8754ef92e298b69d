/** The default plugin set, in kube-scheduler's filter order (cheap and decisive checks first). */
import type { FilterPlugin, ScorePlugin } from '../framework.js';
import { interPodAffinityFilter } from './inter-pod-affinity.js';
import { interPodAffinityScore } from './inter-pod-affinity-score.js';
import { leastAllocated } from './least-allocated.js';
import { nodeAffinityFilter, nodeAffinityScore } from './node-affinity.js';
import { nodeName } from './node-name.js';
import { nodePorts } from './node-ports.js';
import { nodeResourcesFit } from './node-resources-fit.js';
import { nodeUnschedulable } from './node-unschedulable.js';
import { podTopologySpreadFilter } from './pod-topology-spread.js';
import { podTopologySpreadScore } from './pod-topology-spread-score.js';
import { selectorSpread } from './selector-spread.js';
import { taintTolerationFilter, taintTolerationScore } from './taint-toleration.js';
import { volumeBinding } from './volume-binding.js';

export const defaultFilterPlugins: readonly FilterPlugin[] = [
  nodeUnschedulable,
  nodeName,
  taintTolerationFilter,
  nodeAffinityFilter,
  volumeBinding,
  nodePorts,
  nodeResourcesFit,
  podTopologySpreadFilter,
  interPodAffinityFilter,
];

export const defaultScorePlugins: readonly ScorePlugin[] = [
  taintTolerationScore,
  nodeAffinityScore,
  leastAllocated,
  podTopologySpreadScore,
  interPodAffinityScore,
  selectorSpread,
];

export { interPodAffinityFilter, interPodAffinityScore, podTopologySpreadFilter, podTopologySpreadScore };
export { leastAllocated, nodeAffinityFilter, nodeAffinityScore, nodeName, nodePorts, nodeResourcesFit, nodeUnschedulable, selectorSpread, taintTolerationFilter, taintTolerationScore };
export { reasonNodeAffinity } from './node-affinity.js';
export { claimNames, reasonReadWriteOncePod, reasonUnboundImmediate, reasonVolumeNodeAffinity, volumeBinding, waitsForConsumer } from './volume-binding.js';
export { reasonNodeName } from './node-name.js';
export { reasonNodePorts } from './node-ports.js';
export { reasonInsufficient, reasonTooManyPods } from './node-resources-fit.js';
export { reasonUnschedulable } from './node-unschedulable.js';
export { reasonUntoleratedTaint } from './taint-toleration.js';
export { reasonAffinityRules, reasonAntiAffinityRules, reasonExistingAntiAffinity } from './inter-pod-affinity.js';
export { reasonTopologySpread, reasonTopologySpreadMissingLabel } from './pod-topology-spread.js';
