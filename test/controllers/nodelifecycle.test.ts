/** The node lifecycle controller: health, condition, taint and eviction decisions (table-driven),
 * and a node whose lease stops being renewed through a real in-process API server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Condition, Event, Node, Pod, Taint, Toleration } from '../../src/api/kinds.js';
import { events, leases, nodes, pods as podsResource } from '../../src/api/resources.js';
import {
  NodeLifecycleController, desiredTaints, evictionTime, isStale, observe, taintNotReady, taintUnreachable, unknownConditions,
} from '../../src/controllers/nodelifecycle/index.js';
import type { RestClient } from '../../src/client/index.js';
import { nodeBuilder, objectBuilder, podBuilder } from '../helpers/builders.js';
import { startTestCluster, waitFor } from '../helpers/cluster.js';
import { kubeTime, microTime } from '../../src/api/time.js';

const t0 = Date.parse('2024-05-01T12:00:00Z');
const iso = kubeTime;

function node(ready: Condition['status'] | undefined, taints: Taint[] = [], extraConditions: Condition[] = []): Node {
  const n = nodeBuilder('n1').build() as Node;
  n.metadata.creationTimestamp = iso(t0 - 60_000);
  n.spec = { taints };
  n.status = { conditions: [...(ready ? [{ type: 'Ready', status: ready, lastHeartbeatTime: iso(t0 - 1000), lastTransitionTime: iso(t0 - 50_000), reason: 'KubeletReady' }] : []), ...extraConditions] };
  return n;
}

test('observe/isStale: first sight gives a full grace period, only changes count as heartbeats', () => {
  const n = node('True');
  const cases: { name: string; run: () => boolean; want: boolean }[] = [
    { name: 'new node is fresh', run: () => isStale(observe(undefined, n, 'r1', t0), t0 + 1000, 2000), want: false },
    { name: 'silent past grace is stale', run: () => isStale(observe(observe(undefined, n, 'r1', t0), n, 'r1', t0 + 3000), t0 + 3000, 2000), want: true },
    { name: 'a lease renewal resets the clock', run: () => isStale(observe(observe(undefined, n, 'r1', t0), n, 'r2', t0 + 3000), t0 + 3000, 2000), want: false },
    { name: 'a Ready heartbeat resets the clock', run: () => {
      const moved = node('True');
      moved.status!.conditions![0]!.lastHeartbeatTime = iso(t0 + 2000);
      return isStale(observe(observe(undefined, n, undefined, t0), moved, undefined, t0 + 3000), t0 + 3000, 2000);
    }, want: false },
  ];
  for (const c of cases) assert.equal(c.run(), c.want, c.name);
});

test('unknownConditions: every watched condition goes Unknown, missing ones are added, nothing twice', () => {
  const got = unknownConditions(node('True', [], [{ type: 'MemoryPressure', status: 'False' }]), t0)!;
  const ready = got.find((c) => c.type === 'Ready')!;
  assert.deepEqual([ready.status, ready.reason, ready.message, ready.lastTransitionTime, ready.lastHeartbeatTime],
    ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', iso(t0), iso(t0 - 1000)]);
  assert.equal(got.find((c) => c.type === 'MemoryPressure')?.status, 'Unknown');
  const disk = got.find((c) => c.type === 'DiskPressure')!;
  assert.deepEqual([disk.status, disk.reason, disk.message], ['Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.']);
  const n = node('True');
  n.status!.conditions = got;
  assert.equal(unknownConditions(n, t0 + 5000), undefined);
});

const unreachableTaints: Taint[] = [{ key: taintUnreachable, effect: 'NoSchedule' }, { key: taintUnreachable, effect: 'NoExecute', timeAdded: iso(t0) }];
const notReadyTaints: Taint[] = [{ key: taintNotReady, effect: 'NoSchedule' }, { key: taintNotReady, effect: 'NoExecute', timeAdded: iso(t0) }];
const userTaint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

const taintCases: { name: string; node: Node; want: Taint[] | undefined }[] = [
  { name: 'ready, no taints: nothing to do', node: node('True'), want: undefined },
  { name: 'unknown: unreachable NoSchedule + NoExecute', node: node('Unknown'), want: unreachableTaints },
  { name: 'false: not-ready taints', node: node('False'), want: notReadyTaints },
  { name: 'unknown after false: not-ready swapped for unreachable, user taints kept', node: node('Unknown', [userTaint, ...notReadyTaints]), want: [userTaint, ...unreachableTaints] },
  { name: 'back to ready: ours removed, user taint kept', node: node('True', [userTaint, ...unreachableTaints]), want: [userTaint] },
  { name: 'already tainted: no write', node: node('Unknown', unreachableTaints), want: undefined },
];

for (const c of taintCases) {
  test(`desiredTaints: ${c.name}`, () => {
    assert.deepEqual(desiredTaints(c.node, t0), c.want);
  });
}

const pod = (tolerations: Toleration[] = [], extra: Record<string, unknown> = {}): Pod => {
  const b = podBuilder('p').podField('nodeName', 'n1').podField('tolerations', tolerations);
  for (const [k, v] of Object.entries(extra)) b.set(k, v);
  return b.build() as Pod;
};

const evictionCases: { name: string; pod: Pod; taints: Taint[]; want: number | undefined }[] = [
  { name: 'no taints: stays', pod: pod(), taints: [], want: undefined },
  { name: 'no toleration: the default timeout', pod: pod(), taints: unreachableTaints, want: t0 + 300_000 },
  { name: 'toleration with seconds', pod: pod([{ key: taintUnreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]), taints: unreachableTaints, want: t0 + 30_000 },
  { name: 'toleration forever (DaemonSet pods)', pod: pod([{ key: taintUnreachable, operator: 'Exists', effect: 'NoExecute' }]), taints: unreachableTaints, want: undefined },
  { name: 'tolerate-everything', pod: pod([{ operator: 'Exists' }]), taints: notReadyTaints, want: undefined },
  { name: 'toleration of the other taint does not help', pod: pod([{ key: taintNotReady, operator: 'Exists', effect: 'NoExecute' }]), taints: unreachableTaints, want: t0 + 300_000 },
  { name: 'zero seconds: at once', pod: pod([{ key: taintNotReady, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }]), taints: notReadyTaints, want: t0 },
  { name: 'already being deleted', pod: pod([], { 'metadata.deletionTimestamp': iso(t0) }), taints: unreachableTaints, want: undefined },
  { name: 'finished pods are left', pod: pod([], { 'status.phase': 'Succeeded' }), taints: unreachableTaints, want: undefined },
  { name: 'only our taints evict', pod: pod(), taints: [{ key: 'other', effect: 'NoExecute', timeAdded: iso(t0) }], want: undefined },
];

for (const c of evictionCases) {
  test(`evictionTime: ${c.name}`, () => {
    assert.equal(evictionTime(c.pod, c.taints, 300_000, t0 + 5), c.want);
  });
}


async function registerNode(client: RestClient, name: string): Promise<void> {
  const now = iso(Date.now());
  const n = nodeBuilder(name).set('status', {
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
  }).build();
  await client.create(nodes, n);
  await client.create(leases, objectBuilder('coordination.k8s.io/v1', 'Lease', name).namespace('kube-node-lease')
    .set('spec', { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime() }).build());
}

async function renew(client: RestClient, name: string): Promise<void> {
  await client.patch(leases, 'kube-node-lease', name, { spec: { renewTime: microTime() } });
}

test('a node whose lease stops is marked Unknown, tainted, its pods evicted; it recovers when it posts again', async () => {
  const cluster = await startTestCluster();
  const ctx = cluster.context();
  const client = cluster.client;
  const ctrl = new NodeLifecycleController(ctx, { nodeMonitorGracePeriodMs: 1200, nodeMonitorPeriodMs: 200, podEvictionTimeoutMs: 800 });
  void ctx.informers.start();
  const running = ctrl.start();
  const alive = ['worker-live-1', 'worker-live-2'];
  const dead = 'worker-gone';
  const heart = setInterval(() => {
    for (const n of alive) void renew(client, n).catch(() => undefined);
  }, 200);
  try {
    for (const n of [...alive, dead]) await registerNode(client, n);
    const victims = ['web-a', 'web-b', 'web-c'];
    for (const v of victims) {
      await client.create(podsResource, podBuilder(v).podField('nodeName', dead).build());
      const p = await client.get<Pod>(podsResource, 'default', v);
      p.status = { ...p.status, phase: 'Running', podIP: '10.9.0.1', conditions: [{ type: 'Ready', status: 'True' }] };
      await client.update(podsResource, p, 'status');
    }
    await client.create(podsResource, podBuilder('ds-agent').podField('nodeName', dead)
      .podField('tolerations', [{ key: taintUnreachable, operator: 'Exists', effect: 'NoExecute' }, { key: taintNotReady, operator: 'Exists', effect: 'NoExecute' }]).build());
    await client.create(podsResource, podBuilder('patient').podField('nodeName', dead)
      .podField('tolerations', [{ key: taintUnreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 3600 }]).build());
    await client.create(podsResource, podBuilder('safe').podField('nodeName', alive[0]).build());

    const gone = await waitFor('dead node Unknown and tainted', async () => {
      const n = await client.get<Node>(nodes, undefined, dead);
      const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
      const keys = (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
      return ready?.status === 'Unknown' && keys.length === 2 ? { ready, keys } : undefined;
    }, 8000);
    assert.equal(gone.ready.reason, 'NodeStatusUnknown');
    assert.equal(gone.ready.message, 'Kubelet stopped posting node status.');
    assert.deepEqual(gone.keys, [`${taintUnreachable}:NoExecute`, `${taintUnreachable}:NoSchedule`]);

    for (const v of victims) {
      await waitFor(`${v} evicted`, async () => (await client.get(podsResource, 'default', v)).metadata.deletionTimestamp !== undefined, 8000);
      const p = await client.get<Pod>(podsResource, 'default', v);
      assert.equal(p.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False', `${v} marked not ready`);
    }
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await client.get(podsResource, 'default', 'ds-agent')).metadata.deletionTimestamp, undefined, 'DaemonSet-like pod stays');
    assert.equal((await client.get(podsResource, 'default', 'patient')).metadata.deletionTimestamp, undefined, 'pod tolerating an hour stays');
    assert.equal((await client.get(podsResource, 'default', 'safe')).metadata.deletionTimestamp, undefined);
    for (const n of alive) {
      const live = await client.get<Node>(nodes, undefined, n);
      assert.equal(live.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', `${n} stays Ready`);
      assert.deepEqual(live.spec?.taints ?? [], []);
    }
    await waitFor('NodeNotReady event', async () => (await client.list<Event>(events, 'default')).items.find((e) => e.reason === 'NodeNotReady' && e.involvedObject.name === dead));

    // The kubelet comes back: posts Ready and renews its lease; the taints go.
    const back = await client.get<Node>(nodes, undefined, dead);
    const now = iso(Date.now());
    back.status = { ...back.status, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }] };
    await client.update(nodes, back, 'status');
    await renew(client, dead);
    await waitFor('taints removed', async () => ((await client.get<Node>(nodes, undefined, dead)).spec?.taints ?? []).length === 0, 5000);

    // A kubelet that reports NotReady (lease still fresh) gets the not-ready taints.
    const sick = await client.get<Node>(nodes, undefined, alive[1]!);
    sick.status = { ...sick.status, conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', lastHeartbeatTime: iso(Date.now()), lastTransitionTime: iso(Date.now()) }] };
    await client.update(nodes, sick, 'status');
    await waitFor('not-ready taints', async () => {
      const keys = ((await client.get<Node>(nodes, undefined, alive[1]!)).spec?.taints ?? []).map((t) => t.key);
      return keys.length === 2 && keys.every((k) => k === taintNotReady);
    }, 5000);
  } finally {
    clearInterval(heart);
    ctrl.stop();
    await running;
    await cluster.stop();
  }
});
