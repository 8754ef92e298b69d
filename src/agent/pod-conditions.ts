/**
 * The pod conditions kubelet owns (pkg/kubelet/status/generate.go, 1.32): PodReadyToStartContainers,
 * Initialized (init containers done, sidecars started), ContainersReady (sidecars and regular
 * containers ready), Ready (ContainersReady; readiness gates add to it) and PodScheduled.
 * Conditions others own (readiness gates' types, DisruptionTarget) are kept as they are.
 */
import type { Condition, ContainerStatus, Pod } from '../api/kinds.js';
import { isSidecar } from './container-record.js';
import { anyRegularContainerStarted, type PodPhase } from './pod-phase.js';
import { foreignConditions, gatedReady } from './readiness-gates.js';

/** What a condition says, before its transition time is settled. */
export interface ConditionValue {
  readonly type: string;
  readonly ok: boolean;
  readonly reason?: string;
  readonly message?: string;
}

/** Go's `%s` of a []string, as kubelet's messages print container names: `[a b]`. */
function goList(names: readonly string[]): string {
  return `[${names.join(' ')}]`;
}

export function initializedCondition(pod: Pod, statuses: readonly ContainerStatus[], phase: PodPhase): ConditionValue {
  const byName = new Map(statuses.map((s) => [s.name, s]));
  const unknown: string[] = [], incomplete: string[] = [];
  for (const c of pod.spec.initContainers ?? []) {
    const s = byName.get(c.name);
    if (!s) unknown.push(c.name);
    else if (isSidecar(c) ? !s.started : !s.ready) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { type: 'Initialized', ok: true, reason: 'PodCompleted' };
  // A regular container has run: the pod was initialized, even while a sidecar restarts.
  if (anyRegularContainerStarted(pod, statuses)) return { type: 'Initialized', ok: true };
  const messages = [
    ...(unknown.length ? [`containers with unknown status: ${goList(unknown)}`] : []),
    ...(incomplete.length ? [`containers with incomplete status: ${goList(incomplete)}`] : []),
  ];
  if (messages.length) return { type: 'Initialized', ok: false, reason: 'ContainersNotInitialized', message: messages.join(', ') };
  return { type: 'Initialized', ok: true };
}

export function containersReadyCondition(pod: Pod, statuses: readonly ContainerStatus[], phase: PodPhase): ConditionValue {
  const byName = new Map(statuses.map((s) => [s.name, s]));
  const unknown: string[] = [], unready: string[] = [];
  const counted = [...(pod.spec.initContainers ?? []).filter(isSidecar), ...pod.spec.containers];
  for (const c of counted) {
    const s = byName.get(c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if ((phase === 'Succeeded' && unknown.length === 0) || phase === 'Failed') {
    return { type: 'ContainersReady', ok: false, reason: phase === 'Failed' ? 'PodFailed' : 'PodCompleted' };
  }
  const messages = [
    ...(unknown.length ? [`containers with unknown status: ${goList(unknown)}`] : []),
    ...(unready.length ? [`containers with unready status: ${goList(unready)}`] : []),
  ];
  if (messages.length) return { type: 'ContainersReady', ok: false, reason: 'ContainersNotReady', message: messages.join(', ') };
  return { type: 'ContainersReady', ok: true };
}

/** The condition with its transition time kept while its status stays the same. */
function settle(v: ConditionValue, prior: readonly Condition[] | undefined, now: string): Condition {
  const status = v.ok ? 'True' : 'False';
  const before = prior?.find((c) => c.type === v.type);
  return {
    type: v.type,
    status,
    lastTransitionTime: before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : now,
    ...(v.reason ? { reason: v.reason } : {}),
    ...(v.message ? { message: v.message } : {}),
  };
}

export interface ConditionInput {
  readonly pod: Pod;
  /** Init and regular containers' statuses together. */
  readonly statuses: readonly ContainerStatus[];
  readonly phase: PodPhase;
  /** The pod's sandbox (its network) is up. */
  readonly sandboxReady: boolean;
  readonly now: string;
}

export function podConditions(v: ConditionInput): Condition[] {
  const prior = v.pod.status?.conditions;
  const containersReady = containersReadyCondition(v.pod, v.statuses, v.phase);
  const values: ConditionValue[] = [
    { type: 'PodReadyToStartContainers', ok: v.sandboxReady },
    initializedCondition(v.pod, v.statuses, v.phase),
    gatedReady(v.pod, containersReady),
    containersReady,
    { type: 'PodScheduled', ok: true },
  ];
  const others = foreignConditions(prior);
  return [...others, ...values.map((x) => settle(x, prior, v.now))];
}
