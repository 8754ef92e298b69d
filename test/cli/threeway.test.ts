/** apply's three-way strategic merge patch, case by case. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { patchMergeKey } from '../../src/api/schema/index.js';
import { threeWayMergePatch, withLastApplied, lastApplied, lastAppliedAnnotation } from '../../src/cli/apply/index.js';
import { applyMergePatch } from '../../src/apiserver/patch/merge.js';

type J = Record<string, unknown>;
const rcKeys = (p: readonly string[]) => patchMergeKey('', 'v1', 'ReplicationController', p);
const container = (name: string, image: string, extra: J = {}) => ({ name, image, ...extra });
const rc = (spec: J, meta: J = {}): J => ({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'x', ...meta }, spec });
const tmpl = (containers: unknown[]) => ({ template: { metadata: { labels: { a: 'b' } }, spec: { containers } } });

const cases: { name: string; original: J | undefined; modified: J; current: J; patch: J }[] = [
  { name: 'nothing changed: empty patch', original: rc({ replicas: 2 }), modified: rc({ replicas: 2 }), current: rc({ replicas: 2, extra: 'defaulted' }), patch: {} },
  { name: 'a changed scalar', original: rc({ replicas: 2 }), modified: rc({ replicas: 5 }), current: rc({ replicas: 2 }), patch: { spec: { replicas: 5 } } },
  { name: 'a live change to a field the manifest sets is reverted', original: rc({ replicas: 2 }), modified: rc({ replicas: 2 }), current: rc({ replicas: 7 }), patch: { spec: { replicas: 2 } } },
  { name: 'a field removed from the manifest is deleted', original: rc({ replicas: 2, minReadySeconds: 5 }), modified: rc({ replicas: 2 }), current: rc({ replicas: 2, minReadySeconds: 5 }), patch: { spec: { minReadySeconds: null } } },
  { name: 'a field only the server set is kept', original: rc({ replicas: 2 }), modified: rc({ replicas: 2 }), current: rc({ replicas: 2, minReadySeconds: 0 }), patch: {} },
  { name: 'no last-applied: nothing is deleted', original: undefined, modified: rc({ replicas: 2 }), current: rc({ replicas: 2, minReadySeconds: 5 }), patch: {} },
  { name: 'a label removed from the manifest', original: rc({}, { labels: { a: '1', b: '2' } }), modified: rc({}, { labels: { a: '1' } }), current: rc({}, { labels: { a: '1', b: '2', c: 'other' } }), patch: { metadata: { labels: { b: null } } } },
  {
    name: 'containers merge by name: one image changes, the order is kept',
    original: rc(tmpl([container('a', 'nginx'), container('b', 'redis')])),
    modified: rc(tmpl([container('a', 'httpd'), container('b', 'redis')])),
    current: rc(tmpl([container('a', 'nginx', { imagePullPolicy: 'Always' }), container('b', 'redis', { imagePullPolicy: 'Always' })])),
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'a', image: 'httpd' }] } } } },
  },
  {
    name: 'a container removed from the manifest is deleted by key',
    original: rc(tmpl([container('a', 'nginx'), container('b', 'redis')])),
    modified: rc(tmpl([container('a', 'nginx')])),
    current: rc(tmpl([container('a', 'nginx'), container('b', 'redis')])),
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'b', $patch: 'delete' }] } } } },
  },
  {
    name: 'a container added',
    original: rc(tmpl([container('a', 'nginx')])),
    modified: rc(tmpl([container('a', 'nginx'), container('c', 'busybox')])),
    current: rc(tmpl([container('a', 'nginx')])),
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'c' }], containers: [container('c', 'busybox')] } } } },
  },
  {
    name: 'an atomic list (command) is replaced whole',
    original: rc(tmpl([container('a', 'x', { command: ['a', 'b'] })])),
    modified: rc(tmpl([container('a', 'x', { command: ['a'] })])),
    current: rc(tmpl([container('a', 'x', { command: ['a', 'b'] })])),
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'a', command: ['a'] }] } } } },
  },
  { name: 'a map replaced by a scalar', original: rc({ selector: { a: 'b' } }), modified: rc({ selector: 'x' }), current: rc({ selector: { a: 'b' } }), patch: { spec: { selector: 'x' } } },
];

describe('threeWayMergePatch', () => {
  for (const c of cases) {
    test(c.name, () => {
      const patch = threeWayMergePatch(c.original, c.modified, c.current, rcKeys);
      assert.deepEqual(patch, c.patch);
      // The server's strategic merge of the patch yields the manifest's values on the live object.
      const merged = applyMergePatch(c.current, patch, { strategic: true, listStrategy: (p) => { const k = rcKeys(p); return k ? { mergeKey: k } : undefined; } }) as J;
      assert.deepEqual(threeWayMergePatch(c.modified, c.modified, merged, rcKeys), {}, 'applying the patch converges');
    });
  }
});

describe('last-applied annotation', () => {
  test('kubectl\'s form: the object without the annotation, sorted keys, annotations {} kept, newline', () => {
    const obj = { kind: 'Service', apiVersion: 'v1', metadata: { name: 's', namespace: 'default' }, spec: { ports: [{ port: 80 }] } };
    const a = withLastApplied(obj);
    assert.equal(a.metadata.annotations?.[lastAppliedAnnotation],
      '{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"name":"s","namespace":"default"},"spec":{"ports":[{"port":80}]}}\n');
    assert.deepEqual(lastApplied(withLastApplied(a)), lastApplied(a), 'stable when applied again');
  });
});
