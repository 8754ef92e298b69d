/**
 * `npm run bench -- portforward [--runtime oci]`: download throughput from a pod's port (busybox
 * httpd serving a 64 MiB file) through `kubectl port-forward` (1.32: SPDY tunnelled in
 * WebSocket; 1.27: SPDY), as a ratio of a direct TCP connection to the pod's address in the same
 * run; then 100 downloads of 1 MiB at once through one forward, against the same 100 direct.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { suffix } from '../test/controlplane/fixtures.js';
import { kubectlBinary } from '../test/helpers/kubectl.js';
import { waitFor } from '../test/helpers/cluster.js';
import { freePort, percentile, result, row } from './lib.js';
import { clusterWithPod, runtimeArg } from './streams-lib.js';

const runtime = runtimeArg();
const bigMiB = Number(process.env['SKIFF_BENCH_PF_MIB'] ?? 64);
const streams = Number(process.env['SKIFF_BENCH_PF_STREAMS'] ?? 100);

/** Bytes of one GET and how long it took (ms). */
function download(host: string, port: number, file: string): Promise<{ bytes: number; ms: number }> {
  const t = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    http.get({ host, port, path: `/${file}`, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => (res.statusCode === 200 ? resolve({ bytes, ms: Number(process.hrtime.bigint() - t) / 1e6 }) : reject(new Error(`GET /${file}: ${res.statusCode}`))));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** MB/s of the best of three downloads of the big file (the machine is shared). */
async function bestMBps(host: string, port: number): Promise<number> {
  let best = 0;
  for (let i = 0; i < 3; i++) {
    const d = await download(host, port, 'big');
    best = Math.max(best, d.bytes / 1e6 / (d.ms / 1000));
  }
  return best;
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** `streams` downloads of the small file at once: aggregate MB/s and the p99 latency. */
async function concurrent(host: string, port: number): Promise<{ mbps: number; p99: number }> {
  const t = process.hrtime.bigint();
  const all = await Promise.all(Array.from({ length: streams }, () => download(host, port, 'small')));
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const bytes = all.reduce((s, d) => s + d.bytes, 0);
  return { mbps: bytes / 1e6 / (ms / 1000), p99: percentile(all.map((d) => d.ms).sort((a, b) => a - b), 99) };
}

async function forward(kubeconfig: string, minor: number | undefined, pod: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(kubectlBinary(minor), [`--kubeconfig=${kubeconfig}`, 'port-forward', `pod/${pod}`, `${port}:8080`], { env: { ...process.env, HOME: os.tmpdir() }, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor('forwarding', async () => out.includes(`Forwarding from 127.0.0.1:${port}`), 20_000);
  return { port, child };
}

async function main(): Promise<void> {
  const name = `bench-pf-${suffix()}`;
  const dir = `/tmp/pfb-${suffix()}`;
  const script = `mkdir -p ${dir} && dd if=/dev/zero of=${dir}/big bs=1048576 count=${bigMiB} 2>/dev/null && dd if=/dev/zero of=${dir}/small bs=1048576 count=1 2>/dev/null && exec httpd -f -p 8080 -h ${dir}`;
  const b = await clusterWithPod(runtime, name, script, 8080);
  const ip = b.pod.status!.podIP!;
  const fields: Record<string, number | string> = { runtime, big_mib: bigMiB, streams };
  try {
    await download(ip, 8080, 'small');
    const direct = await bestMBps(ip, 8080);
    const directMany = await concurrent(ip, 8080);
    console.log(row(['path', 'MB/s', 'ratio', `${streams} at once MB/s`, 'ratio', 'p99 ms']));
    console.log(row(['direct TCP to the pod', direct, 1, directMany.mbps, 1, directMany.p99]));
    Object.assign(fields, { direct_mbps: Math.round(direct), direct_many_mbps: Math.round(directMany.mbps), direct_many_p99_ms: Math.round(directMany.p99) });
    for (const minor of [undefined, 27] as const) {
      const label = minor ? 'kubectl 1.27 (SPDY)' : 'kubectl 1.32 (SPDY in WebSocket)';
      const f = await forward(b.c.cp.server.kubeconfigPath, minor, name);
      try {
        await download('127.0.0.1', f.port, 'small');
        // Who works while bytes flow: kubectl, or this process (API server, node agent, client).
        const cpu0 = cpuSeconds(f.child.pid!), self0 = process.cpuUsage(), t0 = Date.now();
        const one = await bestMBps('127.0.0.1', f.port);
        const wall = (Date.now() - t0) / 1000, self = process.cpuUsage(self0);
        console.log(row([`  cpu share of wall: kubectl / skiff`, (cpuSeconds(f.child.pid!) - cpu0) / wall, (self.user + self.system) / 1e6 / wall]));
        const many = await concurrent('127.0.0.1', f.port);
        console.log(row([label, one, one / direct, many.mbps, many.mbps / directMany.mbps, many.p99]));
        const k = minor ? 'k127' : 'k132';
        Object.assign(fields, {
          [`${k}_mbps`]: Math.round(one), [`${k}_ratio`]: +(one / direct).toFixed(2),
          [`${k}_many_mbps`]: Math.round(many.mbps), [`${k}_many_ratio`]: +(many.mbps / directMany.mbps).toFixed(2), [`${k}_many_p99_ms`]: Math.round(many.p99),
        });
      } finally {
        f.child.kill('SIGINT');
      }
    }
    result(fields);
  } finally {
    await b.stop();
    // A process container's /tmp is the host's.
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
