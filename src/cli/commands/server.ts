/** `skiff server`: the control plane (API server, controllers, scheduler). */
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { startControlPlane } from '../controlplane.js';
import { dnsOptions, withDnsFlags, type DnsFlags } from '../dnsflags.js';
import { waitForSignal } from '../signals.js';
import { exitOnFatalError } from '../fatal.js';
import { applyLogFlags, withLogFlags, type LogFlags } from '../logflags.js';
import { logger } from '../../util/log.js';
import { duration } from '../durations.js';
import { servingOptions, withServingFlags, type ServingFlags } from '../servingflags.js';
import { serviceAccountOptions, withServiceAccountFlags, type ServiceAccountFlags } from '../serviceaccountflags.js';

interface ServerOptions extends LogFlags, ServingFlags, ServiceAccountFlags, DnsFlags {
  dataDir: string;
  listen: string;
  datastore?: string;
  runtimeConfig?: string;
  authorizationMode: string;
  controllers: boolean;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  leaderElect: boolean;
  leaderElectLeaseDuration: number;
  leaderElectRenewDeadline: number;
  leaderElectRetryPeriod: number;
  nodeMonitorGracePeriod: number;
  podEvictionTimeout: number;
  terminatedPodGcThreshold: number;
  horizontalPodAutoscalerSyncPeriod: number;
  clusterCidr: string;
  nodeCidrMaskSize: number;
}

function wholeNumber(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
}

export function serverCommand(): Command {
  return withDnsFlags(withServiceAccountFlags(withServingFlags(withLogFlags(new Command('server'))
    .description('run the API server (control plane) until SIGTERM/SIGINT')
    .option('--data-dir <dir>', 'where state, certificates, tokens and the kubeconfig live', path.join(os.homedir(), '.skiff', 'server'))
    .option('--listen <host:port>', 'address to serve HTTPS on', '127.0.0.1:6443')
    .option('--datastore <url>', 'sqlite://PATH, etcd://HOST:PORT[,HOST:PORT...] or memory:// (default sqlite://DATA_DIR/state.db)')
    .option('--runtime-config <list>', 'enable or disable API group/versions and resources, e.g. extensions/v1beta1/daemonsets=true')
    .option('--authorization-mode <mode>', 'RBAC, or AlwaysAllow to allow every authenticated request (for measurements only)', 'RBAC')
    .option('--service-cluster-ip-range <cidr>', 'the range services get cluster IPs from', '127.10.0.0/16')
    .option('--service-node-port-range <range>', 'the range services get node ports from', '30000-32767')
    .option('--cluster-cidr <cidr>', 'the range each node gets its pod subnet (spec.podCIDR) from', '10.42.0.0/16')
    .option('--node-cidr-mask-size <bits>', 'prefix length of each node\'s pod subnet', Number, 24)
    .option('--no-controllers', 'serve the API only: no controllers, no scheduler')
    .option('--no-leader-elect', 'run the control loops without taking the leader lease (only one server per store!)')
    .option('--leader-elect-lease-duration <d>', 'how long a leader lease lasts unrenewed', duration, 15_000)
    .option('--leader-elect-renew-deadline <d>', 'a leader that cannot renew within this gives up', duration, 10_000)
    .option('--leader-elect-retry-period <d>', 'how often candidates try and leaders renew', duration, 2_000)
    .option('--node-monitor-grace-period <d>', 'a node silent this long is marked NotReady/Unknown', duration, 40_000)
    .option('--pod-eviction-timeout <d>', 'pods of an unreachable node are evicted after this', duration, 300_000)
    .option('--terminated-pod-gc-threshold <n>', 'finished pods kept before the oldest are deleted (0: keep all)', wholeNumber, 12_500)
    .option('--horizontal-pod-autoscaler-sync-period <d>', 'how often each HorizontalPodAutoscaler is looked at', duration, 15_000))))
    .action(async (opts: ServerOptions) => {
      applyLogFlags(opts);
      exitOnFatalError('skiff server', logger('server'));
      const dataDir = path.resolve(opts.dataDir);
      if (opts.authorizationMode !== 'RBAC' && opts.authorizationMode !== 'AlwaysAllow') {
        throw new Error(`--authorization-mode must be RBAC or AlwaysAllow, got "${opts.authorizationMode}"`);
      }
      const cp = await startControlPlane({
        controllers: opts.controllers,
        serviceClusterIpRange: opts.serviceClusterIpRange,
        serviceNodePortRange: opts.serviceNodePortRange,
        leaderElect: opts.leaderElect,
        leaseDurationMs: opts.leaderElectLeaseDuration,
        renewDeadlineMs: opts.leaderElectRenewDeadline,
        retryPeriodMs: opts.leaderElectRetryPeriod,
        nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriod,
        podEvictionTimeoutMs: opts.podEvictionTimeout,
        podGc: { terminatedPodThreshold: opts.terminatedPodGcThreshold },
        hpaSyncPeriodMs: opts.horizontalPodAutoscalerSyncPeriod,
        clusterCidr: opts.clusterCidr,
        nodeCidrMaskSize: opts.nodeCidrMaskSize,
        dataDir,
        listen: opts.listen,
        authorizationMode: opts.authorizationMode,
        ...servingOptions(opts),
        ...serviceAccountOptions(opts),
        ...dnsOptions(opts),
        ...(opts.datastore ? { datastore: opts.datastore } : {}),
        ...(opts.runtimeConfig ? { runtimeConfig: opts.runtimeConfig } : {}),
      });
      const server = cp.server;
      process.stderr.write(
        `skiff server: serving the Kubernetes API at ${server.url}\n` +
          `skiff server: kubeconfig written to ${server.kubeconfigPath}\n` +
          `  export KUBECONFIG=${server.kubeconfigPath}\n  kubectl get namespaces\n`,
      );
      await waitForSignal();
      process.stderr.write('skiff server: shutting down\n');
      await cp.stop();
    });
}
