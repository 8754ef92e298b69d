/** `skiff sim`: a control plane and N simulated nodes in one process, for scale tests. */
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { NodeFleet, maxFleetNodes } from '../../agent/index.js';
import { logger } from '../../util/log.js';
import { startControlPlane } from '../controlplane.js';
import { waitForSignal } from '../signals.js';

function count(max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`must be a whole number from 0 to ${max}`);
    return n;
  };
}

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number of seconds, 0 or more');
  return n;
}

interface SimOptions {
  dataDir: string;
  listen: string;
  datastore?: string;
  runtimeConfig?: string;
  nodes: number;
  podsPerNode: number;
  simRunSeconds: number;
  nodeCpu: string;
  nodeMemory: string;
}

export function simCommand(): Command {
  return new Command('sim')
    .description('run the control plane and N simulated nodes (fake runtime) in one process')
    .option('--data-dir <dir>', 'where state, certificates, tokens and the kubeconfig live', path.join(os.homedir(), '.skiff', 'sim'))
    .option('--listen <host:port>', 'address to serve HTTPS on', '127.0.0.1:6443')
    .option('--datastore <url>', 'sqlite://PATH, etcd://HOST:PORT[,...] or memory:// (default sqlite://DATA_DIR/state.db)')
    .option('--runtime-config <list>', 'enable or disable API group/versions and resources')
    .option('--nodes <n>', 'simulated nodes', count(maxFleetNodes), 3)
    .option('--pods-per-node <n>', 'pods capacity of each node', count(100_000), 110)
    .option('--sim-run-seconds <s>', 'how long a pod that may finish (restartPolicy Never/OnFailure) runs', seconds, 1)
    .option('--node-cpu <q>', 'cpu capacity of each node', '32')
    .option('--node-memory <q>', 'memory capacity of each node', '256Gi')
    .action(async (opts: SimOptions) => {
      const cp = await startControlPlane({
        dataDir: path.resolve(opts.dataDir),
        listen: opts.listen,
        ...(opts.datastore ? { datastore: opts.datastore } : {}),
        ...(opts.runtimeConfig ? { runtimeConfig: opts.runtimeConfig } : {}),
      });
      const fleet = new NodeFleet({
        client: cp.client,
        log: logger('sim'),
        nodes: opts.nodes,
        podsPerNode: opts.podsPerNode,
        runSeconds: opts.simRunSeconds,
        cpu: opts.nodeCpu,
        memory: opts.nodeMemory,
      });
      const t0 = Date.now();
      await fleet.start();
      process.stderr.write(
        `skiff sim: ${opts.nodes} simulated nodes registered in ${Date.now() - t0} ms\n` +
          `skiff sim: serving the Kubernetes API at ${cp.server.url}\n` +
          `  export KUBECONFIG=${cp.server.kubeconfigPath}\n  kubectl get nodes\n`,
      );
      await waitForSignal();
      process.stderr.write('skiff sim: shutting down\n');
      await fleet.stop();
      await cp.stop();
    });
}
