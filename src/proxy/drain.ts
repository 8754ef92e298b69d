/**
 * Draining a deleted pod before its containers get their stop signal. Kubernetes sends SIGTERM
 * as soon as a pod is deleted while the endpoints controller and every proxy take it out of
 * service in parallel, so a program that stops listening at once (nginx on SIGQUIT) refuses the
 * connections that still arrive meanwhile; users add a `preStop: sleep` for that. Here the node
 * waits instead, bounded, until no Endpoints object lists the pod's address any more and this
 * process's proxy has applied that.
 */
import type { Endpoints, Pod } from '../api/kinds.js';
import { endpoints as endpointsResource } from '../api/resources.js';
import type { InformerFactory } from '../client/factory.js';

/** Long enough for the endpoints controller and a proxy pass, short beside any grace period. */
export const maxDrainMs = 2000;

export interface Settles {
  settled(): Promise<void>;
}

/** `drain(pod)` for the node agent: resolves once the pod's IP is out of every Endpoints and
 * `proxy` has caught up, or after `maxDrainMs`. */
export function endpointDrain(informers: InformerFactory, proxy: Settles, pollMs = 20): (pod: Pod) => Promise<void> {
  const endpoints = informers.informer<Endpoints>(endpointsResource);
  const listed = (ip: string, namespace: string): boolean =>
    endpoints.list().some((e) => e.metadata.namespace === namespace && (e.subsets ?? []).some((s) => (s.addresses ?? []).some((a) => a.ip === ip)));
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
