/** The OpenAPI documents promise only what the server serves: every path and operation of
 * `/openapi/v3` (and so of `/openapi/v2`, built from it) gets an answer other than a route's 404
 * or a 405, and the operations Kubernetes does not serve (deletecollection of namespaces, create
 * and deletecollection across all namespaces) are not listed. Writes are dry runs. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';

const suffix = (): string => randomBytes(3).toString('hex');
const methods = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

type Doc = { paths: Record<string, Record<string, unknown>> };

describe('OpenAPI operations agree with the routes', () => {
  let s: TestServer;
  const ns = `oa-${suffix()}`;
  const docs = new Map<string, Doc>();
  before(async () => {
    s = await startTestServer();
    assert.equal((await s.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } })).status, 201);
    const index = await s.request('GET', '/openapi/v3');
    for (const gv of Object.keys(index.json.paths as Record<string, unknown>)) {
      const r = await s.request('GET', `/openapi/v3/${gv}`);
      assert.equal(r.status, 200, gv);
      docs.set(gv, r.json as Doc);
    }
  });
  after(async () => {
    await s.stop();
  });

  test('every listed (path, method) is served', async () => {
    let checked = 0;
    const refused: string[] = [];
    for (const [gv, doc] of docs) {
      for (const [template, item] of Object.entries(doc.paths)) {
        const path = template.replace('{namespace}', ns).replace('{name}', `absent-${suffix()}`);
        for (const m of methods) {
          if (!item[m]) continue;
          const method = m.toUpperCase();
          const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
          const r = await s.request(method, `${path}?dryRun=All`, withBody ? { body: {}, contentType: method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' } : {});
          checked++;
          // A 404 for the object (it does not exist) names it; the route's 404 does not.
          const routeMissing = r.status === 404 && !r.json?.details?.name;
          if (r.status === 405 || routeMissing) refused.push(`${gv}: ${method} ${template} → ${r.status} ${r.json?.message ?? r.text}`);
        }
      }
    }
    assert.ok(checked > 100, `checked ${checked} operations`);
    assert.deepEqual(refused, []);
  });

  test('operations Kubernetes does not serve are not listed', () => {
    const core = docs.get('api/v1')!;
    assert.ok(core.paths['/api/v1/namespaces'], 'namespaces are listed');
    assert.equal(core.paths['/api/v1/namespaces']!['delete'], undefined, 'no deletecollection of namespaces');
    for (const [gv, doc] of docs) {
      for (const [template, item] of Object.entries(doc.paths)) {
        if (template.includes('{namespace}') || template.includes('{name}')) continue;
        // Across all namespaces: a namespaced resource's path has a twin under {namespace}.
        const plural = template.split('/').pop()!;
        const prefix = template.slice(0, -plural.length - 1);
        if (!doc.paths[`${prefix}/namespaces/{namespace}/${plural}`]) continue;
        assert.deepEqual(Object.keys(item).filter((k) => (methods as readonly string[]).includes(k)), ['get'], `${gv}: ${template} only lists and watches`);
      }
    }
  });

  test('the refused operations are indeed refused (405)', async () => {
    const cases = [
      { name: 'deletecollection of namespaces', method: 'DELETE', path: '/api/v1/namespaces' },
      { name: 'deletecollection of pods across namespaces', method: 'DELETE', path: '/api/v1/pods' },
      { name: 'create across namespaces', method: 'POST', path: '/api/v1/configmaps' },
      { name: 'deletecollection of deployments across namespaces', method: 'DELETE', path: '/apis/apps/v1/deployments' },
    ];
    for (const c of cases) {
      const r = await s.request(c.method, `${c.path}?dryRun=All`, c.method === 'POST' ? { body: {} } : {});
      assert.equal(r.status, 405, `${c.name}: ${r.text}`);
      assert.equal(r.json.reason, 'MethodNotAllowed', c.name);
    }
  });
});
