/** Create, update and status agree for every kind: an object the server accepted on create comes
 * back unchanged through PUT, and (where the kind has a status subresource) through PUT /status. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  daemonSetBuilder, deploymentBuilder, jobBuilder, namespaceBuilder, nodeBuilder, objectBuilder, podBuilder, rcBuilder,
  replicaSetBuilder, serviceBuilder,
} from '../helpers/builders.js';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';

const suffix = () => randomBytes(3).toString('hex');

describe('what create accepted, update and status accept', () => {
  let s: TestServer;
  // The builders put namespaced objects in `default`; names are random.
  const ns = 'default';
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.stop();
  });

  const n = () => `o-${suffix()}`;
  const cases: { kind: string; base: string; status: boolean; build: (name: string) => unknown }[] = [
    { kind: 'Pod', base: `/api/v1/namespaces/${ns}/pods`, status: true, build: (name) => podBuilder(name).build() },
    { kind: 'ReplicationController', base: `/api/v1/namespaces/${ns}/replicationcontrollers`, status: true, build: (name) => rcBuilder(name).build() },
    { kind: 'Service', base: `/api/v1/namespaces/${ns}/services`, status: true, build: (name) => serviceBuilder(name).build() },
    { kind: 'Deployment', base: `/apis/apps/v1/namespaces/${ns}/deployments`, status: true, build: (name) => deploymentBuilder(name).matchLabels({ app: name }).build() },
    { kind: 'ReplicaSet', base: `/apis/apps/v1/namespaces/${ns}/replicasets`, status: true, build: (name) => replicaSetBuilder(name).matchLabels({ app: name }).build() },
    { kind: 'DaemonSet', base: `/apis/apps/v1/namespaces/${ns}/daemonsets`, status: true, build: (name) => daemonSetBuilder(name).matchLabels({ app: name }).build() },
    { kind: 'Job', base: `/apis/batch/v1/namespaces/${ns}/jobs`, status: true, build: (name) => jobBuilder(name).build() },
    { kind: 'Node', base: '/api/v1/nodes', status: true, build: (name) => nodeBuilder(name).build() },
    { kind: 'Namespace', base: '/api/v1/namespaces', status: true, build: (name) => namespaceBuilder(name).build() },
    { kind: 'ConfigMap', base: `/api/v1/namespaces/${ns}/configmaps`, status: false, build: (name) => ({ ...objectBuilder('v1', 'ConfigMap', name).build(), data: { 'a.conf': 'x\u2028' } }) },
    { kind: 'Secret', base: `/api/v1/namespaces/${ns}/secrets`, status: false, build: (name) => ({ ...objectBuilder('v1', 'Secret', name).build(), stringData: { k: 'v' } }) },
    { kind: 'ServiceAccount', base: `/api/v1/namespaces/${ns}/serviceaccounts`, status: false, build: (name) => objectBuilder('v1', 'ServiceAccount', name).build() },
  ];
  for (const c of cases) {
    test(c.kind, async () => {
      const name = n();
      const created = await s.request('POST', c.base, { body: c.build(name) });
      assert.equal(created.status, 201, created.text);
      const put = await s.request('PUT', `${c.base}/${name}`, { body: created.json });
      assert.equal(put.status, 200, put.text);
      if (c.status) {
        const st = await s.request('PUT', `${c.base}/${name}/status`, { body: put.json });
        assert.equal(st.status, 200, st.text);
      }
    });
  }
});
