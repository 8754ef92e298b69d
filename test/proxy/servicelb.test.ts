/** The LoadBalancer controller against a real API server: ingress follows the Ready nodes. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { nodes as nodesResource, services as servicesResource } from '../../src/api/resources.js';
import type { Node, Service } from '../../src/api/kinds.js';
import { ServiceLoadBalancerController } from '../../src/controllers/servicelb/index.js';

let c: TestCluster;
let ctrl: ServiceLoadBalancerController;
before(async () => {
  c = await startTestCluster();
  const ctx = c.context();
  ctrl = new ServiceLoadBalancerController(ctx);
  await ctx.informers.start();
  void ctrl.start();
});
after(async () => {
  ctrl.stop();
  await c.stop();
});

function node(name: string, ip: string, ready: boolean): Node {
  return {
    metadata: { name },
    status: { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  } as Node;
}

const ingressOf = async (name: string) => {
  const s = await c.client.get<Service>(servicesResource, 'default', name);
  return (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).join(',');
};
const until = (name: string, want: string) => waitFor(`${name} ingress ${want}`, async () => (await ingressOf(name)) === want || undefined, 5000);

test('ingress lists the Ready nodes as they come, go and change', async () => {
  await c.client.create(nodesResource, node('n1', '127.0.90.10', true));
  await c.client.create(nodesResource, node('n2', '127.0.90.2', true));
  await c.client.create(nodesResource, node('n3', '127.0.90.3', false));
  await c.client.create(servicesResource, { metadata: { name: 'lb', namespace: 'default' }, spec: { type: 'LoadBalancer', ports: [{ port: 8080 }] } });
  await c.client.create(servicesResource, { metadata: { name: 'plain', namespace: 'default' }, spec: { ports: [{ port: 8080 }] } });
  await until('lb', '127.0.90.2,127.0.90.10');
  const n3 = await c.client.get<Node>(nodesResource, undefined, 'n3');
  await c.client.update(nodesResource, { ...n3, status: { ...n3.status, conditions: [{ type: 'Ready', status: 'True' }] } }, 'status');
  await until('lb', '127.0.90.2,127.0.90.3,127.0.90.10');
  await c.client.delete(nodesResource, undefined, 'n2');
  await until('lb', '127.0.90.3,127.0.90.10');
  assert.equal(await ingressOf('plain'), '');
  await c.client.patch(servicesResource, 'default', 'lb', { spec: { type: 'ClusterIP' } });
  await until('lb', '');
});
