/**
 * The cluster zone, answered as CoreDNS's kubernetes plugin answers it, over a read-only view of
 * services and their EndpointSlices (no I/O here):
 * - `svc.ns.svc.<zone>`: A of the cluster IP; for a headless service, A of every ready endpoint;
 *   for an ExternalName service, a CNAME to its external name.
 * - `host.svc.ns.svc.<zone>`: A of a headless service's endpoint by hostname (or dashed IP).
 * - `_port._proto.svc.ns.svc.<zone>`: SRV of named ports (to the service name, or per endpoint for
 *   headless services, with A records of the targets in the additional section).
 * - `a-b-c-d.ns.pod.<zone>`: A a.b.c.d (CoreDNS's `pods insecure`, what k3s ships).
 * - `d.c.b.a.in-addr.arpa`: PTR of a cluster IP to its service, of a headless endpoint to its name.
 * A name that exists without records of the asked type is NODATA (NOERROR, SOA in authority); a
 * name that does not exist is NXDOMAIN. Answers live 30 s (`ttl 30` in k3s' Corefile); the SOA
 * carries 5 s, the plugin's minimum, so negative answers are cached for 5 s.
 */
import { isIPv4 } from 'node:net';
import type { EndpointSlice, Service } from '../api/kinds.js';

export const answerTtl = 30;
export const negativeTtl = 5;

export type Rr =
  | { type: 'A' | 'AAAA' | 'CNAME' | 'PTR'; name: string; ttl: number; data: string }
  | { type: 'SRV'; name: string; ttl: number; data: { priority: number; weight: number; port: number; target: string } }
  | { type: 'SOA'; name: string; ttl: number; data: { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number } };

export interface ZoneAnswer {
  readonly rcode: 'NOERROR' | 'NXDOMAIN';
  readonly answers: Rr[];
  readonly authorities: Rr[];
  readonly additionals: Rr[];
}

/** What the zone reads: the DNS server backs it with informers. */
export interface ClusterView {
  service(namespace: string, name: string): Service | undefined;
  slices(namespace: string, service: string): readonly EndpointSlice[];
  namespaceExists(namespace: string): boolean;
  /** The service whose cluster IP is `ip`. */
  serviceByIP(ip: string): Service | undefined;
  /** Headless services' endpoints with address `ip`: [service, hostname-or-dashed]. */
  endpointByIP(ip: string): [Service, string] | undefined;
  /** Changes whenever anything above may answer differently (answers are cached until then). */
  readonly generation?: number;
}

const dashed = (ip: string): string => ip.replace(/[.:]/g, '-');

/** The DNS name of an endpoint: its hostname or its dashed address (CoreDNS's endpoint names). */
export function endpointName(e: { hostname?: string; addresses: string[] }): string {
  return e.hostname ?? dashed(e.addresses[0] ?? '');
}

function readyEndpoints(slices: readonly EndpointSlice[]): { name: string; ip: string; ports: Map<string, { port: number; protocol: string }> }[] {
  const out = new Map<string, { name: string; ip: string; ports: Map<string, { port: number; protocol: string }> }>();
  for (const s of slices) {
    if (s.addressType !== 'IPv4' && s.addressType !== 'IPv6') continue;
    for (const e of s.endpoints ?? []) {
      const ip = e.addresses?.[0];
      if (!ip || e.conditions?.ready === false) continue;
      const cur = out.get(ip) ?? { name: endpointName(e), ip, ports: new Map() };
      for (const p of s.ports ?? []) if (p.port !== undefined) cur.ports.set(`${p.name ?? ''}/${p.protocol ?? 'TCP'}`, { port: p.port, protocol: p.protocol ?? 'TCP' });
      out.set(ip, cur);
    }
  }
  return [...out.values()].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

export class Zone {
  readonly soa: Rr;

  /** The view's generation: a cached answer is current while it is unchanged. */
  get generation(): number {
    return this.view.generation ?? 0;
  }

  constructor(readonly domain: string, private readonly view: ClusterView) {
    this.soa = {
      type: 'SOA', name: domain, ttl: negativeTtl,
      data: { mname: `ns.dns.${domain}`, rname: `hostmaster.${domain}`, serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: negativeTtl },
    };
  }

  /** Whether `name` (lower case, no trailing dot) is ours to answer. */
  owns(name: string): boolean {
    return name === this.domain || name.endsWith(`.${this.domain}`) || name.endsWith('.in-addr.arpa') || name === 'in-addr.arpa';
  }

  private nodata(soaName = this.domain): ZoneAnswer {
    return { rcode: 'NOERROR', answers: [], authorities: [{ ...this.soa, name: soaName }], additionals: [] };
  }

  private nxdomain(soaName = this.domain): ZoneAnswer {
    return { rcode: 'NXDOMAIN', answers: [], authorities: [{ ...this.soa, name: soaName }], additionals: [] };
  }

  private ok(answers: Rr[], additionals: Rr[] = []): ZoneAnswer {
    return { rcode: 'NOERROR', answers, authorities: [], additionals };
  }

  /** Answers `qname` (as asked: its case is echoed) for `qtype`; undefined for a reverse name
   * that is not the cluster's (it falls through to the upstream resolvers, as k3s' Corefile says). */
  answer(qname: string, qtype: string): ZoneAnswer | undefined {
    const name = qname.toLowerCase().replace(/\.$/, '');
    if (name.endsWith('in-addr.arpa')) return this.reverse(qname, name, qtype);
    const rel = name === this.domain ? [] : name.slice(0, -this.domain.length - 1).split('.');
    // cluster.local, svc.cluster.local, pod.cluster.local, ns.svc.cluster.local: names without records.
    if (rel.length === 0) return qtype === 'SOA' ? this.ok([{ ...this.soa, ttl: answerTtl }]) : this.nodata();
    const kind = rel[rel.length - 1];
    if (kind === 'pod') return this.pod(qname, rel.slice(0, -1), qtype);
    if (kind !== 'svc') return this.nxdomain();
    const [ns, svcName, ...rest] = rel.slice(0, -1).reverse();
    if (ns === undefined) return this.nodata();
    if (svcName === undefined) return this.view.namespaceExists(ns) ? this.nodata() : this.nxdomain();
    const svc = this.view.service(ns, svcName);
    if (!svc) return this.nxdomain();
    const labels = rest.reverse(); // what precedes svc.ns.svc.<zone>
    if (labels.length === 0) return this.serviceAnswer(qname, svc, qtype);
    if (labels.length === 2 && labels[0]!.startsWith('_') && labels[1]!.startsWith('_')) return this.srv(qname, svc, labels[0]!.slice(1), labels[1]!.slice(1), qtype);
    if (labels.length === 1) return this.endpointAnswer(qname, svc, labels[0]!, qtype);
    return this.nxdomain();
  }

  private serviceAnswer(qname: string, svc: Service, qtype: string): ZoneAnswer {
    const ns = svc.metadata.namespace!;
    if (svc.spec.type === 'ExternalName') {
      const target = (svc.spec.externalName ?? '').replace(/\.$/, '');
      return this.ok([{ type: 'CNAME', name: qname, ttl: answerTtl, data: target }]);
    }
    if (qtype === 'SRV') return this.srv(qname, svc, undefined, undefined, qtype);
    const ips = svc.spec.clusterIP === 'None' ? readyEndpoints(this.view.slices(ns, svc.metadata.name!)).map((e) => e.ip) : (svc.spec.clusterIPs ?? [svc.spec.clusterIP ?? '']);
    return this.addresses(qname, ips.filter(Boolean), qtype);
  }

  private addresses(qname: string, ips: readonly string[], qtype: string): ZoneAnswer {
    const want = qtype === 'A' ? ips.filter((ip) => isIPv4(ip)) : qtype === 'AAAA' ? ips.filter((ip) => !isIPv4(ip)) : qtype === 'ANY' ? [...ips] : [];
    if (want.length === 0) return this.nodata();
    return this.ok(want.map((ip) => ({ type: isIPv4(ip) ? 'A' as const : 'AAAA' as const, name: qname, ttl: answerTtl, data: ip })));
  }

  private endpointAnswer(qname: string, svc: Service, label: string, qtype: string): ZoneAnswer {
    if (svc.spec.clusterIP !== 'None') return this.nxdomain();
    const e = readyEndpoints(this.view.slices(svc.metadata.namespace!, svc.metadata.name!)).filter((x) => x.name === label);
    if (e.length === 0) return this.nxdomain();
    return this.addresses(qname, e.map((x) => x.ip), qtype);
  }

  /** SRV of `_port._proto` (both undefined: every port). */
  private srv(qname: string, svc: Service, port: string | undefined, proto: string | undefined, qtype: string): ZoneAnswer {
    const ns = svc.metadata.namespace!;
    const base = `${svc.metadata.name}.${ns}.svc.${this.domain}`;
    const matches = (name: string, protocol: string): boolean =>
      (port === undefined || name === port) && (proto === undefined || protocol.toLowerCase() === proto);
    const answers: Rr[] = [];
    const additionals: Rr[] = [];
    if (svc.spec.clusterIP === 'None') {
      for (const e of readyEndpoints(this.view.slices(ns, svc.metadata.name!))) {
        for (const [key, p] of e.ports) {
          if (!matches(key.split('/')[0]!, p.protocol)) continue;
          const target = `${e.name}.${base}`;
          answers.push({ type: 'SRV', name: qname, ttl: answerTtl, data: { priority: 0, weight: 100, port: p.port, target } });
          if (!additionals.some((a) => a.name === target)) additionals.push({ type: isIPv4(e.ip) ? 'A' : 'AAAA', name: target, ttl: answerTtl, data: e.ip });
        }
      }
    } else {
      for (const p of svc.spec.ports ?? []) {
        if (!matches(p.name ?? '', p.protocol ?? 'TCP') || (port !== undefined && !p.name)) continue;
        answers.push({ type: 'SRV', name: qname, ttl: answerTtl, data: { priority: 0, weight: 100, port: p.port, target: base } });
      }
      if (answers.length > 0 && svc.spec.clusterIP) additionals.push({ type: 'A', name: base, ttl: answerTtl, data: svc.spec.clusterIP });
    }
    if (answers.length === 0) return port === undefined ? this.nodata() : this.nxdomain();
    if (qtype !== 'SRV' && qtype !== 'ANY') return this.nodata();
    return this.ok(answers, additionals);
  }

  private pod(qname: string, labels: readonly string[], qtype: string): ZoneAnswer {
    if (labels.length === 1) return this.view.namespaceExists(labels[0]!) ? this.nodata() : this.nxdomain();
    if (labels.length !== 2) return labels.length === 0 ? this.nodata() : this.nxdomain();
    const ip = labels[0]!.replace(/-/g, '.');
    if (!isIPv4(ip)) return this.nxdomain();
    return this.addresses(qname, [ip], qtype);
  }

  private reverse(qname: string, name: string, qtype: string): ZoneAnswer | undefined {
    const parts = name.replace(/\.?in-addr\.arpa$/, '').split('.').filter(Boolean).reverse();
    const ip = parts.join('.');
    if (parts.length !== 4 || !isIPv4(ip)) return undefined;
    const svc = this.view.serviceByIP(ip);
    let target: string | undefined;
    if (svc) target = `${svc.metadata.name}.${svc.metadata.namespace}.svc.${this.domain}`;
    else {
      const ep = this.view.endpointByIP(ip);
      if (ep) target = `${ep[1]}.${ep[0].metadata.name}.${ep[0].metadata.namespace}.svc.${this.domain}`;
    }
    if (!target) return undefined;
    if (qtype !== 'PTR' && qtype !== 'ANY') return this.nodata('in-addr.arpa');
    return this.ok([{ type: 'PTR', name: qname, ttl: answerTtl, data: target }]);
  }
}
