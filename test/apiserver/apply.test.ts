/** Server-side apply and managedFields over HTTP against a real skiff API server. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.stop();
});

const cmPath = (name: string) => `/api/v1/namespaces/default/configmaps/${name}`;
const apply = (path: string, body: unknown, q: string) =>
  s.request('PATCH', `${path}?${q}`, { body: typeof body === 'string' ? body : JSON.stringify(body), contentType: 'application/apply-patch+yaml' });

function deployment(name: string, replicas: number, containers: { name: string; image: string }[]) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers } } },
  };
}

test('apply creates, records an Apply entry, and a YAML body works', async () => {
  const name = `cm-${Math.floor(Math.random() * 1e6)}`;
  const r = await apply(cmPath(name), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels:\n    a: "1"\ndata:\n  k1: v1\n  k2: v2\n`, 'fieldManager=alice');
  assert.equal(r.status, 201, r.text);
  const mf = r.json.metadata.managedFields;
  assert.equal(mf.length, 1);
  assert.equal(mf[0].manager, 'alice');
  assert.equal(mf[0].operation, 'Apply');
  assert.equal(mf[0].apiVersion, 'v1');
  assert.deepEqual(mf[0].fieldsV1, { 'f:data': { 'f:k1': {}, 'f:k2': {} }, 'f:metadata': { 'f:labels': { 'f:a': {} } } });
  assert.match(mf[0].time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('apply needs a fieldManager', async () => {
  const r = await apply(cmPath('nomanager'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nomanager' } }, '');
  assert.equal(r.status, 422);
  assert.match(r.json.message, /fieldManager: Required value: is required for apply patch/);
});

test('a second manager conflicts, force takes ownership, shared values do not conflict', async () => {
  const name = `conf-${Math.floor(Math.random() * 1e6)}`;
  const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
  assert.equal((await apply(cmPath(name), cm({ a: '1', b: '2' }), 'fieldManager=one')).status, 201);
  const shared = await apply(cmPath(name), cm({ a: '1' }), 'fieldManager=two');
  assert.equal(shared.status, 200, shared.text);
  const refused = await apply(cmPath(name), cm({ a: 'x', b: 'y' }), 'fieldManager=two');
  assert.equal(refused.status, 409);
  assert.equal(refused.json.reason, 'Conflict');
  assert.equal(refused.json.message, 'Apply failed with 2 conflicts: conflicts with "one":\n- .data.a\n- .data.b');
  assert.deepEqual(refused.json.details.causes, [
    { reason: 'FieldManagerConflict', message: 'conflict with "one"', field: '.data.a' },
    { reason: 'FieldManagerConflict', message: 'conflict with "one"', field: '.data.b' },
  ]);
  const one = await apply(cmPath(name), cm({ b: 'y' }), 'fieldManager=two');
  assert.equal(one.json.message, 'Apply failed with 1 conflict: conflict with "one": .data.b');
  const forced = await apply(cmPath(name), cm({ a: 'x', b: 'y' }), 'fieldManager=two&force=true');
  assert.equal(forced.status, 200, forced.text);
  assert.deepEqual(forced.json.data, { a: 'x', b: 'y' });
  const mf = forced.json.metadata.managedFields as { manager: string; fieldsV1: unknown }[];
  assert.deepEqual(mf.map((m) => m.manager), ['two']);
});

test('a field the applier drops goes, unless another manager owns it', async () => {
  const name = `drop-${Math.floor(Math.random() * 1e6)}`;
  const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
  await apply(cmPath(name), cm({ a: '1', b: '2', c: '3' }), 'fieldManager=one');
  await apply(cmPath(name), cm({ c: '3' }), 'fieldManager=two');
  const r = await apply(cmPath(name), cm({ a: '1' }), 'fieldManager=one');
  assert.deepEqual(r.json.data, { a: '1', c: '3' });
});

test('updates record Update entries by fieldManager or User-Agent, and conflict with apply', async () => {
  const name = `upd-${Math.floor(Math.random() * 1e6)}`;
  const created = await s.request('POST', '/api/v1/namespaces/default/configmaps', {
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } }, headers: { 'User-Agent': 'my-tool/1.2 (linux)' },
  });
  assert.equal(created.status, 201);
  assert.deepEqual(created.json.metadata.managedFields.map((m: { manager: string; operation: string }) => [m.manager, m.operation]), [['my-tool', 'Update']]);
  const patched = await s.request('PATCH', `${cmPath(name)}?fieldManager=patcher`, { body: { data: { b: '2' } }, contentType: 'application/merge-patch+json' });
  assert.deepEqual(patched.json.metadata.managedFields.map((m: { manager: string }) => m.manager), ['my-tool', 'patcher']);
  const r = await apply(cmPath(name), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '9' } }, 'fieldManager=applier');
  assert.equal(r.status, 409);
  assert.match(r.json.message, /^Apply failed with 1 conflict: conflict with "my-tool" using v1 at \d{4}-.*Z: \.data\.a$/);
});

test('containers merge by name; a second manager adds its own container', async () => {
  const name = `dep-${Math.floor(Math.random() * 1e6)}`;
  const path = `/apis/apps/v1/namespaces/default/deployments/${name}`;
  const d1 = deployment(name, 2, [{ name: 'web', image: 'nginx' }]);
  assert.equal((await apply(path, d1, 'fieldManager=team-a')).status, 201);
  const sidecar = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { template: { spec: { containers: [{ name: 'log', image: 'busybox' }] } } } };
  const r = await apply(path, sidecar, 'fieldManager=team-b');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.spec.template.spec.containers.map((c: { name: string }) => c.name), ['web', 'log']);
  assert.equal(r.json.spec.replicas, 2);
  const b = r.json.metadata.managedFields.find((m: { manager: string }) => m.manager === 'team-b');
  assert.deepEqual(Object.keys(b.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']), ['k:{"name":"log"}']);
  const a = r.json.metadata.managedFields.find((m: { manager: string }) => m.manager === 'team-a');
  assert.deepEqual(a.fieldsV1['f:spec']['f:selector'], {});
  // team-a changes its image, and team-b's container stays.
  const again = await apply(path, deployment(name, 2, [{ name: 'web', image: 'nginx:2' }]), 'fieldManager=team-a');
  assert.deepEqual(again.json.spec.template.spec.containers.map((c: { image: string }) => c.image), ['nginx:2', 'busybox']);
  const conflict = await apply(path, { ...sidecar, spec: { template: { spec: { containers: [{ name: 'web', image: 'other' }] } } } }, 'fieldManager=team-b');
  assert.equal(conflict.json.message, 'Apply failed with 1 conflict: conflict with "team-a": .spec.template.spec.containers[name="web"].image');
});

test('dry-run apply stores nothing', async () => {
  const name = `dry-${Math.floor(Math.random() * 1e6)}`;
  const r = await apply(cmPath(name), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } }, 'fieldManager=x&dryRun=All');
  assert.equal(r.status, 201);
  assert.deepEqual(r.json.data, { a: '1' });
  assert.equal((await s.request('GET', cmPath(name))).status, 404);
});

test('strict field validation names the unknown field', async () => {
  const r = await apply(cmPath('strict'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict' }, dataa: { a: '1' } }, 'fieldManager=x&fieldValidation=Strict');
  assert.equal(r.status, 400);
  assert.match(r.json.message, /strict decoding error: unknown field "dataa"/);
});

test('managedFields can be reset with [{}] and a no-op write keeps the resourceVersion', async () => {
  const name = `reset-${Math.floor(Math.random() * 1e6)}`;
  const c = await apply(cmPath(name), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } }, 'fieldManager=x');
  const again = await apply(cmPath(name), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } }, 'fieldManager=x');
  assert.equal(again.json.metadata.resourceVersion, c.json.metadata.resourceVersion);
  const r = await s.request('PATCH', cmPath(name), { body: { metadata: { managedFields: [{}] } }, contentType: 'application/merge-patch+json' });
  assert.equal(r.status, 200);
  assert.equal(r.json.metadata.managedFields, undefined);
});

test('YAML duplicate keys: Strict fails with the line, Warn answers with a warning', async () => {
  const name = `dup-${Math.floor(Math.random() * 1e6)}`;
  const body = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n  a: "2"\n`;
  const strict = await s.request('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { body, contentType: 'application/yaml' });
  assert.equal(strict.status, 400);
  assert.equal(strict.json.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: yaml: unmarshal errors:\n  line 7: key "a" already set in map');
  const applied = await apply(cmPath(name), body, 'fieldManager=x&fieldValidation=Strict');
  assert.equal(applied.status, 400);
  const warn = await s.request('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', { body, contentType: 'application/yaml' });
  assert.equal(warn.status, 201);
  assert.equal(warn.headers['warning'], '299 - "line 7: key \\"a\\" already set in map"');
  assert.deepEqual(warn.json.data, { a: '2' });
});

test('a status write is recorded with subresource status; main-resource writes never own status', async () => {
  const name = `st-${Math.floor(Math.random() * 1e6)}`;
  const path = `/apis/apps/v1/namespaces/default/deployments/${name}`;
  const created = await apply(path, deployment(name, 1, [{ name: 'web', image: 'nginx' }]), 'fieldManager=owner');
  assert.equal(created.status, 201, created.text);
  const cur = created.json;
  const st = await s.request('PUT', `${path}/status?fieldManager=controller`, { body: { ...cur, status: { ...cur.status, observedGeneration: 1, replicas: 0 } } });
  assert.equal(st.status, 200, st.text);
  const entry = st.json.metadata.managedFields.find((m: { manager: string }) => m.manager === 'controller');
  assert.equal(entry.subresource, 'status');
  assert.ok(entry.fieldsV1['f:status']['f:observedGeneration']);
  const owner = st.json.metadata.managedFields.find((m: { manager: string }) => m.manager === 'owner');
  assert.equal(owner.fieldsV1['f:status'], undefined);
});

test('dry-run service writes check requested node ports and take none', async () => {
  const port = 30000 + Math.floor(Math.random() * 2700);
  const svc = (name: string, nodePort: number) => ({
    apiVersion: 'v1', kind: 'Service', metadata: { name },
    spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80, nodePort }] },
  });
  const svcs = '/api/v1/namespaces/default/services';
  assert.equal((await s.request('POST', svcs, { body: svc(`real-${port}`, port) })).status, 201);
  const taken = await s.request('POST', `${svcs}?dryRun=All`, { body: svc(`dry-${port}`, port) });
  assert.equal(taken.status, 422);
  assert.match(taken.json.message, new RegExp(`spec.ports\\[0\\].nodePort: Invalid value: ${port}: provided port is already allocated`));
  const free = await s.request('POST', `${svcs}?dryRun=All`, { body: svc(`dry-${port}`, port + 1) });
  assert.equal(free.status, 201, free.text);
  assert.equal(free.json.spec.ports[0].nodePort, port + 1);
  const applied = await apply(`${svcs}/dry2-${port}`, svc(`dry2-${port}`, port + 1), 'fieldManager=x&dryRun=All');
  assert.equal(applied.status, 201, applied.text);
  assert.equal((await s.request('POST', svcs, { body: svc(`other-${port}`, port + 1) })).status, 201, 'the port the dry runs named is still free');
});
