/** Every read and write path answers with the status fields Kubernetes always sends, even where
 * no controller ever wrote a status (this server runs none): create, get, list, watch, patch and
 * a client's `status: {}` through /status — in the storage version and in extensions/v1beta1. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { daemonSetBuilder, rcBuilder, replicaSetBuilder, serviceBuilder } from '../helpers/builders.js';
import { suffix } from '../controlplane/fixtures.js';
import type { KubeObject } from '../../src/api/types.js';

const dsZero = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };

interface Case {
  readonly name: string;
  readonly collection: string;
  readonly build: (name: string) => KubeObject;
  readonly status: Record<string, unknown>;
}

const cases: Case[] = [
  { name: 'v1 ReplicationController', collection: '/api/v1/namespaces/default/replicationcontrollers', build: (n) => rcBuilder(n).build(), status: { replicas: 0 } },
  { name: 'apps/v1 ReplicaSet', collection: '/apis/apps/v1/namespaces/default/replicasets', build: (n) => replicaSetBuilder(n).build(), status: { replicas: 0 } },
  { name: 'apps/v1 DaemonSet', collection: '/apis/apps/v1/namespaces/default/daemonsets', build: (n) => daemonSetBuilder(n).build(), status: dsZero },
  {
    name: 'extensions/v1beta1 DaemonSet',
    collection: '/apis/extensions/v1beta1/namespaces/default/daemonsets',
    build: (n) => daemonSetBuilder(n).set('apiVersion', 'extensions/v1beta1').build(),
    status: dsZero,
  },
  { name: 'v1 Service', collection: '/api/v1/namespaces/default/services', build: (n) => serviceBuilder(n).set('spec.ports', [{ port: 80 }]).build(), status: { loadBalancer: {} } },
];

describe('zero values on every path', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ runtimeConfig: 'extensions/v1beta1/daemonsets=true' });
  });
  after(async () => {
    await s.stop();
  });

  for (const c of cases) {
    test(c.name, async () => {
      const name = `zero-${suffix()}`;
      const before = await s.request('GET', c.collection);
      assert.equal(before.status, 200, before.text);
      const rv = before.json.metadata.resourceVersion as string;

      const created = await s.request('POST', c.collection, { body: c.build(name) });
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(created.json.status, c.status, 'create');

      const got = await s.request('GET', `${c.collection}/${name}`);
      assert.deepEqual(got.json.status, c.status, 'get');

      const listed = await s.request('GET', `${c.collection}?fieldSelector=metadata.name%3D${name}`);
      assert.deepEqual(listed.json.items.map((i: KubeObject) => i.status), [c.status], 'list');

      const patched = await s.request('PATCH', `${c.collection}/${name}`, { body: { metadata: { labels: { patched: 'yes' } } }, contentType: 'application/merge-patch+json' });
      assert.equal(patched.status, 200, patched.text);
      assert.deepEqual(patched.json.status, c.status, 'patch');

      const emptied = await s.request('PUT', `${c.collection}/${name}/status`, { body: { ...patched.json, status: {} } });
      assert.equal(emptied.status, 200, emptied.text);
      assert.deepEqual(emptied.json.status, c.status, 'a client writing status: {}');

      const watched = await s.request('GET', `${c.collection}?watch=true&resourceVersion=${rv}&timeoutSeconds=1&fieldSelector=metadata.name%3D${name}`);
      const events = watched.text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: KubeObject });
      assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED'], watched.text);
      for (const e of events) assert.deepEqual(e.object.status, c.status, `watch ${e.type}`);

      const deleted = await s.request('DELETE', `${c.collection}/${name}`);
      assert.equal(deleted.status, 200, deleted.text);
      assert.deepEqual(deleted.json.status, c.status, 'delete');
    });
  }
});
