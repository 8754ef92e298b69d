/** `skiff up`: a whole cluster in one process — control plane, N nodes running real pods as host
 * processes, and services that answer — on the data dir's SQLite store. */
import { issueNodeServingCertificate } from '../../apiserver/certs.js';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { logger } from '../../util/log.js';
import { startControlPlane } from '../controlplane.js';
import { dnsOptions, withDnsFlags, type DnsFlags } from '../dnsflags.js';
import { addressBlock, maxNodesPerBlock, NodeHost, nodeSpecs, type NodeSpec } from '../nodes.js';
import type { Runtime } from '../../runtime/runtime.js';
import { retireFormerNodes } from '../formernodes.js';
import { defaultProxyMode, makeRuntime, proxyMode, proxyModes, runtimeName, runtimeNames, type ProxyMode, type RuntimeName } from '../runtimes.js';
import { waitForSignal } from '../signals.js';
import { exitOnFatalError } from '../fatal.js';
import { externalAddress, joinHint, ociNeedsRoot } from '../joinhint.js';
import { applyLogFlags, withLogFlags, type LogFlags } from '../logflags.js';
import { servingOptions, withServingFlags, type ServingFlags } from '../servingflags.js';
import { serviceAccountOptions, withServiceAccountFlags, type ServiceAccountFlags } from '../serviceaccountflags.js';
import { startImageStore, withImageStoreFlags, type ImageStoreFlags } from '../imagestore.js';
import { NodeNameInUseError } from '../../agent/index.js';
import { ingressOptions, withIngressFlags, type IngressFlags } from '../ingressflags.js';

interface UpOptions extends LogFlags, ImageStoreFlags, ServingFlags, ServiceAccountFlags, DnsFlags, IngressFlags {
  dataDir: string;
  listen: string;
  datastore?: string;
  runtimeConfig?: string;
  nodes: number;
  nodeName?: string;
  nodeLabels?: string;
  runtime: RuntimeName;
  imageCatalog?: string;
  addressBlock: number;
  serviceNodePortRange: string;
  serviceClusterIpRange?: string;
  clusterCidr: string;
  proxyMode?: ProxyMode;
}

function int(min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** `a=b,c=d` → labels. */
export function parseLabels(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`"${pair}" is not key=value`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export function upCommand(): Command {
  return withIngressFlags(withDnsFlags(withServiceAccountFlags(withServingFlags(withImageStoreFlags(withLogFlags(new Command('up'))
    .description('run a whole cluster in this process: control plane, nodes, services (Ctrl-C stops it; state stays in the data dir)')
    .option('--data-dir <dir>', 'where state, certificates, tokens, pods and the kubeconfig live', path.join(os.homedir(), '.skiff', 'up'))
    .option('--listen <host:port>', 'address to serve the API on', '127.0.0.1:6443')
    .option('--datastore <url>', 'sqlite://PATH, etcd://HOST:PORT[,...] or memory:// (default sqlite://DATA_DIR/state.db)')
    .option('--runtime-config <list>', 'enable or disable API group/versions and resources')
    .option('--nodes <n>', 'nodes to run', int(1, maxNodesPerBlock), 1)
    .option('--node-name <name>', 'name of the node (with --nodes N: NAME-1 … NAME-N); default the host name')
    .option('--node-labels <k=v,...>', 'labels every node registers with')
    .option('--runtime <name>', `container runtime: ${runtimeNames.join(', ')}`, runtimeName, 'process' as RuntimeName)
    .option('--image-catalog <file>', 'extra image → program entries for the process runtime (YAML)')
    .option('--service-node-port-range <range>', 'the range services get node ports from', '30000-32767')
    .option('--address-block <b>', 'loopback block: nodes 127.B.0.i, pods 127.B.i.x, services 127.B.128.0/17', int(1, 254), 20)
    .option('--service-cluster-ip-range <cidr>', 'where services get cluster IPs (default 127.B.128.0/17, with --runtime oci 10.43.0.0/16)')
    .option('--cluster-cidr <cidr>', 'the range nodes get their pod subnets from (--runtime oci)', '10.42.0.0/16')
    .option('--proxy-mode <mode>', `service proxy: ${proxyModes.join(', ')} (default userspace, with --runtime oci iptables)`, proxyMode))))))
    .action(async (opts: UpOptions) => {
      applyLogFlags(opts);
      exitOnFatalError('skiff up', logger('up'));
      const needsRoot = ociNeedsRoot(opts.runtime);
      if (needsRoot) {
        process.stderr.write(`skiff up: ${needsRoot}\n`);
        process.exit(1);
      }
      const t0 = Date.now();
      const dataDir = path.resolve(opts.dataDir);
      const block = addressBlock(opts.addressBlock);
      const specs = nodeSpecs(opts.nodes, block, opts.nodeName, parseLabels(opts.nodeLabels));
      const cp = await startControlPlane({
        dataDir,
        listen: opts.listen,
        ...servingOptions(opts),
        ...serviceAccountOptions(opts),
        ...dnsOptions(opts),
        // Pods in their own network namespaces cannot reach loopback cluster IPs.
        serviceClusterIpRange: opts.serviceClusterIpRange ?? (opts.runtime === 'oci' ? '10.43.0.0/16' : block.serviceRange),
        clusterCidr: opts.clusterCidr,
        serviceNodePortRange: opts.serviceNodePortRange,
        ...(opts.datastore ? { datastore: opts.datastore } : {}),
        ...(opts.runtimeConfig ? { runtimeConfig: opts.runtimeConfig } : {}),
      });
      const imageStore = opts.runtime === 'oci' ? startImageStore(dataDir, opts, logger('images')) : undefined;
      const images = imageStore?.store;
      const runtimeFor = (spec: NodeSpec, dir: string): Runtime => makeRuntime(opts.runtime, spec, dir, {
        ...(opts.imageCatalog ? { imageCatalog: opts.imageCatalog } : {}),
        ...(images ? { images, bridge: `skiff${specs.indexOf(spec)}`, clusterCidr: opts.clusterCidr } : {}),
        ...(cp.dns ? { clusterDns: { servers: [cp.dns.clusterIP], domain: opts.clusterDomain } } : {}),
      });
      const host = new NodeHost({
        client: cp.client,
        nodes: specs,
        dataDir,
        proxyMode: opts.proxyMode ?? defaultProxyMode(opts.runtime),
        clusterCidr: opts.clusterCidr,
        ...(ingressOptions(opts) ? { ingress: ingressOptions(opts)! } : {}),
        makeRuntime: runtimeFor,
        images,
        // One process with the CA: the nodes' serving certificates are signed at once.
        clusterCa: cp.server.caCert,
        servingCertificate: async (spec) => issueNodeServingCertificate(cp.server.clusterCa, spec.name, [spec.address]),
        log: logger('node'),
      });
      const retired = await retireFormerNodes({ client: cp.client, dataDir, current: specs, makeRuntime: runtimeFor, log: logger('node') });
      if (retired.length > 0) process.stderr.write(`skiff up: removed node${retired.length > 1 ? 's' : ''} ${retired.join(', ')}, which this data dir ran before (this run: ${specs.map((s) => s.name).join(', ')}); their pods are replaced on the nodes that run\n`);
      await host.start().catch((err: unknown) => {
        if (!(err instanceof NodeNameInUseError)) throw err;
        process.stderr.write(`skiff up: ${err.message}\n`);
        process.exit(1);
      });
      process.stderr.write(
        `skiff up: cluster ready in ${Date.now() - t0} ms — API at ${cp.server.url}, nodes ${specs.map((s) => `${s.name} (${s.address})`).join(', ')}\n` +
          `  export KUBECONFIG=${cp.server.kubeconfigPath}\n` +
          `  kubectl get nodes\n` +
          `  kubectl create -f my-app.yaml\n` +
          (opts.ui ? `  web view: ${cp.server.url}/ui/ (sign in with a token, e.g. the admin one in ${path.join(dataDir, 'tokens.json')})\n` : '') +
          joinHint({ listen: opts.listen, url: cp.server.url, token: cp.server.joinToken, caCert: path.join(dataDir, 'pki', 'ca.crt'), runtime: opts.runtime, external: externalAddress() }),
      );
      await waitForSignal();
      process.stderr.write('skiff up: shutting down\n');
      imageStore?.stop();
      await host.stop();
      await cp.stop();
    });
}
