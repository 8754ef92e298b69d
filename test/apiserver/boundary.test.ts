/** The request boundary: what a hostile or careless client sends gets Kubernetes' answer as a
 * Status, the server stays up, and no path reaches an object it does not name. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { startTestServer, type Response, type TestServer } from '../helpers/apiserver.js';
import { namespaceBuilder, nodeBuilder, objectBuilder } from '../helpers/builders.js';
import { rawExchange } from '../helpers/rawtls.js';
import { captureLog, type CapturedLog } from '../helpers/logcapture.js';

const suffix = (): string => randomBytes(3).toString('hex');

/** A request whose path goes on the wire exactly as given (no URL resolution of `.`/`..`). */
function rawPath(s: TestServer, method: string, path: string, token: string | undefined = s.server.adminToken): Promise<Response> {
  const u = new URL(s.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: u.hostname, port: u.port, path, method, ca: s.server.caCert, headers: token ? { Authorization: `Bearer ${token}` } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function assertStatus(r: Response, code: number, reason: string, message?: string | RegExp): void {
  assert.equal(r.status, code, r.text);
  assert.equal(r.json?.kind, 'Status', r.text);
  assert.equal(r.json.code, code);
  assert.equal(r.json.reason, reason);
  if (typeof message === 'string') assert.equal(r.json.message, message);
  else if (message) assert.match(r.json.message, message);
}

describe('request boundary', () => {
  let s: TestServer;
  let logs: CapturedLog;
  before(async () => {
    logs = captureLog();
    s = await startTestServer({ logger: logs.log, maxRequestBodyBytes: 64 * 1024 });
  });
  after(async () => {
    await s.stop();
  });

  test('targets that used to kill the process get a Status, and the server lives on', async () => {
    const cases: { name: string; path: string; token?: string; code: number; reason: string; message: string }[] = [
      { name: 'malformed escape (unauthenticated)', path: '/api/v1/namespaces/%E0%A4%A/pods', token: '', code: 400, reason: 'BadRequest', message: 'invalid URL escape "%A/"' },
      { name: 'malformed escape', path: '/api/v1/namespaces/%E0%A4%A/pods', code: 400, reason: 'BadRequest', message: 'invalid URL escape "%A/"' },
      { name: 'escape cut short at the end', path: '/api/v1/namespaces/default/pods/x%4', code: 400, reason: 'BadRequest', message: 'invalid URL escape "%4"' },
      { name: 'lone percent', path: '/%', code: 400, reason: 'BadRequest', message: 'invalid URL escape "%"' },
      { name: 'target starting with //', path: '//%00/', code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' },
      { name: 'target starting with // (unauthenticated)', path: '//%00/', token: '', code: 401, reason: 'Unauthorized', message: 'Unauthorized' },
      { name: 'invalid UTF-8 in a name', path: '/api/v1/namespaces/default/configmaps/%E0%A4', code: 404, reason: 'NotFound', message: 'configmaps "\uFFFD" not found' },
    ];
    for (const c of cases) {
      const r = await rawPath(s, 'GET', c.path, c.token);
      assertStatus(r, c.code, c.reason, c.message);
    }
    assert.equal((await s.request('GET', '/version')).status, 200);
    assert.deepEqual(logs.errors(), []);
  });

  test('. and .. are names Kubernetes refuses; no path is normalised', async () => {
    const ns = `victim-${suffix()}`;
    assert.equal((await s.request('POST', '/api/v1/namespaces', { body: namespaceBuilder(ns).build() })).status, 201);
    for (const n of ['keep-a', 'keep-b']) {
      const r = await s.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: objectBuilder('v1', 'ConfigMap', n).namespace(ns).build() });
      assert.equal(r.status, 201, r.text);
    }
    const secret = await s.request('POST', `/api/v1/namespaces/${ns}/secrets`, { body: objectBuilder('v1', 'Secret', 'keep-s').namespace(ns).build() });
    assert.equal(secret.status, 201, secret.text);
    const cases: { name: string; method: string; path: string; code: number; reason: string; message: string }[] = [
      { name: '..', method: 'DELETE', path: `/api/v1/namespaces/${ns}/configmaps/..`, code: 400, reason: 'BadRequest', message: `Name parameter invalid: "..": may not be '..'` },
      { name: '.', method: 'DELETE', path: `/api/v1/namespaces/${ns}/configmaps/.`, code: 400, reason: 'BadRequest', message: `Name parameter invalid: ".": may not be '.'` },
      { name: 'escaped ..', method: 'DELETE', path: `/api/v1/namespaces/${ns}/configmaps/%2E%2E`, code: 400, reason: 'BadRequest', message: `Name parameter invalid: "..": may not be '..'` },
      { name: 'get ..', method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps/..`, code: 400, reason: 'BadRequest', message: `Name parameter invalid: "..": may not be '..'` },
      { name: 'namespace named ..', method: 'DELETE', path: '/api/v1/namespaces/..', code: 400, reason: 'BadRequest', message: `Name parameter invalid: "..": may not be '..'` },
      { name: 'percent in a name', method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps/a%25b`, code: 400, reason: 'BadRequest', message: `Name parameter invalid: "a%b": may not contain '%'` },
      { name: 'climbing out to secrets', method: 'DELETE', path: `/api/v1/namespaces/${ns}/configmaps/../../../secrets`, code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' },
      { name: 'empty namespace segment', method: 'DELETE', path: '/api/v1/namespaces//configmaps', code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' },
      { name: 'empty name segment', method: 'DELETE', path: `/api/v1/namespaces/${ns}/configmaps//status`, code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' },
      { name: 'escaped slash splits the name', method: 'DELETE', path: `/api/v1/namespaces/${ns}/configmaps/keep-a%2Fx`, code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' },
    ];
    for (const c of cases) {
      const r = await rawPath(s, c.method, c.path);
      assert.equal(r.status, c.code, `${c.name}: ${r.text}`);
      assertStatus(r, c.code, c.reason, c.message);
    }
    // Nothing was touched.
    assert.equal((await s.request('GET', `/api/v1/namespaces/${ns}`)).json.status.phase, 'Active');
    const cms = await s.request('GET', `/api/v1/namespaces/${ns}/configmaps`);
    assert.deepEqual(cms.json.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['keep-a', 'keep-b']);
    assert.equal((await s.request('GET', `/api/v1/namespaces/${ns}/secrets/keep-s`)).status, 200);
  });

  test('deletecollection and the other verbs are served exactly where Kubernetes serves them', async () => {
    const ns = `coll-${suffix()}`;
    assert.equal((await s.request('POST', '/api/v1/namespaces', { body: namespaceBuilder(ns).build() })).status, 201);
    assert.equal((await s.request('POST', `/api/v1/namespaces/${ns}/secrets`, { body: objectBuilder('v1', 'Secret', 's1').namespace(ns).build() })).status, 201);
    const notAllowed = 'the server does not allow this method on the requested resource';
    const cases: { name: string; method: string; path: string; code: number }[] = [
      { name: 'deletecollection of namespaces', method: 'DELETE', path: '/api/v1/namespaces', code: 405 },
      { name: 'cluster-wide deletecollection of pods', method: 'DELETE', path: '/api/v1/pods', code: 405 },
      { name: 'cluster-wide deletecollection of secrets', method: 'DELETE', path: '/api/v1/secrets', code: 405 },
      { name: 'cluster-wide deletecollection of deployments', method: 'DELETE', path: '/apis/apps/v1/deployments', code: 405 },
      { name: 'cluster-wide create of pods', method: 'POST', path: '/api/v1/pods', code: 405 },
      { name: 'update of a collection', method: 'PUT', path: `/api/v1/namespaces/${ns}/configmaps`, code: 405 },
      { name: 'patch of a collection', method: 'PATCH', path: '/api/v1/nodes', code: 405 },
      { name: 'create on a named object', method: 'POST', path: `/api/v1/namespaces/${ns}/configmaps/x`, code: 405 },
      { name: 'non-GET on /version', method: 'DELETE', path: '/version', code: 405 },
      { name: 'named namespaced object without a namespace', method: 'DELETE', path: '/api/v1/secrets/s1', code: 404 },
      { name: 'non-GET on a path that does not exist', method: 'DELETE', path: '/no/such/thing', code: 404 },
    ];
    for (const c of cases) {
      const r = await rawPath(s, c.method, c.path);
      assert.equal(r.status, c.code, `${c.name}: ${r.text}`);
      if (c.code === 405) assertStatus(r, 405, 'MethodNotAllowed', notAllowed);
      else assertStatus(r, 404, 'NotFound', 'the server could not find the requested resource');
      assert.deepEqual(r.json.details, {}, c.name);
    }
    assert.equal((await s.request('GET', `/api/v1/namespaces/${ns}/secrets/s1`)).status, 200);
    assert.equal((await s.request('GET', '/api/v1/namespaces/kube-system')).status, 200);
    // Where Kubernetes has it, deletecollection works: nodes (cluster-scoped) and a namespace's secrets.
    const node = `node-${suffix()}`;
    assert.equal((await s.request('POST', '/api/v1/nodes', { body: nodeBuilder(node).build() })).status, 201);
    assert.equal((await s.request('DELETE', '/api/v1/nodes')).status, 200);
    assert.equal((await s.request('GET', `/api/v1/nodes/${node}`)).status, 404);
    assert.equal((await s.request('DELETE', `/api/v1/namespaces/${ns}/secrets`)).status, 200);
    assert.equal((await s.request('GET', `/api/v1/namespaces/${ns}/secrets/s1`)).status, 404);
  });

  test('discovery lists the verbs that are served', async () => {
    const legacy = await s.request('GET', '/api/v1');
    const verbsOf = (name: string): string[] => legacy.json.resources.find((r: { name: string }) => r.name === name).verbs;
    assert.deepEqual(verbsOf('namespaces'), ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
    assert.deepEqual(verbsOf('nodes'), ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    assert.deepEqual(verbsOf('pods'), ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    const agg = await s.request('GET', '/api', { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } });
    const resources = agg.json.items[0].versions[0].resources as { resource: string; verbs: string[] }[];
    assert.deepEqual(resources.find((r) => r.resource === 'namespaces')!.verbs, verbsOf('namespaces'));
  });

  test('the initial namespaces cannot be deleted, in Kubernetes\' words', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      const r = await s.request('DELETE', `/api/v1/namespaces/${ns}`);
      assertStatus(r, 403, 'Forbidden', `namespaces "${ns}" is forbidden: this namespace may not be deleted`);
      assert.deepEqual(r.json.details, { name: ns, kind: 'namespaces' });
      const still = await s.request('GET', `/api/v1/namespaces/${ns}`);
      assert.equal(still.status, 200);
      assert.equal(still.json.metadata.deletionTimestamp, undefined);
    }
  });

  test('every NotFound and AlreadyExists carries details', async () => {
    const missing = await s.request('GET', `/api/v1/namespaces/default/pods/gone-${suffix()}`);
    assert.equal(missing.status, 404);
    assert.deepEqual(Object.keys(missing.json.details).sort(), ['kind', 'name']);
    assert.equal(missing.json.details.kind, 'pods');
    // A served subresource of a missing pod names the pod, as Kubernetes does; an unserved one names nothing.
    const sub = await s.request('PATCH', `/api/v1/namespaces/default/pods/gone/ephemeralcontainers`, { body: '{}', contentType: 'application/strategic-merge-patch+json' });
    assert.equal(sub.status, 404);
    assert.deepEqual(sub.json.details, { name: 'gone', kind: 'pods' });
    const unserved = await s.request('PATCH', `/api/v1/namespaces/default/pods/gone/no-such-subresource`, { body: '{}', contentType: 'application/strategic-merge-patch+json' });
    assert.equal(unserved.status, 404);
    assert.deepEqual(unserved.json.details, {});
    const unknownGroup = await s.request('GET', '/apis/nothing.example.com/v1/things');
    assert.equal(unknownGroup.status, 404);
    assert.deepEqual(unknownGroup.json.details, {});
    const name = `dup-${suffix()}`;
    const cm = objectBuilder('v1', 'ConfigMap', name).build();
    assert.equal((await s.request('POST', '/api/v1/namespaces/default/configmaps', { body: cm })).status, 201);
    const dup = await s.request('POST', '/api/v1/namespaces/default/configmaps', { body: cm });
    assertStatus(dup, 409, 'AlreadyExists', `configmaps "${name}" already exists`);
    assert.deepEqual(dup.json.details, { name, kind: 'configmaps' });
  });

  test('bodies over the limit get 413 whether or not their length is declared', async () => {
    const big = JSON.stringify(objectBuilder('v1', 'ConfigMap', `big-${suffix()}`).set('data', { k: 'x'.repeat(70 * 1024) }).build());
    const declared = await s.request('POST', '/api/v1/namespaces/default/configmaps', { body: big });
    assertStatus(declared, 413, 'RequestEntityTooLarge', `Request entity too large: limit is ${64 * 1024}`);
    const chunked = await new Promise<Response>((resolve, reject) => {
      const req = https.request(new URL('/api/v1/namespaces/default/configmaps', s.url), {
        method: 'POST',
        ca: s.server.caCert,
        headers: { Authorization: `Bearer ${s.server.adminToken}`, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: JSON.parse(text) }));
      });
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 8192) req.write(big.slice(i, i + 8192));
      req.end();
    });
    assertStatus(chunked, 413, 'RequestEntityTooLarge', `Request entity too large: limit is ${64 * 1024}`);
  });

  test('parser-level rejections of HTTP/1.1 get a Status body, then the connection closes', async () => {
    const cases: { name: string; bytes: string; code: number; message: RegExp }[] = [
      // kube-apiserver reads request heads up to Go's MaxHeaderBytes, 1 MiB.
      { name: 'headers over the limit', bytes: `GET /version HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(1024 * 1024 + 1)}\r\n\r\n`, code: 431, message: /^Request Header Fields Too Large$/ },
      { name: 'garbage request line', bytes: 'HELLO THERE\r\n\r\n', code: 400, message: /^malformed HTTP request: HPE_/ },
      { name: 'bad header line', bytes: 'GET /version HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n', code: 400, message: /^malformed HTTP request: HPE_/ },
      { name: 'binary noise', bytes: '\x00\x01\x02\xff\xfe\r\n\r\n', code: 400, message: /^malformed HTTP request: HPE_/ },
    ];
    for (const c of cases) {
      const r = await rawExchange(s.server, c.bytes);
      assert.equal(r.status, c.code, `${c.name}: ${r.body}`);
      assert.equal(r.headers['content-type'], 'application/json');
      const status = JSON.parse(r.body) as { kind: string; code: number; message: string };
      assert.equal(status.kind, 'Status', c.name);
      assert.equal(status.code, c.code);
      assert.match(status.message, c.message, c.name);
    }
    assert.equal((await s.request('GET', '/version')).status, 200);
  });

  test('a bug in a handler is a 500 Status and one log line, not a dead server', async () => {
    const pod = `buggy-${suffix()}`;
    const created = await s.request('POST', '/api/v1/namespaces/default/pods', {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } },
    });
    assert.equal(created.status, 201, created.text);
    s.server.setPodLogStreamer(() => {
      throw new TypeError(`cannot read properties of undefined (reading '${pod}')`);
    });
    const before = logs.errors().length;
    const r = await s.request('GET', `/api/v1/namespaces/default/pods/${pod}/log`);
    assertStatus(r, 500, 'InternalError', `Internal error occurred: cannot read properties of undefined (reading '${pod}')`);
    const lines = logs.errors().slice(before);
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.equal(lines[0]!.url, `/api/v1/namespaces/default/pods/${pod}/log`);
    assert.equal((await s.request('GET', '/version')).status, 200);
  });
});
