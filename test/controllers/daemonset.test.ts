/** Daemon sets against a real in-process API server with Node objects and no agent: the test
 * reports pod readiness and finishes terminating pods the way a node would. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { daemonSets, nodes, pods } from '../../src/api/resources.js';
import type { DaemonSet, Pod } from '../../src/api/kinds.js';
import { DaemonSetController, revisionHashLabel } from '../../src/controllers/daemonset/index.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { daemonSetBuilder, nodeBuilder } from '../helpers/builders.js';
import { actAsNode, eventsFor, listPods, livePods, runController, sleep, type Running } from './fixtures.js';

let cluster: TestCluster;
let ctrl: Running;

before(async () => {
  cluster = await startTestCluster();
  ctrl = await runController(cluster, (ctx) => new DaemonSetController(ctx));
});

after(async () => {
  await ctrl.stop();
  await cluster.stop();
});

async function nodesOf(selector: string): Promise<string[]> {
  return (await livePods(cluster.client, 'default', selector)).map((p) => p.spec.nodeName ?? '?').sort();
}

async function expectNodes(selector: string, want: string[]): Promise<void> {
  await waitFor(`pods on ${want.join(',')}`, async () => JSON.stringify(await nodesOf(selector)) === JSON.stringify(want) || undefined);
  await sleep(100);
  assert.deepEqual(await nodesOf(selector), want, 'and no more');
}

async function labelNode(name: string, labels: Record<string, string | null>): Promise<void> {
  await cluster.client.patch(nodes, undefined, name, { metadata: { labels } });
}

test('a nodeSelector daemon set follows node labels, and nodes that go', async () => {
  const [n1, n2, n3] = ['kube-node1', 'kube-node2', 'kube-node3'];
  await cluster.client.create(nodes, nodeBuilder(n1).labels({ runDS: 'ok' }).build());
  await cluster.client.create(nodes, nodeBuilder(n2).labels({ runDS: 'ok' }).build());
  await cluster.client.create(nodes, nodeBuilder(n3).labels({ disk: 'ssd' }).build());
  const created = await cluster.client.create(daemonSets, daemonSetBuilder('ram-check', { app: 'checkRam' }).nodeSelector({ runDS: 'ok' })
    .container({ name: 'ram', image: 'busybox', resources: { requests: { cpu: '64', memory: '1Ti' } } }).build());
  await expectNodes('app=checkRam', [n1, n2]);
  const [first] = await livePods(cluster.client, 'default', 'app=checkRam');
  assert.ok(first!.metadata.name!.startsWith('ram-check-'));
  assert.equal(first!.metadata.ownerReferences?.[0]?.uid, created.metadata.uid);
  assert.ok(first!.metadata.labels?.[revisionHashLabel]);
  assert.ok(first!.spec.tolerations?.some((t) => t.key === 'node.kubernetes.io/unschedulable'));
  assert.deepEqual((first!.spec.affinity as { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: unknown } }).nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution,
    { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [first!.spec.nodeName] }] }] });

  await labelNode(n3, { runDS: 'ok' });
  await expectNodes('app=checkRam', [n1, n2, n3]);
  await labelNode(n1, { runDS: null });
  await expectNodes('app=checkRam', [n2, n3]);
  await cluster.client.delete(nodes, undefined, n2);
  await expectNodes('app=checkRam', [n3]);
  await waitFor('pod on the deleted node is gone entirely', async () => !(await listPods(cluster.client, 'default', 'app=checkRam')).some((p) => p.spec.nodeName === n2));

  for (const p of await livePods(cluster.client, 'default', 'app=checkRam')) await actAsNode(cluster.client, p, { phase: 'Running', ready: true });
  const ds = await waitFor('status', async () => {
    const d = await cluster.client.get<DaemonSet>(daemonSets, 'default', 'ram-check');
    return d.status?.numberReady === 1 ? d : undefined;
  });
  assert.deepEqual([ds.status?.desiredNumberScheduled, ds.status?.currentNumberScheduled, ds.status?.numberAvailable, ds.status?.updatedNumberScheduled, ds.status?.observedGeneration],
    [1, 1, 1, 1, ds.metadata.generation]);
  const evs = await eventsFor(cluster.client, created);
  assert.ok(evs.filter((e) => e.startsWith('SuccessfulCreate: Created pod: ram-check-')).length >= 3, evs.join('\n'));
  assert.ok(evs.some((e) => e.startsWith('SuccessfulDelete: Deleted pod: ')), evs.join('\n'));
  await cluster.client.delete(daemonSets, 'default', 'ram-check');
  await cluster.client.delete(nodes, undefined, n1);
  await cluster.client.delete(nodes, undefined, n3);
});

test('one pod per node on every node; a node that joins gets one', async () => {
  for (const n of ['w1', 'w2', 'w3']) await cluster.client.create(nodes, nodeBuilder(n).build());
  await cluster.client.create(daemonSets, daemonSetBuilder('fluentd', { app: 'fluentd' }).build());
  await expectNodes('app=fluentd', ['w1', 'w2', 'w3']);
  await cluster.client.create(nodes, nodeBuilder('w4').build());
  await expectNodes('app=fluentd', ['w1', 'w2', 'w3', 'w4']);
  await cluster.client.patch(nodes, undefined, 'w4', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] } });
  await expectNodes('app=fluentd', ['w1', 'w2', 'w3']);
  await cluster.client.delete(nodes, undefined, 'w4');
});

/** What kubelets do with pods being deleted: stop them and remove them. */
async function finishTerminating(selector: string): Promise<void> {
  for (const p of await listPods(cluster.client, 'default', selector)) {
    if (p.metadata.deletionTimestamp) await cluster.client.delete(pods, 'default', p.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => undefined);
  }
}

test('a template change rolls out one node at a time', async () => {
  const sel = 'app=fluentd';
  const readyAll = async (): Promise<Pod[]> => {
    const live = await livePods(cluster.client, 'default', sel);
    for (const p of live) if (p.status?.phase !== 'Running') await actAsNode(cluster.client, p, { phase: 'Running', ready: true });
    return live;
  };
  await readyAll();
  const before = await cluster.client.get<DaemonSet>(daemonSets, 'default', 'fluentd');
  const oldHash = (await livePods(cluster.client, 'default', sel))[0]!.metadata.labels?.[revisionHashLabel];
  await cluster.client.patch(daemonSets, 'default', 'fluentd', { spec: { template: { spec: { containers: [{ name: 'app', image: 'fluentd:v2' }] } } } });
  let maxReplacing = 0;
  await waitFor('all pods updated', async () => {
    const all = await listPods(cluster.client, 'default', sel);
    const readyLive = all.filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    maxReplacing = Math.max(maxReplacing, 3 - readyLive.length);
    await finishTerminating(sel);
    const live = await readyAll();
    return live.length === 3 && live.every((p) => p.metadata.labels?.[revisionHashLabel] !== oldHash && p.spec.containers[0]?.image === 'fluentd:v2');
  }, 15_000, 50);
  assert.ok(maxReplacing <= 1, `at most one node without an available pod at a time, saw ${maxReplacing}`);
  const ds = await waitFor('updated status', async () => {
    const d = await cluster.client.get<DaemonSet>(daemonSets, 'default', 'fluentd');
    return d.status?.updatedNumberScheduled === 3 && d.status.numberAvailable === 3 ? d : undefined;
  });
  assert.ok((ds.metadata.generation ?? 0) > (before.metadata.generation ?? 0));
  assert.equal(ds.status?.observedGeneration, ds.metadata.generation);
});
