/**
 * `npm run bench -- startup`: `skiff up` (one node, process runtime) from an empty data dir, as a
 * child process — how long until it is ready, how much memory it holds idle — then 100 pods
 * created at once and the time from each create to Running as a watch sees it; beside it, in the
 * same run, the raw fork/exec latency of this machine (spawning `true`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadKubeconfig, RestClient } from '../src/client/index.js';
import type { Pod } from '../src/api/kinds.js';
import { pods as podsResource } from '../src/api/resources.js';
import { percentile, result, row, rssMb } from './lib.js';
import { ImageCatalog, ProcessRuntime } from '../src/runtime/process/index.js';
import { skiffMain } from '../test/helpers/paths.js';

const podCount = Number(process.env['SKIFF_BENCH_PODS'] ?? 100);

async function rawSpawnMs(n = 200): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      const c = spawn('true', [], { stdio: 'ignore' });
      c.once('error', reject);
      c.once('exit', () => resolve());
    });
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out.sort((a, b) => a - b);
}

/** The process runtime alone: `podCount` containers started at once, without the cluster around
 * them (how much of create→Running is the runtime's). */
async function runtimeStartsMs(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-runtime-'));
  const rt = new ProcessRuntime({ podAddressPrefix: '127.21.250.', dataDir: dir, imageCatalog: ImageCatalog.load() });
  try {
    const pods = Array.from({ length: Math.min(podCount, 250) }, (_, i) => ({ metadata: { name: `r${i}`, namespace: 'default', uid: `runtime-${i}` }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '60'] }] } }) as Pod);
    const t = process.hrtime.bigint();
    await Promise.all(pods.map(async (p) => {
      const sandbox = await rt.runSandbox(p);
      await rt.startContainer(sandbox, p, p.spec.containers[0]!, 0, { env: {}, mounts: [], logPath: path.join(dir, 'logs', p.metadata.uid!, '0.log') });
    }));
    return Number(process.hrtime.bigint() - t) / 1e6;
  } finally {
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(row(['measurement', 'value']));
  const raw = await rawSpawnMs();
  console.log(row(['raw spawn p50 ms', percentile(raw, 50)]));
  const runtimeMs = await runtimeStartsMs();
  console.log(row([`process runtime alone: ${podCount} starts, ms`, runtimeMs]));

  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-up-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const t0 = Date.now();
  const nodeArgs = (process.env['SKIFF_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, skiffMain, 'up', '--data-dir', dir, '--listen', `127.0.0.1:${port}`, '--address-block', '21'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SKIFF_LOG_LEVEL: 'warn' },
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (err.includes('cluster ready')) {
          clearInterval(t);
          resolve();
        } else if (child.exitCode !== null || Date.now() - t0 > 30_000) {
          clearInterval(t);
          reject(new Error(`skiff up did not come up: ${err}`));
        }
      }, 5);
    });
    const readyMs = Date.now() - t0;
    const reported = Number(/cluster ready in (\d+) ms/.exec(err)?.[1] ?? NaN);
    console.log(row(['skiff up ready ms (wall, incl. node start)', readyMs]));
    console.log(row(['skiff up ready ms (its own report)', reported]));
    await new Promise((r) => setTimeout(r, 3000));
    const idle = rssMb(child.pid!);
    console.log(row(['rss mb, one node idle', idle]));

    const client = new RestClient(loadKubeconfig(path.join(dir, 'kubeconfig')), 64);
    const created = new Map<string, number>();
    const running = new Map<string, number>();
    const bound = new Map<string, number>();
    let allRunning!: () => void;
    const done = new Promise<void>((r) => (allRunning = r));
    const watch = client.watch(podsResource, 'default', { resourceVersion: '0' }, (e) => {
      const p = e.object as Pod;
      const name = p.metadata.name ?? '';
      if (p.spec?.nodeName && !bound.has(name)) bound.set(name, Date.now());
      if (p.status?.phase === 'Running' && !running.has(name) && created.has(name)) {
        running.set(name, Date.now());
        if (running.size === podCount) allRunning();
      }
    }, () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all(Array.from({ length: podCount }, async (_, i) => {
      const name = `start-${i}`;
      created.set(name, Date.now());
      await client.create(podsResource, { metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } } as Pod);
    }));
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${running.size}/${podCount} running after 60 s`)), 60_000))]);
    watch.stop();
    const lat = [...running].map(([n, t]) => t - created.get(n)!).sort((a, b) => a - b);
    const toBound = [...bound].filter(([n]) => created.has(n)).map(([n, t]) => t - created.get(n)!).sort((a, b) => a - b);
    console.log(row([`pods create→bound p50 / p99 ms`, `${Math.round(percentile(toBound, 50))} / ${Math.round(percentile(toBound, 99))}`]));
    console.log(row([`pods create→Running p50 ms (${podCount})`, percentile(lat, 50)]));
    console.log(row([`pods create→Running p99 ms (${podCount})`, percentile(lat, 99)]));
    console.log(row(['rss mb with the pods running', rssMb(child.pid!)]));
    client.close();
    result({
      pods: podCount,
      startup_p50_ms: Math.round(percentile(lat, 50)),
      startup_p99_ms: Math.round(percentile(lat, 99)),
      raw_spawn_p50_ms: Number(percentile(raw, 50).toFixed(2)),
      runtime_starts_ms: Math.round(runtimeMs),
      up_ready_ms: readyMs,
      rss_mb_idle: Math.round(idle),
    });
  } finally {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
