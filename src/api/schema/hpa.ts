/** autoscaling/v2 and autoscaling/v1 HorizontalPodAutoscalers. */
import { any, defs, int, kindObject, list, listOf, obj, quantity, ref, str, time, type Definitions } from './dsl.js';

const conditions = (what: string) => list(ref('autoscalingv2.HorizontalPodAutoscalerCondition'), what, { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' });
const target = obj({ kind: str('Kind of the referent.'), name: str('Name of the referent.'), apiVersion: str('API version of the referent.') }, 'The object whose scale subresource is driven.', ['kind', 'name']);

export const hpaDefinitions: Definitions = {
  ...defs('autoscalingv2', {
    CrossVersionObjectReference: target,
    MetricTarget: obj({
      type: str('Utilization, Value or AverageValue.'),
      averageUtilization: int('Target mean use as a percentage of the pods\' requests (Utilization).'),
      averageValue: quantity('Target mean value across the pods (AverageValue).'),
      value: quantity('Target value (Value).'),
    }, 'The target value of a metric.', ['type']),
    MetricValueStatus: obj({
      averageUtilization: int('Current mean use as a percentage of the pods\' requests.'),
      averageValue: quantity('Current mean value across the pods.'),
      value: quantity('Current value.'),
    }, 'The current value of a metric.'),
    ResourceMetricSource: obj({ name: str('cpu or memory.'), target: ref('autoscalingv2.MetricTarget', 'The target.') }, 'A resource of the pods, per pod.', ['name', 'target']),
    ResourceMetricStatus: obj({ name: str('cpu or memory.'), current: ref('autoscalingv2.MetricValueStatus', 'The current value.') }, 'A resource\'s current value.', ['name', 'current']),
    MetricSpec: obj({
      type: str('Resource (the one skiff acts on), Pods, Object, External or ContainerResource.'),
      resource: ref('autoscalingv2.ResourceMetricSource', 'The resource metric.'),
      // Known to Kubernetes, refused by validation here: skiff has no custom or external metrics.
      pods: any('A metric of the pods (not supported by skiff).'),
      object: any('A metric of another object (not supported by skiff).'),
      external: any('A metric from outside the cluster (not supported by skiff).'),
      containerResource: any('A resource of one container (not supported by skiff).'),
    }, 'One metric to scale on.', ['type']),
    MetricStatus: obj({ type: str('The metric source type.'), resource: ref('autoscalingv2.ResourceMetricStatus', 'The resource metric.') }, 'One metric\'s last reading.', ['type']),
    HPAScalingPolicy: obj({ type: str('Pods or Percent.'), value: int('The amount of change the policy permits.'), periodSeconds: int('The window the policy holds over (1–1800).') }, 'A limit on change in a period.', ['type', 'value', 'periodSeconds']),
    HPAScalingRules: obj({
      stabilizationWindowSeconds: int('Past recommendations considered when scaling (0–3600).'),
      selectPolicy: str('Max, Min or Disabled.'),
      policies: list(ref('autoscalingv2.HPAScalingPolicy'), 'The policies.', { listType: 'atomic' }),
    }, 'Scaling rules in one direction.'),
    HorizontalPodAutoscalerBehavior: obj({ scaleUp: ref('autoscalingv2.HPAScalingRules', 'Rules up.'), scaleDown: ref('autoscalingv2.HPAScalingRules', 'Rules down.') }, 'How fast to scale.'),
    HorizontalPodAutoscalerSpec: obj({
      scaleTargetRef: ref('autoscalingv2.CrossVersionObjectReference', 'What to scale.'),
      minReplicas: int('The lower limit of replicas (default 1).'),
      maxReplicas: int('The upper limit of replicas.'),
      metrics: list(ref('autoscalingv2.MetricSpec'), 'The metrics; the largest replica count they ask for wins.', { listType: 'atomic' }),
      behavior: ref('autoscalingv2.HorizontalPodAutoscalerBehavior', 'Scaling behaviour up and down.'),
    }, 'The desired autoscaling.', ['scaleTargetRef', 'maxReplicas']),
    HorizontalPodAutoscalerCondition: obj({
      type: str('AbleToScale, ScalingActive or ScalingLimited.'),
      status: str('True, False or Unknown.'),
      lastTransitionTime: time('When the condition last changed.'),
      reason: str('Why, in one word.'),
      message: str('Why, for people.'),
    }, 'A state of the autoscaler.', ['type', 'status']),
    HorizontalPodAutoscalerStatus: obj({
      observedGeneration: int('The generation last acted on.'),
      lastScaleTime: time('When the replicas were last changed.'),
      currentReplicas: int('Replicas seen last.'),
      desiredReplicas: int('Replicas wanted last.'),
      currentMetrics: list(ref('autoscalingv2.MetricStatus'), 'The metrics\' last readings.', { listType: 'atomic' }),
      conditions: conditions('The autoscaler\'s conditions.'),
    }, 'The autoscaler\'s state.'),
    HorizontalPodAutoscaler: kindObject('Scales a workload by its pods\' resource use.', {
      spec: ref('autoscalingv2.HorizontalPodAutoscalerSpec', 'The desired autoscaling.'),
      status: ref('autoscalingv2.HorizontalPodAutoscalerStatus', 'The current state.'),
    }),
    HorizontalPodAutoscalerList: listOf('autoscalingv2.HorizontalPodAutoscaler', 'horizontal pod autoscalers'),
  }),
  ...defs('autoscaling', {
    CrossVersionObjectReference: target,
    HorizontalPodAutoscalerSpec: obj({
      scaleTargetRef: ref('autoscaling.CrossVersionObjectReference', 'What to scale.'),
      minReplicas: int('The lower limit of replicas (default 1).'),
      maxReplicas: int('The upper limit of replicas.'),
      targetCPUUtilizationPercentage: int('Target mean CPU use as a percentage of the pods\' requests (default 80).'),
    }, 'The desired autoscaling.', ['scaleTargetRef', 'maxReplicas']),
    HorizontalPodAutoscalerStatus: obj({
      observedGeneration: int('The generation last acted on.'),
      lastScaleTime: time('When the replicas were last changed.'),
      currentReplicas: int('Replicas seen last.'),
      desiredReplicas: int('Replicas wanted last.'),
      currentCPUUtilizationPercentage: int('Mean CPU use as a percentage of requests, last read.'),
    }, 'The autoscaler\'s state.', ['currentReplicas', 'desiredReplicas']),
    HorizontalPodAutoscaler: kindObject('Scales a workload by its pods\' CPU use.', {
      spec: ref('autoscaling.HorizontalPodAutoscalerSpec', 'The desired autoscaling.'),
      status: ref('autoscaling.HorizontalPodAutoscalerStatus', 'The current state.'),
    }),
    HorizontalPodAutoscalerList: listOf('autoscaling.HorizontalPodAutoscaler', 'horizontal pod autoscalers'),
  }),
};
