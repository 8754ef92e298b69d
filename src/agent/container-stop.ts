/**
 * Stopping one container's current run for a pod being stopped: its probes end, then kubelet's
 * killContainer (kill.ts: the Killing event, preStop, the container's turn in the pod's
 * termination order, the stop signal with the grace left); its turn is over once it stopped.
 */
import type { Container, Pod } from '../api/kinds.js';
import type { ContainerRecord } from './container-record.js';
import { killContainer, type KillHost } from './kill.js';
import type { TerminationOrder } from './stop-order.js';

export interface StopContext extends KillHost {
  readonly pod: Pod;
  readonly podIP: string;
  readonly order?: TerminationOrder;
}

export async function stopContainer(ctx: StopContext, container: Container, r: ContainerRecord, graceSeconds: number): Promise<void> {
  const run = r.running;
  for (const p of r.probes.splice(0)) p.stop();
  if (!run) return;
  await killContainer(ctx, { pod: ctx.pod, container, run, podIP: ctx.podIP, graceSeconds, ...(ctx.order ? { order: ctx.order } : {}), current: () => r.running === run });
  // The run's end is in its record (its termination message read) before the pod reports.
  await run.exited.catch(() => undefined);
  ctx.order?.terminated(container.name);
}
