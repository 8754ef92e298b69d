/**
 * One resource metric's replica proposal, after Kubernetes' ReplicaCalculator (simplified where
 * noted): the pods' mean use against the target, a 10% tolerance, pods that are being deleted or
 * failed ignored, pods not yet ready left out of CPU figures, and pods without metrics assumed
 * at the target (100% of their request, or more) when scaling down and idle when scaling up, so
 * that missing data never drives a change further than the measured pods ask for.
 */
import type { Pod } from '../../api/kinds.js';
import type { MetricTarget } from '../../api/kinds.js';
import { parseQuantity } from '../../api/quantity.js';

export const tolerance = 0.1;
/** Upstream's --horizontal-pod-autoscaler-cpu-initialization-period and initial readiness delay. */
const cpuInitializationMs = 5 * 60_000;
const initialReadinessDelayMs = 30_000;

/** A pod's use of the resource (cores for cpu, bytes for memory) and when it was measured. */
export interface PodUsage {
  readonly value: number;
  readonly timestamp: number;
  readonly windowMs: number;
}

export interface Proposal {
  readonly replicas: number;
  /** Mean use as a percentage of requests (Utilization targets). */
  readonly utilization?: number;
  /** Mean use per pod, in the resource's unit. */
  readonly average: number;
}

export class MetricError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
    this.name = 'MetricError';
  }
}

function quantity(text: string | undefined): number {
  if (!text) return 0;
  try {
    return parseQuantity(text).toNumber();
  } catch {
    return 0;
  }
}

/** The pod's total request of `resource`, or the container that has none. */
function podRequest(pod: Pod, resource: string): number | { missing: string } {
  let sum = 0;
  for (const c of pod.spec.containers) {
    const q = (c.resources?.requests as Record<string, string> | undefined)?.[resource];
    if (q === undefined) return { missing: c.name };
    sum += quantity(q);
  }
  return sum;
}

function readyCondition(pod: Pod): { status: string; since: number } | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  return c ? { status: c.status, since: Date.parse(c.lastTransitionTime ?? '') || 0 } : undefined;
}

/** Whether a pod's CPU figure is not yet to be trusted (upstream's groupPods). */
function unreadyForCpu(pod: Pod, usage: PodUsage | undefined, now: number): boolean {
  const ready = readyCondition(pod);
  if (!ready) return true;
  const started = Date.parse(pod.status?.startTime ?? '') || 0;
  if (started + cpuInitializationMs > now) {
    // Starting up: unready, or measured partly before it became ready.
    return ready.status !== 'True' || (usage !== undefined && usage.timestamp < ready.since + usage.windowMs);
  }
  return ready.status !== 'True' && started + initialReadinessDelayMs > ready.since;
}

/**
 * The replicas `resource` asks for. `current` is the target's replica count; `pods` those its
 * selector matches; `usage` the metrics by pod name. Throws MetricError when no proposal can be made.
 */
export function proposeReplicas(resource: string, target: MetricTarget, current: number, pods: readonly Pod[], usage: ReadonlyMap<string, PodUsage>, now: number): Proposal {
  if (usage.size === 0) throw new MetricError('FailedGetResourceMetric', `unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
  if (pods.length === 0) throw new MetricError('FailedGetResourceMetric', 'no pods returned by selector while calculating replica count');
  const utilization = target.type === 'Utilization';
  const targetPercent = target.averageUtilization ?? 0;
  const targetValue = quantity(target.averageValue);
  const counted = new Map<string, { used: number; target: number; request: number }>();
  const missing: { name: string; target: number; request: number }[] = [];
  const unready: { name: string; target: number }[] = [];
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') continue;
    const req = podRequest(pod, resource);
    if (utilization && typeof req !== 'number') throw new MetricError('FailedGetResourceMetric', `missing request for ${resource} in container ${req.missing} of Pod ${name}`);
    const request = typeof req === 'number' ? req : 0;
    const perPodTarget = utilization ? (request * targetPercent) / 100 : targetValue;
    const u = usage.get(name);
    if (pod.status?.phase === 'Pending' || (resource === 'cpu' && unreadyForCpu(pod, u, now))) {
      unready.push({ name, target: perPodTarget });
      continue;
    }
    if (!u) {
      missing.push({ name, target: perPodTarget, request });
      continue;
    }
    counted.set(name, { used: u.value, target: perPodTarget, request });
  }
  if (counted.size === 0) throw new MetricError('FailedGetResourceMetric', `did not receive metrics for targeted pods (pods might be unready)`);
  const sum = (f: (v: { used: number; target: number; request: number }) => number, list: Iterable<{ used: number; target: number; request: number }> = counted.values()) => [...list].reduce((a, v) => a + f(v), 0);
  const ratio = sum((v) => v.used) / sum((v) => v.target);
  const average = sum((v) => v.used) / counted.size;
  const measured: Proposal = {
    replicas: current,
    average,
    // In whole milli-units, as upstream's int64 arithmetic (no 9.999…% for 10%).
    ...(utilization ? { utilization: Math.trunc((Math.round(sum((v) => v.used) * 1000) * 100) / Math.round(sum((v) => v.request) * 1000)) } : {}),
  };
  const upWithUnready = unready.length > 0 && ratio > 1;
  if (!upWithUnready && missing.length === 0) {
    if (Math.abs(1 - ratio) <= tolerance) return measured;
    return { ...measured, replicas: Math.ceil(ratio * counted.size) };
  }
  // Fill in what was not measured so it damps the change, never drives it.
  const filled = [...counted.values()];
  for (const m of missing) {
    if (ratio < 1) filled.push({ used: utilization ? (m.request * Math.max(100, targetPercent)) / 100 : m.target, target: m.target, request: m.request });
    else if (ratio > 1) filled.push({ used: 0, target: m.target, request: m.request });
  }
  if (upWithUnready) for (const u of unready) filled.push({ used: 0, target: u.target, request: 0 });
  const newRatio = sum((v) => v.used, filled) / sum((v) => v.target, filled);
  if (Math.abs(1 - newRatio) <= tolerance || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return measured;
  const replicas = Math.ceil(newRatio * filled.length);
  if ((newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current)) return measured;
  return { ...measured, replicas };
}
