/**
 * The pod garbage collector: what it picks (table-driven, pure), then against a real in-process
 * API server with short periods: pods of a node that is gone are marked Failed with the
 * DisruptionTarget condition and deleted only after the quarantine, pods of live nodes stay, and
 * finished pods beyond the threshold go, oldest first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from '../../src/api/kinds.js';
import { nodes, pods as podsResource } from '../../src/api/resources.js';
import { PodGcController, orphansByNode, terminatedOverThreshold, terminatingOnDownNodes, unscheduledTerminating, taintOutOfService } from '../../src/controllers/podgc/index.js';
import { nodeBuilder, podBuilder } from '../helpers/builders.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { actAsNode, pod, runController, sleep } from './fixtures.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

const names = (ps: readonly Pod[]): string[] => ps.map((p) => p.metadata.name ?? '');

test('terminatedOverThreshold: evicted pods first, then the oldest; nothing at or under the threshold', () => {
  const pods = [
    pod('young-done', { phase: 'Succeeded', age: 10 }),
    pod('old-done', { phase: 'Failed', age: 300 }),
    pod('running', { phase: 'Running', age: 900 }),
    pod('mid-done', { phase: 'Succeeded', age: 100 }),
  ];
  const evicted = { ...pod('young-evicted', { phase: 'Failed', age: 1 }) };
  evicted.status = { ...evicted.status, reason: 'Evicted' };
  const cases: { name: string; pods: Pod[]; threshold: number; want: string[] }[] = [
    { name: 'under the threshold', pods, threshold: 3, want: [] },
    { name: 'one over: the oldest finished', pods, threshold: 2, want: ['old-done'] },
    { name: 'running pods never count', pods, threshold: 1, want: ['old-done', 'mid-done'] },
    { name: 'evicted before older ones', pods: [...pods, evicted], threshold: 2, want: ['young-evicted', 'old-done'] },
    { name: 'threshold 0 disables', pods, threshold: 0, want: [] },
  ];
  for (const c of cases) assert.deepEqual(names(terminatedOverThreshold(c.pods, c.threshold)), c.want, c.name);
});

test('orphansByNode, unscheduledTerminating, terminatingOnDownNodes pick only their pods', () => {
  const pods = [
    pod('on-live', { node: 'live' }),
    pod('on-gone-1', { node: 'gone' }),
    pod('on-gone-2', { node: 'gone', phase: 'Succeeded' }),
    pod('unbound'),
    pod('unbound-deleting', { deleting: true }),
    pod('deleting-on-down', { node: 'down', deleting: true }),
    pod('running-on-down', { node: 'down' }),
  ];
  const orphans = orphansByNode(pods, new Set(['live', 'down']));
  assert.deepEqual([...orphans.keys()], ['gone']);
  assert.deepEqual(names(orphans.get('gone')!), ['on-gone-1', 'on-gone-2']);
  assert.deepEqual(names(unscheduledTerminating(pods)), ['unbound-deleting']);
  const node = (ready: 'True' | 'False', oos: boolean): Node => {
    const n = nodeBuilder('down').build() as Node;
    n.spec = { taints: oos ? [{ key: taintOutOfService, value: 'nodeshutdown', effect: 'NoExecute' }] : [] };
    n.status = { conditions: [{ type: 'Ready', status: ready }] };
    return n;
  };
  assert.deepEqual(names(terminatingOnDownNodes(pods, new Map([['down', node('False', true)]]))), ['deleting-on-down']);
  assert.deepEqual(names(terminatingOnDownNodes(pods, new Map([['down', node('False', false)]]))), [], 'down without the taint: kubelet may come back');
  assert.deepEqual(names(terminatingOnDownNodes(pods, new Map([['down', node('True', true)]]))), [], 'tainted but ready');
});

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster();
});
after(async () => {
  await cluster.stop();
});

async function boundPod(name: string, node: string, phase: 'Running' | 'Succeeded' = 'Running'): Promise<Pod> {
  const p = await cluster.client.create<Pod>(podsResource, podBuilder(name).namespace('default').build() as Pod);
  await actAsNode(cluster.client, p, { phase, ready: phase === 'Running' }, node);
  return cluster.client.get<Pod>(podsResource, 'default', name);
}

test('pods of a deleted node are failed with DisruptionTarget and deleted after the quarantine; pods of a live node stay', async () => {
  const s = suffix();
  const [live, doomed] = [`live-${s}`, `doomed-${s}`];
  for (const n of [live, doomed]) await cluster.client.create(nodes, nodeBuilder(n).build());
  const count = randomInt(2, 4);
  const orphans = await Promise.all(Array.from({ length: count }, (_, i) => boundPod(`orphan-${s}-${i}`, doomed)));
  const keeper = await boundPod(`keeper-${s}`, live);
  const seen = new Map<string, Pod>();
  const watch = cluster.client.watch(podsResource, 'default', { fieldSelector: `spec.nodeName=${doomed}` }, (e) => {
    if (e.type === 'MODIFIED') seen.set(e.object.metadata.name ?? '', e.object as Pod);
  }, () => undefined);
  const quarantineMs = 1500;
  const gc = await runController(cluster, (ctx) => new PodGcController(ctx, { periodMs: 100, quarantineMs }));
  try {
    await cluster.client.delete(nodes, undefined, doomed);
    await sleep(quarantineMs / 3);
    assert.equal((await cluster.client.list<Pod>(podsResource, 'default', { fieldSelector: `spec.nodeName=${doomed}` })).items.length, count, 'kept during the quarantine');
    await waitFor('orphans deleted', async () => (await cluster.client.list<Pod>(podsResource, 'default', { fieldSelector: `spec.nodeName=${doomed}` })).items.length === 0, 10_000);
    for (const o of orphans) {
      const last = seen.get(o.metadata.name ?? '');
      assert.equal(last?.status?.phase, 'Failed', `${o.metadata.name ?? ''} marked Failed before deletion`);
      const cond = last?.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
      assert.deepEqual([cond?.status, cond?.reason, cond?.message], ['True', 'DeletionByPodGC', 'PodGC: node no longer exists']);
    }
    const still = await cluster.client.get<Pod>(podsResource, 'default', keeper.metadata.name ?? '');
    assert.equal(still.status?.phase, 'Running');
    assert.equal(still.metadata.deletionTimestamp, undefined);
  } finally {
    watch.stop();
    await gc.stop();
  }
});

test('finished pods beyond the threshold are deleted; running ones and those under it stay', async () => {
  const s = suffix();
  const node = `gc-node-${s}`;
  await cluster.client.create(nodes, nodeBuilder(node).build());
  const before = (await cluster.client.list<Pod>(podsResource, undefined)).items.filter((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed').length;
  const done = randomInt(3, 5);
  const keep = randomInt(1, 2);
  for (let i = 0; i < done; i++) await boundPod(`done-${s}-${i}`, node, 'Succeeded');
  const running = await boundPod(`running-${s}`, node);
  const gc = await runController(cluster, (ctx) => new PodGcController(ctx, { periodMs: 100, terminatedPodThreshold: before + keep }));
  try {
    await waitFor(`${keep} finished pods left`, async () => {
      const mine = (await cluster.client.list<Pod>(podsResource, 'default', { fieldSelector: `spec.nodeName=${node}` })).items.filter((p) => !p.metadata.deletionTimestamp);
      return mine.filter((p) => p.status?.phase === 'Succeeded').length === keep ? mine : undefined;
    }, 10_000);
    await sleep(300);
    const mine = (await cluster.client.list<Pod>(podsResource, 'default', { fieldSelector: `spec.nodeName=${node}` })).items;
    assert.equal(mine.filter((p) => p.status?.phase === 'Succeeded').length, keep, 'no more than the excess deleted');
    assert.ok(mine.some((p) => p.metadata.name === running.metadata.name), 'the running pod stays');
  } finally {
    await gc.stop();
  }
});
