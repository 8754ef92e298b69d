/**
 * What the endpointslice controller wants for one service, free of I/O (Kubernetes'
 * `pkg/controller/endpointslice` reconciler inputs): one endpoint per pod the selector picks that
 * has an address and will run again, grouped by the ports it resolves to (a named `targetPort`
 * two templates map differently yields two groups). Unlike Endpoints, terminating pods stay in,
 * with `terminating: true`, `ready: false` and `serving` their readiness — what kube-proxy needs
 * to drain them.
 */
import type { Node, Pod, Service } from '../../api/kinds.js';
import type { EndpointSliceEndpoint, EndpointSlicePort } from '../../api/kinds.js';
import { managedByLabel, serviceNameLabel } from '../../api/kinds.js';
import { podIsReady, resolveTargetPort } from '../endpoints/index.js';

export const controllerName = 'endpointslice-controller.k8s.io';
export const mirroringControllerName = 'endpointslicemirroring-controller.k8s.io';
export const zoneLabel = 'topology.kubernetes.io/zone';
export const headlessLabel = 'service.kubernetes.io/headless';
/** Kubernetes' `--max-endpoints-per-slice` default. */
export const maxEndpointsPerSlice = 100;

export interface PortGroup {
  readonly ports: EndpointSlicePort[];
  /** Address → endpoint. */
  readonly endpoints: Map<string, EndpointSliceEndpoint>;
}

/** Kubernetes' `ShouldPodBeInEndpoints(pod, includeTerminating=true)`. */
export function podInSlices(pod: Pod): boolean {
  if (!pod.status?.podIP) return false;
  const phase = pod.status.phase;
  const restart = pod.spec.restartPolicy ?? 'Always';
  if (restart === 'Never') return phase !== 'Failed' && phase !== 'Succeeded';
  if (restart === 'OnFailure') return phase !== 'Succeeded';
  return true;
}

/** The key of a port set: slices are grouped (and reused) by it. */
export function portsKey(ports: readonly EndpointSlicePort[]): string {
  return JSON.stringify([...ports].map((p) => [p.name ?? '', p.protocol ?? 'TCP', p.port ?? null, p.appProtocol ?? null]).sort());
}

export function endpointFor(pod: Pod, service: Service, nodes: (name: string) => Node | undefined): EndpointSliceEndpoint {
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  const serving = service.spec.publishNotReadyAddresses === true || podIsReady(pod);
  const e: EndpointSliceEndpoint = {
    addresses: [pod.status!.podIP!],
    conditions: { ready: service.spec.publishNotReadyAddresses === true || (serving && !terminating), serving, terminating },
  };
  if (pod.spec.hostname && pod.spec.subdomain === service.metadata.name) e.hostname = pod.spec.hostname;
  e.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  if (pod.spec.nodeName) {
    e.nodeName = pod.spec.nodeName;
    const zone = nodes(pod.spec.nodeName)?.metadata.labels?.[zoneLabel];
    if (zone) e.zone = zone;
  }
  return e;
}

/** The groups of endpoints `service` should publish given the pods its selector picked. */
export function desiredGroups(service: Service, pods: readonly Pod[], nodes: (name: string) => Node | undefined): Map<string, PortGroup> {
  const groups = new Map<string, PortGroup>();
  for (const pod of pods) {
    if (!podInSlices(pod)) continue;
    const ports: EndpointSlicePort[] = [];
    for (const sp of service.spec.ports ?? []) {
      const port = resolveTargetPort(pod, sp);
      if (port === undefined) continue;
      ports.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: new Map() }));
    const e = endpointFor(pod, service, nodes);
    g.endpoints.set(e.addresses[0]!, e);
  }
  return groups;
}

/** The labels every slice of `service` carries: the service's own, the service name, the manager
 * and, for a headless service, `service.kubernetes.io/headless`. */
export function sliceLabels(service: Service, managedBy: string): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata.labels ?? {}) };
  delete labels[headlessLabel];
  if (service.spec.clusterIP === 'None') labels[headlessLabel] = '';
  labels[serviceNameLabel] = service.metadata.name!;
  labels[managedByLabel] = managedBy;
  return labels;
}
