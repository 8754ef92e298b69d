/** The namespace controller: what is left summarised (table-driven), and deleting namespaces with
 * content through a real in-process API server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Namespace } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/types.js';
import { configMaps, namespaces, pods as podsResource, secrets, services } from '../../src/api/resources.js';
import { NamespaceController, namespacedResources, summarise } from '../../src/controllers/namespace/index.js';
import { namespaceBuilder, objectBuilder, podBuilder, serviceBuilder } from '../helpers/builders.js';
import { startTestCluster, waitFor } from '../helpers/cluster.js';

const now = Date.parse('2024-05-01T12:00:00Z');
const obj = (name: string, extra: Record<string, unknown> = {}): KubeObject => {
  const b = podBuilder(name);
  for (const [k, v] of Object.entries(extra)) b.set(k, v);
  return b.build();
};

const cases: { name: string; left: [string, KubeObject[]][]; want: ReturnType<typeof summarise> }[] = [
  { name: 'nothing left', left: [['pods', []], ['configmaps', []]], want: { remaining: {}, finalizers: {}, estimateMs: 0 } },
  {
    name: 'pods in their grace period: estimate to the last deadline',
    left: [['pods', [obj('a', { 'metadata.deletionTimestamp': '2024-05-01T12:00:05Z' }), obj('b', { 'metadata.deletionTimestamp': '2024-05-01T12:00:30Z' })]]],
    want: { remaining: { pods: 2 }, finalizers: {}, estimateMs: 30_000 },
  },
  {
    name: 'finalizers counted per name; past deadlines estimate 0',
    left: [['configmaps', [obj('c', { 'metadata.finalizers': ['x.io/a', 'x.io/b'] }), obj('d', { 'metadata.finalizers': ['x.io/a'], 'metadata.deletionTimestamp': '2024-05-01T11:00:00Z' })]], ['secrets', [obj('e')]]],
    want: { remaining: { configmaps: 2, secrets: 1 }, finalizers: { 'x.io/a': 2, 'x.io/b': 1 }, estimateMs: 0 },
  },
];

for (const c of cases) {
  test(`summarise: ${c.name}`, () => {
    assert.deepEqual(summarise(new Map(c.left), now), c.want);
  });
}

test('namespacedResources: only namespaced ones, pods after workloads, events last', () => {
  const rs = namespacedResources().map((r) => r.plural);
  assert.ok(!rs.includes('namespaces') && !rs.includes('nodes'));
  assert.equal(rs[rs.length - 1], 'events');
  assert.ok(rs.indexOf('pods') > rs.indexOf('replicationcontrollers'));
  assert.ok(rs.indexOf('pods') > rs.indexOf('jobs'));
});

async function isGone(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return false;
  } catch (err) {
    return (err as { code?: number }).code === 404;
  }
}

test('deleting namespaces with pods, configmaps and more ends with them gone', async () => {
  const cluster = await startTestCluster();
  const ctx = cluster.context();
  const ctrl = new NamespaceController(ctx, { recheckMs: 200 });
  const client = cluster.client;
  void ctx.informers.start();
  const running = ctrl.start();
  try {
    const spaces = [{ name: 'team-a', pods: 3, cms: 2 }, { name: 'team-b', pods: 1, cms: 4 }];
    for (const s of spaces) {
      await client.create(namespaces, namespaceBuilder(s.name).build());
      for (let i = 0; i < s.pods; i++) await client.create(podsResource, podBuilder(`p${i}`).namespace(s.name).build());
      for (let i = 0; i < s.cms; i++) await client.create(configMaps, objectBuilder('v1', 'ConfigMap', `cm${i}`).namespace(s.name).build());
      await client.create(secrets, objectBuilder('v1', 'Secret', 'token').namespace(s.name).build());
      await client.create(services, serviceBuilder('svc').namespace(s.name).build());
    }
    // team-a also runs a pod on a node: its deletion is graceful, and the "kubelet" (this test)
    // finishes it once it sees the deletionTimestamp.
    await client.create(podsResource, podBuilder('bound').namespace('team-a').podField('nodeName', 'node-x').podField('terminationGracePeriodSeconds', 1).build());
    // A pod in another namespace must survive.
    await client.create(podsResource, podBuilder('bystander').build());

    for (const s of spaces) {
      const res = await client.delete(namespaces, undefined, s.name);
      assert.ok(res.metadata.deletionTimestamp);
      assert.equal((res as Namespace).status?.phase, 'Terminating');
    }
    await assert.rejects(client.create(configMaps, objectBuilder('v1', 'ConfigMap', 'late').namespace('team-a').build()), /being terminated/);

    // While the bound pod is terminating, the namespace stays and says why.
    const marked = await waitFor('bound pod marked', async () => {
      const p = await client.get(podsResource, 'team-a', 'bound');
      return p.metadata.deletionTimestamp ? p : undefined;
    });
    assert.ok(marked);
    await waitFor('team-b gone', () => isGone(() => client.get(namespaces, undefined, 'team-b')));
    const ns = await client.get<Namespace>(namespaces, undefined, 'team-a');
    assert.equal(ns.status?.phase, 'Terminating');
    await waitFor('content-remaining condition', async () => {
      const n = await client.get<Namespace>(namespaces, undefined, 'team-a');
      return n.status?.conditions?.find((c) => c.type === 'NamespaceContentRemaining' && c.status === 'True');
    });
    assert.equal((await client.list(configMaps, 'team-a')).items.length, 0);
    await client.delete(podsResource, 'team-a', 'bound', { gracePeriodSeconds: 0 });
    await waitFor('team-a gone', () => isGone(() => client.get(namespaces, undefined, 'team-a')));
    assert.equal((await client.list(podsResource, 'team-a')).items.length, 0);
    assert.ok(await client.get(podsResource, 'default', 'bystander'));
    await assert.rejects(client.delete(namespaces, undefined, 'kube-system'), /may not be deleted/);
  } finally {
    ctrl.stop();
    await running;
    await cluster.stop();
  }
});
