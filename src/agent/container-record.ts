/**
 * What the agent remembers about one container of a pod between syncs: the run in progress, how
 * the last one ended, restarts so far, and the back-off before the next start. Kubernetes keeps
 * this in the runtime; keeping it here lets every runtime stay small.
 */
import type { Container, Pod } from '../api/kinds.js';
import type { ContainerExit, RunningContainer } from '../runtime/runtime.js';

export interface FinishedRun {
  readonly id: string;
  readonly startedAt: Date;
  readonly exit: ContainerExit;
}

export interface ContainerRecord {
  readonly name: string;
  running: RunningContainer | undefined;
  last: FinishedRun | undefined;
  /** Times the container was started again after a run ended. */
  restartCount: number;
  /** Why it is not running now (CrashLoopBackOff, ErrImagePull, …); undefined before its first
   * start, when the status shows kubelet's default (ContainerCreating, or PodInitializing). */
  waiting: { reason: string; message?: string } | undefined;
  /** No start before this time (ms since epoch). */
  backoffUntil: number;
  /** Consecutive failed starts or short runs, for the back-off. */
  failures: number;
  imageId: string | undefined;
  /** Readiness from the readiness probe (true without one, once running). */
  ready: boolean;
  /** The startup probe has passed (true without one). */
  started: boolean;
  /** Probe loops of the current run, stopped when it ends. */
  probes: { stop(): void }[];
}

export function newRecord(name: string): ContainerRecord {
  return { name, running: undefined, last: undefined, restartCount: 0, waiting: undefined, backoffUntil: 0, failures: 0, imageId: undefined, ready: false, started: false, probes: [] };
}

/** kubelet's crash-loop back-off: 10 s doubling to 5 min; a run of 10 minutes resets it. */
export const backoff = { initialMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 } as const;

export function backoffDelayMs(failures: number, initialMs: number = backoff.initialMs): number {
  if (failures <= 0) return 0;
  return Math.min(backoff.maxMs, initialMs * 2 ** (failures - 1));
}

/** The pod's ephemeral containers (`kubectl debug`), which run once each beside the others. */
export function ephemeralContainers(pod: Pod): Container[] {
  return pod.spec.ephemeralContainers ?? [];
}

/** Whether a container that ended should be started again under the pod's restart policy. */
export function shouldRestart(policy: string | undefined, exit: ContainerExit): boolean {
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return exit.exitCode !== 0;
  return true;
}

/** What part a container plays in its pod's sequence: an init container runs to completion
 * before the next; a sidecar (an init container with restartPolicy Always, 1.29+) is started in
 * the init order and then kept running; regular containers start once initialization is done. */
export type ContainerRole = 'init' | 'sidecar' | 'regular' | 'ephemeral';

export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/** Every container of the pod with its role, init containers first, in spec order. */
export function podContainers(pod: Pod): { container: Container; role: ContainerRole }[] {
  return [
    ...(pod.spec.initContainers ?? []).map((container) => ({ container, role: isSidecar(container) ? 'sidecar' as const : 'init' as const })),
    ...pod.spec.containers.map((container) => ({ container, role: 'regular' as const })),
  ];
}

/** Whether a container of this role that ended should be started again (kubelet's
 * ShouldContainerBeRestarted and its init-container rules): sidecars always are, whatever the
 * pod's policy; an init container only after a failure, unless the policy is Never. */
export function restartsAfter(role: ContainerRole, policy: string | undefined, exit: ContainerExit): boolean {
  if (role === 'ephemeral') return false;
  if (role === 'sidecar') return true;
  if (role === 'init') return exit.exitCode !== 0 && policy !== 'Never';
  return shouldRestart(policy, exit);
}
