/** The zone's view of the cluster, kept by informers (services, EndpointSlices, namespaces) with
 * indexes by cluster IP and endpoint address, so a query costs a few map lookups. */
import type { EndpointSlice, Namespace, Service } from '../api/kinds.js';
import { serviceNameLabel } from '../api/kinds.js';
import { endpointSlices, namespaces, services } from '../api/resources.js';
import type { InformerFactory } from '../client/factory.js';
import type { Informer } from '../client/informer.js';
import { endpointName, type ClusterView } from './zone.js';

const byService = 'dnsByService';
const byClusterIP = 'dnsByClusterIP';
const byAddress = 'dnsByAddress';

export class InformerView implements ClusterView {
  private readonly services: Informer<Service>;
  private readonly slicesInf: Informer<EndpointSlice>;
  private readonly namespaces: Informer<Namespace>;
  /** Bumped on every change the informers see: cached answers older than it are stale. */
  generation = 0;

  constructor(informers: InformerFactory) {
    this.services = informers.informer<Service>(services);
    this.slicesInf = informers.informer<EndpointSlice>(endpointSlices);
    this.namespaces = informers.informer<Namespace>(namespaces);
    this.services.addIndex(byClusterIP, (s) => (s.spec?.clusterIPs ?? [s.spec?.clusterIP ?? '']).filter((ip) => ip && ip !== 'None'));
    this.slicesInf.addIndex(byService, (s) => {
      const svc = s.metadata.labels?.[serviceNameLabel];
      return svc ? [`${s.metadata.namespace ?? ''}/${svc}`] : [];
    });
    const bump = (): void => {
      this.generation++;
    };
    this.services.addEventHandler({ add: bump, update: bump, delete: bump });
    this.slicesInf.addEventHandler({ add: bump, update: bump, delete: bump });
    this.namespaces.addEventHandler({ add: bump, update: bump, delete: bump });
    this.slicesInf.addIndex(byAddress, (s) => (s.endpoints ?? []).map((e) => e.addresses?.[0] ?? '').filter(Boolean));
  }

  async waitForSync(): Promise<void> {
    await Promise.all([this.services.waitForSync(), this.slicesInf.waitForSync(), this.namespaces.waitForSync()]);
  }

  service(namespace: string, name: string): Service | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  slices(namespace: string, service: string): readonly EndpointSlice[] {
    return this.slicesInf.byIndex(byService, `${namespace}/${service}`);
  }

  namespaceExists(namespace: string): boolean {
    return this.namespaces.get(namespace) !== undefined;
  }

  serviceByIP(ip: string): Service | undefined {
    return this.services.byIndex(byClusterIP, ip)[0];
  }

  endpointByIP(ip: string): [Service, string] | undefined {
    for (const s of this.slicesInf.byIndex(byAddress, ip)) {
      const svc = this.service(s.metadata.namespace ?? '', s.metadata.labels?.[serviceNameLabel] ?? '');
      if (!svc || svc.spec.clusterIP !== 'None') continue;
      const e = (s.endpoints ?? []).find((x) => x.addresses?.[0] === ip);
      if (e) return [svc, endpointName(e)];
    }
    return undefined;
  }
}
