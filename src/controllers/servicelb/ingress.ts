/** What a LoadBalancer service's `status.loadBalancer.ingress` should say: the InternalIP of every
 * Ready node (cordoned ones too: their proxies still answer), as k3s' servicelb publishes them. */
import type { Node, Service } from '../../api/kinds.js';

export type Ingress = { ip: string }[];

export function isNodeReady(node: Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function nodeIngress(nodes: readonly Node[]): Ingress {
  const ips = new Set<string>();
  for (const n of nodes) {
    if (!isNodeReady(n) || n.metadata.deletionTimestamp) continue;
    for (const a of n.status?.addresses ?? []) if (a.type === 'InternalIP' && a.address) ips.add(a.address);
  }
  return [...ips].sort(compareIPs).map((ip) => ({ ip }));
}

/** Numeric order for IPv4 (127.0.0.2 before 127.0.0.10), text order otherwise. */
function compareIPs(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  if (pa.length === 4 && pb.length === 4 && [...pa, ...pb].every((n) => Number.isInteger(n))) {
    for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The ingress the service should have: nodes' addresses for LoadBalancers, none otherwise. */
export function wantedIngress(svc: Service, nodes: readonly Node[]): Ingress {
  return svc.spec?.type === 'LoadBalancer' ? nodeIngress(nodes) : [];
}
