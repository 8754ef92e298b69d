/**
 * The proxies' view of a service's endpoints: its EndpointSlices (`kubernetes.io/service-name`),
 * read through one indexed informer. Which endpoints get traffic is kube-proxy's rule: the ready
 * ones; when a service port has none, the ones still serving while terminating, so connections
 * to a service whose every pod is shutting down are not refused while those pods still answer.
 */
import type { EndpointSlice, EndpointSliceEndpoint } from '../api/kinds.js';
import { serviceNameLabel } from '../api/kinds.js';
import { endpointSlices } from '../api/resources.js';
import type { InformerFactory } from '../client/factory.js';
import type { Informer } from '../client/informer.js';
import type { Endpoint } from './balancer.js';

export const byService = 'byService';

/** The slice informer with its by-service index (`namespace/service`). */
export function sliceInformer(informers: InformerFactory): Informer<EndpointSlice> {
  const inf = informers.informer<EndpointSlice>(endpointSlices);
  inf.addIndex(byService, (s) => {
    const svc = s.metadata.labels?.[serviceNameLabel];
    return svc ? [`${s.metadata.namespace ?? ''}/${svc}`] : [];
  });
  return inf;
}

/** A nil `ready` counts as ready, a nil `serving` as `ready` (the API's documented meaning). */
export const isReady = (e: EndpointSliceEndpoint): boolean => e.conditions?.ready !== false;
const isServing = (e: EndpointSliceEndpoint): boolean => (e.conditions?.serving ?? e.conditions?.ready) !== false;
const isTerminating = (e: EndpointSliceEndpoint): boolean => e.conditions?.terminating === true;

/** The endpoints of the service port named `portName`, as kube-proxy picks them. */
export function endpointsFor(slices: readonly EndpointSlice[], portName: string, protocol: 'TCP' | 'UDP'): Endpoint[] {
  const ready = new Map<string, Endpoint>();
  const terminating = new Map<string, Endpoint>();
  for (const s of slices) {
    if (s.addressType !== 'IPv4') continue;
    const p = (s.ports ?? []).find((x) => (x.name ?? '') === portName && (x.protocol ?? 'TCP') === protocol);
    if (!p || p.port === undefined) continue;
    for (const e of s.endpoints ?? []) {
      const ip = e.addresses?.[0];
      if (!ip) continue;
      if (isReady(e)) ready.set(`${ip}:${p.port}`, { ip, port: p.port });
      else if (isServing(e) && isTerminating(e)) terminating.set(`${ip}:${p.port}`, { ip, port: p.port });
    }
  }
  return [...(ready.size > 0 ? ready : terminating).values()];
}
