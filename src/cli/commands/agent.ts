/** `skiff agent`: one node joining a cluster from another process or machine, by join token. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { nodeClientCredentials, nodeServingCredentials } from '../../agent/index.js';
import { RestClient } from '../../client/index.js';
import { logger } from '../../util/log.js';
import { NodeHost, type NodeSpec } from '../nodes.js';
import { defaultProxyMode, makeRuntime, proxyMode, proxyModes, runtimeName, runtimeNames, type ProxyMode, type RuntimeName } from '../runtimes.js';
import { waitForSignal } from '../signals.js';
import { exitOnFatalError } from '../fatal.js';
import { ociNeedsRoot } from '../joinhint.js';
import { applyLogFlags, withLogFlags, type LogFlags } from '../logflags.js';
import { parseLabels } from './up.js';
import { startImageStore, withImageStoreFlags, type ImageStoreFlags } from '../imagestore.js';
import { NodeNameInUseError } from '../../agent/index.js';

interface AgentOptions extends LogFlags, ImageStoreFlags {
  server: string;
  token: string;
  caCert: string;
  dataDir: string;
  nodeName?: string;
  address: string;
  podRange?: string;
  nodeLabels?: string;
  runtime: RuntimeName;
  imageCatalog?: string;
  kubeletPort: string;
  proxyMode?: ProxyMode;
  bridge: string;
  clusterCidr: string;
  clusterDns?: string;
  clusterDomain: string;
}

/** `127.30.5.0/24` → `127.30.5.` (process mode hands out .2–.254 of a /24). */
export function podPrefixOf(range: string): string {
  const m = /^(\d+\.\d+\.\d+\.)0\/24$/.exec(range);
  if (!m) throw new Error(`--pod-range must be a /24 such as 127.30.1.0/24, not "${range}"`);
  return m[1]!;
}

export function agentCommand(): Command {
  return withImageStoreFlags(withLogFlags(new Command('agent'))
    .description('run one node that joins the cluster at --server with the join token')
    .requiredOption('--server <url>', 'the API server, e.g. https://127.0.0.1:6443')
    .requiredOption('--token <token>', 'the join token the server printed (DATA_DIR/tokens.json, role node)')
    .requiredOption('--ca-cert <file>', "the server's CA certificate (the server's DATA_DIR/pki/ca.crt)")
    .option('--data-dir <dir>', "where this node's pods, volumes and logs live", path.join(os.homedir(), '.skiff', 'agent'))
    .option('--node-name <name>', 'the node name (default: the host name)')
    .option('--address <ip>', "the node's address (its NodePorts and kubelet endpoint answer here)", '127.0.30.1')
    .option('--pod-range <cidr>', "the node's pod addresses, a /24 (default: derived from --address: 127.X.Y.Z → 127.X.(Z+100).0/24)")
    .option('--node-labels <k=v,...>', 'labels the node registers with')
    .option('--runtime <name>', `container runtime: ${runtimeNames.join(', ')}`, runtimeName, 'process' as RuntimeName)
    .option('--image-catalog <file>', 'extra image → program entries for the process runtime (YAML)')
    .option('--kubelet-port <port>', "the node's log endpoint port", '10250')
    .option('--proxy-mode <mode>', `service proxy: ${proxyModes.join(', ')} (default userspace, with --runtime oci iptables)`, proxyMode)
    .option('--bridge <name>', "the oci runtime's pod bridge", 'skiff0')
    .option('--cluster-cidr <cidr>', "the cluster's pod range (the server's --cluster-cidr), for the iptables proxy", '10.42.0.0/16')
    .option('--cluster-dns <ip>', "the cluster DNS pods' resolv.conf names (the kube-dns Service's IP); without it ClusterFirst pods get the node's resolvers")
    .option('--cluster-domain <domain>', "the cluster's DNS domain (the server's --cluster-domain)", 'cluster.local'))
    .action(async (opts: AgentOptions) => {
      applyLogFlags(opts);
      exitOnFatalError('skiff agent', logger('agent'));
      const needsRoot = ociNeedsRoot(opts.runtime);
      if (needsRoot) {
        process.stderr.write(`skiff agent: ${needsRoot}\n`);
        process.exit(1);
      }
      const ca = readFileSync(opts.caCert, 'utf8');
      const nodeName = opts.nodeName ?? (os.hostname().split('.')[0] ?? 'node').toLowerCase();
      // The join token only asks for the node's own client certificate; everything else is done
      // as system:node:NAME.
      const credentials = await nodeClientCredentials({ server: opts.server, ca, token: opts.token, nodeName, dir: path.join(path.resolve(opts.dataDir), 'pki'), log: logger('agent') });
      const client = new RestClient({ server: opts.server, token: '', ca, ...credentials });
      const [a, b, , d] = opts.address.split('.');
      const spec: NodeSpec = {
        name: nodeName,
        address: opts.address,
        podPrefix: opts.podRange ? podPrefixOf(opts.podRange) : `${a}.${b}.${Number(d) + 100}.`,
        labels: parseLabels(opts.nodeLabels),
      };
      const imageStore = opts.runtime === 'oci' ? startImageStore(path.resolve(opts.dataDir), opts, logger('images')) : undefined;
      const host = new NodeHost({
        client,
        nodes: [spec],
        dataDir: path.resolve(opts.dataDir),
        proxyMode: opts.proxyMode ?? defaultProxyMode(opts.runtime),
        clusterCidr: opts.clusterCidr,
        // Pods on other nodes are reached through those nodes' addresses.
        hostGatewayRoutes: opts.runtime === 'oci',
        makeRuntime: (s, dir) => makeRuntime(opts.runtime, s, dir, {
          ...(opts.imageCatalog ? { imageCatalog: opts.imageCatalog } : {}),
          ...(imageStore ? { images: imageStore.store, bridge: opts.bridge, clusterCidr: opts.clusterCidr } : {}),
          ...(opts.clusterDns ? { clusterDns: { servers: opts.clusterDns.split(','), domain: opts.clusterDomain } } : {}),
        }),
        images: imageStore?.store,
        clusterCa: ca,
        // Asked for as the node, from the kubelet-serving signer.
        servingCertificate: (s) => nodeServingCredentials({ client, nodeName: s.name, addresses: [s.address], dir: path.join(path.resolve(opts.dataDir), 'pki'), log: logger('agent') }),
        kubeletPort: Number(opts.kubeletPort),
        log: logger('agent'),
      });
      await host.start().catch((err: unknown) => {
        if (!(err instanceof NodeNameInUseError)) throw err;
        process.stderr.write(`skiff agent: ${err.message}\n`);
        process.exit(1);
      });
      process.stderr.write(`skiff agent: node ${spec.name} (${spec.address}) joined ${opts.server}\n`);
      await waitForSignal();
      process.stderr.write('skiff agent: shutting down\n');
      imageStore?.stop();
      await host.stop();
      client.close();
    });
}
