/** `skiff server` in a child process (its own event loop, killable with SIGKILL), for tests and
 * benchmarks, and a free loopback port to put it on. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { skiffMain } from './paths.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  readonly url: string;
  readonly token: string;
  readonly ca: string;
  readonly kubeconfig: string;
  readonly child: ChildProcess;
  /** SIGTERM, resolved once it has exited. */
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Node's own flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
}

export async function startServerProcess(dataDir: string, args: readonly string[] = [], opts: ServerProcessOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), skiffMain, 'server', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...(opts.env ?? {}) },
  });
  let err = '';
  // Only the start-up lines matter; a long run's logs are not kept.
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  const kubeconfig = path.join(dataDir, 'kubeconfig');
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (existsSync(kubeconfig) && err.includes('serving the Kubernetes API')) break;
    if (child.exitCode !== null) throw new Error(`server exited: ${err}`);
    if (Date.now() > deadline) throw new Error(`server did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const cfg = parseYaml(readFileSync(kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  };
  // The kubeconfig authenticates by client certificate; tests that speak raw HTTP use the admin's
  // bearer token from the data dir.
  const tokens = JSON.parse(readFileSync(path.join(dataDir, 'tokens.json'), 'utf8')) as { token: string; role?: string }[];
  return {
    url: cfg.clusters[0]!.cluster.server,
    token: tokens.find((t) => t.role === 'admin')!.token,
    ca: Buffer.from(cfg.clusters[0]!.cluster['certificate-authority-data'], 'base64').toString(),
    kubeconfig,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
