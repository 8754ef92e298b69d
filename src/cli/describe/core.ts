/**
 * `describe` for services, endpoints, nodes and namespaces, and the generic fallback that prints
 * an object's fields for kinds without a describer of their own.
 */
import type { Endpoints, Namespace, Node, Pod, Service } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import { Quantity } from '../../api/quantity.js';
import { nodeRoles } from '../../apiserver/tables/index.js';
import { formatLabelMap } from '../printers/index.js';
import { annotations, DescribeWriter, events, multiline, rfc1123z, since, type EventLike } from './writer.js';

/** `a:80,b:80,c:80 + 2 more...` for one service port's name, `<none>` when empty. */
export function endpointsFor(ep: Endpoints | undefined, portName: string): string {
  const all: string[] = [];
  for (const ss of ep?.subsets ?? []) {
    for (const p of ss.ports ?? []) {
      if ((p.name ?? '') !== portName) continue;
      for (const a of ss.addresses ?? []) all.push(`${a.ip}:${p.port}`);
    }
  }
  if (all.length === 0) return '<none>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

export function describeService(svc: Service, ep: Endpoints | undefined, evs: readonly EventLike[] | undefined, now = new Date()): string {
  const w = new DescribeWriter(now);
  const spec = svc.spec ?? {};
  const s = spec as Record<string, unknown>;
  w.line(0, `Name:\t${svc.metadata.name ?? ''}`);
  w.line(0, `Namespace:\t${svc.metadata.namespace ?? ''}`);
  multiline(w, 'Labels', svc.metadata.labels);
  annotations(w, 'Annotations', svc.metadata.annotations);
  w.line(0, `Selector:\t${formatLabelMap(spec.selector)}`);
  w.line(0, `Type:\t${spec.type ?? 'ClusterIP'}`);
  if (typeof s['ipFamilyPolicy'] === 'string') w.line(0, `IP Family Policy:\t${s['ipFamilyPolicy']}`);
  if (Array.isArray(s['ipFamilies']) && s['ipFamilies'].length) w.line(0, `IP Families:\t${(s['ipFamilies'] as string[]).join(',')}`);
  w.line(0, `IP:\t${spec.clusterIP ?? ''}`);
  if (Array.isArray(s['clusterIPs']) && s['clusterIPs'].length) w.line(0, `IPs:\t${(s['clusterIPs'] as string[]).join(',')}`);
  if (spec.externalIPs?.length) w.line(0, `External IPs:\t${spec.externalIPs.join(',')}`);
  if (spec.loadBalancerIP) w.line(0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}`);
  const ingress = (svc.status as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } | undefined)?.loadBalancer?.ingress ?? [];
  if (ingress.length) w.line(0, `LoadBalancer Ingress:\t${ingress.map((i) => i.ip || i.hostname || '').join(', ')}`);
  for (const p of spec.ports ?? []) {
    const name = p.name || '<unset>';
    const proto = p.protocol ?? 'TCP';
    w.line(0, `Port:\t${name}\t${p.port}/${proto}`);
    w.line(0, `TargetPort:\t${String(p.targetPort ?? p.port)}/${proto}`);
    if (p.nodePort) w.line(0, `NodePort:\t${name}\t${p.nodePort}/${proto}`);
    w.line(0, `Endpoints:\t${endpointsFor(ep, p.name ?? '')}`);
  }
  w.line(0, `Session Affinity:\t${spec.sessionAffinity ?? 'None'}`);
  if (typeof s['externalTrafficPolicy'] === 'string' && s['externalTrafficPolicy']) w.line(0, `External Traffic Policy:\t${s['externalTrafficPolicy']}`);
  if (typeof s['internalTrafficPolicy'] === 'string') w.line(0, `Internal Traffic Policy:\t${s['internalTrafficPolicy']}`);
  events(w, evs);
  return w.toString();
}

export function describeEndpoints(ep: Endpoints, evs: readonly EventLike[] | undefined, now = new Date()): string {
  const w = new DescribeWriter(now);
  w.line(0, `Name:\t${ep.metadata.name ?? ''}`);
  w.line(0, `Namespace:\t${ep.metadata.namespace ?? ''}`);
  multiline(w, 'Labels', ep.metadata.labels);
  annotations(w, 'Annotations', ep.metadata.annotations);
  w.line(0, 'Subsets:');
  for (const ss of ep.subsets ?? []) {
    w.line(1, `Addresses:\t${(ss.addresses ?? []).map((a) => a.ip).join(',') || '<none>'}`);
    w.line(1, `NotReadyAddresses:\t${(ss.notReadyAddresses ?? []).map((a) => a.ip).join(',') || '<none>'}`);
    if (ss.ports?.length) {
      w.line(1, 'Ports:');
      w.line(2, 'Name\tPort\tProtocol');
      w.line(2, '----\t----\t--------');
      for (const p of ss.ports) w.line(2, `${p.name || '<unset>'}\t${p.port}\t${p.protocol ?? 'TCP'}`);
    }
    w.line(0, '');
  }
  events(w, evs);
  return w.toString();
}

export function describeNamespace(ns: Namespace, now = new Date()): string {
  const w = new DescribeWriter(now);
  w.line(0, `Name:\t${ns.metadata.name ?? ''}`);
  multiline(w, 'Labels', ns.metadata.labels);
  annotations(w, 'Annotations', ns.metadata.annotations);
  w.line(0, `Status:\t${ns.status?.phase ?? 'Active'}`);
  w.line(0, '');
  w.line(0, 'No resource quota.');
  w.line(0, '');
  w.line(0, 'No LimitRange resource.');
  return w.toString();
}

const q = (v: string | undefined): Quantity => Quantity.parse(v ?? '0');
const pct = (part: Quantity, whole: Quantity | undefined): number => {
  const w = whole ? Number(whole.nanos) : 0;
  return w === 0 ? 0 : Math.trunc((Number(part.nanos) / w) * 100);
};

function podTotals(p: Pod): Record<'requests' | 'limits', Record<string, Quantity>> {
  const out = { requests: {} as Record<string, Quantity>, limits: {} as Record<string, Quantity> };
  for (const c of p.spec.containers ?? []) {
    for (const kind of ['requests', 'limits'] as const) {
      for (const [k, v] of Object.entries(c.resources?.[kind] ?? {})) out[kind][k] = (out[kind][k] ?? q('0')).add(q(v));
    }
  }
  return out;
}

export function describeNode(node: Node, pods: readonly Pod[], evs: readonly EventLike[] | undefined, now = new Date()): string {
  const w = new DescribeWriter(now);
  const st = node.status ?? {};
  const spec = node.spec ?? {};
  w.line(0, `Name:\t${node.metadata.name ?? ''}`);
  w.line(0, `Roles:\t${nodeRoles(node)}`);
  multiline(w, 'Labels', node.metadata.labels);
  annotations(w, 'Annotations', node.metadata.annotations);
  w.line(0, `CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp)}`);
  const taints = (spec.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  if (taints.length === 0) w.line(0, 'Taints:\t<none>');
  else taints.forEach((t, i) => w.raw(`${i === 0 ? 'Taints:' : ''}\t${t}\n`));
  w.line(0, `Unschedulable:\t${String(spec.unschedulable ?? false)}`);
  const conds = st.conditions ?? [];
  w.line(0, 'Conditions:');
  w.line(1, 'Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage');
  w.line(1, '----\t------\t-----------------\t------------------\t------\t-------');
  for (const c of conds) w.line(1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}`);
  w.line(0, 'Addresses:');
  for (const a of st.addresses ?? []) w.line(1, `${a.type}:\t${a.address}`);
  for (const [title, list] of [['Capacity', st.capacity], ['Allocatable', st.allocatable]] as const) {
    if (!list) continue;
    w.line(0, `${title}:`);
    for (const k of Object.keys(list).sort()) w.line(1, `${k}:\t${list[k]!}`);
  }
  const info = st.nodeInfo ?? {};
  w.line(0, 'System Info:');
  for (const [label, key] of [['Machine ID', 'machineID'], ['System UUID', 'systemUUID'], ['Boot ID', 'bootID'], ['Kernel Version', 'kernelVersion'], ['OS Image', 'osImage'], ['Operating System', 'operatingSystem'], ['Architecture', 'architecture'], ['Container Runtime Version', 'containerRuntimeVersion'], ['Kubelet Version', 'kubeletVersion'], ['Kube-Proxy Version', 'kubeProxyVersion']] as const) {
    w.line(1, `${label}:\t${info[key] ?? ''}`);
  }
  if (spec.podCIDR) w.line(0, `PodCIDR:\t${spec.podCIDR}`);
  if (spec.podCIDRs?.length) w.line(0, `PodCIDRs:\t${spec.podCIDRs.join(',')}`);
  if (spec.providerID) w.line(0, `ProviderID:\t${spec.providerID}`);
  const live = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const alloc = st.allocatable ?? {};
  const allocQ = (k: string) => (alloc[k] !== undefined ? q(alloc[k]) : undefined);
  w.line(0, `Non-terminated Pods:\t(${live.length} in total)`);
  w.line(1, 'Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge');
  w.line(1, '---------\t----\t------------\t----------\t---------------\t-------------\t---');
  const totals = { requests: {} as Record<string, Quantity>, limits: {} as Record<string, Quantity> };
  for (const p of live) {
    const t = podTotals(p);
    for (const kind of ['requests', 'limits'] as const) for (const [k, v] of Object.entries(t[kind])) totals[kind][k] = (totals[kind][k] ?? q('0')).add(v);
    const cell = (kind: 'requests' | 'limits', r: string) => {
      const v = t[kind][r] ?? q('0');
      return `${v.toString()} (${pct(v, allocQ(r))}%)`;
    };
    w.line(1, `${p.metadata.namespace ?? ''}\t${p.metadata.name ?? ''}\t${cell('requests', 'cpu')}\t${cell('limits', 'cpu')}\t${cell('requests', 'memory')}\t${cell('limits', 'memory')}\t${since(p.metadata.creationTimestamp, now)}`);
  }
  w.line(0, 'Allocated resources:');
  w.line(1, '(Total limits may be over 100 percent, i.e., overcommitted.)');
  w.line(1, 'Resource\tRequests\tLimits');
  w.line(1, '--------\t--------\t------');
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = totals.requests[r] ?? q('0');
    const lim = totals.limits[r] ?? q('0');
    w.line(1, `${r}\t${req.toString()} (${pct(req, allocQ(r))}%)\t${lim.toString()} (${pct(lim, allocQ(r))}%)`);
  }
  events(w, evs);
  return w.toString();
}

/** Kinds without a describer: the object's fields, nested as YAML-like indented lines. */
export function describeGeneric(obj: KubeObject, evs: readonly EventLike[] | undefined, now = new Date()): string {
  const w = new DescribeWriter(now);
  w.line(0, `Name:\t${obj.metadata.name ?? ''}`);
  if (obj.metadata.namespace) w.line(0, `Namespace:\t${obj.metadata.namespace}`);
  multiline(w, 'Labels', obj.metadata.labels);
  annotations(w, 'Annotations', obj.metadata.annotations);
  w.line(0, `API Version:\t${obj.apiVersion ?? ''}`);
  const rest = Object.entries(obj as unknown as Record<string, unknown>).filter(([k]) => !['apiVersion', 'metadata'].includes(k));
  rest.push(['Metadata', { 'Creation Timestamp': obj.metadata.creationTimestamp, 'Resource Version': obj.metadata.resourceVersion, UID: obj.metadata.uid }]);
  for (const [k, v] of rest) field(w, 0, k, v);
  events(w, evs);
  return w.toString();
}

const title = (k: string) => (k.includes(' ') ? k : k.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase()));

function field(w: DescribeWriter, level: number, key: string, v: unknown): void {
  if (v === undefined || v === null) return;
  if (Array.isArray(v)) {
    w.line(level, `${title(key)}:`);
    for (const item of v) {
      if (typeof item === 'object' && item !== null) {
        for (const [k, x] of Object.entries(item)) field(w, level + 1, k, x);
      } else w.line(level + 1, String(item));
    }
  } else if (typeof v === 'object') {
    w.line(level, `${title(key)}:`);
    for (const [k, x] of Object.entries(v)) field(w, level + 1, k, x);
  } else w.line(level, `${title(key)}:\t${String(v)}`);
}
