/**
 * Draining a deleted pod before its containers get their stop signal. Kubernetes sends SIGTERM
 * as soon as a pod is deleted while the endpoints controller and every proxy take it out of
 * service in parallel, so a program that stops listening at once (nginx on SIGQUIT) refuses the
 * connections that still arrive meanwhile; users add a `preStop: sleep` for that. Here the node
 * waits instead, bounded, until no EndpointSlice lists the pod's address as ready any more and this
 * process's proxy has applied that.
 */
import type { Pod } from '../api/kinds.js';
import type { InformerFactory } from '../client/factory.js';
import { isReady, sliceInformer } from './slices.js';

/** Long enough for the endpoints controller and a proxy pass, short beside any grace period. */
export const maxDrainMs = 2000;

export interface Settles {
  settled(): Promise<void>;
}

/** `drain(pod)` for the node agent: resolves once the pod's IP is no longer ready in any EndpointSlice and
 * `proxy` has caught up, or after `maxDrainMs`. */
export function endpointDrain(informers: InformerFactory, proxy: Settles, pollMs = 20): (pod: Pod) => Promise<void> {
  const slices = sliceInformer(informers);
  const listed = (ip: string, namespace: string): boolean =>
    slices.list().some((s) => s.metadata.namespace === namespace && (s.endpoints ?? []).some((e) => isReady(e) && e.addresses?.includes(ip)));
  return async (pod) => {
    const ip = pod.status?.podIP;
    const namespace = pod.metadata.namespace ?? 'default';
    if (!ip || !listed(ip, namespace)) return;
    const deadline = Date.now() + maxDrainMs;
    while (listed(ip, namespace) && Date.now() < deadline) await new Promise((r) => setTimeout(r, pollMs));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([proxy.settled(), new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]);
    clearTimeout(timer);
  };
}
