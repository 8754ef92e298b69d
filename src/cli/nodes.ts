/**
 * Real nodes in this process, as `skiff up` and `skiff agent` run them: for each node a runtime,
 * a node agent and its kubelet endpoint (logs), all sharing one client and one pod/node feed,
 * and one service proxy for every node address here.
 *
 * Addresses (process mode, DESIGN.md): an address block B gives node i the address 127.B.0.i,
 * its pods 127.B.i.2–254, and services 127.B.128.0/17 — so several clusters (tests) on one
 * machine never collide.
 */
import os from 'node:os';
import path from 'node:path';
import type { RestClient } from '../client/rest.js';
import { nodes as nodesResource, pods as podsResource } from '../api/resources.js';
import { INGRESS_PORTS_ANNOTATION } from '../api/ingressclass.js';
import type { Node } from '../api/kinds.js';
import { InformerFactory } from '../client/factory.js';
import { EventRecorder } from '../client/events.js';
import { NodeAgent, SharedAgentFeed } from '../agent/index.js';
import { KubeletServer } from '../agent/kubelet-server.js';
import { EndpointAuthorizer } from '../agent/endpoint-auth.js';
import { MetricsCollector } from '../agent/metrics/index.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ImageStore } from '../images/index.js';
import { endpointDrain, HostPortForwarder, IngressProxy, IptablesProxy, ServiceProxy } from '../proxy/index.js';
import { HostGatewayRoutes } from '../network/index.js';
import type { ProxyMode } from './runtimes.js';
import type { Logger } from '../util/log.js';
import { ensurePrivateDir, tightenTree } from '../util/private-files.js';

export interface NodeSpec {
  readonly name: string;
  readonly address: string;
  /** The node's pods get `<podPrefix>2` … `<podPrefix>254`. */
  readonly podPrefix: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface AddressBlock {
  nodeAddress(i: number): string;
  podPrefix(i: number): string;
  readonly serviceRange: string;
}

export const maxNodesPerBlock = 127;

export function addressBlock(b: number): AddressBlock {
  if (!Number.isInteger(b) || b < 1 || b > 254) throw new Error(`address block must be 1–254, not ${b}`);
  return {
    nodeAddress: (i) => `127.${b}.0.${i}`,
    podPrefix: (i) => `127.${b}.${i}.`,
    serviceRange: `127.${b}.128.0/17`,
  };
}

/** Node names as `skiff up` gives them: the host's name, or `<host>-1`… for several. */
export function nodeSpecs(count: number, block: AddressBlock, name?: string, labels: Readonly<Record<string, string>> = {}): NodeSpec[] {
  if (count < 1 || count > maxNodesPerBlock) throw new Error(`--nodes must be 1–${maxNodesPerBlock}`);
  const base = (name ?? os.hostname().split('.')[0] ?? 'node').toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return Array.from({ length: count }, (_, k) => {
    const i = k + 1;
    return { name: count === 1 ? base : `${base}-${i}`, address: block.nodeAddress(i), podPrefix: block.podPrefix(i), labels };
  });
}

export interface NodeHostOptions {
  readonly client: RestClient;
  readonly nodes: readonly NodeSpec[];
  readonly dataDir: string;
  readonly makeRuntime: (spec: NodeSpec, dataDir: string) => Runtime;
  /** The cluster CA (PEM): callers of the node endpoints present certificates it signed. */
  readonly clusterCa: string;
  /** Each node endpoint's serving certificate (from a kubelet-serving CSR, or the CA at hand). */
  readonly servingCertificate: (spec: NodeSpec) => Promise<{ cert: string; key: string }>;
  /** 10250 as kubelet; 0 for any free port (tests). */
  readonly kubeletPort?: number;
  readonly log: Logger;
  /** The nodes' image store (oci runtime), served on their endpoints for `skiff image`. */
  readonly images?: ImageStore | undefined;
  readonly restartBackoffMs?: number;
  /** Run the service proxy for these nodes' addresses (default true). */
  readonly proxy?: boolean;
  /** userspace (default; listens on loopback addresses) or iptables (DNAT in the kernel). */
  readonly proxyMode?: ProxyMode;
  /** The cluster's pod range, for the iptables proxy's masquerade rule. */
  readonly clusterCidr?: string;
  /** Keep routes to other nodes' pod CIDRs via their addresses (host-gw; runtimes with pod
   * networks, when nodes are on separate hosts). */
  readonly hostGatewayRoutes?: boolean;
  /** Run the built-in ingress controller on every node address at these ports (0: pick one). */
  readonly ingress?: { readonly httpPort: number; readonly httpsPort: number };
  /** How often each node samples its resource metrics (default 10 s, metrics-server's
   * resolution; tests shorten it). */
  readonly metricsIntervalMs?: number;
}

/**
 * Owner-only: the nodes' dirs hold pods' logs, volumes (Secrets' contents) and containers'
 * records (their environments). A dir an older skiff left 0755/0644 is tightened throughout,
 * but for what running containers read as their own user (their modes are the container's, and
 * the owner-only dirs above keep others out): volumes' contents, root filesystems, and an oci
 * sandbox's /etc/hosts, resolv.conf and hostname.
 */
function tightenNodesDir(nodesDir: string): void {
  ensurePrivateDir(path.dirname(nodesDir));
  ensurePrivateDir(nodesDir);
  tightenTree(nodesDir, (p) => /\/pods\/[^/]+\/volumes\/[^/]+$/.test(p) || /\/(rootfs|sandbox)$/.test(p));
}

export class NodeHost {
  readonly agents: NodeAgent[] = [];
  private readonly servers: KubeletServer[] = [];
  private readonly runtimes: Runtime[] = [];
  private readonly collectors: MetricsCollector[] = [];
  private readonly informers: InformerFactory;
  private proxy: ServiceProxy | IptablesProxy | undefined;
  private routes: HostGatewayRoutes[] = [];
  private hostPorts: HostPortForwarder | undefined;
  /** The built-in ingress controller, when asked for. */
  ingress: IngressProxy | undefined;

  constructor(private readonly opts: NodeHostOptions) {
    // A process with one node (a joined `skiff agent`) lists and watches only that node's pods,
    // as kubelet does; `skiff up` shares one pod watch among all its nodes.
    const only = opts.nodes.length === 1 ? opts.nodes[0]!.name : undefined;
    this.informers = new InformerFactory(opts.client, {}, (r) => (only && r === podsResource ? { fieldSelector: `spec.nodeName=${only}` } : undefined));
  }

  /** The shared informers (the service proxy uses them too). */
  get informerFactory(): InformerFactory {
    return this.informers;
  }

  async start(): Promise<void> {
    const feed = new SharedAgentFeed(this.informers);
    const nodeAddresses = this.opts.nodes.map((n) => n.address);
    if (this.opts.proxy !== false && this.opts.proxyMode === 'iptables') {
      // Host ports are the runtime's (CNI portmap) in this mode.
      this.proxy = new IptablesProxy({ informers: this.informers, nodeAddresses, log: this.opts.log, ...(this.opts.clusterCidr ? { clusterCidr: this.opts.clusterCidr } : {}) });
    } else if (this.opts.proxy !== false) {
      this.proxy = new ServiceProxy({ informers: this.informers, nodeAddresses, log: this.opts.log, recorder: new EventRecorder(this.opts.client, { component: 'kube-proxy', host: this.opts.nodes[0]?.name ?? '' }) });
      this.hostPorts = new HostPortForwarder({ informers: this.informers, nodes: new Map(this.opts.nodes.map((n) => [n.name, n.address])), log: this.opts.log });
    }
    if (this.opts.ingress) {
      this.ingress = new IngressProxy({ informers: this.informers, nodeAddresses, log: this.opts.log, ...this.opts.ingress });
    }
    const proxy = this.proxy;
    const drain = proxy ? endpointDrain(this.informers, proxy) : undefined;
    if (this.opts.hostGatewayRoutes) this.routes = this.opts.nodes.map((n) => new HostGatewayRoutes({ informers: this.informers, nodeName: n.name, log: this.opts.log }));
    await this.informers.start();
    tightenNodesDir(path.join(this.opts.dataDir, 'nodes'));
    const cpu = String(os.cpus().length);
    const memory = `${Math.floor(os.totalmem() / 1024)}Ki`;
    for (const spec of this.opts.nodes) {
      const dir = path.join(this.opts.dataDir, 'nodes', spec.name);
      ensurePrivateDir(dir);
      const runtime = this.opts.makeRuntime(spec, dir);
      this.runtimes.push(runtime);
      const recorder = new EventRecorder(this.opts.client, { component: 'kubelet', host: spec.name });
      // The kubelet endpoint first: the node advertises its port when it registers.
      let agent: NodeAgent | undefined;
      const collector = new MetricsCollector(() => agent, this.opts.metricsIntervalMs);
      this.collectors.push(collector);
      const server = new KubeletServer({
        logs: () => agent,
        metrics: { nodeName: spec.name, startTime: new Date(), collector },
        address: spec.address,
        port: this.opts.kubeletPort ?? 10250,
        tls: { ...(await this.opts.servingCertificate(spec)), ca: this.opts.clusterCa },
        auth: new EndpointAuthorizer(this.opts.client, spec.name),
        images: this.opts.images,
      });
      await server.start();
      this.servers.push(server);
      agent = new NodeAgent({
        client: this.opts.client,
        runtime,
        feed,
        log: this.opts.log,
        ...(drain ? { drain } : {}),
        recorder,
        dataDir: dir,
        identity: {
          name: spec.name,
          address: spec.address,
          // A runtime that takes its range from the server (oci) gets it allocated instead.
          ...(runtime.setPodCIDR ? {} : { podCIDR: `${spec.podPrefix}0/24` }),
          labels: spec.labels ?? {},
          capacity: { cpu, memory, pods: '110', 'ephemeral-storage': '100Gi' },
          kubeletPort: server.port,
        },
        ...(this.opts.restartBackoffMs !== undefined ? { restartBackoffMs: this.opts.restartBackoffMs } : {}),
      });
      this.agents.push(agent);
      await agent.start();
      collector.start();
    }
    await this.proxy?.start();
    await this.ingress?.start();
    await this.announceIngress();
    await Promise.all(this.routes.map((r) => r.start()));
  }

  /** Marks the nodes whose addresses answer Ingresses (the status controller lists only those);
   * a node that ran the controller before and does not now is unmarked. */
  private async announceIngress(): Promise<void> {
    const ports = this.ingress ? `${this.ingress.httpPort},${this.ingress.httpsPort}` : undefined;
    for (const spec of this.opts.nodes) {
      try {
        if (!ports) {
          const node = await this.opts.client.get<Node>(nodesResource, undefined, spec.name);
          if (node.metadata.annotations?.[INGRESS_PORTS_ANNOTATION] === undefined) continue;
        }
        await this.opts.client.patch(nodesResource, undefined, spec.name, { metadata: { annotations: { [INGRESS_PORTS_ANNOTATION]: ports ?? null } } });
      } catch (err) {
        this.opts.log.warn({ node: spec.name, err: err instanceof Error ? err.message : String(err) }, 'could not mark the node\'s ingress ports');
      }
    }
  }

  /** Stops every part even when one fails (a part left running keeps the process alive); the
   * first failure is thrown at the end. */
  async stop(): Promise<void> {
    const failures: unknown[] = [];
    const step = async (f: () => unknown): Promise<void> => {
      try {
        await f();
      } catch (err) {
        failures.push(err);
      }
    };
    await step(() => this.proxy?.stop());
    await step(() => this.ingress?.stop());
    await step(() => this.hostPorts?.stop());
    await step(() => Promise.all(this.routes.map((r) => r.stop())));
    await step(() => Promise.all(this.collectors.map((c) => c.stop())));
    await step(() => Promise.all(this.agents.map((a) => a.stop())));
    await step(() => Promise.all(this.servers.map((s) => s.stop())));
    await step(() => Promise.all(this.runtimes.map((r) => r.close())));
    this.informers.stop();
    if (failures.length) throw failures[0];
  }
}
