/** kubectl reads `details` off error Statuses: with them always present, `kubectl debug` (1.32)
 * reports that ephemeral containers are not served instead of panicking, and deleting a
 * protected namespace or a collection Kubernetes does not serve reads as it does there. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { Kubectl } from '../helpers/kubectl.js';

describe('kubectl against the request boundary', () => {
  let s: TestServer;
  let kubectl: Kubectl;
  before(async () => {
    s = await startTestServer();
    kubectl = new Kubectl(s.kubeconfig);
  });
  after(async () => {
    await s.stop();
  });

  test('kubectl debug POD prints an error instead of panicking', async () => {
    const pod = `dbg-${randomBytes(3).toString('hex')}`;
    const created = await s.request('POST', '/api/v1/namespaces/default/pods', {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod }, spec: { containers: [{ name: 'app', image: 'busybox' }] } },
    });
    assert.equal(created.status, 201, created.text);
    const r = await kubectl.run(['debug', pod, '--image=busybox']);
    assert.doesNotMatch(r.stderr, /panic|nil pointer/);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ephemeral containers are disabled for this cluster \(error from server: "the server could not find the requested resource"\)/);
  });

  test('kubectl delete namespace kube-system is Forbidden in Kubernetes\' words', async () => {
    const r = await kubectl.run(['delete', 'namespace', 'kube-system']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): namespaces "kube-system" is forbidden: this namespace may not be deleted');
  });
});
