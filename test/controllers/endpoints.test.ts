/** The endpoints controller: subsets from a service and its pods (table-driven), and the
 * controller against a real in-process API server following pods as they become ready. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Pod, Service } from '../../src/api/kinds.js';
import { endpoints as endpointsResource, pods as podsResource, services as servicesResource } from '../../src/api/resources.js';
import { EndpointsController, endpointSubsets } from '../../src/controllers/endpoints/index.js';
import { containerBuilder, podBuilder, serviceBuilder } from '../helpers/builders.js';
import { startTestCluster, waitFor } from '../helpers/cluster.js';

function pod(name: string, ip: string | undefined, ready: boolean, extra: (b: ReturnType<typeof podBuilder>) => void = () => undefined): Pod {
  const b = podBuilder(name).uid(`uid-${name}`).labels({ app: 'web' }).podField('nodeName', 'node-a');
  extra(b);
  const p = b.build() as Pod;
  p.status = { phase: p.status?.phase ?? 'Running', ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  return p;
}

const svc = (ports: object[], extra: (b: ReturnType<typeof serviceBuilder>) => void = () => undefined): Service => {
  const b = serviceBuilder('web').selector({ app: 'web' }).ports(...(ports as Record<string, unknown>[]));
  extra(b);
  return b.build() as Service;
};

const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` });
const addr = (ip: string, name: string) => ({ ip, nodeName: 'node-a', targetRef: ref(name) });

const cases: { name: string; service: Service; pods: Pod[]; want: unknown }[] = [
  {
    name: 'no pods: no subsets',
    service: svc([{ port: 80, targetPort: 8080, protocol: 'TCP' }]),
    pods: [],
    want: [],
  },
  {
    name: 'ready and not-ready pods share one subset, addresses sorted by IP',
    service: svc([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]),
    pods: [pod('b', '10.0.0.9', true), pod('a', '10.0.0.2', true), pod('c', '10.0.0.5', false)],
    want: [{
      addresses: [addr('10.0.0.2', 'a'), addr('10.0.0.9', 'b')],
      notReadyAddresses: [addr('10.0.0.5', 'c')],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    }],
  },
  {
    name: 'pods without an IP or being deleted are left out',
    service: svc([{ port: 80, targetPort: 80, protocol: 'TCP' }]),
    pods: [pod('noip', undefined, true), pod('gone', '10.0.0.3', true, (b) => b.set('metadata.deletionTimestamp', '2024-01-01T00:00:00Z')), pod('ok', '10.0.0.4', true)],
    want: [{ addresses: [addr('10.0.0.4', 'ok')], ports: [{ port: 80, protocol: 'TCP' }] }],
  },
  {
    name: 'a named targetPort resolving differently splits subsets',
    service: svc([{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }]),
    pods: [
      pod('p1', '10.0.1.1', true, (b) => b.containers(containerBuilder('app').port(8080, { name: 'http' }))),
      pod('p2', '10.0.1.2', true, (b) => b.containers(containerBuilder('app').port(9090, { name: 'http' }))),
      pod('p3', '10.0.1.3', false, (b) => b.containers(containerBuilder('app').port(8080, { name: 'http' }))),
      pod('nope', '10.0.1.4', true, (b) => b.containers(containerBuilder('app').port(8080, { name: 'metrics' }))),
    ],
    want: [
      { addresses: [addr('10.0.1.1', 'p1')], notReadyAddresses: [addr('10.0.1.3', 'p3')], ports: [{ name: 'web', port: 8080, protocol: 'TCP' }] },
      { addresses: [addr('10.0.1.2', 'p2')], ports: [{ name: 'web', port: 9090, protocol: 'TCP' }] },
    ],
  },
  {
    name: 'a named port must match the protocol',
    service: svc([{ name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' }]),
    pods: [pod('tcp-only', '10.0.2.1', true, (b) => b.containers(containerBuilder('app').port(53, { name: 'dns', protocol: 'TCP' })))],
    want: [],
  },
  {
    name: 'publishNotReadyAddresses counts every pod as ready',
    service: svc([{ port: 80, targetPort: 80, protocol: 'TCP' }], (b) => b.set('spec.publishNotReadyAddresses', true)),
    pods: [pod('x', '10.0.3.1', false)],
    want: [{ addresses: [addr('10.0.3.1', 'x')], ports: [{ port: 80, protocol: 'TCP' }] }],
  },
  {
    name: 'ended pods that will not restart are out; Always pods that failed stay (not ready)',
    service: svc([{ port: 80, targetPort: 80, protocol: 'TCP' }]),
    pods: [
      pod('done', '10.0.4.1', false, (b) => b.restartPolicy('Never').set('status.phase', 'Succeeded')),
      pod('crashy', '10.0.4.2', false, (b) => b.restartPolicy('Always')),
    ],
    want: [{ notReadyAddresses: [addr('10.0.4.2', 'crashy')], ports: [{ port: 80, protocol: 'TCP' }] }],
  },
  {
    name: 'two ports, one pod',
    service: svc([{ name: 'a', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'b', port: 443, targetPort: 8443, protocol: 'TCP' }]),
    pods: [pod('two', '10.0.5.1', true)],
    want: [{ addresses: [addr('10.0.5.1', 'two')], ports: [{ name: 'a', port: 8080, protocol: 'TCP' }, { name: 'b', port: 8443, protocol: 'TCP' }] }],
  },
];

for (const c of cases) {
  test(`endpointSubsets: ${c.name}`, () => {
    assert.deepEqual(endpointSubsets(c.service, c.pods), c.want);
  });
}

async function setPodStatus(client: import('../../src/client/index.js').RestClient, ns: string, name: string, ip: string, ready: boolean): Promise<void> {
  const cur = await client.get<Pod>(podsResource, ns, name);
  cur.status = { ...cur.status, phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  await client.update(podsResource, cur, 'status');
}

test('endpoints follow pods becoming ready and not ready, with named ports; deleting the service deletes them', async () => {
  const cluster = await startTestCluster();
  const ctx = cluster.context();
  const ctrl = new EndpointsController(ctx);
  const client = cluster.client;
  void ctx.informers.start();
  const running = ctrl.start();
  try {
    const ns = 'default';
    const names = ['api-0', 'api-1', 'api-2'];
    await client.create(servicesResource, serviceBuilder('api').selector({ tier: 'api' }).ports({ name: 'http', port: 80, targetPort: 'web' }).build());
    for (const [i, n] of names.entries()) {
      const port = i === 2 ? 9000 : 8000;
      await client.create(podsResource, podBuilder(n).labels({ tier: 'api' }).containers(containerBuilder('app').port(port, { name: 'web' })).build());
    }
    await client.create(podsResource, podBuilder('other').labels({ tier: 'db' }).build());
    // No pod has an IP yet: the Endpoints exists, empty.
    await waitFor('empty endpoints', async () => {
      const ep = await client.get<Endpoints>(endpointsResource, ns, 'api');
      return (ep.subsets ?? []).length === 0 ? ep : undefined;
    });
    await setPodStatus(client, ns, 'api-0', '10.1.0.10', true);
    await setPodStatus(client, ns, 'api-1', '10.1.0.11', false);
    await setPodStatus(client, ns, 'api-2', '10.1.0.12', true);
    await setPodStatus(client, ns, 'other', '10.1.0.99', true);
    const ep = await waitFor('three addresses', async () => {
      const e = await client.get<Endpoints>(endpointsResource, ns, 'api');
      const n = (e.subsets ?? []).reduce((s, x) => s + (x.addresses?.length ?? 0) + (x.notReadyAddresses?.length ?? 0), 0);
      return n === 3 ? e : undefined;
    });
    const summary = (e: Endpoints) => (e.subsets ?? []).map((s) => ({
      ready: (s.addresses ?? []).map((a) => a.targetRef?.name),
      notReady: (s.notReadyAddresses ?? []).map((a) => a.targetRef?.name),
      ports: (s.ports ?? []).map((p) => `${p.name ?? ''}:${p.port}/${p.protocol ?? ''}`),
    }));
    assert.deepEqual(summary(ep), [
      { ready: ['api-0'], notReady: ['api-1'], ports: ['http:8000/TCP'] },
      { ready: ['api-2'], notReady: [], ports: ['http:9000/TCP'] },
    ]);
    // api-1 turns ready, api-0 not ready.
    await setPodStatus(client, ns, 'api-1', '10.1.0.11', true);
    await setPodStatus(client, ns, 'api-0', '10.1.0.10', false);
    await waitFor('readiness flipped', async () => {
      const e = await client.get<Endpoints>(endpointsResource, ns, 'api');
      const s = summary(e)[0];
      return s && s.ready.join() === 'api-1' && s.notReady.join() === 'api-0' ? e : undefined;
    });
    // Unchanged pods cause no writes: the resourceVersion stays.
    const before = await client.get<Endpoints>(endpointsResource, ns, 'api');
    await client.patch(podsResource, ns, 'api-2', { metadata: { annotations: { touched: 'yes' } } });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await client.get<Endpoints>(endpointsResource, ns, 'api')).metadata.resourceVersion, before.metadata.resourceVersion);
    // A deleted pod leaves.
    await client.delete(podsResource, ns, 'api-2');
    await waitFor('api-2 gone', async () => {
      const e = await client.get<Endpoints>(endpointsResource, ns, 'api');
      return (e.subsets ?? []).length === 1 ? e : undefined;
    });
    // A service without selector is left alone.
    await client.create(servicesResource, serviceBuilder('manual').selector(undefined).build());
    await client.create(endpointsResource, { metadata: { name: 'manual', namespace: ns }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }] } as Endpoints);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await client.get<Endpoints>(endpointsResource, ns, 'manual')).subsets?.[0]?.addresses?.[0]?.ip, '192.0.2.1');
    // Endpoints without any service are the user's too: editing them does not delete them.
    await client.create(endpointsResource, { metadata: { name: 'orphan', namespace: ns }, subsets: [{ addresses: [{ ip: '192.0.2.2' }], ports: [{ port: 80 }] }] } as Endpoints);
    await client.patch(endpointsResource, ns, 'orphan', { metadata: { labels: { edited: 'yes' } } });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await client.get<Endpoints>(endpointsResource, ns, 'orphan')).metadata.labels?.['edited'], 'yes');
    // Deleting the service deletes its endpoints.
    await client.delete(servicesResource, ns, 'api');
    await waitFor('endpoints deleted', async () => {
      try {
        await client.get(endpointsResource, ns, 'api');
        return undefined;
      } catch (err) {
        return (err as { code?: number }).code === 404;
      }
    });
  } finally {
    ctrl.stop();
    await running;
    await cluster.stop();
  }
});
