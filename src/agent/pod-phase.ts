/**
 * kubelet's getPhase (Kubernetes 1.32) over a pod's API container statuses: any container not yet
 * started keeps the pod Pending, as does initialization in progress (an init container not yet
 * done, a sidecar not yet started); a failed init container under restartPolicy Never fails it;
 * sidecars that ended do not count; once the pod is terminal its stopped containers decide between
 * Succeeded and Failed whatever the restart policy.
 */
import type { ContainerStatus, Pod, PodStatus } from '../api/kinds.js';
import { isSidecar } from './container-record.js';

export type PodPhase = NonNullable<PodStatus['phase']>;

/** A regular container is running or has run (kubelet's HasAnyRegularContainerStarted): the pod
 * was initialized once, even if a sidecar is restarting now. */
export function anyRegularContainerStarted(pod: Pod, statuses: readonly ContainerStatus[]): boolean {
  const regular = new Set(pod.spec.containers.map((c) => c.name));
  return statuses.some((s) => regular.has(s.name) && (s.state?.running !== undefined || s.state?.terminated !== undefined));
}

/** `statuses`: init and regular containers' statuses together. `podIsTerminal`: the node has
 * stopped the pod for good (its containers will not run again). */
export function podPhase(pod: Pod, statuses: readonly ContainerStatus[], podIsTerminal: boolean): PodPhase {
  const byName = new Map(statuses.map((s) => [s.name, s]));
  const policy = pod.spec.restartPolicy ?? 'Always';
  let pendingInitialization = 0, failedInitialization = 0;
  let unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
  const inits = pod.spec.initContainers ?? [];
  for (const c of inits) {
    if (isSidecar(c)) continue;
    const s = byName.get(c.name)?.state;
    if (!s) pendingInitialization++;
    else if (s.running) pendingInitialization++;
    else if (s.terminated) {
      if (s.terminated.exitCode !== 0) failedInitialization++;
    } else if (s.waiting) {
      const last = byName.get(c.name)?.lastState?.terminated;
      if (last) {
        if (last.exitCode !== 0) failedInitialization++;
      } else pendingInitialization++;
    } else pendingInitialization++;
  }
  for (const c of inits) {
    if (!isSidecar(c)) continue;
    const cs = byName.get(c.name);
    const s = cs?.state;
    if (!s) unknown++;
    else if (s.running) {
      if (!cs.started) pendingInitialization++;
      running++;
    } else if (s.terminated) {
      // A sidecar that ended does not count for the phase.
    } else if (s.waiting) {
      if (!cs.lastState?.terminated) {
        pendingInitialization++;
        waiting++;
      }
    } else {
      pendingInitialization++;
      unknown++;
    }
  }
  for (const c of pod.spec.containers) {
    const cs = byName.get(c.name);
    const s = cs?.state;
    if (!s) unknown++;
    else if (s.running) running++;
    else if (s.terminated) {
      stopped++;
      if (s.terminated.exitCode === 0) succeeded++;
    } else if (s.waiting) {
      if (cs.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }

  if (failedInitialization > 0 && policy === 'Never') return 'Failed';
  if ((pendingInitialization > 0 && !anyRegularContainerStarted(pod, statuses)) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}
