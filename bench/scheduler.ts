/**
 * `npm run bench -- scheduler`: the scheduler's throughput against the API server's own binding
 * rate. The server runs as a child process (SQLite in a temp dir); the scheduler runs in this
 * process, as `skiff server` would run it beside — not inside — the API's event loop.
 *
 *  1. create SKIFF_BENCH_NODES (5,000) Node objects through the API, concurrently;
 *  2. raw binding rate: create N pods, then POST their bindings directly (no scheduler), at
 *     several concurrencies — the ceiling any scheduler can reach; measured again after step 3,
 *     and `binding_writes_per_s` is the mean of both runs at the scheduler's concurrency;
 *  3. create SKIFF_BENCH_PODS (10,000) pending pods, start the Scheduler and time until every
 *     one has spec.nodeName as the API reports it (`scheduled_per_s`, from start: its initial
 *     list of pods and nodes included).
 *
 * `npm run bench -- scheduler --affinity`: a third of the pods to schedule carry required pod
 * anti-affinity on kubernetes.io/hostname and a DoNotSchedule topology spread constraint over
 * the `zone` label (maxSkew 1), in groups of SKIFF_BENCH_GROUP (100) pods, as that many
 * deployments of that many replicas would. The raw-binding baseline then binds pods of the same
 * mix, so the ratio compares the scheduler with writing the same objects.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../src/api/kinds.js';
import { pods as podsResource } from '../src/api/resources.js';
import { EventRecorder } from '../src/client/events.js';
import { InformerFactory } from '../src/client/factory.js';
import { RestClient } from '../src/client/rest.js';
import { Scheduler } from '../src/scheduler/index.js';
import { logger } from '../src/util/log.js';
import { simScale } from './sim-scale.js';
import { Client, load, percentile, result, row, startServerProcess } from './lib.js';

const numNodes = Number(process.env['SKIFF_BENCH_NODES'] ?? 5000);
const numPods = Number(process.env['SKIFF_BENCH_PODS'] ?? 10_000);
const numRaw = Number(process.env['SKIFF_BENCH_BIND_PODS'] ?? Math.min(numPods, 5000));
const bindsInFlight = Number(process.env['SKIFF_BENCH_BINDS'] ?? 64);
const affinity = process.argv.includes('--affinity');
const groupSize = Number(process.env['SKIFF_BENCH_GROUP'] ?? 100);
const rawConcurrencies = [...new Set([16, 32, 64, bindsInFlight])].sort((a, b) => a - b);

function node(i: number) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, zone: `z${i % 3}` } },
    status: {
      capacity: { cpu: '32', memory: '128Gi', pods: '110' },
      allocatable: { cpu: '32', memory: '128Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    },
  };
}

/** `group`: the pod is one of a group that must not share a node and spreads over zones. */
function pod(name: string, owner?: string, group?: string) {
  const containers = [{ name: 'c', image: 'nginx:1.25', resources: { requests: { cpu: '10m', memory: '16Mi' } } }];
  const selector = { matchLabels: { group: group ?? '' } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      labels: { app: 'bench', ...(group ? { group } : {}) },
      ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'bench', uid: owner, controller: true }] } : {}),
    },
    spec: group
      ? {
          containers,
          affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: selector, topologyKey: 'kubernetes.io/hostname' }] } },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector }],
        }
      : { containers },
  };
}

/** The i-th pod to schedule: with --affinity every third one is in an anti-affinity group. */
function schedPod(i: number) {
  const owner = i % 2 === 0 ? '0b8a4b7e-6f0e-4c1e-9d7a-5a2f3c4d5e6f' : undefined;
  const group = affinity && i % 3 === 0 ? `g${Math.floor(i / 3 / groupSize)}` : undefined;
  return pod(`sched-${i}`, owner, group);
}

async function createAll(client: Client, what: string, count: number, body: (i: number) => unknown, p: string): Promise<number> {
  const r = await load(count, 64, async (i) => {
    const res = await client.request('POST', p, body(i));
    if (res.status !== 201) throw new Error(`${what} create failed ${res.status}: ${res.text}`);
  });
  console.log(row([`create ${count} ${what}`, r.perSecond, percentile(r.latencies, 50), percentile(r.latencies, 99)]));
  return r.perSecond;
}

/** Creates `per` pods per concurrency level, then binds them directly; the rate per level. */
async function rawBindings(client: Client, tag: string, levels: readonly number[]): Promise<Map<number, number>> {
  const rates = new Map<number, number>();
  let offset = 0;
  const per = Math.floor(numRaw / rawConcurrencies.length);
  // With --affinity the raw pods carry the same mix of specs (larger objects cost the API more).
  const rawPod = (i: number) => pod(`raw-${tag}-${i}`, undefined, affinity && i % 3 === 0 ? `raw-${tag}-${Math.floor(i / 3 / groupSize)}` : undefined);
  await createAll(client, `pods (raw ${tag})`, per * levels.length, rawPod, '/api/v1/namespaces/default/pods');
  for (const c of levels) {
    const base = offset;
    const r = await load(per, c, async (i) => {
      const name = `raw-${tag}-${base + i}`;
      const res = await client.request('POST', `/api/v1/namespaces/default/pods/${name}/binding`, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace: 'default' },
        target: { apiVersion: 'v1', kind: 'Node', name: `node-${(base + i) % numNodes}` },
      });
      if (res.status !== 201) throw new Error(`binding failed ${res.status}: ${res.text}`);
    });
    offset += per;
    rates.set(c, r.perSecond);
    console.log(row([`raw binds ${tag}, concurrency ${c}`, r.perSecond, percentile(r.latencies, 50), percentile(r.latencies, 99)]));
  }
  return rates;
}

async function schedule(server: { url: string; token: string; ca: string }): Promise<{ perS: number; perSAfterSync: number; syncMs: number; totalMs: number; cores: number; stats: Scheduler['stats']; dropped: number; placements: ReadonlyMap<string, string> }> {
  // SKIFF_BENCH_HTTP2=1: the scheduler talks HTTP/2 (one connection) instead of HTTP/1.1.
  const rest = new RestClient({ server: server.url, token: server.token, ca: server.ca }, { http2: process.env['SKIFF_BENCH_HTTP2'] === '1', maxSockets: 128 });
  const informers = new InformerFactory(rest);
  const ctx = { client: rest, informers, recorder: new EventRecorder(rest, { component: 'default-scheduler' }), log: logger('scheduler') };
  const sched = new Scheduler(ctx, { maxBindsInFlight: bindsInFlight });
  let bound = 0;
  let allBound: () => void = () => undefined;
  const done = new Promise<void>((r) => (allBound = r));
  const seen = new Map<string, string>();
  const count = (p: Pod) => {
    const name = p.metadata.name ?? '';
    if (!p.spec.nodeName || !name.startsWith('sched-') || seen.has(name)) return;
    seen.set(name, p.spec.nodeName);
    if (++bound === numPods) allBound();
  };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const podInf = informers.informer<Pod>(podsResource);
  podInf.addEventHandler({ add: count, update: (_o, p) => count(p) });
  const running = sched.start();
  await informers.start();
  const tSync = performance.now();
  await done;
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  sched.stop();
  await running;
  // Let the backlog of Scheduled events finish before closing the client (kept-alive sockets
  // would hold the server's shutdown).
  await sched.events.idle();
  informers.stop();
  rest.close();
  return {
    perS: numPods / ((t1 - t0) / 1000),
    perSAfterSync: numPods / ((t1 - tSync) / 1000),
    syncMs: tSync - t0,
    totalMs: t1 - t0,
    cores: (cpu.user + cpu.system) / 1000 / (t1 - t0),
    stats: sched.stats,
    dropped: sched.events.dropped,
    placements: seen,
  };
}

/** With --affinity: pods of one group sharing a node, and groups whose zones differ by more
 * than maxSkew 1 (both must be 0). */
function violations(placements: ReadonlyMap<string, string>): { sharedNodes: number; skewed: number } {
  const groups = new Map<string, string[]>();
  for (const [name, node] of placements) {
    const i = Number(name.slice('sched-'.length));
    const g = (schedPod(i).metadata.labels as Record<string, string>)['group'];
    if (g) groups.set(g, [...(groups.get(g) ?? []), node]);
  }
  let sharedNodes = 0;
  let skewed = 0;
  for (const nodes of groups.values()) {
    sharedNodes += nodes.length - new Set(nodes).size;
    const zones = [0, 0, 0];
    for (const n of nodes) zones[Number(n.slice('node-'.length)) % 3]!++;
    if (Math.max(...zones) - Math.min(...zones) > 1) skewed++;
  }
  return { sharedNodes, skewed };
}

async function main(): Promise<void> {
  process.env['SKIFF_LOG_LEVEL'] ??= 'warn';
  console.log(row(['measurement', 'ops/s', 'p50 ms', 'p99 ms']));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-scheduler-'));
  // --no-controllers: the API only; the scheduler under test is the one in this process.
  const server = await startServerProcess(dir, ['--no-controllers']);
  try {
    const client = new Client(server, 128);
    await createAll(client, 'nodes', numNodes, node, '/api/v1/nodes');
    const rawBefore = await rawBindings(client, 'before', rawConcurrencies);
    await createAll(client, 'pods (to schedule)', numPods, schedPod, '/api/v1/namespaces/default/pods');
    // SKIFF_BENCH_PROFILE=FILE: a CPU profile of this process over the scheduling phase only.
    const profile = process.env['SKIFF_BENCH_PROFILE'];
    const session = profile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const s = await schedule(server);
    if (session && profile) {
      const { profile: p } = await session.post('Profiler.stop');
      writeFileSync(profile, JSON.stringify(p));
      session.disconnect();
    }
    const rawAfter = await rawBindings(client, 'after', [bindsInFlight]);
    client.close();
    // The machine's load drifts (it is shared): the scheduler is compared with the raw rate at its
    // own concurrency measured just before and just after it, averaged; the best raw rate of any
    // run is reported beside it.
    const bindingRate = ((rawBefore.get(bindsInFlight) ?? 0) + (rawAfter.get(bindsInFlight) ?? 0)) / 2;
    const bestRaw = Math.max(...rawBefore.values(), ...rawAfter.values());
    console.log(row([`schedule ${numPods} pods on ${numNodes} nodes`, s.perS, '', '']));
    console.log(row(['  of which informer sync, ms', s.syncMs]));
    console.log(row(['  after sync, pods/s', s.perSAfterSync]));
    console.log(row(['  scheduler process cpu, cores', s.cores]));
    console.log(row(['  deciding, ms (share of the run)', `${Math.round(s.stats.decisionMs)} (${Math.round((100 * s.stats.decisionMs) / s.totalMs)}%)`]));
    console.log(row(['  bind errors / unschedulable', `${s.stats.bindErrors} / ${s.stats.unschedulable}`]));
    console.log(row(['  Scheduled events dropped', s.dropped]));
    const v = affinity ? violations(s.placements) : undefined;
    if (v) console.log(row(['  anti-affinity / spread violations', `${v.sharedNodes} / ${v.skewed}`]));
    // Part two: the largest cluster Kubernetes supports, on `skiff sim` (SKIFF_BENCH_SIM=0 skips).
    const sim = process.env['SKIFF_BENCH_SIM'] === '0'
      ? {}
      : await simScale({ nodes: numNodes, pods: Number(process.env['SKIFF_BENCH_SIM_PODS'] ?? 150_000), holdSeconds: Number(process.env['SKIFF_BENCH_HOLD_S'] ?? 60) });
    result({
      ...sim,
      affinity_pods: affinity ? Math.ceil(numPods / 3) : 0,
      ...(v ? { affinity_shared_nodes: v.sharedNodes, spread_skewed_groups: v.skewed } : {}),
      nodes: numNodes,
      pods: numPods,
      scheduled_per_s: Math.round(s.perS),
      scheduled_per_s_after_sync: Math.round(s.perSAfterSync),
      binding_writes_per_s: Math.round(bindingRate),
      ratio: Number((s.perS / bindingRate).toFixed(3)),
      binding_writes_per_s_best: Math.round(bestRaw),
      ratio_vs_best: Number((s.perS / bestRaw).toFixed(3)),
      schedule_total_ms: Math.round(s.totalMs),
      informer_sync_ms: Math.round(s.syncMs),
      scheduler_cpu_cores: Number(s.cores.toFixed(2)),
      decision_ms: Math.round(s.stats.decisionMs),
      binds_in_flight: bindsInFlight,
      events_dropped: s.dropped,
    });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
