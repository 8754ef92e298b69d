/**
 * From an Ingress backend to an endpoint: the service (in the Ingress' namespace), its port by
 * number or name, and the ready endpoints of that port in the service's EndpointSlices (as the
 * service proxy picks them), in turn. Each answer says why when there is nowhere to go, which the
 * proxy turns into a 503.
 */
import type { EndpointSlice, IngressBackend, Service } from '../../api/kinds.js';
import type { Informer } from '../../client/informer.js';
import type { Endpoint } from '../balancer.js';
import { byService, endpointsFor } from '../slices.js';

export type Resolution = { readonly endpoints: readonly Endpoint[]; readonly key: string } | { readonly error: string };

export function resolveBackend(
  namespace: string,
  backend: IngressBackend,
  services: Informer<Service>,
  slices: Informer<EndpointSlice>,
): Resolution {
  const ref = backend.service;
  if (!ref) return { error: `resource backends (${backend.resource?.kind ?? ''}/${backend.resource?.name ?? ''}) are not served by skiff's ingress controller` };
  const svc = services.get(`${namespace}/${ref.name}`);
  if (!svc) return { error: `service "${namespace}/${ref.name}" not found` };
  const port = (svc.spec?.ports ?? []).find((p) => (ref.port?.name ? p.name === ref.port.name : p.port === ref.port?.number));
  const wanted = ref.port?.name ?? String(ref.port?.number ?? '');
  if (!port) return { error: `service "${namespace}/${ref.name}" has no port ${wanted}` };
  if ((port.protocol ?? 'TCP') !== 'TCP') return { error: `service "${namespace}/${ref.name}" port ${wanted} is not TCP` };
  const endpoints = endpointsFor(slices.byIndex(byService, `${namespace}/${ref.name}`), port.name ?? '', 'TCP');
  if (endpoints.length === 0) return { error: `service "${namespace}/${ref.name}" has no ready endpoints` };
  return { endpoints, key: `${namespace}/${ref.name}:${port.name ?? ''}` };
}

/** Round-robin over the endpoints of each service port (counters kept per key). */
export class Spreader {
  private readonly next = new Map<string, number>();

  /** Endpoints in the order to try them: the next in turn first, then the others. */
  order(key: string, endpoints: readonly Endpoint[]): Endpoint[] {
    const i = (this.next.get(key) ?? 0) % endpoints.length;
    this.next.set(key, i + 1);
    return [...endpoints.slice(i), ...endpoints.slice(0, i)];
  }
}
