/** The node's resource metrics with a stepped clock and counters of the test's own: rates from
 * the change between samples (none at a container's first), kubelet's Summary JSON and
 * /metrics/resource text; and the API server's side: metrics-server's rates and quantities. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/kinds.js';
import type { ContainerUsage, Runtime } from '../../src/runtime/runtime.js';
import { MetricsCollector, resourceMetricsText, statsSummary, type MetricsSource } from '../../src/agent/metrics/index.js';
import { nodeMetrics, podMetricsOf } from '../../src/apiserver/metricsapi/convert.js';
import { RateMemory } from '../../src/apiserver/metricsapi/rates.js';
import type { Summary } from '../../src/apiserver/metricsapi/scrape.js';
import type { KubeObject } from '../../src/api/types.js';
import { randomInt } from '../controlplane/fixtures.js';

const t0 = Date.parse('2026-12-06T03:00:00Z');

function fixture(containers: number) {
  let now = t0;
  let hostCpu = 0;
  const counters = new Map<string, ContainerUsage>();
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', uid: 'u1' }, spec: { containers: [] }, status: { startTime: new Date(t0 - 5000).toISOString() } } as unknown as Pod;
  const list = Array.from({ length: containers }, (_, i) => ({ name: `c${i}`, id: `id${i}`, startedAt: new Date(t0 - 5000) }));
  const runtime = { usage: (ids: readonly string[]) => Promise.resolve(new Map(ids.flatMap((id) => (counters.has(id) ? [[id, counters.get(id)!] as const] : [])))) } as unknown as Runtime;
  const source: MetricsSource = { runningPods: () => [{ pod, containers: list }], runtime };
  const collector = new MetricsCollector(() => source, 10_000, () => now, () => ({ cpuNanos: hostCpu, memoryWorkingSetBytes: 512 << 20, memoryAvailableBytes: 1 << 30 }));
  return {
    collector,
    step(ms: number, cpuPerContainerNanos: number, hostNanos: number) {
      now += ms;
      hostCpu += hostNanos;
      for (const c of list) counters.set(c.id, { cpuNanos: (counters.get(c.id)?.cpuNanos ?? 0) + cpuPerContainerNanos, memoryWorkingSetBytes: 3 << 20 });
    },
  };
}

void describe('MetricsCollector', () => {
  void test('no rate at the first sample; the change over the period at the next', async () => {
    const n = randomInt(1, 3);
    const f = fixture(n);
    f.step(0, 1e9, 0);
    await f.collector.sample();
    let s = f.collector.current;
    assert.equal(s.usage, undefined, 'the node needs two samples');
    assert.equal(s.pods[0]!.containers.length, n);
    assert.equal(s.pods[0]!.containers[0]!.usage.nanoCores, undefined);
    // 10 s later each container used 2.5 s of CPU: a quarter core; the node 5 s: half a core.
    f.step(10_000, 2.5e9, 5e9);
    await f.collector.sample();
    s = f.collector.current;
    assert.equal(s.pods[0]!.containers[0]!.usage.nanoCores, 250_000_000);
    assert.equal(s.usage?.nanoCores, 500_000_000);
    const summary = statsSummary('node-a', new Date(t0 - 60_000), s) as { node: { nodeName: string; cpu: { usageNanoCores: number }; memory: { workingSetBytes: number; availableBytes: number } }; pods: { podRef: unknown; cpu: { usageNanoCores: number; usageCoreNanoSeconds: number }; containers: { name: string }[] }[] };
    assert.equal(summary.node.nodeName, 'node-a');
    assert.deepEqual([summary.node.cpu.usageNanoCores, summary.node.memory.workingSetBytes, summary.node.memory.availableBytes], [500_000_000, 512 << 20, 1 << 30]);
    assert.deepEqual(summary.pods[0]!.podRef, { name: 'web', namespace: 'shop', uid: 'u1' });
    assert.equal(summary.pods[0]!.cpu.usageNanoCores, n * 250_000_000);
    assert.equal(summary.pods[0]!.cpu.usageCoreNanoSeconds, n * 3.5e9);
    const text = resourceMetricsText(s);
    assert.match(text, /^# HELP node_cpu_usage_seconds_total \[STABLE\] Cumulative cpu time consumed by the node in core-seconds$/m);
    assert.match(text, /^# TYPE container_memory_working_set_bytes gauge$/m);
    assert.match(text, new RegExp(`^container_cpu_usage_seconds_total\\{container="c0",namespace="shop",pod="web"\\} 3.5 ${t0 + 10_000}$`, 'm'));
    assert.match(text, new RegExp(`^pod_memory_working_set_bytes\\{namespace="shop",pod="web"\\} ${n * (3 << 20)} ${t0 + 10_000}$`, 'm'));
    assert.match(text, /^resource_scrape_error 0$/m);
  });
});

void describe('metrics.k8s.io objects from summaries', () => {
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', labels: { zone: 'z1' } } } as KubeObject;
  const summaryAt = (seconds: number, cumulative: number, nanoCores?: number): Summary => ({
    node: { nodeName: 'node-a', cpu: { time: new Date(t0 + seconds * 1000).toISOString(), usageCoreNanoSeconds: cumulative, ...(nanoCores !== undefined ? { usageNanoCores: nanoCores } : {}) }, memory: { workingSetBytes: 2048 * 1024 } },
    pods: [{ podRef: { name: 'web', namespace: 'shop', uid: 'u1' }, containers: [{ name: 'app', cpu: { time: new Date(t0 + seconds * 1000).toISOString(), usageCoreNanoSeconds: cumulative / 2 }, memory: { workingSetBytes: 1000 * 1024 } }] }],
  });

  void test('first sight: the node\'s own rate, or none; then the change between two samples', () => {
    const mem = new RateMemory();
    const now = new Date(t0 + 60_000);
    assert.equal(nodeMetrics(node, summaryAt(0, 1e9), mem, now), undefined);
    assert.equal(podMetricsOf('node-a', summaryAt(0, 1e9), mem, now).size, 0);
    const m = nodeMetrics(node, summaryAt(10, 3e9), mem, now) as KubeObject & { usage: { cpu: string; memory: string }; window: string; timestamp: string };
    assert.deepEqual(m.usage, { cpu: '200000000n', memory: '2048Ki' });
    assert.equal(m.window, '10s');
    assert.equal(m.timestamp, new Date(t0 + 10_000).toISOString().replace('.000Z', 'Z'));
    assert.deepEqual(m.metadata.labels, { zone: 'z1' });
    const pods = podMetricsOf('node-a', summaryAt(10, 3e9), mem, now);
    const p = pods.get('shop/web') as KubeObject & { containers: { name: string; usage: { cpu: string; memory: string } }[] };
    assert.deepEqual(p.containers, [{ name: 'app', usage: { cpu: '100000000n', memory: '1000Ki' } }]);
    // The node's first figure from its own rate, with its sampling period as the window.
    const other = nodeMetrics({ ...node, metadata: { name: 'node-b' } }, { ...summaryAt(0, 5e9, 123_000), node: { ...summaryAt(0, 5e9, 123_000).node, nodeName: 'node-b' } }, mem, now) as KubeObject & { usage: { cpu: string }; window: string };
    assert.deepEqual([other.usage.cpu, other.window], ['123000n', '10s']);
  });
});
