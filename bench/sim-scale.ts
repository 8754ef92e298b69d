/**
 * Kubernetes' largest supported cluster on `skiff sim`: 5,000 simulated nodes, 150,000 pods
 * (made by replication controllers, scheduled, run by the simulated nodes) held for a minute,
 * then a DaemonSet across every node. `skiff sim` runs as a child process; its resident memory is
 * read from /proc. Used by `npm run bench -- scheduler` (bench/scheduler.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadKubeconfig, RestClient } from '../src/client/index.js';
import type { DaemonSet, Pod } from '../src/api/kinds.js';
import { daemonSets, pods as podsResource, replicationControllers } from '../src/api/resources.js';
import { skiffMain } from '../test/helpers/paths.js';
import { row, rssMb } from './lib.js';

export interface SimScaleOptions {
  readonly nodes: number;
  readonly pods: number;
  readonly holdSeconds: number;
  readonly podsPerController?: number;
}

export interface SimScaleResult {
  readonly sim_nodes: number;
  readonly sim_pods: number;
  readonly sim_nodes_ready_s: number;
  readonly pods_150k_running_s: number;
  readonly pods_150k_rss_mb: number;
  readonly pods_150k_held_s: number;
  readonly pods_lost_while_held: number;
  readonly daemonset_5000_nodes_s: number;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function simScale(opts: SimScaleOptions): Promise<SimScaleResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-sim-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--max-old-space-size=12288', skiffMain, 'sim', '--data-dir', dir, '--listen', `127.0.0.1:${port}`, '--nodes', String(opts.nodes)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SKIFF_LOG_LEVEL: 'error' },
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  try {
    await until('sim ready', () => {
      if (child.exitCode !== null) throw new Error(`skiff sim exited: ${err}`);
      return err.includes('simulated nodes registered');
    }, 600_000);
    const nodesReadyS = (Date.now() - t0) / 1000;
    console.log(row([`sim: ${opts.nodes} nodes registered, s`, nodesReadyS]));
    const c = new RestClient(loadKubeconfig(path.join(dir, 'kubeconfig')), 64);

    // Count Running pods from one watch, keeping no objects.
    const running = new Set<string>();
    let lost = 0;
    let holding = false;
    const watch = c.watch(podsResource, undefined, { resourceVersion: '0' }, (e) => {
      const p = e.object as Pod;
      const key = `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`;
      const isRunning = e.type !== 'DELETED' && p.status?.phase === 'Running' && !p.metadata.deletionTimestamp;
      if (isRunning) running.add(key);
      else if (running.delete(key) && holding) lost++;
    }, () => undefined);

    const per = opts.podsPerController ?? 1000;
    const controllers = Math.ceil(opts.pods / per);
    const t1 = Date.now();
    for (let i = 0; i < controllers; i++) {
      const replicas = Math.min(per, opts.pods - i * per);
      await c.create(replicationControllers, {
        metadata: { name: `scale-${i}`, namespace: 'default' },
        spec: { replicas, selector: { app: `scale-${i}` }, template: { metadata: { labels: { app: `scale-${i}` } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } },
      } as never);
    }
    let last = 0;
    await until(`${opts.pods} pods running`, () => {
      if (running.size - last >= 10_000) {
        last = running.size;
        console.log(row([`  running after ${Math.round((Date.now() - t1) / 1000)} s`, running.size]));
      }
      return running.size >= opts.pods;
    }, 3_600_000, 500);
    const runningS = (Date.now() - t1) / 1000;
    console.log(row([`${opts.pods} pods running, s`, runningS]));

    holding = true;
    const held = Date.now();
    let peak = 0;
    while (Date.now() - held < opts.holdSeconds * 1000) {
      peak = Math.max(peak, rssMb(child.pid!));
      await new Promise((r) => setTimeout(r, 2000));
    }
    holding = false;
    console.log(row([`held ${opts.holdSeconds} s: peak rss mb`, Math.round(peak)]));
    console.log(row(['pods that stopped running while held', lost]));
    watch.stop();

    const t2 = Date.now();
    await c.create(daemonSets, {
      metadata: { name: 'everywhere', namespace: 'default' },
      spec: { selector: { matchLabels: { ds: 'everywhere' } }, template: { metadata: { labels: { ds: 'everywhere' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    } as never);
    await until('daemon set ready on every node', async () => {
      const ds = await c.get<DaemonSet>(daemonSets, 'default', 'everywhere');
      return ds.status?.numberReady === opts.nodes && ds.status.desiredNumberScheduled === opts.nodes;
    }, 1_800_000, 1000);
    const dsS = (Date.now() - t2) / 1000;
    console.log(row([`daemon set on ${opts.nodes} nodes, s`, dsS]));
    c.close();
    return {
      sim_nodes: opts.nodes,
      sim_pods: opts.pods,
      sim_nodes_ready_s: Number(nodesReadyS.toFixed(1)),
      pods_150k_running_s: Number(runningS.toFixed(1)),
      pods_150k_rss_mb: Math.round(peak),
      pods_150k_held_s: opts.holdSeconds,
      pods_lost_while_held: lost,
      daemonset_5000_nodes_s: Number(dsS.toFixed(1)),
    };
  } finally {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 30_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
