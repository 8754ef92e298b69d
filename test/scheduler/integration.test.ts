/**
 * The scheduler against a real in-process API server: nodes and pods created over HTTPS, the
 * Scheduler started on its own informers, and the outcome read back from the API (spec.nodeName,
 * Events, the PodScheduled condition).
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Event, Node, Pod } from '../../src/api/kinds.js';
import { events, nodes, pods } from '../../src/api/resources.js';
import { Scheduler } from '../../src/scheduler/index.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { containerBuilder, podBuilder } from '../helpers/builders.js';
import { schedNode, type SchedNodeBuilder } from './helpers.js';

interface Env {
  readonly cluster: TestCluster;
  readonly scheduler: Scheduler;
  addNode(b: SchedNodeBuilder): Promise<void>;
  addPod(p: Pod): Promise<void>;
  nodeOf(name: string, ns?: string): Promise<string | undefined>;
  eventsFor(name: string, reason: string): Promise<Event[]>;
}

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});

async function env(): Promise<Env> {
  const cluster = await startTestCluster();
  const ctx = cluster.context('default-scheduler');
  const scheduler = new Scheduler(ctx);
  const done = scheduler.start();
  await ctx.informers.start();
  running.push(async () => {
    scheduler.stop();
    await done;
    await cluster.stop();
  });
  const c = cluster.client;
  return {
    cluster,
    scheduler,
    // Waits until the scheduler's cache has it, so a test's first decision sees all its nodes.
    addNode: async (b) => {
      const n = await c.create<Node>(nodes, b.build());
      await waitFor(`node ${n.metadata.name} cached`, () => scheduler.cache.node(n.metadata.name ?? '')?.node !== undefined);
    },
    addPod: async (p) => void (await c.create<Pod>(pods, p)),
    nodeOf: async (name, ns = 'default') => (await c.get<Pod>(pods, ns, name)).spec.nodeName,
    eventsFor: async (name, reason) => (await c.list<Event>(events, 'default')).items.filter((e) => e.involvedObject.name === name && e.reason === reason),
  };
}

const requesting = (name: string, r: Record<string, string>): Pod => podBuilder(name).containers(containerBuilder('app').requests(r)).build() as Pod;

async function allBound(e: Env, names: readonly string[]): Promise<Map<string, string>> {
  return waitFor(`${names.length} pods bound`, async () => {
    const out = new Map<string, string>();
    for (const n of names) {
      const node = await e.nodeOf(n);
      if (!node) return undefined;
      out.set(n, node);
    }
    return out;
  });
}

test('pending pods are bound to nodes, with a Scheduled event each', async () => {
  const e = await env();
  for (const n of ['alpha', 'beta', 'gamma']) await e.addNode(schedNode(n));
  const names = Array.from({ length: 7 }, (_, i) => `web-${i + 3}`);
  await Promise.all(names.map((n) => e.addPod(requesting(n, { cpu: '100m', memory: '64Mi' }))));
  const placed = await allBound(e, names);
  for (const node of placed.values()) assert.ok(['alpha', 'beta', 'gamma'].includes(node));
  const ev = await waitFor('Scheduled event', async () => (await e.eventsFor('web-5', 'Scheduled'))[0]);
  assert.equal(ev.type, 'Normal');
  assert.equal(ev.message, `Successfully assigned default/web-5 to ${placed.get('web-5')}`);
  assert.equal(ev.source?.component, 'default-scheduler');
});

test('a pod too big for every node gets FailedScheduling and an Unschedulable condition, then a bigger node', async () => {
  const e = await env();
  for (const n of ['small-a', 'small-b', 'small-c']) await e.addNode(schedNode(n).allocatable({ cpu: '2' }));
  await e.addPod(requesting('hungry', { cpu: '3' }));
  const ev = await waitFor('FailedScheduling', async () => (await e.eventsFor('hungry', 'FailedScheduling'))[0]);
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.message, '0/3 nodes are available: 3 Insufficient cpu.');
  const cond = await waitFor('PodScheduled condition', async () => {
    const p = await e.cluster.client.get<Pod>(pods, 'default', 'hungry');
    return p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  });
  assert.equal(cond.reason, 'Unschedulable');
  assert.equal(cond.message, '0/3 nodes are available: 3 Insufficient cpu.');
  assert.equal(await e.nodeOf('hungry'), undefined);
  await e.addNode(schedNode('large').allocatable({ cpu: '4' }));
  assert.equal((await allBound(e, ['hungry'])).get('hungry'), 'large');
});

test('mixed reasons are counted and sorted in the message', async () => {
  const e = await env();
  await e.addNode(schedNode('m1').allocatable({ memory: '1Gi' }).labels({ disk: 'ssd' }));
  await e.addNode(schedNode('m2').allocatable({ memory: '1Gi' }).labels({ disk: 'ssd' }));
  for (const n of ['h1', 'h2', 'h3']) await e.addNode(schedNode(n).labels({ disk: 'hdd' }));
  const p = requesting('picky', { memory: '2Gi' });
  p.spec.nodeSelector = { disk: 'ssd' };
  await e.addPod(p);
  const ev = await waitFor('FailedScheduling', async () => (await e.eventsFor('picky', 'FailedScheduling'))[0]);
  assert.equal(ev.message, "0/5 nodes are available: 2 Insufficient memory, 3 node(s) didn't match Pod's node affinity/selector.");
});

test('nodeSelector picks the labelled node', async () => {
  const e = await env();
  await e.addNode(schedNode('plain-1'));
  await e.addNode(schedNode('fast-1').labels({ disk: 'ssd' }));
  await e.addNode(schedNode('plain-2'));
  const names = ['db-0', 'db-1', 'db-2', 'db-3'];
  for (const n of names) await e.addPod(podBuilder(n).nodeSelector({ disk: 'ssd' }).build() as Pod);
  for (const node of (await allBound(e, names)).values()) assert.equal(node, 'fast-1');
});

test('taints keep pods off unless tolerated; NotReady nodes are avoided', async () => {
  const e = await env();
  await e.addNode(schedNode('db-node').taint('dedicated', 'db', 'NoSchedule'));
  await e.addNode(schedNode('sick').readyStatus('False'));
  await e.addNode(schedNode('open'));
  const names = ['app-1', 'app-2', 'app-3'];
  for (const n of names) await e.addPod(podBuilder(n).build() as Pod);
  for (const node of (await allBound(e, names)).values()) assert.equal(node, 'open');
  await e.addPod(podBuilder('tolerant').nodeSelector({ 'kubernetes.io/hostname': 'db-node' }).podField('tolerations', [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }]).build() as Pod);
  await e.cluster.client.patch(nodes, undefined, 'db-node', { metadata: { labels: { 'kubernetes.io/hostname': 'db-node' } } });
  assert.equal((await allBound(e, ['tolerant'])).get('tolerant'), 'db-node');
});

test('host ports: one pod per node, the rest wait with the ports reason', async () => {
  const e = await env();
  await e.addNode(schedNode('edge-1'));
  await e.addNode(schedNode('edge-2'));
  const withPort = (name: string) => podBuilder(name).containers(containerBuilder('proxy').port(8443, { hostPort: 8443 })).build() as Pod;
  for (const n of ['lb-a', 'lb-b', 'lb-c']) await e.addPod(withPort(n));
  const ev = await waitFor('FailedScheduling', async () => {
    for (const n of ['lb-a', 'lb-b', 'lb-c']) {
      const found = (await e.eventsFor(n, 'FailedScheduling'))[0];
      if (found) return found;
    }
    return undefined;
  });
  assert.equal(ev.message, "0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports.");
  const bound = (await Promise.all(['lb-a', 'lb-b', 'lb-c'].map((n) => e.nodeOf(n)))).filter(Boolean);
  assert.deepEqual(bound.sort(), ['edge-1', 'edge-2']);
});

test("a controller's pods spread evenly over three nodes", async () => {
  const e = await env();
  for (const n of ['zone-a', 'zone-b', 'zone-c']) await e.addNode(schedNode(n).allocatable({ cpu: '8', memory: '16Gi' }));
  const owner = { apiVersion: 'v1', kind: 'ReplicationController', name: 'frontend', uid: '5d7f0a36-1c7e-4e0b-9a55-3f5a1c2b7e11', controller: true };
  const names = Array.from({ length: 9 }, (_, i) => `frontend-${(i * 7919).toString(36)}`);
  await Promise.all(names.map((n) => e.addPod(podBuilder(n).labels({ app: 'frontend' }).set('metadata.ownerReferences', [owner]).build() as Pod)));
  const placed = await allBound(e, names);
  const perNode = new Map<string, number>();
  for (const node of placed.values()) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  assert.deepEqual([...perNode.values()], [3, 3, 3]);
});

test('a deleted pod frees room for a waiting one; other schedulers\u2019 pods are left alone', async () => {
  const e = await env();
  await e.addNode(schedNode('tiny').allocatable({ cpu: '1' }));
  await e.addPod(requesting('first', { cpu: '800m' }));
  await allBound(e, ['first']);
  await e.addPod(requesting('second', { cpu: '800m' }));
  await waitFor('FailedScheduling', async () => (await e.eventsFor('second', 'FailedScheduling'))[0]);
  const other = podBuilder('custom').podField('schedulerName', 'my-scheduler').build() as Pod;
  await e.addPod(other);
  await e.cluster.client.delete(pods, 'default', 'first', { gracePeriodSeconds: 0 });
  assert.equal((await allBound(e, ['second'])).get('second'), 'tiny');
  assert.equal(await e.nodeOf('custom'), undefined);
});
