/**
 * `npm run bench -- startup [--runtime oci]`: `skiff up` (one node; process runtime, or runc
 * containers with `--runtime oci`) from an empty data dir, as a child process — how long until it
 * is ready, how much memory it holds idle — then 100 pods created at once and the time from each
 * create to Running as a watch sees it; beside it, in the same run, the raw fork/exec latency of
 * this machine (spawning `true`) and the runtime alone starting as many containers. With oci the
 * image (busybox-static) is imported before the clock starts: Kubernetes' startup SLO excludes
 * image pulls too.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadKubeconfig, RestClient } from '../src/client/index.js';
import type { Pod } from '../src/api/kinds.js';
import { pods as podsResource } from '../src/api/resources.js';
import { percentile, result, row, rssMb } from './lib.js';
import { ImageCatalog, ProcessRuntime } from '../src/runtime/process/index.js';
import { skiffMain } from '../test/helpers/paths.js';
import { busyboxImage, writeDockerSave } from '../test/helpers/images.js';
import { ImageStore, imagesDir } from '../src/images/index.js';
import { OciRuntime } from '../src/runtime/oci/index.js';
import type { Runtime } from '../src/runtime/runtime.js';

const podCount = Number(process.env['SKIFF_BENCH_PODS'] ?? 100);
const runtimeArg = process.argv.indexOf('--runtime');
const runtime = runtimeArg > 0 ? process.argv[runtimeArg + 1] ?? 'process' : 'process';
if (runtime !== 'process' && runtime !== 'oci') throw new Error(`--runtime process|oci, not ${runtime}`);
const benchImage = runtime === 'oci' ? 'skiff.bench/busybox:1' : 'busybox';
/** The test image is busybox alone, without applet links. */
const sleepFor = (s: number): string[] => (runtime === 'oci' ? ['/bin/busybox', 'sleep', String(s)] : ['sleep', String(s)]);

/** A busybox image in `dataDir`'s image store, imported as `skiff image import` does. */
async function importImage(dataDir: string): Promise<void> {
  const file = path.join(dataDir, 'busybox.tar');
  await writeDockerSave(file, await busyboxImage(), [benchImage]);
  execFileSync(process.execPath, [skiffMain, 'image', 'import', file, '--data-dir', dataDir], { stdio: 'ignore' });
}

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

/** The runtime alone: `podCount` containers started at once, without the cluster around them
 * (how much of create→Running is the runtime's). */
async function runtimeStartsMs(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-runtime-'));
  let rt: Runtime;
  if (runtime === 'oci') {
    await importImage(dir);
    rt = new OciRuntime({ dataDir: dir, podCIDR: '10.213.0.0/24', bridge: 'skbench0', networkName: 'skbench0', images: new ImageStore({ dir: imagesDir(dir) }) });
  } else {
    rt = new ProcessRuntime({ podAddressPrefix: '127.21.250.', dataDir: dir, imageCatalog: ImageCatalog.load() });
  }
  try {
    const pods = Array.from({ length: Math.min(podCount, 250) }, (_, i) => ({ metadata: { name: `r${i}`, namespace: 'default', uid: `runtime-${i}` }, spec: { containers: [{ name: 'c', image: benchImage, imagePullPolicy: 'IfNotPresent', command: sleepFor(60) }] } }) as Pod);
    const t = process.hrtime.bigint();
    await Promise.all(pods.map(async (p) => {
      const sandbox = await rt.runSandbox(p);
      await rt.startContainer(sandbox, p, p.spec.containers[0]!, 0, { env: {}, mounts: [], logPath: path.join(dir, 'logs', p.metadata.uid!, '0.log') });
    }));
    return Number(process.hrtime.bigint() - t) / 1e6;
  } finally {
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
    if (runtime === 'oci') spawn('ip', ['link', 'del', 'skbench0'], { stdio: 'ignore' });
  }
}

async function main(): Promise<void> {
  console.log(row(['measurement', 'value']));
  const raw = await rawSpawnMs();
  console.log(row(['raw spawn p50 ms', percentile(raw, 50)]));
  const runtimeMs = await runtimeStartsMs();
  console.log(row([`${runtime} runtime alone: ${podCount} starts, ms`, runtimeMs]));

  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-up-'));
  if (runtime === 'oci') await importImage(dir);
  const ociArgs = runtime === 'oci' ? ['--runtime', 'oci', '--image-gc-high-threshold', '100', '--cluster-cidr', '10.211.0.0/16', '--service-cluster-ip-range', '10.212.0.0/16'] : [];
  const port = 20000 + Math.floor(Math.random() * 20000);
  const t0 = Date.now();
  const nodeArgs = (process.env['SKIFF_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, skiffMain, 'up', '--data-dir', dir, '--listen', `127.0.0.1:${port}`, '--address-block', '21', ...ociArgs], {
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
      await client.create(podsResource, { metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: benchImage, imagePullPolicy: 'IfNotPresent', command: sleepFor(3600) }] } } as Pod);
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
      runtime,
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
    if (runtime === 'oci') spawn('ip', ['link', 'del', 'skiff0'], { stdio: 'ignore' });
  }
}

await main();
