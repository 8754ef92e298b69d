/**
 * `npm run bench -- metrics`: what resource-metrics collection costs a node agent with 110 pods,
 * as a share of one core at the default 10 s sampling period. The agent's real collector
 * (agent/metrics) samples, back to back, through the real readers of each runtime:
 *
 * - process runtime: 110 process groups (`sleep`, one per pod) read from /proc;
 * - oci runtime: 110 containers' cgroup directories (made by the bench; v1 or v2, as the host has)
 *   read as the oci runtime reads them;
 *
 * against the baseline of an idle agent (no pods: the node's /proc/stat and /proc/meminfo only)
 * in the same run. CPU time is the process's own (user + system) over `SKIFF_BENCH_SAMPLES`
 * samples (default 200).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import type { Pod } from '../src/api/kinds.js';
import { MetricsCollector, type MetricsSource } from '../src/agent/metrics/index.js';
import { processGroupUsage } from '../src/runtime/shared/index.js';
import { Cgroups } from '../src/runtime/oci/cgroups.js';
import type { ContainerUsage, Runtime } from '../src/runtime/runtime.js';
import { result, row } from './lib.js';

const pods = 110;
const samples = Number(process.env['SKIFF_BENCH_SAMPLES'] ?? 200);
const periodMs = 10_000;

function source(ids: readonly string[], usage: (ids: readonly string[]) => Promise<ReadonlyMap<string, ContainerUsage>>): MetricsSource {
  const running = ids.map((id, i) => ({
    pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'bench', uid: `u${i}` }, spec: { containers: [] } } as unknown as Pod,
    containers: [{ name: 'c', id, startedAt: new Date() }],
  }));
  return { runningPods: () => running, runtime: { name: 'bench', version: '0', usage } as unknown as Runtime };
}

/** CPU milliseconds per sample of `src`. */
async function cost(src: MetricsSource): Promise<number> {
  const c = new MetricsCollector(() => src, periodMs);
  await c.sample();
  const before = process.cpuUsage();
  for (let i = 0; i < samples; i++) await c.sample();
  const d = process.cpuUsage(before);
  const perSample = (d.user + d.system) / 1000 / samples;
  if (src.runningPods().length && c.current.pods.length !== src.runningPods().length) throw new Error(`sampled ${c.current.pods.length} of ${src.runningPods().length} pods`);
  return perSample;
}

async function main(): Promise<void> {
  // Process runtime: one group per pod; each read is a fresh /proc scan (the bench steps the
  // scan's one-second sharing clock on each call).
  const children: ChildProcess[] = [];
  for (let i = 0; i < pods; i++) children.push(spawn('sleep', ['3600'], { detached: true, stdio: 'ignore' }));
  let fakeNow = Date.now();
  const byId = new Map(children.map((ch, i) => [`proc://${i}`, ch.pid!]));
  const processSrc = source([...byId.keys()], (ids) => {
    const groups = processGroupUsage((fakeNow += 1000));
    const out = new Map<string, ContainerUsage>();
    for (const id of ids) {
      const g = groups.get(byId.get(id)!);
      if (g) out.set(id, { cpuNanos: g.cpuNanos, memoryWorkingSetBytes: g.rssBytes });
    }
    return Promise.resolve(out);
  });
  // oci runtime: the same files it reads, in directories of the bench's own.
  const cg = new Cgroups();
  const base = `skiff-bench-${process.pid}`;
  const dirs = Array.from({ length: pods }, (_, i) => `/${base}/pod${i}`);
  const hierarchies = cg.version === 2 ? [''] : ['memory', 'cpuacct'];
  const made: string[] = [];
  try {
    for (const d of dirs) {
      for (const h of hierarchies) {
        const p = path.join('/sys/fs/cgroup', h, h === 'cpuacct' ? cg.leaf(d) : d);
        mkdirSync(p, { recursive: true });
        made.push(p);
      }
    }
  } catch (err) {
    console.error(`cannot make cgroups (${String(err)}): the oci figure needs root`);
  }
  const ociSrc = source(dirs.map((d) => `oci://${d}`), (ids) => {
    const out = new Map<string, ContainerUsage>();
    for (const id of ids) {
      const u = cg.usage(id.slice('oci://'.length));
      if (u) out.set(id, u);
    }
    return Promise.resolve(out);
  });
  try {
    const idle = await cost(source([], () => Promise.resolve(new Map())));
    const proc = await cost(processSrc);
    const oci = made.length ? await cost(ociSrc) : NaN;
    const share = (ms: number) => (100 * ms) / periodMs;
    console.log(row(['collector (10 s period)', 'ms/sample', '% of a core']));
    console.log(row(['idle agent (node only)', idle, share(idle)]));
    console.log(row([`process runtime, ${pods} pods`, proc, share(proc)]));
    console.log(row([`oci runtime (cgroup v${cg.version}), ${pods} pods`, oci, share(oci)]));
    result({
      pods, samples, periodMs, idleMsPerSample: +idle.toFixed(3), processMsPerSample: +proc.toFixed(3), ociMsPerSample: +oci.toFixed(3),
      idleCorePercent: +share(idle).toFixed(4), processCorePercent: +share(proc).toFixed(4), ociCorePercent: +share(oci).toFixed(4), cgroupVersion: cg.version,
    });
  } finally {
    for (const ch of children) ch.kill('SIGKILL');
    for (const p of made.reverse()) {
      try {
        rmdirSync(p);
      } catch {
        // still held
      }
    }
    for (const h of hierarchies) {
      for (const d of dirs) {
        try {
          rmdirSync(path.join('/sys/fs/cgroup', h, d));
        } catch {
          // not there
        }
      }
      try {
        rmdirSync(path.join('/sys/fs/cgroup', h, base));
      } catch {
        // not there
      }
    }
  }
}

await main();
