/** A `skiff up` cluster in the test process: the control plane (memory store) and N real nodes
 * on the process runtime with the service proxy, on a random loopback address block so test
 * files running side by side never share an address; the real kubectl points at it. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, type Dirent } from 'node:fs';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startControlPlane, type ControlPlane, type ControlLoopOptions } from '../../src/cli/controlplane.js';
import { addressBlock, NodeHost, nodeSpecs, type AddressBlock } from '../../src/cli/nodes.js';
import { makeRuntime, type RuntimeName } from '../../src/cli/runtimes.js';
import { ImageStore, type ImageService } from '../../src/images/index.js';
import { logger } from '../../src/util/log.js';
import { Kubectl } from './kubectl.js';
import { issueNodeServingCertificate } from '../../src/apiserver/certs.js';

process.env['SKIFF_LOG_LEVEL'] ??= 'warn';

export interface UpCluster {
  readonly cp: ControlPlane;
  /** The address block number (pass it as `block` to restart with the same nodes). */
  readonly blockNumber: number;
  readonly host: NodeHost;
  readonly block: AddressBlock;
  readonly kubectl: Kubectl;
  readonly dataDir: string;
  readonly nodeNames: readonly string[];
  readonly nodeAddresses: readonly string[];
  stop(): Promise<void>;
}

export interface UpClusterOptions {
  readonly nodes: number;
  readonly runtime?: RuntimeName;
  readonly runtimeConfig?: string;
  readonly loops?: ControlLoopOptions;
  readonly restartBackoffMs?: number;
  /** The oci runtime's image store (required with runtime oci). */
  readonly images?: ImageService;
  /** A data dir to use (made if missing; kept at stop, unlike the default temporary one). */
  readonly dataDir?: string;
  /** The control plane's datastore URL (default memory://). */
  readonly datastore?: string;
  /** Run the built-in ingress controller (ports 0: free ones, read from `host.ingress`). */
  readonly ingress?: { readonly httpPort: number; readonly httpsPort: number };
  /** The address block (and so the node names) to use; random when unset. A restart on the same
   * data dir passes the first run's, so the stored pods and volumes find their nodes again. */
  readonly block?: number;
  /** How often nodes sample resource metrics (default: the agent's 10 s). */
  readonly metricsIntervalMs?: number;
}

/** Blocks 30–249, so clusters in one test run (and the default 20 of `skiff up`) differ. */
function randomBlock(): number {
  return 30 + Math.floor(Math.random() * 220);
}

export async function startUpCluster(opts: UpClusterOptions): Promise<UpCluster> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'skiff-up-'));
  const b = opts.block ?? randomBlock();
  const block = addressBlock(b);
  const specs = nodeSpecs(opts.nodes, block, `node${b}`);
  // oci pods live in their own network namespaces: pod and service ranges off loopback, one
  // pair per block (10.B.0.0/17 pods, 10.B.128.0/17 services), a bridge per node.
  const oci = opts.runtime === 'oci';
  const clusterCidr = `10.${b}.0.0/17`;
  const cp = await startControlPlane({
    dataDir,
    listen: '127.0.0.1:0',
    datastore: opts.datastore ?? 'memory://',
    serviceClusterIpRange: oci ? `10.${b}.128.0/17` : block.serviceRange,
    ...(oci ? { clusterCidr } : {}),
    jobBackoffBaseMs: 200,
    ...(opts.loops ?? {}),
    ...(opts.runtimeConfig ? { runtimeConfig: opts.runtimeConfig } : {}),
  });
  const host = new NodeHost({
    client: cp.client,
    nodes: specs,
    dataDir,
    makeRuntime: (spec, dir) => makeRuntime(opts.runtime ?? 'process', spec, dir, {
      ...(oci ? { ...(opts.images ? { images: opts.images } : {}), bridge: `skb${b}n${specs.indexOf(spec)}`, clusterCidr } : {}),
      ...(cp.dns ? { clusterDns: { servers: [cp.dns.clusterIP], domain: 'cluster.local' } } : {}),
    }),
    ...(oci ? { proxyMode: 'iptables' as const, clusterCidr } : {}),
    // A real store is served on the node endpoints too (`skiff image` against the cluster).
    ...(opts.images instanceof ImageStore ? { images: opts.images } : {}),
    ...(opts.ingress ? { ingress: opts.ingress } : {}),
    clusterCa: cp.server.caCert,
    servingCertificate: async (spec) => issueNodeServingCertificate(cp.server.clusterCa, spec.name, [spec.address]),
    kubeletPort: 0,
    log: logger('node'),
    restartBackoffMs: opts.restartBackoffMs ?? 500,
    ...(opts.metricsIntervalMs !== undefined ? { metricsIntervalMs: opts.metricsIntervalMs } : {}),
  });
  try {
    await host.start();
  } catch (err) {
    // A cluster that cannot start must not keep the test process alive (a hang, not a failure).
    await host.stop().catch(() => undefined);
    await cp.stop();
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    cp,
    blockNumber: b,
    host,
    block,
    kubectl: new Kubectl(cp.server.kubeconfigPath),
    dataDir,
    nodeNames: specs.map((s) => s.name),
    nodeAddresses: specs.map((s) => s.address),
    async stop() {
      // The control plane stops even when the nodes' stop fails: a live server would keep the
      // test process (and the whole run) waiting forever.
      try {
        await host.stop();
      } finally {
        await cp.stop();
      }
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      // CNI leaves a node's bridge for its next pods (as cni0 stays); the test's go.
      if (oci) for (let i = 0; i < specs.length; i++) spawnSync('ip', ['link', 'del', `skb${b}n${i}`]);
    },
  };
}

/** An HTTP GET on loopback: status and body, or the error's code. */
export async function httpGet(url: string, timeoutMs = 3000): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

/** A GET on a new connection each time, as `curl` in a loop does (no keep-alive to race with a
 * server closing an idle connection). */
export function httpGetOnce(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Kills every container a process-runtime node recorded under `dataDir` (run.json files): what
 * an agent killed with SIGKILL leaves behind when a test fails before a new agent adopts it. */
export function killLeftoverContainers(dataDir: string): void {
  for (const file of findFiles(dataDir, 'run.json')) {
    try {
      const { pid } = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

function findFiles(dir: string, name: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? findFiles(path.join(dir, e.name), name) : e.name === name ? [path.join(dir, e.name)] : []));
}
