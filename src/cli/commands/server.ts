/** `skiff server`: the control plane (API server, controllers, scheduler). */
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { startControlPlane } from '../controlplane.js';
import { waitForSignal } from '../signals.js';

export function serverCommand(): Command {
  return new Command('server')
    .description('run the API server (control plane) until SIGTERM/SIGINT')
    .option('--data-dir <dir>', 'where state, certificates, tokens and the kubeconfig live', path.join(os.homedir(), '.skiff', 'server'))
    .option('--listen <host:port>', 'address to serve HTTPS on', '127.0.0.1:6443')
    .option('--datastore <url>', 'sqlite://PATH, etcd://HOST:PORT[,HOST:PORT...] or memory:// (default sqlite://DATA_DIR/state.db)')
    .option('--runtime-config <list>', 'enable or disable API group/versions and resources, e.g. extensions/v1beta1/daemonsets=true')
    .option('--no-controllers', 'serve the API only: no controllers, no scheduler')
    .action(async (opts: { dataDir: string; listen: string; datastore?: string; runtimeConfig?: string; controllers: boolean }) => {
      const dataDir = path.resolve(opts.dataDir);
      const cp = await startControlPlane({
        controllers: opts.controllers,
        dataDir,
        listen: opts.listen,
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
