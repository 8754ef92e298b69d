/**
 * The control plane as `skiff server`, `skiff sim` and `skiff up` run it: the API server, then
 * the controllers and the scheduler as API clients of it (over HTTPS with the admin token, as
 * separate processes would), under a leader lease so several servers on one etcd run one set of
 * control loops.
 */
import { ApiServer, type ApiServerOptions } from '../apiserver/index.js';
import { loadKubeconfig, RestClient } from '../client/index.js';
import { ControllerManager, type ControllerFactory } from '../controllers/manager.js';
import { logger } from '../util/log.js';
import { ReplicaSetController, ReplicationControllerController } from '../controllers/replication/index.js';
import { EndpointsController } from '../controllers/endpoints/index.js';
import { JobController } from '../controllers/job/index.js';
import { GarbageCollector } from '../controllers/gc/index.js';
import { NamespaceController } from '../controllers/namespace/index.js';
import { Scheduler } from '../scheduler/index.js';

export interface ControlPlaneOptions extends ApiServerOptions, ControlLoopOptions {
  /** false: the API server alone. */
  readonly controllers?: boolean;
  /** This process's name in the leader lease (default: host name and pid). */
  readonly identity?: string;
}

export interface ControlPlane {
  readonly server: ApiServer;
  readonly client: RestClient;
  readonly manager: ControllerManager | undefined;
  stop(): Promise<void>;
}

/** Tunables of the control loops (Kubernetes' controller-manager flags). */
export interface ControlLoopOptions {
  /** `--node-monitor-grace-period`: a node silent this long is NotReady/Unknown (default 40 s). */
  readonly nodeMonitorGracePeriodMs?: number;
  /** `--pod-eviction-timeout`: pods of an unreachable node are deleted after this (default 5 min). */
  readonly podEvictionTimeoutMs?: number;
}

/** Every control loop, in the order they start. */
export function controlLoops(_opts: ControlLoopOptions = {}): ControllerFactory[] {
  return [
    (ctx) => new ReplicationControllerController(ctx),
    (ctx) => new ReplicaSetController(ctx),
    (ctx) => new EndpointsController(ctx),
    (ctx) => new JobController(ctx),
    (ctx) => new GarbageCollector(ctx),
    (ctx) => new NamespaceController(ctx),
    (ctx) => new Scheduler(ctx),
  ];
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const server = new ApiServer(opts);
  await server.start();
  const client = new RestClient(loadKubeconfig(server.kubeconfigPath), 64);
  let manager: ControllerManager | undefined;
  if (opts.controllers !== false) {
    manager = new ControllerManager({
      client,
      factories: controlLoops(opts),
      log: logger('controller-manager'),
      component: 'controller-manager',
    });
    manager.start();
  }
  return {
    server,
    client,
    manager,
    async stop() {
      await manager?.stop();
      client.close();
      await server.stop();
    },
  };
}
