/** Shared pieces of the benchmarks: a server in its own process, an HTTPS load generator,
 * percentiles and the RESULT line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** `skiff server` as a child process (so the load generator doesn't share its event loop). */
export async function startServerProcess(dataDir: string, args: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const main = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
  // SKIFF_SERVER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the server.
  const nodeArgs = (process.env['SKIFF_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, main, 'server', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const kc = path.join(dataDir, 'kubeconfig');
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (existsSync(kc) && err.includes('serving the Kubernetes API')) break;
    if (child.exitCode !== null) throw new Error(`server exited: ${err}`);
    if (Date.now() > deadline) throw new Error(`server did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const cfg = parseYaml(readFileSync(kc, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  return {
    url: cfg.clusters[0]!.cluster.server,
    token: cfg.users[0]!.user.token,
    ca: Buffer.from(cfg.clusters[0]!.cluster['certificate-authority-data'], 'base64').toString(),
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export class Client {
  readonly agent: https.Agent;
  constructor(readonly server: { url: string; token: string; ca: string }, maxSockets = 64) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets, ca: server.ca });
  }

  request(method: string, p: string, body?: unknown): Promise<{ status: number; text: string }> {
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(new URL(p, this.server.url), {
        method,
        agent: this.agent,
        headers: { Authorization: `Bearer ${this.server.token}`, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      if (data) req.write(data);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `count` operations with `concurrency` in flight; returns ops/s and sorted latencies (ms). */
export async function load(count: number, concurrency: number, op: (i: number) => Promise<void>): Promise<{ perSecond: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const t = process.hrtime.bigint();
        await op(i);
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  return { perSecond: count / seconds, latencies };
}

export function row(cells: readonly (string | number)[]): string {
  return cells.map((c, i) => (typeof c === 'number' ? c.toFixed(c < 10 ? 2 : 0) : c).toString().padEnd(i === 0 ? 34 : 12)).join('');
}

export function result(fields: Record<string, number | string>): void {
  console.log(`RESULT ${JSON.stringify(fields)}`);
}

/** Resident memory of a process, from /proc, in MB. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}
