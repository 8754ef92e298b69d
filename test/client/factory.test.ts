/** The shared informer factory: one informer per resource, and per-resource narrowing (a remote
 * node agent's pod informer sees only the pods bound to its node, from list and from watch). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/kinds.js';
import { namespaces, pods } from '../../src/api/resources.js';
import { InformerFactory } from '../../src/client/factory.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { podBuilder } from '../helpers/builders.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster();
});
after(() => c.stop());

test('a narrowed pod informer sees only its node\'s pods, before and after it starts', async () => {
  const mine = `mine-${suffix()}`;
  const ns = `ns-${suffix()}`;
  await c.client.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const make = (name: string, node: string) => {
    const pod = podBuilder(name).build() as unknown as Pod;
    return c.client.create(pods, { ...pod, metadata: { ...pod.metadata, namespace: ns }, spec: { ...pod.spec, nodeName: node } });
  };
  const early = randomInt(1, 4);
  for (let i = 0; i < early; i++) {
    await make(`early-${i}`, mine);
    await make(`other-early-${i}`, `elsewhere-${i}`);
  }
  const factory = new InformerFactory(c.client, { namespace: ns }, (r) => (r === pods ? { fieldSelector: `spec.nodeName=${mine}` } : undefined));
  const informer = factory.informer<Pod>(pods);
  assert.equal(factory.informer(pods), informer, 'one informer per resource');
  await factory.start();
  assert.deepEqual(informer.list().map((p) => p.metadata.name).sort(), Array.from({ length: early }, (_, i) => `early-${i}`));
  await make('late', mine);
  await make('other-late', 'elsewhere');
  await waitFor('the late pod of this node arrives by watch', () => informer.list().some((p) => p.metadata.name === 'late') || undefined);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(informer.list().every((p) => p.spec.nodeName === mine), informer.list().map((p) => p.metadata.name).join());
  factory.stop();
});
