/**
 * autoscaling/v1 ↔ the stored autoscaling/v2 HorizontalPodAutoscaler, as Kubernetes converts:
 * v1's `targetCPUUtilizationPercentage` is v2's CPU utilization metric; what v1 cannot say
 * (other metrics, behavior, conditions) travels in the `autoscaling.alpha.kubernetes.io/*`
 * annotations, so a v1 client's round trip keeps it.
 */
import type { KubeObject } from '../types.js';
import type { HorizontalPodAutoscaler, MetricSpec } from '../kinds/hpa.js';

const metricsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
const conditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';
const currentMetricsAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';
const behaviorAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';

type Obj = Record<string, unknown>;

function isCpuUtilization(m: MetricSpec): boolean {
  return m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target.type === 'Utilization';
}

function parse(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function hpaV1ToStorage(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as Obj;
  const status = obj.status as Obj | undefined;
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  const others = parse(annotations[metricsAnnotation]);
  const behavior = parse(annotations[behaviorAnnotation]);
  const conditions = parse(annotations[conditionsAnnotation]);
  const current = parse(annotations[currentMetricsAnnotation]);
  for (const k of [metricsAnnotation, behaviorAnnotation, conditionsAnnotation, currentMetricsAnnotation]) delete annotations[k];
  const { targetCPUUtilizationPercentage: target, ...rest } = spec;
  const metrics: unknown[] = [
    ...(typeof target === 'number' ? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }] : []),
    ...(Array.isArray(others) ? others : []),
  ];
  const out: KubeObject = {
    ...obj,
    apiVersion: 'autoscaling/v2',
    metadata: { ...obj.metadata, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: { ...rest, ...(metrics.length ? { metrics } : {}), ...(behavior ? { behavior } : {}) },
  };
  if (!Object.keys(annotations).length) delete out.metadata.annotations;
  if (status) {
    const { currentCPUUtilizationPercentage: cpu, ...st } = status;
    const currentMetrics = [
      ...(typeof cpu === 'number' ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cpu } } }] : []),
      ...(Array.isArray(current) ? current : []),
    ];
    out.status = { ...st, ...(currentMetrics.length ? { currentMetrics } : {}), ...(Array.isArray(conditions) ? { conditions } : {}) };
  }
  return out;
}

export function hpaV1FromStorage(obj: KubeObject): KubeObject {
  const h = obj as HorizontalPodAutoscaler;
  const { metrics, behavior, ...spec } = h.spec;
  const cpu = (metrics ?? []).find(isCpuUtilization);
  const others = (metrics ?? []).filter((m) => m !== cpu);
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}) };
  if (others.length) annotations[metricsAnnotation] = JSON.stringify(others);
  if (behavior) annotations[behaviorAnnotation] = JSON.stringify(behavior);
  const out: KubeObject = {
    ...obj,
    metadata: { ...obj.metadata },
    spec: { ...spec, ...(cpu?.resource?.target.averageUtilization !== undefined ? { targetCPUUtilizationPercentage: cpu.resource.target.averageUtilization } : {}) },
  };
  {
    // v1's replica counts are always sent (not omitempty), zero before the controller's first look.
    const { currentMetrics, conditions, ...st } = { currentReplicas: 0, desiredReplicas: 0, ...(h.status ?? {}) };
    const cpuNow = (currentMetrics ?? []).find((m) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.current.averageUtilization !== undefined);
    const otherNow = (currentMetrics ?? []).filter((m) => m !== cpuNow);
    if (otherNow.length) annotations[currentMetricsAnnotation] = JSON.stringify(otherNow);
    if (conditions?.length) annotations[conditionsAnnotation] = JSON.stringify(conditions);
    out.status = { ...st, ...(cpuNow ? { currentCPUUtilizationPercentage: cpuNow.resource!.current.averageUtilization } : {}) };
  }
  if (Object.keys(annotations).length) out.metadata.annotations = annotations;
  return out;
}
