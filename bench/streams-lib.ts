/** Shared by the exec and port-forward benchmarks: a one-node `skiff up` cluster (process
 * runtime, or runc containers with `--runtime oci`) and one running pod in it. */
import { spawn } from 'node:child_process';
import os from 'node:os';
import type { Pod } from '../src/api/kinds.js';
import { pods } from '../src/api/resources.js';
import { installOciPackages, RootfsImages } from '../test/helpers/rootfs-image.js';
import { startUpCluster, type UpCluster } from '../test/helpers/upcluster.js';
import { waitFor } from '../test/helpers/cluster.js';
import { kubectlBinary } from '../test/helpers/kubectl.js';

export type BenchRuntime = 'process' | 'oci';

export function runtimeArg(): BenchRuntime {
  const i = process.argv.indexOf('--runtime');
  const r = i > 0 ? process.argv[i + 1] ?? 'process' : 'process';
  if (r !== 'process' && r !== 'oci') throw new Error(`--runtime process|oci, not ${r}`);
  return r;
}

export interface BenchCluster {
  readonly c: UpCluster;
  readonly pod: Pod;
  stop(): Promise<void>;
}

/** The cluster and a Ready pod running `script` (sh -c) with a TCP readiness probe on `port`. */
export async function clusterWithPod(runtime: BenchRuntime, name: string, script: string, port?: number): Promise<BenchCluster> {
  let images: RootfsImages | undefined;
  if (runtime === 'oci') {
    await installOciPackages();
    images = await RootfsImages.create();
  }
  const c = await startUpCluster({ nodes: 1, runtime, ...(images ? { images } : {}) });
  const image = runtime === 'oci' ? 'skiff.test/busybox:1' : 'busybox';
  await c.kubectl.ok(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: { containers: [{ name: 'main', image, command: ['sh', '-c', script], ...(port ? { readinessProbe: { tcpSocket: { port }, periodSeconds: 1 } } : {}) }] },
    }),
  });
  const pod = await waitFor('pod ready', async () => {
    const p = await c.cp.client.get<Pod>(pods, 'default', name);
    return p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ? p : undefined;
  }, 90_000);
  return {
    c, pod,
    async stop() {
      await c.stop();
      await images?.dispose();
    },
  };
}

/** Milliseconds one run of a program takes, start to exit; throws unless it exits 0. */
export function timeRun(program: string, args: readonly string[]): Promise<number> {
  const t = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: os.tmpdir() } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error(`${program} ${args.join(' ')}: exit ${code}: ${err}`))));
  });
}

export function kubectlArgs(c: UpCluster, args: readonly string[]): [string, string[]] {
  return [kubectlBinary(), [`--kubeconfig=${c.cp.server.kubeconfigPath}`, ...args]];
}
