/**
 * One container's API status from the agent's record of it, as kubelet's
 * convertToAPIContainerStatuses and probe manager write it: the state (running, terminated for
 * good, or waiting with the reason it is not running), the run before, and `ready`/`started` by
 * the container's role — an init container is ready once it exited 0, a sidecar or a regular
 * container while it runs, its startup probe has passed and its readiness probe says so.
 */
import type { Container, ContainerState, ContainerStatus } from '../api/kinds.js';
import { kubeTime } from '../api/time.js';
import { restartsAfter, type ContainerRecord, type ContainerRole } from './container-record.js';

export interface StatusContext {
  readonly policy: string;
  /** The pod has init containers: waiting containers default to PodInitializing. */
  readonly hasInit: boolean;
  /** The pod is being stopped for good: a container that ended is not started again. */
  readonly stopping: boolean;
}

function terminatedState(r: ContainerRecord): ContainerState {
  if (!r.last) return {};
  const { exit } = r.last;
  return {
    terminated: {
      exitCode: exit.exitCode,
      ...(exit.signal !== undefined ? { signal: exit.signal } : {}),
      reason: exit.reason,
      ...(exit.message ? { message: exit.message } : {}),
      startedAt: kubeTime(r.last.startedAt),
      finishedAt: kubeTime(exit.finishedAt),
      containerID: r.last.id,
    },
  };
}

function stateOf(r: ContainerRecord, role: ContainerRole, ctx: StatusContext): { state: ContainerState; lastState: ContainerState } {
  const last = terminatedState(r);
  if (r.running) return { state: { running: { startedAt: kubeTime(r.running.startedAt) } }, lastState: last };
  if (r.last && (ctx.stopping || !restartsAfter(role, ctx.policy, r.last.exit))) return { state: last, lastState: {} };
  const reason = r.waiting?.reason ?? (ctx.hasInit ? 'PodInitializing' : 'ContainerCreating');
  return { state: { waiting: { reason, ...(r.waiting?.message ? { message: r.waiting.message } : {}) } }, lastState: last };
}

export function containerStatus(c: Container, role: ContainerRole, r: ContainerRecord | undefined, ctx: StatusContext): ContainerStatus {
  const { state, lastState } = r ? stateOf(r, role, ctx) : { state: { waiting: { reason: ctx.hasInit ? 'PodInitializing' : 'ContainerCreating' } }, lastState: {} };
  const started = !!r?.running && r.started;
  const ready = role === 'init'
    ? state.terminated?.exitCode === 0
    : role !== 'ephemeral' && started && !!r?.ready;
  const id = r?.running?.id ?? r?.last?.id;
  return {
    name: c.name,
    state,
    lastState,
    ready,
    restartCount: r?.restartCount ?? 0,
    image: c.image ?? '',
    imageID: r?.imageId ?? '',
    ...(id ? { containerID: id } : {}),
    started,
  };
}
