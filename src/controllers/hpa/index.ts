/** The horizontal pod autoscaler controller and its policy. */
export { HorizontalPodAutoscalerController, type HpaControllerOptions } from './controller.js';
export { proposeReplicas, MetricError, tolerance, type PodUsage, type Proposal } from './replicas.js';
export { ScalingHistory, defaultScaleDown, defaultScaleUp, type Normalized } from './behavior.js';
export { setCondition } from './conditions.js';
