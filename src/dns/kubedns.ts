/**
 * Cluster DNS as a part of the control plane (`skiff up`, `skiff server`): the DNS server on the
 * server's address, and the `kube-dns` Service in `kube-system` at the service range's `.10`
 * (10.43.0.10 with the oci runtime's range, 127.B.128.10 with the process runtime's block), ports
 * 53/UDP `dns` and 53/TCP `dns-tcp`, without a selector: its Endpoints name this server's address
 * and port, the mirroring controller makes them a slice, and the service proxy carries pods'
 * queries from the cluster IP to the server, as it carries any service's traffic.
 */
import type { Endpoints, Service } from '../api/kinds.js';
import { ApiError } from '../api/errors.js';
import { endpoints as endpointsResource, services as servicesResource } from '../api/resources.js';
import { InformerFactory } from '../client/factory.js';
import type { RestClient } from '../client/rest.js';
import type { Logger } from '../util/log.js';
import { Forwarder } from './forward.js';
import { DnsServer } from './server.js';
import { InformerView } from './view.js';
import { Zone } from './zone.js';

export const kubeDnsNamespace = 'kube-system';
export const kubeDnsName = 'kube-dns';
export const defaultClusterDomain = 'cluster.local';

/** The `.10` of a service range: `10.43.0.0/16` → `10.43.0.10`. */
export function clusterDnsIP(range: string): string {
  const [base = '0.0.0.0', bits = '32'] = range.split('/');
  const n = base.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  const ip = n - (n % size) + 10;
  return [24, 16, 8, 0].map((s) => Math.floor(ip / 2 ** s) % 256).join('.');
}

export interface ClusterDnsOptions {
  readonly client: RestClient;
  readonly serviceRange: string;
  /** The address the server listens on and names in the Endpoints. */
  readonly host: string;
  /** 0: any free port (the Service still answers on 53; the proxy maps it). */
  readonly port?: number;
  readonly domain?: string;
  readonly log: Logger;
}

export interface ClusterDns {
  readonly server: DnsServer;
  readonly clusterIP: string;
  stop(): Promise<void>;
}

async function ignore(p: Promise<unknown>, ...codes: number[]): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof ApiError && codes.includes(err.code))) throw err;
  }
}

async function retryConflicts(fn: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fn();
      return;
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409) || attempt >= 5) throw err;
    }
  }
}

async function publish(opts: ClusterDnsOptions, fn: () => Promise<void>): Promise<void> {
  try {
    await retryConflicts(fn);
  } catch (err) {
    opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'cannot publish the kube-dns Service; DNS is served at its own address only');
  }
}

export async function startClusterDns(opts: ClusterDnsOptions): Promise<ClusterDns> {
  const informers = new InformerFactory(opts.client);
  const view = new InformerView(informers);
  void informers.start();
  await view.waitForSync();
  const clusterIP = clusterDnsIP(opts.serviceRange);
  const server = new DnsServer({
    host: opts.host, port: opts.port ?? 0, log: opts.log,
    zone: new Zone(opts.domain ?? defaultClusterDomain, view),
    forwarder: new Forwarder({ exclude: [opts.host, clusterIP] }),
  });
  await server.start();
  const port = server.port;
  const ports = [{ name: 'dns', port: 53, protocol: 'UDP' as const, targetPort: port }, { name: 'dns-tcp', port: 53, protocol: 'TCP' as const, targetPort: port }];
  const labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'skiff-dns' };
  const svc: Service = { metadata: { name: kubeDnsName, namespace: kubeDnsNamespace, labels }, spec: { clusterIP, ports } };
  // Several servers may start at once on one store: a conflict is retried on the newer copy. A
  // Service the API refuses (the .10 taken by a user's service) leaves DNS served at its own
  // address, with a warning, rather than stopping the server.
  await publish(opts, async () => {
    try {
      const cur = await opts.client.get<Service>(servicesResource, kubeDnsNamespace, kubeDnsName);
      await opts.client.update(servicesResource, { ...cur, spec: { ...cur.spec, ports } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
      await ignore(opts.client.create(servicesResource, svc), 409);
    }
  });
  const ep: Endpoints = {
    metadata: { name: kubeDnsName, namespace: kubeDnsNamespace, labels },
    subsets: [{ addresses: [{ ip: opts.host }], ports: ports.map((p) => ({ name: p.name, port, protocol: p.protocol })) }],
  };
  await publish(opts, async () => {
    try {
      const cur = await opts.client.get<Endpoints>(endpointsResource, kubeDnsNamespace, kubeDnsName);
      await opts.client.update(endpointsResource, { ...ep, metadata: { ...ep.metadata, resourceVersion: cur.metadata.resourceVersion } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
      await ignore(opts.client.create(endpointsResource, ep), 409);
    }
  });
  opts.log.info({ clusterIP, listen: `${opts.host}:${port}`, domain: opts.domain ?? defaultClusterDomain }, 'cluster DNS serving');
  return {
    server,
    clusterIP,
    async stop() {
      await server.stop();
      informers.stop();
    },
  };
}
