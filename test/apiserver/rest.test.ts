/** The REST verbs over HTTPS against a real server: what clients see, errors included. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';

function rc(name: string, replicas: number, labels: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name },
    spec: {
      replicas,
      selector: labels,
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
    },
  };
}

describe('REST verbs', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.stop();
  });

  test('the initial namespaces exist', async () => {
    const r = await s.request('GET', '/api/v1/namespaces');
    assert.equal(r.status, 200);
    const names = (r.json.items as { metadata: { name: string } }[]).map((n) => n.metadata.name).sort();
    assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  test('create, get, list by label, update and delete a replication controller', async () => {
    const created = await s.request('POST', '/api/v1/namespaces/default/replicationcontrollers', { body: rc('web-a', 3, { app: 'web-a' }) });
    assert.equal(created.status, 201, created.text);
    const obj = created.json;
    assert.match(obj.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal(obj.metadata.generation, 1);
    assert.ok(Number(obj.metadata.resourceVersion) > 0);
    assert.equal(obj.metadata.namespace, 'default');
    assert.match(obj.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await s.request('POST', '/api/v1/namespaces/default/replicationcontrollers', { body: rc('db-b', 1, { app: 'db-b' }) });

    const got = await s.request('GET', '/api/v1/namespaces/default/replicationcontrollers/web-a');
    assert.equal(got.json.spec.replicas, 3);

    const listed = await s.request('GET', '/api/v1/namespaces/default/replicationcontrollers?labelSelector=app%3Ddb-b');
    assert.deepEqual(listed.json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['db-b']);
    assert.equal(listed.json.kind, 'ReplicationControllerList');

    const changed = { ...got.json, spec: { ...got.json.spec, replicas: 5 } };
    const updated = await s.request('PUT', '/api/v1/namespaces/default/replicationcontrollers/web-a', { body: changed });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.json.metadata.generation, 2);
    assert.ok(Number(updated.json.metadata.resourceVersion) > Number(got.json.metadata.resourceVersion));

    // The stale resourceVersion now loses.
    const stale = await s.request('PUT', '/api/v1/namespaces/default/replicationcontrollers/web-a', { body: changed });
    assert.equal(stale.status, 409);
    assert.equal(stale.json.reason, 'Conflict');
    assert.match(stale.json.message, /the object has been modified/);

    const del = await s.request('DELETE', '/api/v1/namespaces/default/replicationcontrollers/web-a');
    assert.equal(del.status, 200);
    const gone = await s.request('GET', '/api/v1/namespaces/default/replicationcontrollers/web-a');
    assert.equal(gone.status, 404);
    assert.equal(gone.json.message, 'replicationcontrollers "web-a" not found');
  });

  test('errors come back as Status in Kubernetes form', async () => {
    const cases: { name: string; method: string; path: string; body?: string | object; contentType?: string; token?: string; code: number; reason?: string; message?: RegExp }[] = [
      { name: 'duplicate create', method: 'POST', path: '/api/v1/namespaces/default/replicationcontrollers', body: rc('dup-1', 1, { a: 'dup' }), code: 409, reason: 'AlreadyExists', message: /replicationcontrollers "dup-1" already exists/ },
      { name: 'malformed JSON', method: 'POST', path: '/api/v1/namespaces/default/pods', body: '{"metadata": {', code: 400, reason: 'BadRequest' },
      { name: 'unknown resource', method: 'GET', path: '/api/v1/namespaces/default/widgets', code: 404, message: /the server could not find the requested resource/ },
      { name: 'missing namespace', method: 'POST', path: '/api/v1/namespaces/nowhere-7/replicationcontrollers', body: rc('x', 1, { a: 'b' }), code: 404, message: /namespaces "nowhere-7" not found/ },
      { name: 'no token', method: 'GET', path: '/api/v1/pods', token: '', code: 401, reason: 'Unauthorized' },
      { name: 'wrong token', method: 'GET', path: '/api/v1/pods', token: 'not-a-token', code: 401, reason: 'Unauthorized' },
      { name: 'server-side apply without a field manager', method: 'PATCH', path: '/api/v1/namespaces/default/replicationcontrollers/dup-1', body: '{}', contentType: 'application/apply-patch+yaml', code: 422, message: /fieldManager: Required value: is required for apply patch/ },
      { name: 'kind mismatch', method: 'POST', path: '/api/v1/namespaces/default/services', body: rc('k', 1, { a: 'b' }), code: 400, message: /does not match the expected kind/ },
      { name: 'protected namespace', method: 'DELETE', path: '/api/v1/namespaces/kube-system', code: 403, reason: 'Forbidden' },
    ];
    await s.request('POST', '/api/v1/namespaces/default/replicationcontrollers', { body: rc('dup-1', 1, { a: 'dup' }) });
    for (const c of cases) {
      const r = await s.request(c.method, c.path, { ...(c.body !== undefined ? { body: c.body } : {}), ...(c.contentType ? { contentType: c.contentType } : {}), ...(c.token !== undefined ? { token: c.token } : {}) });
      assert.equal(r.status, c.code, `${c.name}: ${r.text}`);
      assert.equal(r.json.kind, 'Status', c.name);
      assert.equal(r.json.code, c.code, c.name);
      if (c.reason) assert.equal(r.json.reason, c.reason, c.name);
      if (c.message) assert.match(r.json.message, c.message, c.name);
    }
  });

  test('a body over 3 MiB gets 413 and stores nothing', async () => {
    const big = rc('big-one', 1, { a: 'big' });
    (big.metadata as Record<string, unknown>)['annotations'] = { blob: 'x'.repeat(3 * 1024 * 1024 + 10) };
    const r = await s.request('POST', '/api/v1/namespaces/default/replicationcontrollers', { body: big });
    assert.equal(r.status, 413);
    assert.equal(r.json.reason, 'RequestEntityTooLarge');
    assert.equal((await s.request('GET', '/api/v1/namespaces/default/replicationcontrollers/big-one')).status, 404);
  });

  test('generateName gives unique names', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 7; i++) {
      const body = rc('', 1, { gen: 'x' });
      body.metadata = { generateName: 'gen-' } as never;
      const r = await s.request('POST', '/api/v1/namespaces/default/replicationcontrollers', { body });
      assert.equal(r.status, 201, r.text);
      assert.match(r.json.metadata.name, /^gen-[a-z0-9]{5}$/);
      names.add(r.json.metadata.name);
    }
    assert.equal(names.size, 7);
  });

  test('paging with limit and continue sees every object once', async () => {
    await s.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'paging' } } });
    const total = 23;
    for (let i = 0; i < total; i++) {
      const r = await s.request('POST', '/api/v1/namespaces/paging/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { i: String(i) } } });
      assert.equal(r.status, 201, r.text);
    }
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = await s.request('GET', `/api/v1/namespaces/paging/configmaps?limit=5${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      seen.push(...r.json.items.map((i: { metadata: { name: string } }) => i.metadata.name));
      cont = r.json.metadata.continue ?? '';
      pages++;
      // a write between pages must not show up in this snapshot
      if (pages === 2) await s.request('POST', '/api/v1/namespaces/paging/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-late' } } });
    } while (cont);
    assert.equal(pages, 5);
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
    assert.ok(!seen.includes('cm-late'));
  });

  test('scale subresource reads and writes spec.replicas', async () => {
    await s.request('POST', '/api/v1/namespaces/default/replicationcontrollers', { body: rc('scaled-9', 2, { app: 'scaled-9' }) });
    const got = await s.request('GET', '/api/v1/namespaces/default/replicationcontrollers/scaled-9/scale');
    assert.equal(got.json.kind, 'Scale');
    assert.equal(got.json.apiVersion, 'autoscaling/v1');
    assert.equal(got.json.spec.replicas, 2);
    assert.equal(got.json.status.selector, 'app=scaled-9');
    const patched = await s.request('PATCH', '/api/v1/namespaces/default/replicationcontrollers/scaled-9/scale', { body: { spec: { replicas: 6 } }, contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.json.spec.replicas, 6);
    // PUT with a stale resourceVersion (as `kubectl scale --current-replicas` sends it) conflicts.
    const put = await s.request('PUT', '/api/v1/namespaces/default/replicationcontrollers/scaled-9/scale', { body: got.json, contentType: '' });
    assert.equal(put.status, 409, put.text);
    const rcNow = await s.request('GET', '/api/v1/namespaces/default/replicationcontrollers/scaled-9');
    assert.equal(rcNow.json.spec.replicas, 6);
  });

  test('merge, strategic and json patches', async () => {
    await s.request('POST', '/api/v1/namespaces/default/replicationcontrollers', { body: rc('patchy', 1, { app: 'patchy' }) });
    const base = '/api/v1/namespaces/default/replicationcontrollers/patchy';
    let r = await s.request('PATCH', base, { body: { metadata: { labels: { tier: 'front', app: 'patchy' } } }, contentType: 'application/merge-patch+json' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.metadata.labels, { tier: 'front', app: 'patchy' });
    r = await s.request('PATCH', base, { body: { metadata: { labels: { tier: null } } }, contentType: 'application/merge-patch+json' });
    assert.deepEqual(r.json.metadata.labels, { app: 'patchy' });
    // strategic: containers merge by name instead of replacing the list
    r = await s.request('PATCH', base, { body: { spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } } }, contentType: 'application/strategic-merge-patch+json' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.spec.template.spec.containers.map((c: { name: string }) => c.name), ['web', 'side']);
    r = await s.request('PATCH', base, { body: [{ op: 'replace', path: '/spec/replicas', value: 4 }], contentType: 'application/json-patch+json' });
    assert.equal(r.json.spec.replicas, 4);
    assert.equal(r.json.metadata.generation, 3, "label changes do not move the generation; the two spec changes do");
  });

  test('pods are deleted gracefully once bound to a node', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'graceful-3' }, spec: { terminationGracePeriodSeconds: 17, containers: [{ name: 'c', image: 'busybox' }] } };
    assert.equal((await s.request('POST', '/api/v1/namespaces/default/pods', { body: pod })).status, 201);
    const bind = await s.request('POST', '/api/v1/namespaces/default/pods/graceful-3/binding', { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'graceful-3' }, target: { kind: 'Node', name: 'node-q' } } });
    assert.equal(bind.status, 201, bind.text);
    const again = await s.request('POST', '/api/v1/namespaces/default/pods/graceful-3/binding', { body: { target: { kind: 'Node', name: 'node-r' } } });
    assert.equal(again.status, 409);
    const del = await s.request('DELETE', '/api/v1/namespaces/default/pods/graceful-3');
    assert.equal(del.status, 200, del.text);
    assert.ok(del.json.metadata.deletionTimestamp);
    assert.equal(del.json.metadata.deletionGracePeriodSeconds, 17);
    assert.equal((await s.request('GET', '/api/v1/namespaces/default/pods/graceful-3')).status, 200);
    const now = await s.request('DELETE', '/api/v1/namespaces/default/pods/graceful-3', { body: { gracePeriodSeconds: 0 } });
    assert.equal(now.status, 200, now.text);
    assert.equal((await s.request('GET', '/api/v1/namespaces/default/pods/graceful-3')).status, 404);
  });

  test('health, version and metrics', async () => {
    const v = await s.request('GET', '/version', { token: '' });
    assert.equal(v.status, 200);
    assert.equal(v.json.major, '1');
    assert.match(v.json.gitVersion, /^v1\.\d+\.\d+/);
    for (const p of ['/healthz', '/livez', '/readyz']) assert.equal((await s.request('GET', p, { token: '' })).text, 'ok');
    const m = await s.request('GET', '/metrics');
    assert.match(m.text, /apiserver_request_total\{/);
    assert.equal((await s.request('GET', '/metrics', { token: '' })).status, 401);
  });
});
