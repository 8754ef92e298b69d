/**
 * Defaults of the core/v1 kinds that are not pods or controllers: services, endpoints, namespaces,
 * nodes, secrets (Kubernetes' SetDefaults_* plus what its registries set on every service).
 */
import { isIP } from 'node:net';
import { isRecord } from '../types.js';
import { defaultResourceList } from './pod.js';
import { ensureObj, objAt, records, setDefault, type Obj } from './util.js';

/** Reachable from outside the cluster: a node port, a load balancer, or external IPs. */
function externallyAccessible(spec: Obj): boolean {
  const t = spec['type'];
  return t === 'NodePort' || t === 'LoadBalancer' || (t === 'ClusterIP' && Array.isArray(spec['externalIPs']) && spec['externalIPs'].length > 0);
}

/**
 * SetDefaults_Service, plus the IP family fields Kubernetes' service registry fills in for every
 * service that gets a cluster IP (`ipFamilyPolicy: SingleStack`, `ipFamilies` from the cluster IP,
 * IPv4 until one is allocated) and `clusterIPs` mirroring `clusterIP`.
 */
export function defaultService(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec['sessionAffinity'] === 'None') delete spec['sessionAffinityConfig'];
  if (spec['sessionAffinity'] === 'ClientIP') {
    const cfg = ensureObj(spec, 'sessionAffinityConfig');
    const clientIP = cfg && ensureObj(cfg, 'clientIP');
    if (clientIP) setDefault(clientIP, 'timeoutSeconds', 10800);
  }
  setDefault(spec, 'type', 'ClusterIP');
  for (const p of records(spec['ports'])) {
    setDefault(p, 'protocol', 'TCP');
    const tp = p['targetPort'];
    if (tp === undefined || tp === null || tp === 0 || tp === '') p['targetPort'] = p['port'];
  }
  if (externallyAccessible(spec)) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (['ClusterIP', 'NodePort', 'LoadBalancer'].includes(spec['type'] as string)) {
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  }
  if (spec['type'] === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  if (spec['type'] !== 'ExternalName') {
    const ip = spec['clusterIP'];
    if (typeof ip === 'string' && ip !== '' && (spec['clusterIPs'] === undefined || spec['clusterIPs'] === null)) {
      spec['clusterIPs'] = [ip];
    }
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    if (spec['ipFamilies'] === undefined || spec['ipFamilies'] === null) {
      spec['ipFamilies'] = [typeof ip === 'string' && isIP(ip) === 6 ? 'IPv6' : 'IPv4'];
    }
  }
}

/** SetDefaults_Endpoints: port protocol TCP. */
export function defaultEndpoints(obj: Obj): void {
  for (const subset of records(obj['subsets'])) {
    for (const p of records(subset['ports'])) setDefault(p, 'protocol', 'TCP');
  }
}

/** SetDefaults_Namespace (the `kubernetes.io/metadata.name` label), the `kubernetes` finalizer the
 * namespace registry adds, and status phase Active. */
export function defaultNamespace(obj: Obj): void {
  const meta = objAt(obj, 'metadata');
  const name = meta?.['name'];
  if (meta && typeof name === 'string' && name !== '') {
    const labels = ensureObj(meta, 'labels');
    if (labels) labels['kubernetes.io/metadata.name'] = name;
  }
  const spec = ensureObj(obj, 'spec');
  if (spec && (spec['finalizers'] === undefined || spec['finalizers'] === null)) spec['finalizers'] = ['kubernetes'];
  const status = ensureObj(obj, 'status');
  if (status) setDefault(status, 'phase', 'Active');
}

/** SetDefaults_NodeStatus (allocatable = capacity when unset), quantities canonical. */
export function defaultNode(obj: Obj): void {
  const status = objAt(obj, 'status');
  if (!status) return;
  defaultResourceList(status['capacity']);
  if ((status['allocatable'] === undefined || status['allocatable'] === null) && isRecord(status['capacity'])) {
    status['allocatable'] = { ...status['capacity'] };
  }
  defaultResourceList(status['allocatable']);
}

/** SetDefaults_Secret (type Opaque), and `stringData` merged into `data` (base64, overriding
 * keys of the same name), as Kubernetes does when it decodes a v1 Secret: stored secrets never
 * carry `stringData`. */
export function defaultSecret(obj: Obj): void {
  setDefault(obj, 'type', 'Opaque');
  const stringData = obj['stringData'];
  if (isRecord(stringData)) {
    const data = ensureObj(obj, 'data');
    if (data) {
      for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      delete obj['stringData'];
    }
  }
}
