/**
 * Service allocation through the API: cluster IPs and node ports as Kubernetes hands them out and
 * refuses them, kept across updates, released on type changes and deletes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { parseCidr } from '../../src/apiserver/registry/allocator/index.js';

const range = parseCidr('127.10.0.0/16');
const inRange = (ip: unknown) => typeof ip === 'string' && range.offsetOf(ip) !== undefined;

function service(name: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], selector: { app: name }, ...spec } };
}

describe('service allocation through the API', () => {
  let s: TestServer;
  const ns = 'alloc';
  const base = `/api/v1/namespaces/${ns}/services`;
  const create = (body: unknown) => s.request('POST', base, { body });
  before(async () => {
    s = await startTestServer();
    assert.equal((await s.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } })).status, 201);
  });
  after(() => s.stop());

  test('a ClusterIP service gets an IP from the range and Kubernetes\' defaults', async () => {
    const r = await create(service('plain'));
    assert.equal(r.status, 201, r.text);
    const spec = r.json.spec;
    assert.ok(inRange(spec.clusterIP), spec.clusterIP);
    assert.notEqual(spec.clusterIP, '127.10.0.1', 'the first address is kept for the kubernetes service');
    assert.deepEqual(spec.clusterIPs, [spec.clusterIP]);
    assert.deepEqual(spec.ipFamilies, ['IPv4']);
    assert.equal(spec.ipFamilyPolicy, 'SingleStack');
    assert.equal(spec.internalTrafficPolicy, 'Cluster');
    assert.equal(spec.externalTrafficPolicy, undefined);
    assert.equal(spec.ports[0].nodePort, undefined);
  });

  for (const type of ['NodePort', 'LoadBalancer'] as const) {
    for (const nports of [1, 3]) {
      test(`a ${type} service with ${nports} port(s) gets distinct node ports in range`, async () => {
        const ports = Array.from({ length: nports }, (_, i) => ({ name: `p${i}`, port: 8000 + i }));
        const r = await create(service(`${type.toLowerCase()}-${nports}`, { type, ports }));
        assert.equal(r.status, 201, r.text);
        const got = r.json.spec.ports.map((p: { nodePort: number }) => p.nodePort);
        assert.equal(new Set(got).size, nports);
        for (const np of got) assert.ok(np >= 30000 && np <= 32767, String(np));
        assert.equal(r.json.spec.externalTrafficPolicy, 'Cluster');
        assert.ok(inRange(r.json.spec.clusterIP));
      });
    }
  }

  test('a TCP and a UDP port with one number share the node port', async () => {
    const r = await create(service('dns', { type: 'NodePort', ports: [{ name: 'tcp', port: 53, protocol: 'TCP' }, { name: 'udp', port: 53, protocol: 'UDP' }] }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.spec.ports[0].nodePort, r.json.spec.ports[1].nodePort);
  });

  test('requested cluster IPs: free is taken, taken and out of range are refused', async () => {
    const ok = await create(service('wants-ip', { clusterIP: '127.10.9.9' }));
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.spec.clusterIP, '127.10.9.9');
    const taken = await create(service('wants-ip-too', { clusterIP: '127.10.9.9' }));
    assert.equal(taken.status, 422);
    assert.equal(taken.json.message, 'Service "wants-ip-too" is invalid: spec.clusterIPs: Invalid value: "127.10.9.9": provided IP is already allocated');
    const out = await create(service('wants-far-ip', { clusterIP: '127.11.0.5' }));
    assert.equal(out.status, 422);
    assert.equal(out.json.message, 'Service "wants-far-ip" is invalid: spec.clusterIPs: Invalid value: "127.11.0.5": provided IP is not in the valid range. The range of valid IPs is 127.10.0.0/16');
    assert.equal(out.json.details.causes[0].field, 'spec.clusterIPs');
  });

  test('requested node ports: taken and out of range are refused, and a refused create keeps nothing', async () => {
    assert.equal((await create(service('np-a', { type: 'NodePort', ports: [{ port: 80, nodePort: 31234 }] }))).status, 201);
    // np-b asks for a free IP and a taken port: the IP it took first must be given back.
    const taken = await create(service('np-b', { type: 'NodePort', clusterIP: '127.10.7.7', ports: [{ port: 80, nodePort: 31234 }] }));
    assert.equal(taken.status, 422);
    assert.equal(taken.json.message, 'Service "np-b" is invalid: spec.ports[0].nodePort: Invalid value: 31234: provided port is already allocated');
    const out = await create(service('np-c', { type: 'NodePort', ports: [{ port: 80, nodePort: 40000 }] }));
    assert.equal(out.status, 422);
    assert.match(out.json.message, /spec\.ports\[0\]\.nodePort: Invalid value: 40000: provided port is not in the valid range\. The range of valid ports is 30000-32767/);
    const again = await create(service('np-d', { clusterIP: '127.10.7.7' }));
    assert.equal(again.status, 201, `the IP of the refused create was released: ${again.text}`);
  });

  test('headless services get no IP and hold nothing', async () => {
    const r = await create(service('headless', { clusterIP: 'None' }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.spec.clusterIP, 'None');
    assert.deepEqual(r.json.spec.clusterIPs, ['None']);
  });

  test('updates keep the allocation; the cluster IP cannot change', async () => {
    const created = (await create(service('keep', { type: 'NodePort' }))).json;
    // A PUT without clusterIP and nodePort (as `kubectl replace` of the original file sends).
    const put = await s.request('PUT', `${base}/keep`, { body: { ...service('keep', { type: 'NodePort' }), metadata: { name: 'keep', labels: { v: '2' } } } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.spec.clusterIP, created.spec.clusterIP);
    assert.equal(put.json.spec.ports[0].nodePort, created.spec.ports[0].nodePort);
    const moved = await s.request('PATCH', `${base}/keep`, { body: { spec: { clusterIP: '127.10.200.1', clusterIPs: ['127.10.200.1'] } }, contentType: 'application/merge-patch+json' });
    assert.equal(moved.status, 422);
    assert.match(moved.json.message, /spec\.clusterIPs\[0\]: Invalid value: .*may not change once set/);
  });

  test('turning a NodePort service into ClusterIP releases its node port; a delete releases everything', async () => {
    const first = await create(service('flip', { type: 'NodePort', clusterIP: '127.10.50.50', ports: [{ port: 80, nodePort: 32000 }] }));
    assert.equal(first.status, 201, first.text);
    const flipped = await s.request('PATCH', `${base}/flip`, { body: { spec: { type: 'ClusterIP' } }, contentType: 'application/merge-patch+json' });
    assert.equal(flipped.status, 200, flipped.text);
    assert.equal(flipped.json.spec.ports[0].nodePort, undefined);
    assert.equal(flipped.json.spec.externalTrafficPolicy, undefined);
    assert.equal((await create(service('takes-port', { type: 'NodePort', ports: [{ port: 80, nodePort: 32000 }] }))).status, 201);
    // And back to NodePort: a new node port is allocated.
    const back = await s.request('PATCH', `${base}/flip`, { body: { spec: { type: 'NodePort' } }, contentType: 'application/merge-patch+json' });
    assert.equal(back.status, 200, back.text);
    assert.ok(back.json.spec.ports[0].nodePort >= 30000 && back.json.spec.ports[0].nodePort !== 32000);
    assert.equal((await s.request('DELETE', `${base}/flip`)).status, 200);
    assert.equal((await create(service('takes-ip', { clusterIP: '127.10.50.50', type: 'NodePort', ports: [{ port: 80, nodePort: back.json.spec.ports[0].nodePort }] }))).status, 201);
  });

  test('ExternalName services hold no IP; turning one into ClusterIP allocates one', async () => {
    const r = await create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.spec.clusterIP, undefined);
    const flipped = await s.request('PATCH', `${base}/ext`, { body: { spec: { type: 'ClusterIP', externalName: null, ports: [{ port: 80 }] } }, contentType: 'application/merge-patch+json' });
    assert.equal(flipped.status, 200, flipped.text);
    assert.ok(inRange(flipped.json.spec.clusterIP));
  });
});

describe('a small range', () => {
  test('runs full with 500 range is full, and frees on delete', async () => {
    const s = await startTestServer({ serviceClusterIpRange: '127.60.0.0/29', serviceNodePortRange: '30500-30501' });
    try {
      const base = '/api/v1/namespaces/default/services';
      for (let i = 0; i < 5; i++) assert.equal((await s.request('POST', base, { body: service(`s${i}`) })).status, 201);
      const full = await s.request('POST', base, { body: service('s5') });
      assert.equal(full.status, 500);
      assert.equal(full.json.message, 'Internal error occurred: failed to allocate a serviceIP: range is full');
      assert.equal((await s.request('DELETE', `${base}/s0`)).status, 200);
      assert.equal((await s.request('POST', base, { body: service('s5') })).status, 201);
      assert.equal((await s.request('POST', base, { body: service('np', { type: 'NodePort', clusterIP: '127.60.0.1', ports: [{ name: 'a', port: 1 }, { name: 'b', port: 2 }] }) })).status, 201);
      const np = await s.request('POST', base, { body: service('np2', { type: 'NodePort', clusterIP: 'None' }) });
      assert.equal(np.status, 422, 'headless NodePort is invalid');
      assert.equal((await s.request('DELETE', `${base}/s1`)).status, 200);
      const noPorts = await s.request('POST', base, { body: service('np3', { type: 'NodePort' }) });
      assert.equal(noPorts.status, 500);
      assert.equal(noPorts.json.message, 'Internal error occurred: failed to allocate a nodePort: range is full');
      // The IP np3 took before running out of ports went back.
      assert.equal((await s.request('POST', base, { body: service('s6') })).status, 201);
    } finally {
      await s.stop();
    }
  });

  test('a bad range flag stops the server from starting', async () => {
    await assert.rejects(startTestServer({ serviceClusterIpRange: '127.10.0.0/40' }), /invalid service cluster IP range/);
  });
});
