/**
 * Which allocated values a Service holds, read off its spec: the same rules decide what a create
 * takes, what an update takes and gives back, what a delete frees and what the repair pass expects.
 */
import type { Service } from '../../../api/kinds.js';
import type { AllocationKind, AllocationOwner } from './allocator.js';

/** A service that gets a cluster IP: anything but ExternalName and headless (`None`). */
export function needsClusterIP(svc: Service): boolean {
  return svc.spec?.type !== 'ExternalName' && svc.spec?.clusterIP !== 'None';
}

/** NodePort services, and LoadBalancers unless `allocateLoadBalancerNodePorts: false`. */
export function needsNodePorts(svc: Service): boolean {
  const t = svc.spec?.type;
  return t === 'NodePort' || (t === 'LoadBalancer' && svc.spec.allocateLoadBalancerNodePorts !== false);
}

/** The cluster IPs the service holds (not `None`, not for ExternalName). */
export function clusterIPsOf(svc: Service): string[] {
  if (svc.spec?.type === 'ExternalName') return [];
  const ips = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
  return ips.filter((ip) => ip !== '' && ip !== 'None');
}

/** The node ports set on its ports (a TCP and a UDP port may share one number: held once). */
export function nodePortsOf(svc: Service): string[] {
  if (svc.spec?.type !== 'NodePort' && svc.spec?.type !== 'LoadBalancer') return [];
  const out = new Set<string>();
  for (const p of svc.spec.ports ?? []) if (typeof p.nodePort === 'number' && p.nodePort !== 0) out.add(String(p.nodePort));
  return [...out];
}

export function valuesOf(svc: Service): Record<AllocationKind, string[]> {
  return { ip: clusterIPsOf(svc), nodeport: nodePortsOf(svc) };
}

export function ownerOf(svc: Service): AllocationOwner {
  return { namespace: svc.metadata.namespace ?? '', name: svc.metadata.name ?? '', uid: svc.metadata.uid ?? '' };
}
