/** `GET /openapi/v2` over HTTPS: JSON or gnostic protobuf by Accept (as kube-openapi negotiates),
 * ETag and If-None-Match, 406 as a Status, and the served set following --runtime-config. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';

interface Raw {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

function get(s: TestServer, headers: Record<string, string>, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL('/openapi/v2', s.url), { method, headers: { Authorization: `Bearer ${s.server.adminToken}`, ...headers }, ca: s.server.caCert }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const protobufType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

void describe('GET /openapi/v2', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.stop();
  });

  const cases = [
    { name: 'no Accept', accept: undefined, type: 'application/json' },
    { name: 'application/json', accept: 'application/json', type: 'application/json' },
    { name: '*/*', accept: '*/*', type: 'application/json' },
    { name: 'kubectl 1.20–1.26 (deprecated protobuf name)', accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf', type: protobufType },
    { name: 'protobuf name', accept: protobufType, type: protobufType },
    { name: 'protobuf preferred by quality', accept: `application/json;q=0.5, ${protobufType}`, type: protobufType },
  ];
  for (const c of cases) {
    void test(`Accept: ${c.name} → ${c.type}`, async () => {
      const r = await get(s, c.accept === undefined ? {} : { Accept: c.accept });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], c.type);
      assert.equal(r.headers['vary'], 'Accept');
      assert.match(String(r.headers['etag']), /^"[0-9A-F]{128}"$/);
      if (c.type === 'application/json') {
        const doc = JSON.parse(r.body.toString('utf8'));
        assert.equal(doc.swagger, '2.0');
        assert.deepEqual(doc.definitions['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
      } else {
        // Document.swagger (field 1) comes first: 0x0a, length 3, "2.0".
        assert.deepEqual([...r.body.subarray(0, 5)], [0x0a, 0x03, 0x32, 0x2e, 0x30]);
        assert.ok(r.body.includes(Buffer.from('io.k8s.api.apps.v1.Deployment')));
      }
    });
  }

  void test('both forms share one ETag; If-None-Match with it answers 304 without a body, another tag 200', async () => {
    const json = await get(s, {});
    const pb = await get(s, { Accept: protobufType });
    assert.equal(json.headers['etag'], pb.headers['etag']);
    const etag = String(json.headers['etag']);
    const cached = await get(s, { Accept: protobufType, 'If-None-Match': etag });
    assert.equal(cached.status, 304);
    assert.equal(cached.body.length, 0);
    const stale = await get(s, { 'If-None-Match': '"0123"' });
    assert.equal(stale.status, 200);
    assert.ok(stale.body.length > 100_000, `${stale.body.length} bytes`);
  });

  void test('HEAD answers the headers of GET without a body', async () => {
    const r = await get(s, {}, 'HEAD');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.body.length, 0);
    assert.ok(Number(r.headers['content-length']) > 100_000);
  });

  void test('an Accept it cannot serve is 406 with a Status', async () => {
    const r = await get(s, { Accept: 'text/html' });
    assert.equal(r.status, 406);
    const st = JSON.parse(r.body.toString('utf8'));
    assert.equal(st.kind, 'Status');
    assert.equal(st.reason, 'NotAcceptable');
    assert.equal(st.code, 406);
  });

  void test('by default extensions/v1beta1 has jobs and replica sets, not deployments or daemon sets', async () => {
    const doc = JSON.parse((await get(s, {})).body.toString('utf8'));
    assert.ok(doc.definitions['io.k8s.api.extensions.v1beta1.ReplicaSet']);
    assert.ok(doc.paths['/apis/extensions/v1beta1/namespaces/{namespace}/jobs/{name}']);
    for (const kind of ['Deployment', 'DaemonSet']) assert.equal(doc.definitions[`io.k8s.api.extensions.v1beta1.${kind}`], undefined, kind);
    for (const plural of ['deployments', 'daemonsets']) assert.equal(doc.paths[`/apis/extensions/v1beta1/namespaces/{namespace}/${plural}`], undefined, plural);
  });
});

void test('GET /openapi/v2 follows --runtime-config: extensions/v1beta1 deployments when enabled', async () => {
  const s = await startTestServer({ runtimeConfig: 'extensions/v1beta1/deployments=true' });
  try {
    const doc = JSON.parse((await get(s, {})).body.toString('utf8'));
    assert.deepEqual(doc.definitions['io.k8s.api.extensions.v1beta1.Deployment']['x-kubernetes-group-version-kind'], [{ group: 'extensions', kind: 'Deployment', version: 'v1beta1' }]);
    assert.ok(doc.paths['/apis/extensions/v1beta1/namespaces/{namespace}/deployments/{name}'].patch);
    assert.equal(doc.paths['/apis/extensions/v1beta1/namespaces/{namespace}/daemonsets'], undefined);
  } finally {
    await s.stop();
  }
});
