/**
 * Allocation across API servers and restarts: two servers on one etcd never hand out one value
 * twice, and a server restarted on its data keeps what was allocated and frees what leaked.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer } from '../helpers/apiserver.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';

const service = (name: string, spec: Record<string, unknown> = {}) =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });

let etcd: EtcdServer;
const dirs: string[] = [];
const tmpDir = (tag: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), `skiff-svc-${tag}-`));
  dirs.push(d);
  return d;
};
before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

for (const [cidr, ports, creates] of [['127.70.0.0/28', '30600-30609', 24], ['127.71.0.0/27', '30700-30739', 40]] as const) {
  test(`two API servers on one etcd, ${creates} racing creates on ${cidr} and ${ports}`, async () => {
    const opts = { datastore: etcd.url, serviceClusterIpRange: cidr, serviceNodePortRange: ports };
    const a = await startTestServer({ ...opts, dataDir: tmpDir('a') });
    const b = await startTestServer({ ...opts, dataDir: tmpDir('b') });
    try {
      const ns = `race-${creates}`;
      assert.equal((await a.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } })).status, 201);
      const base = `/api/v1/namespaces/${ns}/services`;
      const results = await Promise.all(Array.from({ length: creates }, (_, i) =>
        (i % 2 ? a : b).request('POST', base, { body: service(`s${i}`, { type: 'NodePort' }) })));
      const ok = results.filter((r) => r.status === 201);
      for (const r of results) assert.ok(r.status === 201 || (r.status === 500 && /range is full/.test(r.text)), r.text);
      const ips = ok.map((r) => r.json.spec.clusterIP as string);
      const nodePorts = ok.map((r) => r.json.spec.ports[0].nodePort as number);
      assert.equal(new Set(ips).size, ips.length, `duplicate IPs: ${ips.join(' ')}`);
      assert.equal(new Set(nodePorts).size, nodePorts.length, `duplicate node ports: ${nodePorts.join(' ')}`);
      const capacity = Math.min(2 ** (32 - Number(cidr.split('/')[1])) - 3, Number(ports.split('-')[1]) - Number(ports.split('-')[0]) + 1);
      assert.equal(ok.length, Math.min(creates, capacity));
      // Failed creates gave back what they took: every allocation key belongs to a stored service.
      const listed = (await b.request('GET', base)).json.items as { spec: { clusterIP: string } }[];
      assert.deepEqual(listed.map((i) => i.spec.clusterIP).sort(), [...ips].sort());
    } finally {
      await a.stop();
      await b.stop();
    }
  });
}

test('a restarted server keeps its allocations and repairs leaks', async () => {
  const dataDir = tmpDir('restart');
  const datastore = `sqlite://${dataDir}/state.db`;
  const base = '/api/v1/namespaces/default/services';
  let s = await startTestServer({ dataDir, datastore });
  const kept = await s.request('POST', base, { body: service('kept', { type: 'NodePort', ports: [{ port: 80, nodePort: 30111 }] }) });
  assert.equal(kept.status, 201, kept.text);
  await s.stop();
  // A leaked allocation, as a server that crashed mid-create leaves it (an hour old).
  const { openStore } = await import('../../src/storage/index.js');
  const store = await openStore(datastore);
  await store.create('/registry/serviceallocations/nodeport/30222', JSON.stringify({ namespace: 'default', name: 'ghost', uid: 'u-ghost', allocatedAt: new Date(Date.now() - 3_600_000).toISOString() }));
  await store.close();
  s = await startTestServer({ dataDir, datastore });
  try {
    const dup = await s.request('POST', base, { body: service('dup', { type: 'NodePort', ports: [{ port: 80, nodePort: 30111 }] }) });
    assert.equal(dup.status, 422, dup.text);
    const dupIp = await s.request('POST', base, { body: service('dup-ip', { clusterIP: kept.json.spec.clusterIP }) });
    assert.equal(dupIp.status, 422, dupIp.text);
    const freed = await s.request('POST', base, { body: service('after-ghost', { type: 'NodePort', ports: [{ port: 80, nodePort: 30222 }] }) });
    assert.equal(freed.status, 201, freed.text);
  } finally {
    await s.stop();
  }
});
