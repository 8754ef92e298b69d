/** Shared pieces of the benchmarks: a server in its own process, an HTTPS load generator,
 * percentiles and the RESULT line. */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { startServerProcess as startChildServer, type ServerProcess } from '../test/helpers/serverprocess.js';

export { freePort, type ServerProcess } from '../test/helpers/serverprocess.js';

/** `skiff server` as a child process (so the load generator doesn't share its event loop).
 * SKIFF_SERVER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles it. */
export async function startServerProcess(dataDir: string, args: string[] = []): Promise<ServerProcess> {
  const server = await startChildServer(dataDir, args, { nodeArgs: (process.env['SKIFF_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean) });
  // Without controllers nobody makes the `default` ServiceAccount, which the ServiceAccount
  // admission plugin needs for every pod (as kube-apiserver's does): make it as its controller would.
  if (args.includes('--no-controllers')) {
    const client = new Client(server, 1);
    const r = await client.request('POST', '/api/v1/namespaces/default/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    client.agent.destroy();
    if (r.status !== 201 && r.status !== 409) throw new Error(`cannot create the default ServiceAccount: ${r.status} ${r.text}`);
  }
  return server;
}

export class Client {
  readonly agent: https.Agent;
  constructor(readonly server: { url: string; token: string; ca: string }, maxSockets = 64) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets, ca: server.ca });
  }

  request(method: string, p: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; text: string }> {
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(new URL(p, this.server.url), {
        method,
        agent: this.agent,
        headers: { Authorization: `Bearer ${this.server.token}`, ...(data ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {}) },
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
