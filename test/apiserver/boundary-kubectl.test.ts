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

  test('kubectl debug POD adds an ephemeral container instead of panicking', async () => {
    const pod = `dbg-${randomBytes(3).toString('hex')}`;
    const created = await s.request('POST', '/api/v1/namespaces/default/pods', {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod }, spec: { containers: [{ name: 'app', image: 'busybox' }] } },
    });
    assert.equal(created.status, 201, created.text);
    const r = await kubectl.run(['debug', pod, '--image=busybox']);
    assert.doesNotMatch(r.stderr, /panic|nil pointer/);
    assert.equal(r.code, 0, r.stderr);
    const debugged = await s.request('GET', `/api/v1/namespaces/default/pods/${pod}`);
    const added = debugged.json.spec.ephemeralContainers as { name: string; image: string }[];
    assert.equal(added.length, 1);
    assert.match(added[0]!.name, /^debugger-[a-z0-9]+$/);
    assert.equal(added[0]!.image, 'busybox');
  });

  test('kubectl delete namespace kube-system is Forbidden in Kubernetes\' words', async () => {
    const r = await kubectl.run(['delete', 'namespace', 'kube-system']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): namespaces "kube-system" is forbidden: this namespace may not be deleted');
  });
});
