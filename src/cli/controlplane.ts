/**
 * The control plane as `skiff server`, `skiff sim` and `skiff up` run it: the API server, then
 * the controllers and the scheduler as API clients of it (over HTTPS with the admin token, as
 * separate processes would), under a leader lease so several servers on one etcd run one set of
 * control loops.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { ApiServer, type ApiServerOptions } from '../apiserver/index.js';
import { loadKubeconfig, RestClient } from '../client/index.js';
import { ControllerManager, type ControllerFactory, type Leadership } from '../controllers/manager.js';
import { LeaderElector } from '../client/leaderelection.js';
import { logger, type Logger } from '../util/log.js';
import { ReplicaSetController, ReplicationControllerController } from '../controllers/replication/index.js';
import { EndpointsController } from '../controllers/endpoints/index.js';
import { EndpointSliceController, EndpointSliceMirroringController } from '../controllers/endpointslice/index.js';
import { ServiceLoadBalancerController } from '../controllers/servicelb/index.js';
import { IngressStatusController } from '../controllers/ingress/index.js';
import { JobController } from '../controllers/job/index.js';
import { DaemonSetController } from '../controllers/daemonset/index.js';
import { StatefulSetController } from '../controllers/statefulset/index.js';
import { DeploymentController } from '../controllers/deployment/index.js';
import { CronJobController } from '../controllers/cronjob/index.js';
import { PersistentVolumeController, VolumeProtectionController } from '../controllers/volume/index.js';
import { HorizontalPodAutoscalerController } from '../controllers/hpa/index.js';
import { PodGcController, type PodGcOptions } from '../controllers/podgc/index.js';
import { DisruptionController } from '../controllers/disruption/index.js';
import { TtlAfterFinishedController } from '../controllers/ttlafterfinished/index.js';
import { NodeLifecycleController } from '../controllers/nodelifecycle/index.js';
import { GarbageCollector } from '../controllers/gc/index.js';
import { NamespaceController } from '../controllers/namespace/index.js';
import { CidrSet, defaultClusterCidr, defaultNodeCidrMaskSize, NodeIpamController } from '../controllers/nodeipam/index.js';
import { Scheduler } from '../scheduler/index.js';
import { RootCaPublisher, ServiceAccountsController, TokensController, type LegacyTokenSigner } from '../controllers/serviceaccount/index.js';
import { legacyClaims } from '../apiserver/auth/serviceaccount/index.js';
import { defaultAdvertiseAddress } from '../apiserver/kubernetes-service.js';
import { defaultServiceClusterIpRange } from '../apiserver/registry/allocator/index.js';
import { startClusterDns, type ClusterDns } from '../dns/index.js';
import { CsrApprover, CsrCleaner, CsrSigner, type CsrSign } from '../controllers/certificates/index.js';
import { SIGNERS, signCsr } from '../apiserver/csrsigner.js';

export interface ControlPlaneOptions extends ApiServerOptions, ControlLoopOptions {
  /** false: the API server alone. */
  readonly controllers?: boolean;
  /** Run the loops only while holding the leader lease (`--leader-elect`, default true). */
  readonly leaderElect?: boolean;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  /** This process's name in the leader lease (default: host name, pid and a random suffix). */
  readonly identity?: string;
  /** `--no-cluster-dns`: false runs no cluster DNS (default: served, see src/dns/kubedns.ts). */
  readonly clusterDns?: boolean;
  /** `--cluster-domain` (default cluster.local). */
  readonly clusterDomain?: string;
  /** `--cluster-dns-port`: the port the DNS server listens on at the server's address (default 0:
   * any free port; the kube-dns Service answers on 53 through the service proxy). */
  readonly clusterDnsPort?: number;
}

/**
 * Campaigns for the lease again each time leadership ends, until stopped: what a restart of
 * kube-controller-manager after a lost lease amounts to (client-go's elector returns, the
 * process exits, its supervisor starts it, it campaigns). Losing the lease stops the loops (the
 * manager's onStoppedLeading); winning it again starts fresh ones. Why a campaign keeps failing
 * is logged once per change of reason, not once per attempt.
 */
function leaderLease(client: RestClient, opts: ControlPlaneOptions, log: Logger): Leadership {
  const identity = opts.identity ?? `${os.hostname()}_${process.pid}_${randomBytes(3).toString('hex')}`;
  let stopped = false;
  let elector: LeaderElector | undefined;
  let campaign: Promise<void> = Promise.resolve();
  let lastFailure = '';
  return {
    run(callbacks) {
      campaign = (async () => {
        let term = 0;
        while (!stopped) {
          elector = new LeaderElector({
            client,
            identity,
            ...(opts.leaseDurationMs !== undefined ? { leaseDurationMs: opts.leaseDurationMs } : {}),
            ...(opts.renewDeadlineMs !== undefined ? { renewDeadlineMs: opts.renewDeadlineMs } : {}),
            ...(opts.retryPeriodMs !== undefined ? { retryPeriodMs: opts.retryPeriodMs } : {}),
            onStartedLeading: () => {
              lastFailure = '';
              log.info({ identity }, 'leader lease acquired');
              callbacks.onStartedLeading();
            },
            onStoppedLeading: () => callbacks.onStoppedLeading(),
            onAttemptFailed: (err) => {
              if (err.message === lastFailure) return;
              lastFailure = err.message;
              log.warn({ identity, err: err.message }, 'cannot take or renew the leader lease; retrying');
            },
          });
          if (term++ > 0) log.info({ identity }, 'campaigning for the leader lease again');
          await elector.run().catch((err: unknown) => log.error({ err: String(err) }, 'leader election failed'));
          if (!stopped) {
            log.warn({ identity }, 'leader lease lost; control loops stopped until it is won again');
            await new Promise((r) => setTimeout(r, Math.min(500, opts.retryPeriodMs ?? 500)));
          }
        }
      })();
    },
    async stop() {
      stopped = true;
      elector?.stop();
      await campaign;
    },
  };
}

export interface ControlPlane {
  readonly server: ApiServer;
  readonly client: RestClient;
  readonly manager: ControllerManager | undefined;
  readonly dns: ClusterDns | undefined;
  stop(): Promise<void>;
}

/** Tunables of the control loops (Kubernetes' controller-manager flags). */
export interface ControlLoopOptions {
  /** `--node-monitor-grace-period`: a node silent this long is NotReady/Unknown (default 40 s). */
  readonly nodeMonitorGracePeriodMs?: number;
  /** `--pod-eviction-timeout`: pods of an unreachable node are deleted after this (default 5 min). */
  readonly podEvictionTimeoutMs?: number;
  /** First delay before a Job replaces a failed pod (Kubernetes: 10 s, doubling to 6 min). */
  readonly jobBackoffBaseMs?: number;
  /** `--horizontal-pod-autoscaler-sync-period` (default 15 s; tests shorten it). */
  readonly hpaSyncPeriodMs?: number;
  /** The pod garbage collector's threshold and times (`--terminated-pod-gc-threshold`; periods for tests). */
  readonly podGc?: PodGcOptions;
  /** `--cluster-cidr`: the range node pod subnets come from (default 10.42.0.0/16). */
  readonly clusterCidr?: string;
  /** `--node-cidr-mask-size`: prefix length of each node's pod subnet (default 24). */
  readonly nodeCidrMaskSize?: number;
  /** The cluster CA the root CA publisher and the tokens controller hand out (`--root-ca-file`). */
  readonly rootCaCert?: string;
  /** Signs legacy token Secrets (`--service-account-private-key-file`); without it the tokens
   * controller does not run. */
  readonly legacyTokenSigner?: LegacyTokenSigner;
  /** Issues certificates for approved CSRs from the cluster CA; without it no CSR is signed. */
  readonly csrSigner?: CsrSign;
}

/** Every control loop, in the order they start. */
export function controlLoops(opts: ControlLoopOptions = {}): ControllerFactory[] {
  const loop = (component: string, create: ControllerFactory['create']): ControllerFactory => ({ component, create });
  return [
    loop('replication-controller', (ctx) => new ReplicationControllerController(ctx)),
    loop('replicaset-controller', (ctx) => new ReplicaSetController(ctx)),
    loop('endpoint-controller', (ctx) => new EndpointsController(ctx)),
    loop('endpointslice-controller', (ctx) => new EndpointSliceController(ctx)),
    loop('endpointslice-mirroring-controller', (ctx) => new EndpointSliceMirroringController(ctx)),
    loop('service-lb-controller', (ctx) => new ServiceLoadBalancerController(ctx)),
    loop('ingress-status-controller', (ctx) => new IngressStatusController(ctx)),
    loop('job-controller', (ctx) => new JobController(ctx, opts.jobBackoffBaseMs !== undefined ? { backoffBaseMs: opts.jobBackoffBaseMs } : {})),
    loop('deployment-controller', (ctx) => new DeploymentController(ctx)),
    loop('cronjob-controller', (ctx) => new CronJobController(ctx)),
    loop('horizontal-pod-autoscaler', (ctx) => new HorizontalPodAutoscalerController(ctx, opts.hpaSyncPeriodMs !== undefined ? { syncPeriodMs: opts.hpaSyncPeriodMs } : {})),
    loop('ttl-after-finished-controller', (ctx) => new TtlAfterFinishedController(ctx)),
    loop('disruption-controller', (ctx) => new DisruptionController(ctx)),
    loop('daemonset-controller', (ctx) => new DaemonSetController(ctx)),
    loop('statefulset-controller', (ctx) => new StatefulSetController(ctx)),
    loop('persistentvolume-controller', (ctx) => new PersistentVolumeController(ctx)),
    loop('volume-protection-controller', (ctx) => new VolumeProtectionController(ctx)),
    loop('node-controller', (ctx) => new NodeLifecycleController(ctx, {
      ...(opts.nodeMonitorGracePeriodMs !== undefined ? { nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriodMs, nodeMonitorPeriodMs: Math.min(5000, Math.max(100, opts.nodeMonitorGracePeriodMs / 8)) } : {}),
      ...(opts.podEvictionTimeoutMs !== undefined ? { podEvictionTimeoutMs: opts.podEvictionTimeoutMs } : {}),
    })),
    loop('node-ipam-controller', (ctx) => new NodeIpamController(ctx, {
      ...(opts.clusterCidr !== undefined ? { clusterCidr: opts.clusterCidr } : {}),
      ...(opts.nodeCidrMaskSize !== undefined ? { nodeCidrMaskSize: opts.nodeCidrMaskSize } : {}),
    })),
    loop('garbage-collector-controller', (ctx) => new GarbageCollector(ctx)),
    loop('pod-garbage-collector', (ctx) => new PodGcController(ctx, opts.podGc)),
    loop('namespace-controller', (ctx) => new NamespaceController(ctx)),
    loop('default-scheduler', (ctx) => new Scheduler(ctx)),
    loop('serviceaccount-controller', (ctx) => new ServiceAccountsController(ctx)),
    loop('csrapproving-controller', (ctx) => new CsrApprover(ctx)),
    loop('csrcleaner-controller', (ctx) => new CsrCleaner(ctx)),
    ...(opts.csrSigner ? [loop('csrsigning-controller', (ctx) => new CsrSigner(ctx, opts.csrSigner!, SIGNERS))] : []),
    ...(opts.rootCaCert !== undefined ? [loop('root-ca-cert-publisher', (ctx) => new RootCaPublisher(ctx, opts.rootCaCert!))] : []),
    ...(opts.rootCaCert !== undefined && opts.legacyTokenSigner ? [loop('serviceaccount-token-controller', (ctx) => new TokensController(ctx, opts.legacyTokenSigner!, opts.rootCaCert!))] : []),
  ];
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  // A bad --cluster-cidr must stop the server now, not each time it wins the lease.
  new CidrSet(opts.clusterCidr ?? defaultClusterCidr, opts.nodeCidrMaskSize ?? defaultNodeCidrMaskSize);
  const server = new ApiServer(opts);
  await server.start();
  const client = new RestClient(loadKubeconfig(server.kubeconfigPath), 128);
  let manager: ControllerManager | undefined;
  if (opts.controllers !== false) {
    const log = logger('controller-manager');
    manager = new ControllerManager({
      client,
      factories: controlLoops({
        ...opts,
        rootCaCert: server.caCert,
        legacyTokenSigner: (namespace, account, secretName) => server.serviceAccountAuth.signer.sign(legacyClaims(namespace, account, secretName)),
        csrSigner: (csr) => signCsr(server.clusterCa, csr),
      }),
      log,
      ...(opts.leaderElect !== false ? { leadership: leaderLease(client, opts, log) } : {}),
    });
    manager.start();
  }
  // Every server answers DNS (like every server answers the API); the kube-dns Endpoints name the
  // last one started.
  let dns: ClusterDns | undefined;
  try {
    dns = opts.clusterDns === false ? undefined : await startClusterDns({
      client,
      serviceRange: opts.serviceClusterIpRange ?? defaultServiceClusterIpRange,
      host: opts.advertiseAddress ?? defaultAdvertiseAddress((opts.listen ?? '127.0.0.1:6443').replace(/:\d+$/, '')),
      ...(opts.clusterDnsPort !== undefined ? { port: opts.clusterDnsPort } : {}),
      ...(opts.clusterDomain !== undefined ? { domain: opts.clusterDomain } : {}),
      log: logger('dns'),
    });
  } catch (err) {
    // What started is stopped: a half-started control plane would keep its process alive.
    await manager?.stop();
    client.close();
    await server.stop();
    throw err;
  }
  return {
    server,
    client,
    manager,
    dns,
    async stop() {
      await dns?.stop();
      await manager?.stop();
      client.close();
      await server.stop();
    },
  };
}
