/**
 * A pod's status from what the agent knows of its containers, as kubelet's generateAPIPodStatus
 * builds it: init and regular container statuses, the phase (pod-phase.ts), the conditions
 * (pod-conditions.ts), and the reason when the node itself ended the pod (DeadlineExceeded).
 * Pure, so the rules are tested without a node.
 */
import type { ContainerStatus, Pod, PodStatus } from '../api/kinds.js';
import { isSidecar, type ContainerRecord } from './container-record.js';
import { containerStatus, type StatusContext } from './container-status.js';
import { podPhase } from './pod-phase.js';
import { ephemeralStatuses } from './ephemeral.js';
import { podConditions } from './pod-conditions.js';

export interface PodView {
  readonly pod: Pod;
  readonly records: ReadonlyMap<string, ContainerRecord>;
  readonly podIP: string | undefined;
  readonly hostIP: string;
  readonly startTime: string;
  readonly now: string;
  /** The pod is being stopped for good: containers that ended are not started again. */
  readonly stopping?: boolean;
  /** Its containers were all stopped for good (kubelet's podIsTerminal). */
  readonly terminal?: boolean;
  /** The node ended the pod itself (activeDeadlineSeconds): Failed, with this reason. */
  readonly evicted?: { readonly reason: string; readonly message: string };
}

function isTerminal(phase: PodStatus['phase']): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

export function podStatus(v: PodView): PodStatus {
  const { pod, records } = v;
  const inits = pod.spec.initContainers ?? [];
  const ctx: StatusContext = { policy: pod.spec.restartPolicy ?? 'Always', hasInit: inits.length > 0, stopping: !!v.stopping || !!v.terminal };
  const initStatuses: ContainerStatus[] = inits.map((c) => containerStatus(c, isSidecar(c) ? 'sidecar' : 'init', records.get(c.name), ctx));
  const statuses: ContainerStatus[] = pod.spec.containers.map((c) => containerStatus(c, 'regular', records.get(c.name), ctx));
  const all = [...initStatuses, ...statuses];
  const ephemeral = ephemeralStatuses(pod, records, ctx);
  let phase = v.evicted ? 'Failed' : podPhase(pod, all, !!v.terminal);
  // Pods never leave a terminal phase (kubelet forces the one the API has).
  const before = pod.status?.phase;
  if (isTerminal(before) && phase !== before) phase = before!;
  const reason = v.evicted?.reason ?? (phase === before ? pod.status?.reason : undefined);
  const message = v.evicted?.message ?? (phase === before ? pod.status?.message : undefined);
  return {
    phase,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    conditions: podConditions({ pod, statuses: all, phase, sandboxReady: v.podIP !== undefined && !isTerminal(phase), now: v.now }),
    hostIP: v.hostIP,
    hostIPs: [{ ip: v.hostIP }],
    ...(v.podIP ? { podIP: v.podIP, podIPs: [{ ip: v.podIP }] } : {}),
    startTime: v.startTime,
    ...(inits.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
    ...(ephemeral ? { ephemeralContainerStatuses: ephemeral } : {}),
  };
}
