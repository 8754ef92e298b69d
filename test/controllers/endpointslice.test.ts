/** The endpointslice and mirroring controllers: the pure plan (table-driven), then both
 * controllers against a real in-process API server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Endpoints, Pod, Service } from '../../src/api/kinds.js';
import { endpointSlices, endpoints as endpointsResource, pods as podsResource, services as servicesResource } from '../../src/api/resources.js';
import {
  EndpointSliceController, EndpointSliceMirroringController, desiredGroups, planSlices, portsKey, type PortGroup,
} from '../../src/controllers/endpointslice/index.js';
import type { RestClient } from '../../src/client/index.js';
import { containerBuilder, podBuilder, serviceBuilder } from '../helpers/builders.js';
import { startTestCluster, waitFor } from '../helpers/cluster.js';

const shape = { labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }, addressType: 'IPv4' as const };
const ports = [{ name: 'http', port: 8080, protocol: 'TCP' as const }];

function group(n: number, from = 0): Map<string, PortGroup> {
  const endpoints = new Map<string, { addresses: string[]; conditions: { ready: boolean } }>();
  for (let i = from; i < from + n; i++) endpoints.set(`10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`, { addresses: [`10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`], conditions: { ready: true } });
  return new Map([[portsKey(ports), { ports, endpoints }]]);
}

function slice(name: string, g: Map<string, PortGroup>): EndpointSlice {
  const only = [...g.values()][0]!;
  return { metadata: { name, labels: shape.labels, uid: name }, addressType: 'IPv4', ports, endpoints: [...only.endpoints.values()] };
}

test('planSlices: 250 endpoints make three slices of at most 100', () => {
  const plan = planSlices(group(250), [], shape, 100);
  assert.deepEqual(plan.create.map((c) => c.endpoints.length), [100, 100, 50]);
  assert.equal(plan.update.length + plan.delete.length, 0);
});

test('planSlices: an unchanged world writes nothing; a new endpoint fills a slice with room', () => {
  const existing = [slice('a', group(100)), slice('b', group(30, 100))];
  assert.deepEqual(planSlices(group(130), existing, shape, 100), { create: [], update: [], delete: [] });
  const plan = planSlices(group(131), existing, shape, 100);
  assert.deepEqual([plan.create.length, plan.update.map((s) => [s.metadata.name, s.endpoints.length]), plan.delete.length], [0, [['b', 31]], 0]);
});

test('planSlices: removed endpoints leave their slice; an emptied slice is deleted; no endpoints keeps one placeholder', () => {
  const existing = [slice('a', group(100)), slice('b', group(5, 100))];
  const plan = planSlices(group(90), existing, shape, 100);
  assert.deepEqual(plan.update.map((s) => [s.metadata.name, s.endpoints.length]), [['a', 90]]);
  assert.deepEqual(plan.delete.map((s) => s.metadata.name), ['b']);
  const none = planSlices(new Map(), existing, shape, 100);
  assert.deepEqual([none.create, none.delete.map((s) => s.metadata.name)], [[{ ports: [], endpoints: [] }], ['a', 'b']]);
  const kept = planSlices(new Map(), [{ metadata: { name: 'p', labels: shape.labels }, addressType: 'IPv4', endpoints: [], ports: [] }], shape, 100);
  assert.deepEqual(kept, { create: [], update: [], delete: [] });
});

test('desiredGroups: conditions of ready, unready and terminating pods; hostname under a subdomain; zone from the node', () => {
  const svc = serviceBuilder('web').selector({ app: 'web' }).ports({ name: 'http', port: 80, targetPort: 8080 }).build() as Service;
  const mk = (name: string, ip: string, ready: boolean, deleting = false): Pod => {
    const b = podBuilder(name).labels({ app: 'web' }).podField('nodeName', 'n1');
    if (name === 'a') b.podField('hostname', 'alpha').podField('subdomain', 'web');
    if (deleting) b.set('metadata.deletionTimestamp', '2026-01-01T00:00:00Z');
    const p = b.build() as Pod;
    p.status = { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
    return p;
  };
  const node = { metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } } };
  const groups = desiredGroups(svc, [mk('a', '10.1.0.1', true), mk('b', '10.1.0.2', false), mk('c', '10.1.0.3', true, true)], (n) => (n === 'n1' ? node as never : undefined));
  const g = [...groups.values()][0]!;
  const cond = (ip: string) => g.endpoints.get(ip)?.conditions;
  assert.deepEqual(cond('10.1.0.1'), { ready: true, serving: true, terminating: false });
  assert.deepEqual(cond('10.1.0.2'), { ready: false, serving: false, terminating: false });
  assert.deepEqual(cond('10.1.0.3'), { ready: false, serving: true, terminating: true });
  assert.equal(g.endpoints.get('10.1.0.1')?.hostname, 'alpha');
  assert.equal(g.endpoints.get('10.1.0.2')?.hostname, undefined);
  assert.equal(g.endpoints.get('10.1.0.1')?.zone, 'z1');
  assert.deepEqual(g.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
});

async function setPodStatus(client: RestClient, ns: string, name: string, ip: string, ready: boolean): Promise<void> {
  const cur = await client.get<Pod>(podsResource, ns, name);
  cur.status = { ...cur.status, phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  await client.update(podsResource, cur, 'status');
}

const slicesOf = async (client: RestClient, ns: string, svc: string): Promise<EndpointSlice[]> =>
  (await client.list<EndpointSlice>(endpointSlices, ns, { labelSelector: `kubernetes.io/service-name=${svc}` })).items;

test('slices follow pods (split at the per-slice maximum), mirror hand-made Endpoints, and go with their service', async () => {
  const cluster = await startTestCluster();
  const ctx = cluster.context();
  const max = 3 + Math.floor(Math.random() * 3);
  const slices = new EndpointSliceController(ctx, { maxEndpointsPerSlice: max });
  const mirroring = new EndpointSliceMirroringController(ctx);
  const client = cluster.client;
  void ctx.informers.start();
  const running = [slices.start(), mirroring.start()];
  try {
    const ns = 'default';
    const count = max * 2 + 1;
    const svc = await client.create<Service>(servicesResource, serviceBuilder('api').labels({ team: 'x' }).selector({ tier: 'api' }).ports({ name: 'http', port: 80, targetPort: 'web' }).build() as Service);
    // Before any pod has an address: one empty placeholder slice.
    const placeholder = await waitFor('placeholder', async () => {
      const l = await slicesOf(client, ns, 'api');
      return l.length === 1 && l[0]!.endpoints.length === 0 ? l[0] : undefined;
    });
    assert.equal(placeholder.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(placeholder.metadata.labels?.['team'], 'x');
    assert.deepEqual(placeholder.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]), [['Service', 'api', svc.metadata.uid, true]]);
    for (let i = 0; i < count; i++) {
      await client.create(podsResource, podBuilder(`api-${i}`).labels({ tier: 'api' }).containers(containerBuilder('app').port(8000, { name: 'web' })).build());
      await setPodStatus(client, ns, `api-${i}`, `10.2.0.${i + 1}`, i !== 0);
    }
    const full = await waitFor('every pod in a slice', async () => {
      const l = await slicesOf(client, ns, 'api');
      return l.reduce((n, s) => n + s.endpoints.length, 0) === count ? l : undefined;
    });
    assert.deepEqual(full.map((s) => s.endpoints.length).sort(), [1, max, max].sort());
    for (const s of full) assert.deepEqual(s.ports, [{ name: 'http', port: 8000, protocol: 'TCP' }]);
    const all = full.flatMap((s) => s.endpoints);
    assert.equal(all.find((e) => e.targetRef?.name === 'api-0')?.conditions?.ready, false);
    assert.equal(all.find((e) => e.targetRef?.name === 'api-1')?.conditions?.ready, true);
    // A pod being deleted stays as terminating (its finalizer holds it).
    await client.patch(podsResource, ns, 'api-1', { metadata: { finalizers: ['test/hold'] } });
    await client.delete(podsResource, ns, 'api-1');
    await waitFor('api-1 terminating', async () => {
      const e = (await slicesOf(client, ns, 'api')).flatMap((s) => s.endpoints).find((x) => x.targetRef?.name === 'api-1');
      return e?.conditions?.terminating === true && e.conditions.serving === true && e.conditions.ready === false;
    });
    await client.patch(podsResource, ns, 'api-1', { metadata: { finalizers: null } });
    await waitFor('api-1 gone', async () => (await slicesOf(client, ns, 'api')).reduce((n, s) => n + s.endpoints.length, 0) === count - 1);

    // A selector-less service with hand-made Endpoints is mirrored.
    await client.create(servicesResource, serviceBuilder('ext').selector(undefined).ports({ name: 'db', port: 5432 }).build());
    await client.create(endpointsResource, {
      metadata: { name: 'ext', namespace: ns, labels: { origin: 'hand' } },
      subsets: [{ addresses: [{ ip: '192.0.2.10' }, { ip: '192.0.2.11' }], notReadyAddresses: [{ ip: '192.0.2.12' }], ports: [{ name: 'db', port: 5432 }] }],
    } as Endpoints);
    const mirrored = await waitFor('mirrored', async () => {
      const l = await slicesOf(client, ns, 'ext');
      return l.length === 1 && l[0]!.endpoints.length === 3 ? l[0] : undefined;
    });
    assert.equal(mirrored.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
    assert.equal(mirrored.metadata.labels?.['origin'], 'hand');
    assert.equal(mirrored.metadata.ownerReferences?.[0]?.kind, 'Endpoints');
    assert.deepEqual(mirrored.endpoints.map((e) => [e.addresses[0], e.conditions?.ready]), [['192.0.2.10', true], ['192.0.2.11', true], ['192.0.2.12', false]]);
    await client.patch(endpointsResource, ns, 'ext', { subsets: [{ addresses: [{ ip: '192.0.2.20' }], ports: [{ name: 'db', port: 5432 }] }] });
    await waitFor('mirror follows', async () => (await slicesOf(client, ns, 'ext')).flatMap((s) => s.endpoints.map((e) => e.addresses[0])).join() === '192.0.2.20');

    // Deleting the service takes its slices.
    await client.delete(servicesResource, ns, 'api');
    await waitFor('slices deleted', async () => (await slicesOf(client, ns, 'api')).length === 0);
    await client.delete(servicesResource, ns, 'ext');
    await waitFor('mirrored slices deleted', async () => (await slicesOf(client, ns, 'ext')).length === 0);
  } finally {
    slices.stop();
    mirroring.stop();
    await Promise.all(running);
    await cluster.stop();
  }
});

test('the API server writes the kubernetes Service\'s slice', async () => {
  const cluster = await startTestCluster({ kubernetesService: true });
  try {
    const s = await waitFor('kubernetes slice', async () => (await slicesOf(cluster.client, 'default', 'kubernetes'))[0]);
    assert.equal(s.addressType, 'IPv4');
    assert.equal(s.endpoints.length, 1);
    assert.equal(s.ports?.[0]?.name, 'https');
    assert.equal(s.endpoints[0]?.conditions?.ready, true);
  } finally {
    await cluster.stop();
  }
});
