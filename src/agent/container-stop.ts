/**
 * Stopping one container's current run, the single place the agent does it for a pod being
 * stopped (kubelet's killContainer): the Killing event, then the container's turn in the pod's
 * termination order (stop-order.ts), then the runtime's stop signal with the grace left.
 */
import type { Container } from '../api/kinds.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ContainerRecord } from './container-record.js';
import type { EventFn } from './container-start.js';
import type { TerminationOrder } from './stop-order.js';

export interface StopContext {
  readonly runtime: Runtime;
  readonly event: EventFn;
  readonly order?: TerminationOrder;
}

/** kubelet's shortest stop window once a container has waited its turn. */
const minimumGraceSeconds = 2;

export async function stopContainer(ctx: StopContext, container: Container, r: ContainerRecord, graceSeconds: number): Promise<void> {
  const run = r.running;
  for (const p of r.probes.splice(0)) p.stop();
  if (!run) return;
  ctx.event('Normal', 'Killing', `Stopping container ${container.name}`);
  let grace = graceSeconds;
  if (ctx.order && grace > 0) {
    const waited = await ctx.order.waitForTurn(container.name, grace);
    // Waiting spends the grace period, but leaves the container kubelet's minimum to stop in.
    grace = Math.max(grace - waited, Math.min(minimumGraceSeconds, graceSeconds));
  }
  if (r.running === run) await ctx.runtime.stopContainer(run.id, grace);
  ctx.order?.terminated(container.name);
}
