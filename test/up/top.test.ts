/** `kubectl top` on `skiff up` (process runtime, two nodes): the nodes' resource metrics read
 * through metrics.k8s.io/v1beta1 by kubectl 1.32 and 1.27 — nodes, pods in a namespace and in all,
 * per container, by label — and kubelet's /stats/summary and /metrics/resource through the node
 * proxy. A busy-loop pod must show more CPU than an idle one. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

function pod(name: string, labels: Record<string, string>, containers: { name: string; script: string }[]): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: containers.map((c) => ({ name: c.name, image: 'busybox', command: ['sh', '-c', c.script], resources: { requests: { cpu: '50m' } } })),
    },
  });
}

/** `123m` → 123, `1` → 1000 (kubectl top's CPU cell). */
function millicores(cell: string): number {
  return cell.endsWith('m') ? Number(cell.slice(0, -1)) : Number(cell) * 1000;
}

/** The table's rows as cells (header dropped). */
function rows(out: string): string[][] {
  return out.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
}

describe('kubectl top on skiff up', () => {
  let c: UpCluster;
  const ns = `top-${suffix()}`;
  const idleCount = randomInt(1, 3);
  before(async () => {
    c = await startUpCluster({ nodes: 2, metricsIntervalMs: 1000 });
    await c.kubectl.ok(['create', 'namespace', ns]);
    const docs = [
      pod('burn', { app: 'burn' }, [{ name: 'loop', script: 'while :; do :; done' }]),
      ...Array.from({ length: idleCount }, (_, i) => pod(`idle-${i}`, { app: 'idle' }, [{ name: 'main', script: 'sleep 3600' }, { name: 'side', script: 'sleep 3600' }])),
    ];
    for (const d of docs) await c.kubectl.ok(['-n', ns, 'create', '-f', '-'], { input: d });
    await c.kubectl.ok(['-n', ns, 'wait', '--for=condition=Ready', 'pod', '--all', '--timeout=60s']);
  });
  after(async () => {
    await c.kubectl.run(['delete', 'namespace', ns, '--wait=false']);
    await c.stop();
  });

  /** `kubectl top pods` once every pod has metrics (a pod's first rate needs two samples). */
  const topPods = (kubectl: Kubectl, args: readonly string[], count: number) => waitFor(`top pods ${args.join(' ')}`, async () => {
    const r = await kubectl.run(['top', 'pods', ...args]);
    return r.code === 0 && rows(r.stdout).length === count ? r.stdout : undefined;
  }, 30_000, 500);
  const names = ['burn', ...Array.from({ length: idleCount }, (_, i) => `idle-${i}`)].sort();

  test('top pods: every pod, the busy loop using more CPU than the idle ones', async () => {
    const out = await topPods(c.kubectl, ['-n', ns], idleCount + 1);
    assert.match(out.split('\n')[0]!, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
    const byName = new Map(rows(out).map((r) => [r[0]!, r]));
    assert.deepEqual([...byName.keys()].sort(), names);
    for (const r of byName.values()) {
      assert.match(r[1]!, /^\d+m$/);
      assert.match(r[2]!, /^\d+Mi$/);
    }
    // The loop takes what the machine gives it; the sleepers next to nothing.
    const burn = await waitFor('busy loop CPU', async () => {
      const r = rows(await c.kubectl.ok(['-n', ns, 'top', 'pods', 'burn']))[0]!;
      return millicores(r[1]!) >= 100 ? millicores(r[1]!) : undefined;
    }, 30_000, 500);
    const idle = rows(await c.kubectl.ok(['-n', ns, 'top', 'pods', '-l', 'app=idle']));
    assert.deepEqual(idle.map((r) => r[0]).sort(), names.filter((n) => n !== 'burn'));
    for (const r of idle) assert.ok(millicores(r[1]!) < burn, `${r[0]}: ${r[1]} vs burn ${burn}m`);
    const missing = await c.kubectl.run(['-n', ns, 'top', 'pods', 'nope']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /pods\.metrics\.k8s\.io "nope" not found|not found/);
  });

  test('top pods --containers: one row per container; -A adds the namespace', async () => {
    const out = await topPods(c.kubectl, ['-n', ns, '--containers'], 2 * idleCount + 1);
    assert.match(out.split('\n')[0]!, /^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
    const pairs = rows(out).map((r) => `${r[0]}/${r[1]}`).sort();
    assert.deepEqual(pairs, ['burn/loop', ...Array.from({ length: idleCount }, (_, i) => [`idle-${i}/main`, `idle-${i}/side`]).flat()].sort());
    const all = await c.kubectl.ok(['top', 'pods', '-A']);
    assert.match(all.split('\n')[0]!, /^NAMESPACE\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    assert.deepEqual(rows(all).filter((r) => r[0] === ns).map((r) => r[1]).sort(), names);
  });

  test('top nodes: each node with CPU and memory and their share of capacity', async () => {
    const out = await waitFor('node metrics', async () => {
      const r = await c.kubectl.run(['top', 'nodes']);
      return r.code === 0 && rows(r.stdout).length === c.nodeNames.length ? r.stdout : undefined;
    }, 30_000, 500);
    assert.match(out.split('\n')[0]!, /^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*$/);
    const got = rows(out);
    assert.deepEqual(got.map((r) => r[0]).sort(), [...c.nodeNames].sort());
    for (const r of got) {
      assert.match(r[1]!, /^\d+m$/);
      assert.match(r[2]!, /^\d+%$/);
      assert.match(r[3]!, /^\d+Mi$/);
      assert.match(r[4]!, /^\d+%$/);
    }
    const one = rows(await c.kubectl.ok(['top', 'node', c.nodeNames[1]!]));
    assert.deepEqual(one.map((r) => r[0]), [c.nodeNames[1]]);
  });

  test('kubectl 1.27: top nodes and top pods --containers', async () => {
    const old = new Kubectl(c.cp.server.kubeconfigPath, kubectlBinary(27));
    const nodes = await old.ok(['top', 'nodes']);
    assert.match(nodes.split('\n')[0]!, /^NAME\s+CPU\(cores\)\s+CPU%\s+MEMORY\(bytes\)\s+MEMORY%\s*$/);
    assert.deepEqual(rows(nodes).map((r) => r[0]).sort(), [...c.nodeNames].sort());
    const out = await topPods(old, ['-n', ns, '--containers'], 2 * idleCount + 1);
    assert.ok(rows(out).some((r) => r[0] === 'burn' && r[1] === 'loop' && /^\d+m$/.test(r[2]!)), out);
  });

  test('RBAC: view bound in a namespace reads its pod metrics, not other namespaces\' or nodes\'', async () => {
    const user = `viewer-${suffix()}`;
    await c.kubectl.ok(['-n', ns, 'create', 'rolebinding', user, '--clusterrole=view', `--user=${user}`]);
    const mine = await waitFor('metrics readable as the viewer', async () => {
      const r = await c.kubectl.run([`--as=${user}`, '-n', ns, 'top', 'pods']);
      return r.code === 0 ? r.stdout : undefined;
    }, 20_000, 300);
    assert.deepEqual(rows(mine).map((r) => r[0]).sort(), names);
    const all = await c.kubectl.run([`--as=${user}`, 'top', 'pods', '-A']);
    assert.notEqual(all.code, 0);
    assert.match(all.stderr, /forbidden/i);
    const nodes = await c.kubectl.run([`--as=${user}`, 'top', 'nodes']);
    assert.notEqual(nodes.code, 0);
    assert.match(nodes.stderr, /forbidden/i);
  });

  test('the metrics API objects, and the node endpoint\'s /stats/summary and /metrics/resource', async () => {
    const list = JSON.parse(await c.kubectl.ok(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods?labelSelector=app%3Dburn`])) as {
      kind: string; items: { metadata: { name: string; labels: Record<string, string> }; window: string; timestamp: string; containers: { name: string; usage: { cpu: string; memory: string } }[] }[];
    };
    assert.equal(list.kind, 'PodMetricsList');
    assert.equal(list.items.length, 1);
    const m = list.items[0]!;
    assert.deepEqual(m.metadata.labels, { app: 'burn' });
    assert.match(m.window, /^[\d.]+s$/);
    assert.match(m.containers[0]!.usage.cpu, /^\d+n$/);
    assert.match(m.containers[0]!.usage.memory, /^\d+Ki$/);
    // kubectl get's table of the same objects.
    const table = await c.kubectl.ok(['-n', ns, 'get', 'pods.metrics.k8s.io', 'burn']);
    assert.match(table.split('\n')[0]!, /^NAME\s+CPU\s+MEMORY\s+WINDOW\s+AGE\s*$/);
    assert.match(table.split('\n')[1]!, /^burn\s+\d+n\s+\d+Ki\s+[\d.]+s\s+\S+\s*$/);
    const node = c.nodeNames[0]!;
    const summary = JSON.parse(await c.kubectl.ok(['get', '--raw', `/api/v1/nodes/${node}/proxy/stats/summary`])) as { node: { nodeName: string; memory: { workingSetBytes: number } }; pods: { podRef: { namespace: string } }[] };
    assert.equal(summary.node.nodeName, node);
    assert.ok(summary.node.memory.workingSetBytes > 0);
    const text = await c.kubectl.ok(['get', '--raw', `/api/v1/nodes/${node}/proxy/metrics/resource`]);
    for (const name of ['node_cpu_usage_seconds_total', 'node_memory_working_set_bytes', 'container_cpu_usage_seconds_total', 'pod_memory_working_set_bytes']) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'));
    }
    // Every container of the test's pods is on one node or the other.
    const onBoth = await Promise.all(c.nodeNames.map((n) => c.kubectl.ok(['get', '--raw', `/api/v1/nodes/${n}/proxy/metrics/resource`])));
    const series = onBoth.join('\n').split('\n').filter((l) => l.startsWith('container_cpu_usage_seconds_total{') && l.includes(`namespace="${ns}"`));
    assert.equal(series.length, 2 * idleCount + 1, series.join('\n'));
    assert.match(series.find((l) => l.includes('pod="burn"'))!, /^container_cpu_usage_seconds_total\{container="loop",namespace="[^"]+",pod="burn"\} [\d.e+-]+ \d{13}$/);
  });
});
