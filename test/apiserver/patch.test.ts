/** Merge and strategic merge patch semantics, table-driven. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, type PatchTarget } from '../../src/apiserver/patch/index.js';

interface Case {
  readonly name: string;
  readonly type: 'merge' | 'strategic' | 'json';
  readonly doc: unknown;
  readonly patch: unknown;
  readonly want: unknown;
  readonly target?: PatchTarget;
}

const pods: PatchTarget = { group: '', version: 'v1', kind: 'Pod', name: 'p' };
const services: PatchTarget = { group: '', version: 'v1', kind: 'Service', name: 's' };
const deployments: PatchTarget = { group: 'apps', version: 'v1', kind: 'Deployment', name: 'd' };

const pod = (containers: unknown[]) => ({ spec: { containers } });

const cases: Case[] = [
  { name: 'merge sets and removes keys', type: 'merge', doc: { a: 1, b: { c: 2, d: 3 } }, patch: { b: { c: null, e: 4 }, f: 'x' }, want: { a: 1, b: { d: 3, e: 4 }, f: 'x' } },
  { name: 'merge replaces lists', type: 'merge', doc: pod([{ name: 'a', image: 'x' }]), patch: pod([{ name: 'b', image: 'y' }]), want: pod([{ name: 'b', image: 'y' }]) },
  { name: 'strategic merges containers by name', type: 'strategic', doc: pod([{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }]), patch: pod([{ name: 'b', image: 'z' }]), want: pod([{ name: 'a', image: 'x' }, { name: 'b', image: 'z' }]) },
  { name: 'strategic deletes an item with $patch: delete', type: 'strategic', doc: pod([{ name: 'a' }, { name: 'b' }, { name: 'c' }]), patch: pod([{ name: 'b', $patch: 'delete' }]), want: pod([{ name: 'a' }, { name: 'c' }]) },
  { name: 'strategic reorders by $setElementOrder', type: 'strategic', doc: pod([{ name: 'a' }, { name: 'b' }]), patch: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } }, want: pod([{ name: 'b' }, { name: 'a' }]) },
  { name: 'strategic replaces a list with $patch: replace', type: 'strategic', doc: pod([{ name: 'a' }, { name: 'b' }]), patch: pod([{ name: 'q' }, { $patch: 'replace' }]), want: pod([{ name: 'q' }]) },
  { name: 'strategic merges service ports by port', type: 'strategic', doc: { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } }, patch: { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, want: { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } }, target: services },
  { name: 'strategic merges container ports by containerPort', type: 'strategic', doc: pod([{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 81, name: 'x' }] }]), patch: pod([{ name: 'a', ports: [{ containerPort: 81, name: 'y' }] }]), want: pod([{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 81, name: 'y' }] }]) },
  { name: 'strategic replaces lists without a merge key (args)', type: 'strategic', doc: pod([{ name: 'a', args: ['1', '2'] }]), patch: pod([{ name: 'a', args: ['3'] }]), want: pod([{ name: 'a', args: ['3'] }]) },
  { name: 'strategic unions finalizers', type: 'strategic', doc: { metadata: { finalizers: ['a'] } }, patch: { metadata: { finalizers: ['b', 'a'] } }, want: { metadata: { finalizers: ['a', 'b'] } } },
  { name: 'strategic $deleteFromPrimitiveList', type: 'strategic', doc: { metadata: { finalizers: ['a', 'b', 'c'] } }, patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } }, want: { metadata: { finalizers: ['a', 'c'] } } },
  { name: 'strategic $retainKeys', type: 'strategic', doc: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } }, patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, want: { spec: { strategy: { type: 'Recreate' } } }, target: deployments },
  { name: 'json patch ops', type: 'json', doc: { a: [1, 2], b: 'x' }, patch: [{ op: 'add', path: '/a/-', value: 3 }, { op: 'remove', path: '/b' }], want: { a: [1, 2, 3] } },
];

for (const c of cases) {
  test(c.name, () => {
    const before = structuredClone(c.doc);
    assert.deepEqual(applyPatch(c.type, c.doc, c.patch, c.target ?? pods), c.want);
    assert.deepEqual(c.doc, before, 'the original is left alone');
  });
}

test('a failing json patch test op is Invalid', () => {
  assert.throws(() => applyPatch('json', { a: 1 }, [{ op: 'test', path: '/a', value: 2 }], pods), /test operation/);
});
