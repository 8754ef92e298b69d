/**
 * What a sync should do to a pod's containers, as kubelet's computePodActions and
 * computeInitContainerActions (1.32, sidecars on) decide it from the containers' latest runs:
 * - init containers one at a time, in order, each to exit 0 before the next; a sidecar (init
 *   container with restartPolicy Always) lets the next one start once it has started (its startup
 *   probe passed) and is started again whenever it ends;
 * - a failed init container is retried unless the policy is Never, which ends the pod;
 * - regular containers once initialization is done, restarted by the pod's policy;
 * - when no regular container runs or will run again, the pod is stopped (sidecars with it).
 * Back-off is not decided here: the worker holds a listed container until its back-off ends.
 */
import type { Pod } from '../api/kinds.js';
import { isSidecar, shouldRestart, type ContainerRecord } from './container-record.js';

export interface PodActions {
  /** Containers to start now, in the order to start them (init ones in spec order first). */
  readonly start: readonly string[];
  /** Stop every container for good: an init container failed under Never, or every regular
   * container has ended for good. */
  readonly killPod: boolean;
  /** Initialization is done (every init container exited 0, every sidecar started). */
  readonly initialized: boolean;
}

/** The record has a run, running or ended (kubelet: the runtime knows a status for it). */
function hasRun(r: ContainerRecord | undefined): r is ContainerRecord {
  return !!r && (r.running !== undefined || r.last !== undefined);
}

export function podActions(pod: Pod, records: ReadonlyMap<string, ContainerRecord>): PodActions {
  const init = initActions(pod, records);
  if (init.killPod || !init.initialized) return { start: init.start, killPod: init.killPod, initialized: false };
  const policy = pod.spec.restartPolicy ?? 'Always';
  const start = [...init.start];
  let keep = 0;
  for (const c of pod.spec.containers) {
    const r = records.get(c.name);
    if (r?.running) {
      keep++;
      continue;
    }
    if (!r?.last || shouldRestart(policy, r.last.exit)) start.push(c.name);
  }
  // Nothing runs or will run again: the pod is done, and its sidecars must not keep it alive.
  if (keep === 0 && start.length === init.start.length) return { start: [], killPod: true, initialized: true };
  return { start, killPod: false, initialized: true };
}

function initActions(pod: Pod, records: ReadonlyMap<string, ContainerRecord>): { start: string[]; killPod: boolean; initialized: boolean } {
  const inits = pod.spec.initContainers ?? [];
  if (inits.length === 0) return { start: [], killPod: false, initialized: true };
  const restartOnFailure = (pod.spec.restartPolicy ?? 'Always') !== 'Never';
  // A regular container running means initialization finished once; init containers whose runs
  // are gone must not run again (sidecars are started again).
  let initialized = pod.spec.containers.some((c) => records.get(c.name)?.running !== undefined);
  let previouslyInitialized = initialized;
  const start: number[] = [];
  // Backwards, as kubelet does: the latest init container with a run tells where the sequence is.
  for (let i = inits.length - 1; i >= 0; i--) {
    const c = inits[i]!;
    const sidecar = isSidecar(c);
    const r = records.get(c.name);
    if (!hasRun(r)) {
      if (previouslyInitialized && sidecar) start.push(i);
      continue;
    }
    if (previouslyInitialized && !sidecar) continue;
    if (r.running) {
      if (sidecar) {
        // The next one waits for this sidecar's startup probe.
        if (!r.started) {
          previouslyInitialized = true;
          continue;
        }
        if (i === inits.length - 1) initialized = true;
        else if (!previouslyInitialized) start.push(i + 1);
      }
    } else if (sidecar) {
      start.push(i);
    } else if (r.last!.exit.exitCode !== 0) {
      if (!restartOnFailure) return { start: [], killPod: true, initialized: false };
      start.push(i);
    } else if (i === inits.length - 1) {
      initialized = true;
    } else {
      start.push(i + 1);
    }
    previouslyInitialized = true;
  }
  if (!previouslyInitialized) start.push(0);
  return { start: start.reverse().map((i) => inits[i]!.name), killPod: false, initialized };
}
