/**
 * Stopping one container as kubelet's killContainer does: a `Killing` event, then the preStop
 * hook (if any, and if there is grace to spend) run against the grace period, then the stop
 * signal with what is left — at least kubelet's minimum of 2 s, so a slow hook never turns into
 * an immediate SIGKILL. A grace of 0 (a forced delete, an agent shutting down) kills at once and
 * runs no hook, as kubelet skips the hook without grace.
 */
import type { Container, Pod } from '../api/kinds.js';
import type { RunningContainer, Runtime } from '../runtime/runtime.js';
import { runHook } from './hooks.js';
import type { TerminationOrder } from './stop-order.js';

/** kubelet's minimumGracePeriodInSeconds. */
export const minimumGraceSeconds = 2;

export interface KillHost {
  readonly runtime: Runtime;
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** Where a failed hook's full message goes (kubelet logs it; the event leaves it out). */
  log?(message: string): void;
}

export interface KillRequest {
  readonly pod: Pod;
  readonly container: Container;
  readonly run: Pick<RunningContainer, 'id' | 'exited'>;
  readonly podIP: string;
  readonly graceSeconds: number;
  /** The Killing event's message (default kubelet's "Stopping container NAME"). */
  readonly message?: string;
  /** The pod's termination order, when the whole pod stops (sidecars last, stop-order.ts). */
  readonly order?: TerminationOrder;
  /** Whether `run` is still the container's current run (it may have ended while waiting). */
  readonly current?: () => boolean;
}

/** Resolves once the container has exited. */
export async function killContainer(host: KillHost, req: KillRequest): Promise<void> {
  const { container, run } = req;
  host.event('Normal', 'Killing', req.message ?? `Stopping container ${container.name}`);
  let grace = req.graceSeconds;
  let waited = false;
  // kubelet's order: the preStop hook first, then the container's turn, both out of the grace.
  if (container.lifecycle?.preStop && grace > 0) {
    grace -= await spendOnPreStop(host, req, grace);
    waited = true;
  }
  if (req.order && grace > 0) {
    grace -= await req.order.waitForTurn(container.name, grace);
    waited = true;
  }
  // Time spent waiting never turns into an immediate SIGKILL: kubelet's minimum remains.
  if (waited) grace = Math.max(grace, minimumGraceSeconds);
  if (req.current?.() ?? true) await host.runtime.stopContainer(run.id, grace);
}

/** Runs the preStop hook for at most `grace` seconds; returns the whole seconds it took
 * (kubelet truncates the same way). */
async function spendOnPreStop(host: KillHost, req: KillRequest, grace: number): Promise<number> {
  const started = Date.now();
  const stop = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const hook = runHook(req.container.lifecycle!.preStop!, {
    pod: req.pod,
    container: req.container,
    containerId: req.run.id,
    podIP: req.podIP,
    runtime: host.runtime,
    timeoutMs: grace * 1000,
    signal: stop.signal,
  }).then((result) => {
    if (result.ok) return;
    // kubelet keeps the message out of the event so that secrets won't leak from the server.
    host.event('Warning', 'FailedPreStopHook', 'PreStopHook failed');
    host.log?.(result.message);
  });
  // The container ending on its own ends the hook too (it has nothing left to run in).
  void req.run.exited.then(() => stop.abort(), () => stop.abort());
  await Promise.race([hook, new Promise((r) => (timer = setTimeout(r, grace * 1000)))]);
  clearTimeout(timer);
  return Math.floor((Date.now() - started) / 1000);
}
