/**
 * One run of a container, from its start (or its adoption after an agent restart) to its end:
 * its probes, and when it ends, the back-off before the next start and the CrashLoopBackOff
 * kubelet shows if the container's role and the pod's policy restart it (container-record.ts).
 */
import type { Container, Pod } from '../api/kinds.js';
import type { RunningContainer } from '../runtime/runtime.js';
import { backoff, backoffDelayMs, restartsAfter, type ContainerRecord, type ContainerRole } from './container-record.js';
import type { EventFn } from './container-start.js';
import { startProbes } from './probing.js';
import type { WorkerHost } from './worker-host.js';

export interface RunContext {
  readonly host: WorkerHost;
  pod(): Pod;
  podIP(): string;
  /** The pod is being stopped for good: a run that ends is not followed by another. */
  stopping(): boolean;
  readonly event: EventFn;
  /** Something changed (a run ended, readiness flipped): the pod wants a sync. */
  changed(): void;
  /** Stops `run` as kubelet's killContainer does (preStop, `grace`); used by probe kills. */
  kill?(container: Container, run: RunningContainer, grace: number, message: string): Promise<void>;
}

export function watchRun(ctx: RunContext, container: Container, role: ContainerRole, r: ContainerRecord, run: RunningContainer): void {
  const { name } = container;
  r.running = run;
  r.waiting = undefined;
  r.imageId = run.imageId;
  startProbes(container, r, run.id, {
    runtime: ctx.host.runtime,
    podIP: ctx.podIP,
    graceSeconds: () => ctx.pod().spec.terminationGracePeriodSeconds ?? 30,
    event: ctx.event,
    changed: ctx.changed,
    ...(ctx.kill ? { kill: (grace: number, message: string) => ctx.kill!(container, run, grace, message) } : {}),
  });
  void run.exited.then((exit) => {
    if (r.running !== run) return;
    for (const p of r.probes.splice(0)) p.stop();
    r.running = undefined;
    r.last = { id: run.id, startedAt: run.startedAt, exit };
    const ranMs = exit.finishedAt.getTime() - run.startedAt.getTime();
    r.failures = ranMs >= backoff.resetAfterMs ? 1 : r.failures + 1;
    const delayMs = backoffDelayMs(r.failures, ctx.host.restartBackoffMs);
    r.backoffUntil = Date.now() + delayMs;
    const pod = ctx.pod();
    // A container stopped with its pod is not restarted: no back-off to show.
    if (!ctx.stopping() && restartsAfter(role, pod.spec.restartPolicy, exit)) {
      const who = `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`;
      ctx.event('Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${who}`);
      r.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(delayMs / 1000)}s restarting failed container=${name} pod=${who}` };
    }
    ctx.changed();
  });
}
