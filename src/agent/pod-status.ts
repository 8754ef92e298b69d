/**
 * A pod's status from what the agent knows of its containers, as kubelet computes it: container
 * states, the phase, and the Initialized / PodReadyToStartContainers / ContainersReady / Ready
 * conditions. Pure, so the rules are tested without a node.
 */
import type { Condition, ContainerState, ContainerStatus, Pod, PodStatus } from '../api/kinds.js';
import { shouldRestart, type ContainerRecord } from './container-record.js';
import { kubeTime } from '../api/time.js';
import { foreignConditions, readyCondition } from './readiness-gates.js';

export interface PodView {
  readonly pod: Pod;
  readonly records: ReadonlyMap<string, ContainerRecord>;
  readonly podIP: string | undefined;
  readonly hostIP: string;
  readonly startTime: string;
  readonly now: string;
}


function stateOf(r: ContainerRecord, policy: string | undefined): { state: ContainerState; lastState: ContainerState } {
  const last: ContainerState = r.last
    ? { terminated: { exitCode: r.last.exit.exitCode, ...(r.last.exit.signal !== undefined ? { signal: r.last.exit.signal } : {}), reason: r.last.exit.reason, ...(r.last.exit.message ? { message: r.last.exit.message } : {}), startedAt: kubeTime(r.last.startedAt), finishedAt: kubeTime(r.last.exit.finishedAt), containerID: r.last.id } }
    : {};
  if (r.running) return { state: { running: { startedAt: kubeTime(r.running.startedAt) } }, lastState: last };
  if (r.last && !shouldRestart(policy, r.last.exit)) return { state: last, lastState: {} };
  if (r.waiting) return { state: { waiting: { reason: r.waiting.reason, ...(r.waiting.message ? { message: r.waiting.message } : {}) } }, lastState: last };
  return { state: { waiting: { reason: 'ContainerCreating' } }, lastState: last };
}

/** kubelet's getPhase over the regular containers. */
export function podPhase(pod: Pod, records: ReadonlyMap<string, ContainerRecord>): NonNullable<PodStatus['phase']> {
  const policy = pod.spec.restartPolicy ?? 'Always';
  let running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const c of pod.spec.containers) {
    const r = records.get(c.name);
    if (r?.running) running++;
    else if (r?.last && !shouldRestart(policy, r.last.exit)) {
      stopped++;
      if (r.last.exit.exitCode === 0) succeeded++;
    } else if (r?.last) running++; // ended and about to restart: the pod is still running
    else waiting++;
  }
  const total = pod.spec.containers.length;
  if (waiting > 0) return running > 0 || stopped > 0 ? 'Running' : 'Pending';
  if (running > 0) return 'Running';
  if (stopped === total) {
    if (policy === 'Always') return 'Running';
    return succeeded === total ? 'Succeeded' : 'Failed';
  }
  return 'Pending';
}

function condition(type: string, ok: boolean, prior: readonly Condition[] | undefined, now: string, reason?: string): Condition {
  const status = ok ? 'True' : 'False';
  const before = prior?.find((c) => c.type === type);
  return {
    type,
    status,
    lastTransitionTime: before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : now,
    ...(reason && !ok ? { reason } : {}),
  };
}

export function podStatus(v: PodView): PodStatus {
  const { pod, records } = v;
  const policy = pod.spec.restartPolicy ?? 'Always';
  const phase = podPhase(pod, records);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const statuses: ContainerStatus[] = pod.spec.containers.map((c) => {
    const r = records.get(c.name);
    const { state, lastState } = r ? stateOf(r, policy) : { state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} };
    const running = !!r?.running;
    return {
      name: c.name,
      state,
      lastState,
      ready: running && (r?.ready ?? true),
      restartCount: r?.restartCount ?? 0,
      image: c.image ?? '',
      imageID: r?.imageId ?? '',
      ...(r?.running ? { containerID: r.running.id } : r?.last ? { containerID: r.last.id } : {}),
      started: running && (r?.started ?? true),
    };
  });
  const allReady = statuses.length > 0 && statuses.every((s) => s.ready);
  const prior = pod.status?.conditions;
  const notReadyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const conditions: Condition[] = [
    condition('PodReadyToStartContainers', v.podIP !== undefined && !terminal, prior, v.now),
    condition('Initialized', true, prior, v.now),
    readyCondition(pod, allReady && !terminal, notReadyReason, v.now), // [hooks] readiness gates
    condition('ContainersReady', allReady && !terminal, prior, v.now, notReadyReason),
    condition('PodScheduled', true, prior, v.now),
    ...foreignConditions(prior), // [hooks] conditions others own (gates, DisruptionTarget) carried over
  ];
  return {
    phase,
    conditions,
    hostIP: v.hostIP,
    hostIPs: [{ ip: v.hostIP }],
    ...(v.podIP ? { podIP: v.podIP, podIPs: [{ ip: v.podIP }] } : {}),
    startTime: v.startTime,
    containerStatuses: statuses,
  };
}
