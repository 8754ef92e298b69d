/**
 * The `kubernetes` Service in `default` and its Endpoints, as kube-apiserver's own controller keeps
 * them: ClusterIP the first address of the service range (which the allocator keeps back for it),
 * port 443 named `https` to the servers' secure port, endpoints at each server's advertise address
 * (`--advertise-address`). Pods reach the API through it (KUBERNETES_SERVICE_HOST/PORT). Checked at
 * start and every few seconds after, so a deleted or edited Service comes back; on stop a server
 * takes its own address out of the Endpoints, so the others keep serving.
 */
import os from 'node:os';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { Registry } from './registry/registry.js';
import { parseCidr } from './registry/allocator/index.js';
import type { Logger } from '../util/log.js';

export const KUBERNETES_SERVICE = 'kubernetes';
const NAMESPACE = 'default';

/** The first usable address of the service range: the `kubernetes` Service's ClusterIP. */
export function kubernetesServiceIP(range: string): string {
  const r = parseCidr(range);
  for (let off = 0; off < r.size; off++) {
    const ip = r.valueAt(off);
    if (r.offsetOf(ip) !== undefined) return ip;
  }
  return r.valueAt(0);
}

/**
 * kube-apiserver's default advertise address: the address it listens on, or, listening on every
 * address, the host's first non-loopback IPv4 address (loopback when it has none).
 */
export function defaultAdvertiseAddress(listenHost: string): string {
  if (listenHost && listenHost !== '0.0.0.0' && listenHost !== '::') return listenHost;
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export interface KubernetesServiceOptions {
  readonly services: Registry;
  readonly endpoints: Registry;
  /** EndpointSlices: the `kubernetes` slice follows the Endpoints (the Endpoints carry
   * `skip-mirror`, so the mirroring controller leaves them to us, as kube-apiserver does). */
  readonly slices?: Registry;
  readonly clusterIP: string;
  readonly advertiseAddress: string;
  readonly port: number;
  readonly log: Logger;
  readonly intervalMs?: number;
}

function serviceObject(o: KubernetesServiceOptions): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: KUBERNETES_SERVICE, namespace: NAMESPACE, labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: o.clusterIP,
      clusterIPs: [o.clusterIP],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: o.port }],
      sessionAffinity: 'None',
    },
  };
}

interface Subset {
  addresses?: { ip: string }[];
  ports?: { name?: string; port: number; protocol?: string }[];
}

export class KubernetesServiceReconciler {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: KubernetesServiceOptions) {}

  async start(): Promise<void> {
    await this.reconcile();
    const every = this.o.intervalMs ?? 10_000;
    this.timer = setInterval(() => {
      this.reconcile().catch((err: unknown) => this.o.log.warn({ err: String(err) }, 'cannot reconcile the kubernetes service'));
    }, every);
    this.timer.unref();
  }

  async reconcile(): Promise<void> {
    await this.ensureService();
    await this.ensureEndpoints(true);
    await this.ensureSlice();
  }

  /** The `kubernetes` EndpointSlice: the Endpoints' first subset (one port), every address ready. */
  private async ensureSlice(): Promise<void> {
    const registry = this.o.slices;
    if (!registry) return;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        let subsets: Subset[] = [];
        try {
          subsets = ((await this.o.endpoints.get(NAMESPACE, KUBERNETES_SERVICE)) as KubeObject & { subsets?: Subset[] }).subsets ?? [];
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
        const first = subsets[0];
        const want = {
          addressType: 'IPv4',
          endpoints: (first?.addresses ?? []).map((a) => ({ addresses: [a.ip], conditions: { ready: true } })),
          ports: (first?.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
        };
        const labels = { 'kubernetes.io/service-name': KUBERNETES_SERVICE };
        let current: KubeObject | undefined;
        try {
          current = await registry.get(NAMESPACE, KUBERNETES_SERVICE);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
        if (!current) {
          await registry.create({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: KUBERNETES_SERVICE, namespace: NAMESPACE, labels }, ...want } as KubeObject);
          return;
        }
        const c = current as KubeObject & Record<string, unknown>;
        if (JSON.stringify([c['endpoints'] ?? [], c['ports'] ?? [], current.metadata.labels ?? {}]) === JSON.stringify([want.endpoints, want.ports, labels])) return;
        await registry.update(NAMESPACE, KUBERNETES_SERVICE, { ...current, metadata: { ...current.metadata, labels }, ...want } as KubeObject);
        return;
      } catch (err) {
        if (!(err instanceof ConflictError) && !(err instanceof AlreadyExistsError)) throw err;
      }
    }
  }

  private async ensureService(): Promise<void> {
    const want = serviceObject(this.o);
    let current: KubeObject;
    try {
      current = await this.o.services.get(NAMESPACE, KUBERNETES_SERVICE);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      try {
        await this.o.services.create(want);
      } catch (e) {
        if (!(e instanceof AlreadyExistsError)) throw e;
      }
      return;
    }
    const spec = (current.spec ?? {}) as { ports?: { name?: string; port?: number; protocol?: string }[] };
    const wantSpec = want.spec as { ports: unknown };
    // The target port is whichever server wrote last (the Endpoints carry each one's port), so
    // servers on different ports do not take turns rewriting it.
    const shape = (ports: { name?: string; port?: number; protocol?: string }[] | undefined) => JSON.stringify((ports ?? []).map((p) => [p.name, p.port, p.protocol]));
    if (shape(spec.ports) === shape(wantSpec.ports as { name?: string; port?: number; protocol?: string }[])) return;
    // The ports are the server's; the cluster IP (immutable) stays whatever it was given.
    await this.o.services.guaranteedUpdate(NAMESPACE, KUBERNETES_SERVICE, (svc) => ({ ...svc, spec: { ...(svc.spec ?? {}), ports: wantSpec.ports } }));
  }

  /** Puts this server's address in (or, `present` false, takes it out of) the Endpoints. */
  private async ensureEndpoints(present: boolean): Promise<void> {
    const ip = this.o.advertiseAddress;
    const port = { name: 'https', port: this.o.port, protocol: 'TCP' };
    // One subset per port: servers of one cluster share a port, but several on one machine may not.
    const merge = (subsets: Subset[]): Subset[] => {
      const byPort = new Map<number, Set<string>>();
      for (const s of subsets) {
        const p = s.ports?.length === 1 ? s.ports[0]!.port : undefined;
        if (p === undefined) continue;
        const ips = byPort.get(p) ?? new Set<string>();
        for (const a of s.addresses ?? []) ips.add(a.ip);
        byPort.set(p, ips);
      }
      const mine = byPort.get(port.port) ?? new Set<string>();
      if (present) mine.add(ip);
      else mine.delete(ip);
      byPort.set(port.port, mine);
      return [...byPort].filter(([, ips]) => ips.size > 0).sort(([a], [b]) => a - b)
        .map(([p, ips]) => ({ addresses: [...ips].sort().map((a) => ({ ip: a })), ports: [{ ...port, port: p }] }));
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        let current: KubeObject | undefined;
        try {
          current = await this.o.endpoints.get(NAMESPACE, KUBERNETES_SERVICE);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
        if (!current) {
          if (!present) return;
          await this.o.endpoints.create({
            apiVersion: 'v1', kind: 'Endpoints',
            metadata: { name: KUBERNETES_SERVICE, namespace: NAMESPACE, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
            subsets: merge([]),
          } as KubeObject);
          return;
        }
        const subsets = merge(((current as KubeObject & { subsets?: Subset[] }).subsets) ?? []);
        if (JSON.stringify(subsets) === JSON.stringify((current as KubeObject & { subsets?: Subset[] }).subsets ?? [])) return;
        await this.o.endpoints.update(NAMESPACE, KUBERNETES_SERVICE, { ...current, subsets } as KubeObject);
        return;
      } catch (err) {
        if (!(err instanceof ConflictError) && !(err instanceof AlreadyExistsError)) throw err;
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ensureEndpoints(false).catch(() => undefined);
    await this.ensureSlice().catch(() => undefined);
  }
}
