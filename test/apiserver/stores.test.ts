/**
 * The API server on each real store: the same user-visible behaviour on SQLite and on an etcd
 * server, and two API servers on one etcd seeing each other's writes (how a cluster outgrows one
 * machine).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStream, startTestServer, type TestServer } from '../helpers/apiserver.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';

const svc = (name: string, port: number) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { svc: name } },
  spec: { ports: [{ port, targetPort: port + 1 }], selector: { app: name } },
});

let etcd: EtcdServer;
const dirs: string[] = [];
before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const backends: { name: string; datastore: (dir: string) => string }[] = [
  { name: 'sqlite', datastore: (dir) => `sqlite://${dir}/state.db` },
  { name: 'etcd', datastore: () => etcd.url },
];

for (const b of backends) {
  describe(`API server on ${b.name}`, () => {
    let s: TestServer;
    const ns = `store-${b.name}`;
    before(async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), `skiff-${b.name}-`));
      dirs.push(dir);
      s = await startTestServer({ dataDir: dir, datastore: b.datastore(dir) });
      const r = await s.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
      assert.equal(r.status, 201, r.text);
    });
    after(async () => {
      await s.stop();
    });

    test('create, watch, conflicting update, delete', async () => {
      const base = `/api/v1/namespaces/${ns}/services`;
      const rv = (await s.request('GET', base)).json.metadata.resourceVersion;
      const w = openStream(s.server, `${base}?watch=true&resourceVersion=${rv}`);
      const ports = [80, 8080, 9000];
      for (const [i, p] of ports.entries()) {
        const r = await s.request('POST', base, { body: svc(`svc-${b.name}-${i}`, p) });
        assert.equal(r.status, 201, r.text);
      }
      const first = (await s.request('GET', `${base}/svc-${b.name}-0`)).json;
      const ok = await s.request('PUT', `${base}/svc-${b.name}-0`, { body: { ...first, metadata: { ...first.metadata, labels: { svc: 'changed' } } } });
      assert.equal(ok.status, 200, ok.text);
      const lost = await s.request('PUT', `${base}/svc-${b.name}-0`, { body: first });
      assert.equal(lost.status, 409);
      assert.equal((await s.request('DELETE', `${base}/svc-${b.name}-1`)).status, 200);
      await w.waitFor(ports.length + 2);
      w.close();
      assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'ADDED', 'ADDED', 'MODIFIED', 'DELETED']);
      const listed = (await s.request('GET', `${base}?labelSelector=svc%3Dchanged`)).json.items;
      assert.deepEqual(listed.map((i: { metadata: { name: string } }) => i.metadata.name), [`svc-${b.name}-0`]);
    });
  });
}

test('two API servers on one etcd see each other\'s writes and watches', async () => {
  const dirA = mkdtempSync(path.join(os.tmpdir(), 'skiff-etcd-a-'));
  const dirB = mkdtempSync(path.join(os.tmpdir(), 'skiff-etcd-b-'));
  dirs.push(dirA, dirB);
  const a = await startTestServer({ dataDir: dirA, datastore: etcd.url });
  const b = await startTestServer({ dataDir: dirB, datastore: etcd.url });
  try {
    const base = '/api/v1/namespaces/default/configmaps';
    const rv = (await b.request('GET', base)).json.metadata.resourceVersion;
    const w = openStream(b.server, `${base}?watch=true&resourceVersion=${rv}`);
    const names = ['shared-1', 'shared-2', 'shared-3', 'shared-4'];
    for (const n of names) {
      const r = await a.request('POST', base, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n }, data: { from: 'a' } } });
      assert.equal(r.status, 201, r.text);
    }
    await w.waitFor(names.length);
    w.close();
    assert.deepEqual(w.events.map((e) => (e.object['metadata'] as { name: string }).name), names);
    // A consistent read on B right after A's write sees it.
    const r = await a.request('POST', base, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'read-your-write' } } });
    assert.equal(r.status, 201);
    assert.equal((await b.request('GET', `${base}/read-your-write`)).status, 200);
    const listed = (await b.request('GET', base)).json.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    assert.ok(listed.includes('read-your-write'));
  } finally {
    await a.stop();
    await b.stop();
  }
});
