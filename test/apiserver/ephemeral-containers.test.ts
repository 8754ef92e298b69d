/** `pods/NAME/ephemeralcontainers` over HTTP, as `kubectl debug` and client libraries use it: the
 * pod comes back from GET; PUT and PATCH change only spec.ephemeralContainers, append-only, with
 * Kubernetes' messages; the pod itself may not change them. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { suffix } from '../controlplane/fixtures.js';

describe('pods/ephemeralcontainers', () => {
  let s: TestServer;
  const name = `p-${suffix()}`;
  const base = `/api/v1/namespaces/default/pods/${name}`;
  const merge = 'application/merge-patch+json';
  const strategic = 'application/strategic-merge-patch+json';
  before(async () => {
    s = await startTestServer();
    const r = await s.request('POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'a' } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } } });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => {
    await s.stop();
  });

  test('a pod may not be created with one', async () => {
    const r = await s.request('POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `c-${suffix()}` }, spec: { containers: [{ name: 'main', image: 'busybox' }], ephemeralContainers: [{ name: 'd', image: 'busybox' }] } } });
    assert.equal(r.status, 422);
    assert.match(r.json.message, /spec\.ephemeralContainers: Forbidden: cannot be set on create/);
  });

  test('GET gives the pod; a strategic patch (kubectl debug\'s) adds one, defaulted, and nothing else changes', async () => {
    const got = await s.request('GET', `${base}/ephemeralcontainers`);
    assert.equal(got.status, 200);
    assert.equal(got.json.kind, 'Pod');
    const dbg = `dbg-${suffix()}`;
    const r = await s.request('PATCH', `${base}/ephemeralcontainers`, { contentType: strategic, body: { metadata: { labels: { app: 'changed' } }, spec: { ephemeralContainers: [{ name: dbg, image: 'busybox:1.36', command: ['sh'], targetContainerName: 'main' }] } } });
    assert.equal(r.status, 200, r.text);
    const ec = r.json.spec.ephemeralContainers;
    assert.deepEqual(ec.map((c: { name: string }) => c.name), [dbg]);
    assert.equal(ec[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(ec[0].terminationMessagePolicy, 'File');
    assert.equal(r.json.metadata.labels.app, 'a', 'only spec.ephemeralContainers is taken');
    // Append: a second one beside the first.
    const two = await s.request('PATCH', `${base}/ephemeralcontainers`, { contentType: strategic, body: { spec: { ephemeralContainers: [{ name: `${dbg}-2`, image: 'busybox' }] } } });
    assert.equal(two.status, 200, two.text);
    assert.deepEqual(two.json.spec.ephemeralContainers.map((c: { name: string }) => c.name), [dbg, `${dbg}-2`]);
    // Removing or changing one: Kubernetes' words.
    const removed = await s.request('PATCH', `${base}/ephemeralcontainers`, { contentType: merge, body: { spec: { ephemeralContainers: [] } } });
    assert.equal(removed.status, 422);
    assert.match(removed.json.message, new RegExp(`existing ephemeral containers "${dbg}" may not be removed`));
    const pod = (await s.request('GET', base)).json;
    pod.spec.ephemeralContainers[0].command = ['top'];
    const changed = await s.request('PUT', `${base}/ephemeralcontainers`, { body: pod });
    assert.equal(changed.status, 422);
    assert.match(changed.json.message, new RegExp(`existing ephemeral containers "${dbg}" may not be changed`));
  });

  test('bad ones are refused with every cause; the pod itself may not change them', async () => {
    const r = await s.request('PATCH', `${base}/ephemeralcontainers`, { contentType: strategic, body: { spec: { ephemeralContainers: [{ name: 'main', image: 'busybox', targetContainerName: 'ghost', ports: [{ containerPort: 80 }] }] } } });
    assert.equal(r.status, 422);
    const causes = r.json.details.causes.map((c: { field: string; message: string }) => `${c.field}: ${c.message}`);
    for (const want of [/\.name: Duplicate value/, /\.targetContainerName: Not found/, /\.ports: Forbidden: cannot be set for an Ephemeral Container/]) {
      assert.ok(causes.some((c: string) => want.test(c)), `${String(want)} in ${causes.join('; ')}`);
    }
    const wrongType = await s.request('PATCH', `${base}/ephemeralcontainers`, { contentType: merge, body: { spec: { ephemeralContainers: 'nope' } } });
    assert.ok(wrongType.status >= 400 && wrongType.status < 500, `${wrongType.status} ${wrongType.text}`);
    const viaPod = await s.request('PATCH', base, { contentType: merge, body: { spec: { ephemeralContainers: null } } });
    assert.equal(viaPod.status, 422);
    assert.match(viaPod.json.message, /pod updates may not change fields other than/);
  });
});
