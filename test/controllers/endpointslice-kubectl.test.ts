/** What kubectl users see of EndpointSlices: `describe service` lists the endpoints with kubectl
 * 1.27 (reads Endpoints) and 1.32/1.33 (read EndpointSlices), `get endpointslices` has kubectl's
 * columns, and a bad slice is refused with Kubernetes' field errors. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/kinds.js';
import { pods as podsResource, services as servicesResource } from '../../src/api/resources.js';
import { EndpointsController } from '../../src/controllers/endpoints/index.js';
import { EndpointSliceController } from '../../src/controllers/endpointslice/index.js';
import type { Controller } from '../../src/controllers/controller.js';
import { containerBuilder, podBuilder, serviceBuilder } from '../helpers/builders.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';

describe('EndpointSlices with kubectl', () => {
  let cluster: TestCluster;
  let controllers: Controller[];
  let running: Promise<void>[];
  const count = 2 + Math.floor(Math.random() * 3);
  const ips = Array.from({ length: count }, (_, i) => `10.3.${i}.${7 + i}`);
  before(async () => {
    cluster = await startTestCluster();
    const ctx = cluster.context();
    controllers = [new EndpointsController(ctx), new EndpointSliceController(ctx)];
    void ctx.informers.start();
    running = controllers.map((c) => c.start());
    const client = cluster.client;
    await client.create(servicesResource, serviceBuilder('shop').selector({ app: 'shop' }).ports({ name: 'http', port: 80, targetPort: 'web' }).build());
    for (const [i, ip] of ips.entries()) {
      await client.create(podsResource, podBuilder(`shop-${i}`).labels({ app: 'shop' }).containers(containerBuilder('app').port(8080, { name: 'web' })).build());
      const cur = await client.get<Pod>(podsResource, 'default', `shop-${i}`);
      cur.status = { ...cur.status, phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] };
      await client.update(podsResource, cur, 'status');
    }
  });
  after(async () => {
    for (const c of controllers) c.stop();
    await Promise.all(running);
    await cluster.stop();
  });


  for (const minor of [27, 32, 33]) {
    test(`kubectl 1.${minor} describe service lists the endpoints`, async () => {
      const k = new Kubectl(cluster.server.kubeconfig, kubectlBinary(minor));
      const out = await waitFor('endpoints in describe', async () => {
        const text = await k.ok(['describe', 'service', 'shop']);
        return /Endpoints:\s+<none>/.test(text) || !/Endpoints:/.test(text) ? undefined : text;
      });
      const line = out.split('\n').find((l) => l.startsWith('Endpoints:'))!;
      const listed = line.replace(/^Endpoints:\s+/, '').trim();
      // kubectl prints the first three and a count; which three depends on the order it reads.
      const shown = listed.replace(/ \+ \d+ more\.\.\.$/, '').split(',');
      assert.equal(shown.length, Math.min(3, count), out);
      for (const s of shown) assert.ok(ips.map((ip) => `${ip}:8080`).includes(s), `${s} in ${out}`);
      if (count > 3) assert.match(listed, new RegExp(` \\+ ${count - 3} more\\.\\.\\.$`));
    });
  }

  test('get endpointslices prints kubectl\'s columns', async () => {
    const k = new Kubectl(cluster.server.kubeconfig);
    const out = await k.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=shop']);
    const [head, row] = out.trim().split('\n');
    assert.match(head!, /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE$/);
    assert.match(row!, /^shop-[a-z0-9]{5}\s+IPv4\s+8080\s+\S+/);
  });

  test('a slice with a bad address type and address is refused with field errors', async () => {
    const k = new Kubectl(cluster.server.kubeconfig);
    const r = await k.run(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'bad' },
        addressType: 'IPv4', endpoints: [{ addresses: ['not-an-ip'] }], ports: [{ name: 'a', port: 70000 }],
      }),
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The EndpointSlice "bad" is invalid/);
    assert.match(r.stderr, /endpoints\[0\]\.addresses\[0\]: Invalid value: "not-an-ip": must be a valid IPv4 address/);
    assert.match(r.stderr, /ports\[0\]\.port: Invalid value: 70000/);
  });
});
