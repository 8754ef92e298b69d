/** The server-side apply library: field sets, FieldsV1, paths, merges by schema (built-in and a
 * CRD's OpenAPI schema), table-driven. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, applyConfig, compare, kindType, mergeApplied, openApiType, pathString, toFieldSet } from '../../src/apiserver/apply/index.js';

test('FieldsV1 round-trips, with "." for members that have children', () => {
  const v1 = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } }, 'f:replicas': {} } };
  const s = FieldSet.fromFieldsV1(v1);
  assert.deepEqual(s.toFieldsV1(), v1);
  assert.ok(s.has(['f:spec', 'f:replicas']));
  assert.ok(s.has(['f:metadata', 'f:labels']));
  assert.ok(!s.has(['f:spec']));
  assert.ok(s.hasPrefix(['f:spec']));
});

test('set operations', () => {
  const a = FieldSet.of([['f:a'], ['f:b', 'f:c'], ['f:b', 'f:d']]);
  const b = FieldSet.of([['f:b', 'f:c'], ['f:e']]);
  assert.deepEqual([...a.difference(b).paths()], [['f:a'], ['f:b', 'f:d']]);
  assert.deepEqual([...a.intersection(b).paths()], [['f:b', 'f:c']]);
  assert.equal([...a.union(b).paths()].length, 4);
  assert.ok(a.union(b).difference(a).equals(FieldSet.of([['f:e']])));
});

const cases: { name: string; path: string[]; want: string }[] = [
  { name: 'fields', path: ['f:spec', 'f:replicas'], want: '.spec.replicas' },
  { name: 'a keyed item', path: ['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'], want: '.spec.containers[name="web"].image' },
  { name: 'two keys', path: ['f:ports', 'k:{"containerPort":80,"protocol":"TCP"}'], want: '.ports[containerPort=80,protocol="TCP"]' },
  { name: 'a set value', path: ['f:metadata', 'f:finalizers', 'v:"x"'], want: '.metadata.finalizers[="x"]' },
  { name: 'an index', path: ['f:args', 'i:2'], want: '.args[2]' },
];
for (const c of cases) test(`path string: ${c.name}`, () => assert.equal(pathString(c.path), c.want));

test('a pod spec field set: keyed containers, ports by containerPort+protocol (TCP by default), atomic selector', () => {
  const t = kindType('apps', 'v1', 'Deployment');
  const s = toFieldSet({ spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80 }] }] } } } }, t);
  assert.deepEqual(s.toFieldsV1(), {
    'f:spec': {
      'f:selector': {},
      'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } } } },
    },
  });
});

test('merge: map lists by key, sets by value, atomic lists replaced', () => {
  const t = kindType('', 'v1', 'Pod');
  const live = { metadata: { finalizers: ['a'] }, spec: { containers: [{ name: 'a', image: 'x', args: ['1', '2'] }, { name: 'b', image: 'y' }] } };
  const config = { metadata: { finalizers: ['b'] }, spec: { containers: [{ name: 'a', args: ['3'] }] } };
  assert.deepEqual(mergeApplied(live, config, t), {
    metadata: { finalizers: ['a', 'b'] },
    spec: { containers: [{ name: 'a', image: 'x', args: ['3'] }, { name: 'b', image: 'y' }] },
  });
});

test('compare: changed and removed fields', () => {
  const t = kindType('', 'v1', 'ConfigMap');
  const { changed, removed } = compare({ data: { a: '1', b: '2' } }, { data: { a: '9', c: '3' } }, t);
  assert.deepEqual([...changed.paths()], [['f:data', 'f:a'], ['f:data', 'f:c']]);
  assert.deepEqual([...removed.paths()], [['f:data', 'f:b']]);
});

test("a CRD's OpenAPI schema: list-type map, set, atomic map-type", () => {
  const t = openApiType({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          routes: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['host'], items: { type: 'object', properties: { host: { type: 'string' }, port: { type: 'integer' } } } },
          tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          args: { type: 'array', items: { type: 'string' } },
          target: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { name: { type: 'string' }, kind: { type: 'string' } } },
        },
      },
    },
  });
  const live = { apiVersion: 'x/v1', kind: 'Route', metadata: { name: 'r' }, spec: { routes: [{ host: 'a', port: 1 }], tags: ['t1'], args: ['x'], target: { name: 'n', kind: 'k' } } };
  const next = applyConfig(live, { apiVersion: 'x/v1', kind: 'Route', metadata: { name: 'r' }, spec: { routes: [{ host: 'b', port: 2 }], tags: ['t2'], args: ['y'], target: { name: 'm' } } }, t, { manager: 'm', apiVersion: 'x/v1', force: false, resetStatus: false });
  assert.deepEqual(next.spec, { routes: [{ host: 'a', port: 1 }, { host: 'b', port: 2 }], tags: ['t1', 't2'], args: ['y'], target: { name: 'm' } });
  const mf = (next.metadata.managedFields as { fieldsV1: Record<string, unknown> }[])[0]!.fieldsV1;
  assert.deepEqual(mf, { 'f:spec': { 'f:args': {}, 'f:routes': { 'k:{"host":"b"}': { '.': {}, 'f:host': {}, 'f:port': {} } }, 'f:tags': { 'v:"t2"': {} }, 'f:target': {} } });
});
