/**
 * The postStart hook, run right after the container starts, as kubelet's startContainer does: the
 * container is not Running (nor started) until it returns; if it fails, a `FailedPostStartHook`
 * event, the container is killed (preStop included) and the start counts as failed with reason
 * `PostStartHookError` and the hook's message, so the restart policy and back-off take over.
 */
import type { Container, Pod } from '../api/kinds.js';
import type { RunningContainer } from '../runtime/runtime.js';
import { runHook } from './hooks.js';
import { killContainer, type KillHost } from './kill.js';

export interface PostStartRequest {
  readonly pod: Pod;
  readonly container: Container;
  readonly run: RunningContainer;
  readonly podIP: string;
  readonly graceSeconds: number;
  /** Aborted when the pod is being deleted: the hook gives up and termination takes over. */
  readonly signal?: AbortSignal;
}

/** kubelet's ErrPostStartHook, the waiting reason after a failed postStart. */
export const postStartHookError = 'PostStartHookError';

/** Undefined when there is no hook or it succeeded (or was given up); else the hook's message,
 * after the container has been killed. */
export async function runPostStart(host: KillHost, req: PostStartRequest): Promise<string | undefined> {
  const hook = req.container.lifecycle?.postStart;
  if (!hook) return undefined;
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  req.signal?.addEventListener('abort', abort, { once: true });
  // A container that ends during its hook fails the hook (kubelet's exec finds nothing to run in).
  void req.run.exited.then(abort, abort);
  try {
    const result = await runHook(hook, { pod: req.pod, container: req.container, containerId: req.run.id, podIP: req.podIP, runtime: host.runtime, signal: stop.signal });
    if (result.ok || req.signal?.aborted) return undefined;
    host.event('Warning', 'FailedPostStartHook', 'PostStartHook failed');
    host.log?.(result.message);
    await killContainer(host, { pod: req.pod, container: req.container, run: req.run, podIP: req.podIP, graceSeconds: req.graceSeconds, message: 'FailedPostStartHook' });
    return result.message;
  } finally {
    req.signal?.removeEventListener('abort', abort);
  }
}
