/** Tables of services, endpoints, namespaces, nodes, events, config maps, secrets, service
 * accounts and leases. */
import { since } from './age.js';
import { ageColumn, at, column, formatLabels, has, int, isRecord, nameColumn, records, str, strings, type Json } from './format.js';
import type { TablePrinter } from './index.js';

/** `80/TCP`, `80:30088/TCP`, joined with `,`. */
export function servicePorts(svc: unknown): string {
  return records(svc, 'spec', 'ports').map((p) => {
    const proto = str(p, 'protocol') || 'TCP';
    const nodePort = int(p, 'nodePort');
    return nodePort > 0 ? `${int(p, 'port')}:${nodePort}/${proto}` : `${int(p, 'port')}/${proto}`;
  }).join(',');
}

/** The EXTERNAL-IP cell: external IPs, load balancer addresses, `<pending>` for a balancer not
 * provisioned yet, the external name, or `<none>`. */
export function serviceExternalIP(svc: unknown): string {
  const externalIPs = strings(svc, 'spec', 'externalIPs');
  const type = str(svc, 'spec', 'type') || 'ClusterIP';
  switch (type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [...new Set(records(svc, 'status', 'loadBalancer', 'ingress').map((i) => str(i, 'ip') || str(i, 'hostname')).filter(Boolean))].sort();
      if (externalIPs.length > 0) return [...lb, ...externalIPs].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(svc, 'spec', 'externalName');
    default:
      return '<unknown>';
  }
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** `a:80,b:80,c:80 + 2 more...`: the first three address:port pairs and a count of the rest. */
export function formatEndpoints(ep: unknown): string {
  const subsets = records(ep, 'subsets');
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  const add = (s: string) => {
    if (list.length < max) list.push(s);
    count++;
  };
  for (const ss of subsets) {
    const addrs = records(ss, 'addresses');
    const ports = records(ss, 'ports');
    if (ports.length === 0) for (const a of addrs) add(str(a, 'ip'));
    else for (const p of ports) for (const a of addrs) add(hostPort(str(a, 'ip'), int(p, 'port')));
  }
  const text = list.join(',');
  return count > max ? `${text} + ${count - max} more...` : text;
}

function nodeAddress(node: unknown, type: string): string {
  return records(node, 'status', 'addresses').find((a) => a['type'] === type)?.['address'] as string | undefined ?? '<none>';
}

/** `Ready`, `NotReady`, `Unknown`, with `,SchedulingDisabled` for a cordoned node. */
export function nodeStatus(node: unknown): string {
  const ready = records(node, 'status', 'conditions').filter((c) => c['type'] === 'Ready').pop();
  const out = [ready ? (ready['status'] === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (at(node, 'spec', 'unschedulable') === true) out.push('SchedulingDisabled');
  return out.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` labels and the `kubernetes.io/role` label. */
export function nodeRoles(node: unknown): string {
  const roles = new Set<string>();
  const labels = at(node, 'metadata', 'labels');
  for (const [k, v] of Object.entries(isRecord(labels) ? labels : {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && typeof v === 'string' && v !== '') {
      roles.add(v);
    }
  }
  return roles.size > 0 ? [...roles].sort().join(',') : '<none>';
}

const orUnknown = (s: string) => s || '<unknown>';
const count = (v: unknown) => (isRecord(v) ? Object.keys(v).length : 0);

export const servicePrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'string', 'The virtual address of the service inside the cluster.'),
    column('External-IP', 'string', 'Addresses from outside the cluster: external IPs or the load balancer\'s.'),
    column('Port(s)', 'string', 'The ports of the service, with node ports, as port[:nodePort]/protocol.'),
    ageColumn,
    column('Selector', 'string', 'The labels of the pods behind the service.', 1),
  ],
  cells(o, now) {
    const ips = strings(o, 'spec', 'clusterIPs');
    const clusterIP = ips[0] ?? (str(o, 'spec', 'clusterIP') || '<none>');
    return [o.metadata.name ?? '', str(o, 'spec', 'type') || 'ClusterIP', clusterIP, serviceExternalIP(o), servicePorts(o) || '<none>',
      since(o.metadata.creationTimestamp, now), formatLabels(at(o, 'spec', 'selector'))];
  },
};

export const endpointsPrinter: TablePrinter = {
  columns: [nameColumn, column('Endpoints', 'string', 'The addresses and ports behind the service.'), ageColumn],
  cells: (o, now) => [o.metadata.name ?? '', formatEndpoints(o), since(o.metadata.creationTimestamp, now)],
};

export const namespacePrinter: TablePrinter = {
  columns: [nameColumn, column('Status', 'string', 'Whether the namespace is Active or Terminating.'), ageColumn],
  cells: (o, now) => [o.metadata.name ?? '', str(o, 'status', 'phase'), since(o.metadata.creationTimestamp, now)],
};

export const nodePrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Whether the node is ready, and whether it takes new pods.'),
    column('Roles', 'string', 'The roles of the node, from its node-role labels.'),
    ageColumn,
    column('Version', 'string', 'The version of the node agent.'),
    column('Internal-IP', 'string', 'The node\'s address inside the cluster.', 1),
    column('External-IP', 'string', 'The node\'s address outside the cluster.', 1),
    column('OS-Image', 'string', 'The operating system image of the node.', 1),
    column('Kernel-Version', 'string', 'The kernel version of the node.', 1),
    column('Container-Runtime', 'string', 'The container runtime and its version.', 1),
  ],
  cells: (o, now) => [
    o.metadata.name ?? '', nodeStatus(o), nodeRoles(o), since(o.metadata.creationTimestamp, now), str(o, 'status', 'nodeInfo', 'kubeletVersion'),
    nodeAddress(o, 'InternalIP'), nodeAddress(o, 'ExternalIP'), orUnknown(str(o, 'status', 'nodeInfo', 'osImage')),
    orUnknown(str(o, 'status', 'nodeInfo', 'kernelVersion')), orUnknown(str(o, 'status', 'nodeInfo', 'containerRuntimeVersion')),
  ],
};

/** `kind/name` of the object an event is about, the kind in lower case. */
function eventObject(e: Json): string {
  const kind = str(e, 'involvedObject', 'kind').toLowerCase();
  const name = str(e, 'involvedObject', 'name');
  return name ? `${kind}/${name}` : kind;
}

export const eventPrinter: TablePrinter = {
  columns: [
    column('Last Seen', 'string', 'Time since the event was last seen.'),
    column('Type', 'string', 'Normal or Warning.'),
    column('Reason', 'string', 'Why the event happened, in one word.'),
    column('Object', 'string', 'The object the event is about.'),
    column('Subobject', 'string', 'The part of the object, such as one container of a pod.', 1),
    column('Source', 'string', 'The component (and host) that reported the event.', 1),
    column('Message', 'string', 'What happened.'),
    column('First Seen', 'string', 'Time since the event was first seen.', 1),
    column('Count', 'string', 'How often it happened.', 1),
    { name: 'Name', type: 'string', format: 'name', description: 'Name of the event object.', priority: 1 },
  ],
  cells(e, now) {
    const first = has(e, 'firstTimestamp') ? since(at(e, 'firstTimestamp'), now) : since(at(e, 'eventTime'), now);
    let last = has(e, 'lastTimestamp') ? since(at(e, 'lastTimestamp'), now) : first;
    let n = int(e, 'count');
    if (has(e, 'series')) {
      last = since(at(e, 'series', 'lastObservedTime'), now);
      n = int(e, 'series', 'count');
    } else if (n === 0) {
      n = 1;
    }
    const component = str(e, 'source', 'component') || str(e, 'reportingComponent');
    const host = str(e, 'source', 'host') || str(e, 'reportingInstance');
    return [last, str(e, 'type'), str(e, 'reason'), eventObject(e), str(e, 'involvedObject', 'fieldPath'), host ? `${component}, ${host}` : component,
      str(e, 'message').trim(), first, n, e.metadata.name ?? ''];
  },
};

export const configMapPrinter: TablePrinter = {
  columns: [nameColumn, column('Data', 'string', 'How many keys the config map holds.'), ageColumn],
  cells: (o, now) => [o.metadata.name ?? '', count(o['data']) + count(o['binaryData']), since(o.metadata.creationTimestamp, now)],
};

export const secretPrinter: TablePrinter = {
  columns: [nameColumn, column('Type', 'string', 'What the secret holds, e.g. Opaque.'), column('Data', 'string', 'How many keys the secret holds.'), ageColumn],
  cells: (o, now) => [o.metadata.name ?? '', str(o, 'type'), count(o['data']), since(o.metadata.creationTimestamp, now)],
};

export const serviceAccountPrinter: TablePrinter = {
  columns: [nameColumn, column('Secrets', 'string', 'How many secrets the account references.'), ageColumn],
  cells: (o, now) => [o.metadata.name ?? '', records(o, 'secrets').length, since(o.metadata.creationTimestamp, now)],
};

export const leasePrinter: TablePrinter = {
  columns: [nameColumn, column('Holder', 'string', 'Who holds the lease.'), ageColumn],
  cells: (o, now) => [o.metadata.name ?? '', str(o, 'spec', 'holderIdentity'), since(o.metadata.creationTimestamp, now)],
};

/** The PORTS cell of a slice: port numbers joined with `,`, `<unset>` for a port without one. */
function slicePorts(slice: unknown): string {
  const ports = records(slice, 'ports');
  if (ports.length === 0) return '<unset>';
  return ports.map((p) => (has(p, 'port') ? String(int(p, 'port')) : '<unset>')).join(',');
}

/** The ENDPOINTS cell of a slice: the first three addresses and a count of the rest. */
function sliceEndpoints(slice: unknown): string {
  const all = records(slice, 'endpoints').flatMap((e) => strings(e, 'addresses'));
  if (all.length === 0) return '<unset>';
  const text = all.slice(0, 3).join(',');
  return all.length > 3 ? `${text} + ${all.length - 3} more...` : text;
}

export const endpointSlicePrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('AddressType', 'string', 'The type of address carried by the slice.'),
    column('Ports', 'string', 'The ports of the slice.'),
    column('Endpoints', 'string', 'The addresses of the slice\'s endpoints.'),
    ageColumn,
  ],
  cells: (o, now) => [o.metadata.name ?? '', str(o, 'addressType'), slicePorts(o), sliceEndpoints(o), since(o.metadata.creationTimestamp, now)],
};
