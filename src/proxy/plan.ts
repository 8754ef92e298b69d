/**
 * What the proxy should serve, computed from a Service and its EndpointSlices alone (no sockets here):
 * for each service port, the endpoints it goes to (slices.ts), its affinity, and the addresses it is
 * bound on — the cluster IP at the port, every node address at the node port, and, for a
 * LoadBalancer, its ingress (and any external IP) that is one of this proxy's node addresses at
 * the port, as k3s' servicelb answers on the node at the service port.
 */
import type { EndpointSlice, Service } from '../api/kinds.js';
import { endpointsFor } from './slices.js';
import type { AffinityPolicy, Endpoint } from './balancer.js';

export type ProxyProtocol = 'TCP' | 'UDP';

export interface Bind {
  readonly ip: string;
  readonly port: number;
}

export interface PortPlan {
  /** `namespace/name:portName/protocol`: the balancer of this service port. */
  readonly key: string;
  readonly protocol: ProxyProtocol;
  readonly endpoints: readonly Endpoint[];
  readonly affinity: AffinityPolicy;
  readonly binds: readonly Bind[];
}

export const listenerKey = (protocol: ProxyProtocol, b: Bind): string => `${protocol}/${b.ip}:${b.port}`;

const isIPv4 = (ip: string | undefined): ip is string => ip !== undefined && /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);

export { endpointsFor } from './slices.js';

export function planService(svc: Service, eps: readonly EndpointSlice[], nodeAddresses: readonly string[]): PortPlan[] {
  const spec = svc.spec;
  if (!spec || spec.type === 'ExternalName') return [];
  const ns = svc.metadata.namespace ?? '';
  const name = svc.metadata.name ?? '';
  const clusterIP = isIPv4(spec.clusterIP) ? spec.clusterIP : undefined;
  const local = new Set(nodeAddresses);
  const frontIPs = new Set<string>();
  if (spec.type === 'LoadBalancer') for (const i of svc.status?.loadBalancer?.ingress ?? []) if (i.ip && local.has(i.ip)) frontIPs.add(i.ip);
  for (const ip of spec.externalIPs ?? []) if (local.has(ip)) frontIPs.add(ip);
  const affinity: AffinityPolicy = spec.sessionAffinity === 'ClientIP'
    ? { sessionAffinity: 'ClientIP', timeoutSeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800 }
    : { sessionAffinity: 'None', timeoutSeconds: 10800 };
  const plans: PortPlan[] = [];
  for (const p of spec.ports ?? []) {
    const protocol = p.protocol ?? 'TCP';
    if (protocol !== 'TCP' && protocol !== 'UDP') continue; // SCTP: not in userspace mode
    const binds: Bind[] = [];
    if (clusterIP) binds.push({ ip: clusterIP, port: p.port });
    if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && p.nodePort) {
      for (const ip of nodeAddresses) binds.push({ ip, port: p.nodePort });
    }
    for (const ip of frontIPs) binds.push({ ip, port: p.port });
    plans.push({
      key: `${ns}/${name}:${p.name ?? ''}/${protocol}`,
      protocol,
      endpoints: endpointsFor(eps, p.name ?? '', protocol),
      affinity,
      binds,
    });
  }
  return plans;
}
