/** Methods no route has (OPTIONS, TRACE, a made-up token) on paths that exist are 405
 * MethodNotAllowed with Kubernetes' generic Status, as kube-apiserver's router answers; on paths
 * no route has, 404. HTTP/1.1's parser refuses unknown tokens itself, so FOO goes over HTTP/2. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';

const suffix = (): string => randomBytes(3).toString('hex');

interface Answer {
  status: number;
  json: { kind?: string; reason?: string; message?: string; code?: number; details?: unknown } | undefined;
  text: string;
}

function h2request(s: TestServer, method: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(s.url, { ca: s.server.caCert });
    session.on('error', reject);
    const stream = session.request({ ':method': method, ':path': path, authorization: `Bearer ${s.server.adminToken}` });
    let status = 0;
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (status = Number(h[':status'])));
    stream.on('data', (c: string) => (text += c));
    stream.on('end', () => {
      session.close();
      let json: Answer['json'];
      try {
        json = JSON.parse(text) as Answer['json'];
      } catch {
        json = undefined;
      }
      resolve({ status, json, text });
    });
    stream.on('error', reject);
    stream.end();
  });
}

describe('methods without a route', () => {
  let s: TestServer;
  const ns = `m-${suffix()}`;
  const cm = `c-${suffix()}`;
  before(async () => {
    s = await startTestServer();
    assert.equal((await s.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } })).status, 201);
    assert.equal((await s.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm } } })).status, 201);
  });
  after(async () => {
    await s.stop();
  });

  const served = () => [
    { name: 'a namespaced collection', path: `/api/v1/namespaces/${ns}/configmaps` },
    { name: 'a named object', path: `/api/v1/namespaces/${ns}/configmaps/${cm}` },
    { name: 'a cluster-wide list of a namespaced resource', path: '/api/v1/pods' },
    { name: 'a namespace', path: `/api/v1/namespaces/${ns}` },
    { name: 'a status subresource', path: `/apis/apps/v1/namespaces/${ns}/deployments/d-${suffix()}/status` },
    { name: 'a grouped collection', path: `/apis/apps/v1/namespaces/${ns}/deployments` },
    { name: 'a cluster-scoped collection', path: '/api/v1/nodes' },
  ];
  const unserved = () => [
    { name: 'an unknown resource', path: `/api/v1/namespaces/${ns}/widgets` },
    { name: 'an unknown group', path: '/apis/nothing.example/v1/things' },
    { name: 'a cluster-scoped resource under a namespace', path: `/api/v1/namespaces/${ns}/nodes` },
    { name: 'an unknown subresource', path: `/api/v1/namespaces/${ns}/configmaps/${cm}/nothing` },
    { name: 'no API path at all', path: `/nothing-${suffix()}` },
  ];

  for (const method of ['OPTIONS', 'TRACE']) {
    test(`${method} on served paths is 405 MethodNotAllowed (HTTP/1.1)`, async () => {
      for (const c of served()) {
        const r = await s.request(method, c.path);
        assert.equal(r.status, 405, `${c.name}: ${r.text}`);
        assert.deepEqual(r.json, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'the server does not allow this method on the requested resource',
          reason: 'MethodNotAllowed',
          details: {},
          code: 405,
        }, c.name);
      }
    });

    test(`${method} on paths no route has is 404 (HTTP/1.1)`, async () => {
      for (const c of unserved()) {
        const r = await s.request(method, c.path);
        assert.equal(r.status, 404, `${c.name}: ${r.text}`);
        assert.equal(r.json?.kind, 'Status', c.name);
        assert.equal(r.json?.reason, 'NotFound', c.name);
      }
    });
  }

  test('a made-up method (FOO) over HTTP/2: 405 on served paths, 404 elsewhere', async () => {
    for (const c of served()) {
      const r = await h2request(s, 'FOO', c.path);
      assert.equal(r.status, 405, `${c.name}: ${r.text}`);
      assert.equal(r.json?.reason, 'MethodNotAllowed', c.name);
      assert.deepEqual(r.json?.details, {}, c.name);
    }
    for (const c of unserved()) {
      const r = await h2request(s, 'FOO', c.path);
      assert.equal(r.status, 404, `${c.name}: ${r.text}`);
      assert.equal(r.json?.reason, 'NotFound', c.name);
    }
  });

  test('the object is untouched by the refused methods', async () => {
    const r = await s.request('GET', `/api/v1/namespaces/${ns}/configmaps/${cm}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.metadata.name, cm);
  });
});
