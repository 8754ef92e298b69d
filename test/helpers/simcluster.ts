/** A whole simulated cluster in the test process: API server, every control loop and the
 * scheduler (as `skiff server` runs them), and N simulated nodes (as `skiff sim` runs them), with
 * the real kubectl pointed at it. */
import type { ApiServerOptions } from '../../src/apiserver/index.js';
import { loadKubeconfig, RestClient } from '../../src/client/index.js';
import { ControllerManager } from '../../src/controllers/manager.js';
import { controlLoops, type ControlLoopOptions } from '../../src/cli/controlplane.js';
import { NodeFleet, type FleetOptions } from '../../src/agent/index.js';
import { logger } from '../../src/util/log.js';
import { startTestServer, type TestServer } from './apiserver.js';
import { Kubectl } from './kubectl.js';

process.env['SKIFF_LOG_LEVEL'] ??= 'warn';

export interface SimCluster {
  readonly server: TestServer;
  readonly client: RestClient;
  readonly manager: ControllerManager;
  readonly fleet: NodeFleet;
  readonly kubectl: Kubectl;
  stop(): Promise<void>;
}

export interface SimClusterOptions {
  readonly nodes: number;
  readonly server?: Partial<ApiServerOptions>;
  readonly loops?: ControlLoopOptions;
  readonly fleet?: Partial<Omit<FleetOptions, 'client' | 'log' | 'nodes'>>;
}

export async function startSimCluster(opts: SimClusterOptions): Promise<SimCluster> {
  const server = await startTestServer(opts.server ?? {});
  const client = new RestClient(loadKubeconfig(server.kubeconfig), 64);
  const manager = new ControllerManager({ client, factories: controlLoops({ jobBackoffBaseMs: 100, ...(opts.loops ?? {}) }), log: logger('controller-manager') });
  manager.start();
  const fleet = new NodeFleet({ client, log: logger('sim'), nodes: opts.nodes, runSeconds: 0.3, restartBackoffMs: 200, ...(opts.fleet ?? {}) });
  await fleet.start();
  return {
    server,
    client,
    manager,
    fleet,
    kubectl: new Kubectl(server.kubeconfig),
    async stop() {
      await fleet.stop();
      await manager.stop();
      client.close();
      await server.stop();
    },
  };
}
