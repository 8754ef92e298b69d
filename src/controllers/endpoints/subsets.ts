/**
 * The pure part of the endpoints controller: which pods back a service, on which ports, ready or
 * not, grouped into subsets the way Kubernetes' `endpoints.RepackSubsets` does — addresses that
 * resolve every service port to the same numbers share one subset, so a named `targetPort` that
 * two pod templates map to different container ports yields two subsets.
 */
import { isDeepStrictEqual } from 'node:util';
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service, ServicePort } from '../../api/kinds.js';

/** Why a pod is left out, or how it is in: what the tests and the logs talk about. */
export type PodVerdict = 'ready' | 'notReady' | 'noIP' | 'deleting' | 'terminated';

/** A pod is ready when its `Ready` condition is True (kubelet sets it from readiness probes). */
export function podIsReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * Kubernetes' `ShouldPodBeInEndpoints` plus readiness: pods without an IP or being deleted are
 * out; ended pods that will not run again (by their restart policy) are out; the rest are ready or not (a service with
 * `publishNotReadyAddresses` counts every one as ready).
 */
export function podVerdict(pod: Pod, publishNotReady = false): PodVerdict {
  if (pod.metadata.deletionTimestamp) return 'deleting';
  if (!pod.status?.podIP) return 'noIP';
  const phase = pod.status.phase;
  const restart = pod.spec.restartPolicy ?? 'Always';
  if (restart === 'Never' && (phase === 'Failed' || phase === 'Succeeded')) return 'terminated';
  if (restart === 'OnFailure' && phase === 'Succeeded') return 'terminated';
  return publishNotReady || podIsReady(pod) ? 'ready' : 'notReady';
}

/**
 * The container port a service port reaches on `pod` (Kubernetes' `podutil.FindPort`): a number
 * is taken as is, a name is looked up among the pod's container ports of the same protocol;
 * undefined when the name is not there (the pod is then left out of that port).
 */
export function resolveTargetPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const asNumber = /^\d+$/.test(target) ? Number(target) : undefined;
  if (asNumber !== undefined) return asNumber;
  const protocol = sp.protocol ?? 'TCP';
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

function addressOf(pod: Pod, service: Service): EndpointAddress {
  const addr: EndpointAddress = { ip: pod.status!.podIP! };
  // A pod whose hostname/subdomain put it under this service gets a DNS name (as Kubernetes does).
  if (pod.spec.hostname && pod.spec.subdomain === service.metadata.name) addr.hostname = pod.spec.hostname;
  if (pod.spec.nodeName) addr.nodeName = pod.spec.nodeName;
  addr.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  return addr;
}

function byIP(a: EndpointAddress, b: EndpointAddress): number {
  return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.targetRef?.name ?? '').localeCompare(b.targetRef?.name ?? '');
}

/**
 * The subsets of `service` given the pods its selector picked (the caller selects). Deterministic:
 * subsets ordered by their ports, addresses by IP, so an unchanged world gives an equal result and
 * the controller writes nothing.
 */
export function endpointSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = service.spec.publishNotReadyAddresses === true;
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const pod of pods) {
    const verdict = podVerdict(pod, publishNotReady);
    if (verdict !== 'ready' && verdict !== 'notReady') continue;
    const ports: EndpointPort[] = [];
    for (const sp of service.spec.ports ?? []) {
      const port = resolveTargetPort(pod, sp);
      if (port === undefined) continue;
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    // A service without ports still lists its pods (headless services), in one port-less subset.
    if (ports.length === 0 && (service.spec.ports ?? []).length > 0) continue;
    const key = JSON.stringify(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    (verdict === 'ready' ? g.ready : g.notReady).push(addressOf(pod, service));
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      ...(g.ready.length > 0 ? { addresses: g.ready.sort(byIP) } : {}),
      ...(g.notReady.length > 0 ? { notReadyAddresses: g.notReady.sort(byIP) } : {}),
      ...(g.ports.length > 0 ? { ports: g.ports } : {}),
    }));
}

/** Labels the Endpoints carries: the service's, plus `service.kubernetes.io/headless` for a
 * headless service (as Kubernetes' controller sets them). */
export function endpointsLabels(service: Service): Record<string, string> {
  const labels = { ...(service.metadata.labels ?? {}) };
  if (service.spec.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
  else delete labels['service.kubernetes.io/headless'];
  return labels;
}

/** Whether the stored Endpoints already says what we would write. */
export function endpointsUpToDate(current: { subsets?: EndpointSubset[]; metadata: { labels?: Record<string, string> } }, subsets: EndpointSubset[], labels: Record<string, string>): boolean {
  return isDeepStrictEqual(current.subsets ?? [], subsets) && isDeepStrictEqual(current.metadata.labels ?? {}, labels);
}
