/**
 * Services: status starts with an empty load balancer; an update keeps what the allocator gave
 * (a PUT without `clusterIP` or `nodePort`, as `kubectl replace` and `apply` send, means "keep") and
 * drops fields that only made sense for the old type, as Kubernetes' service strategy does.
 * Allocation itself needs the store, so it is a per-server {@link WriteHooks} (services-alloc.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Service, ServicePort } from '../../../api/kinds.js';
import type { KubeObject } from '../../../api/types.js';
import { services } from '../../../api/resources.js';
import { makeStrategy, type Strategy } from '../strategy.js';
import { needsClusterIP, needsNodePorts } from '../allocator/service-values.js';

const base = makeStrategy(services);

/** Kubernetes' patchAllocatedValues: fill in, from the old object, the cluster IP and the node
 * ports an update left empty. A node port is matched by port name and not reused if the update
 * gives it to another port. */
export function patchAllocatedValues(svc: Service, old: Service): void {
  if (needsClusterIP(old) && needsClusterIP(svc) && !svc.spec.clusterIP && old.spec.clusterIP) {
    svc.spec.clusterIP = old.spec.clusterIP;
    svc.spec.clusterIPs = old.spec.clusterIPs ?? [old.spec.clusterIP];
  }
  if (needsNodePorts(old) && needsNodePorts(svc)) {
    const used = (s: Service) => new Set((s.spec.ports ?? []).map((p) => p.nodePort ?? 0).filter((n) => n !== 0));
    const oldUsed = used(old);
    const taken = new Set([...used(svc)].filter((n) => oldUsed.has(n)));
    const byName = new Map<string, number>();
    for (const p of old.spec.ports ?? []) if (p.nodePort) byName.set(p.name ?? '', p.nodePort);
    for (const p of svc.spec.ports ?? []) {
      const prev = byName.get(p.name ?? '');
      if (!p.nodePort && prev !== undefined && !taken.has(prev)) p.nodePort = prev;
    }
  }
}

const samePorts = (a: ServicePort[] | undefined, b: ServicePort[] | undefined) =>
  isDeepStrictEqual((a ?? []).map((p) => p.nodePort ?? 0), (b ?? []).map((p) => p.nodePort ?? 0));

/** Kubernetes' dropTypeDependentFields: when the type changes and the user left a field that only
 * the old type uses as it was, it goes (so `patch -p '{"spec":{"type":"ClusterIP"}}'` works). */
export function dropTypeDependentFields(svc: Service, old: Service): void {
  const spec = svc.spec;
  if (needsClusterIP(old) && spec.type === 'ExternalName' && spec.clusterIP === old.spec.clusterIP) {
    delete spec.clusterIP;
    delete spec.clusterIPs;
    delete spec.ipFamilies;
    delete spec.ipFamilyPolicy;
    delete spec.internalTrafficPolicy;
  }
  const hadNodePorts = old.spec.type === 'NodePort' || old.spec.type === 'LoadBalancer';
  const hasNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  if (hadNodePorts && !hasNodePorts && samePorts(spec.ports, old.spec.ports)) {
    for (const p of spec.ports ?? []) delete p.nodePort;
  }
  const external = (s: Service) => s.spec.type === 'NodePort' || s.spec.type === 'LoadBalancer' || (s.spec.externalIPs?.length ?? 0) > 0;
  if (external(old) && !external(svc) && spec.externalTrafficPolicy === old.spec.externalTrafficPolicy) {
    delete spec.externalTrafficPolicy;
  }
  if (old.spec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === old.spec.allocateLoadBalancerNodePorts) {
    delete spec.allocateLoadBalancerNodePorts;
  }
}

export const serviceStrategy: Strategy = makeStrategy(services, {
  prepareForCreate(obj) {
    obj.status = { loadBalancer: {} };
    if (obj.spec !== undefined) obj.metadata.generation = 1;
  },
  prepareForUpdate(obj: KubeObject, old: KubeObject) {
    const svc = obj as Service;
    if (svc.spec) {
      dropTypeDependentFields(svc, old as Service);
      patchAllocatedValues(svc, old as Service);
    }
    base.prepareForUpdate(obj, old);
  },
});
