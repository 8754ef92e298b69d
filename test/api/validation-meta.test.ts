/** Object metadata validation: names per kind, labels, annotations, owner references,
 * finalizers, and metadata updates. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject, validateObjectUpdate } from '../../src/api/validation/index.js';
import type { KubeObject } from '../../src/api/types.js';
import { causes, msg, namespaceBuilder, nodeBuilder, objectBuilder, podBuilder, rcBuilder, serviceBuilder } from '../helpers/builders.js';

function metaErrors(kind: string, o: KubeObject): string[] {
  return causes(validateObject(kind, o)).filter((c) => c.startsWith('metadata.'));
}

describe('names', () => {
  const cases: { name: string; kind: string; obj: KubeObject; want: string[] }[] = [
    { name: 'a pod name may be a subdomain', kind: 'Pod', obj: podBuilder('web.v2-0').defaulted(), want: [] },
    {
      name: 'a pod name with capitals and underscore',
      kind: 'Pod',
      obj: podBuilder('Foo_Bar').defaulted(),
      want: [`metadata.name: Invalid value: "Foo_Bar": ${msg.dns1123Subdomain}`],
    },
    {
      name: 'a service name must be an RFC 1035 label',
      kind: 'Service',
      obj: serviceBuilder('1st-service').defaulted(),
      want: [`metadata.name: Invalid value: "1st-service": ${msg.dns1035Label}`],
    },
    {
      name: 'a namespace name may not contain dots',
      kind: 'Namespace',
      obj: namespaceBuilder('team.a').defaulted(),
      want: ['metadata.name: Invalid value: "team.a": must not contain dots'],
    },
    {
      name: 'a namespace name with capitals',
      kind: 'Namespace',
      obj: namespaceBuilder('TeamA').build(),
      want: [`metadata.name: Invalid value: "TeamA": ${msg.dns1123Label}`],
    },
    {
      name: 'an RC name that is too long',
      kind: 'ReplicationController',
      obj: rcBuilder('r'.repeat(254), { app: 'long' }).defaulted(),
      want: [`metadata.name: Invalid value: "${'r'.repeat(254)}": must be no more than 253 characters`],
    },
    { name: 'a node name may have dots', kind: 'Node', obj: nodeBuilder('srv-k8s-node2.example.com').build(), want: [] },
    { name: 'no name', kind: 'ConfigMap', obj: objectBuilder('v1', 'ConfigMap').name(undefined).build(), want: ['metadata.name: Required value: name or generateName is required'] },
    {
      name: 'a bad generateName and a missing name',
      kind: 'Pod',
      obj: podBuilder().name(undefined).generateName('Web-').defaulted(),
      want: [`metadata.generateName: Invalid value: "Web-": ${msg.dns1123Subdomain}`, 'metadata.name: Required value: name or generateName is required'],
    },
    {
      name: 'a generateName may end with a dash',
      kind: 'Pod',
      obj: podBuilder('package-check-jrry1').generateName('package-check-').defaulted(),
      want: [],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(metaErrors(c.kind, c.obj), c.want));
});

describe('labels, annotations, namespace, owners, finalizers', () => {
  test('invalid label key and value, each reported at metadata.labels', () => {
    const pod = podBuilder().labels({ 'Bad Key': 'ok', tier: 'front end' }).defaulted();
    assert.deepEqual(metaErrors('Pod', pod), [
      `metadata.labels: Invalid value: "Bad Key": ${msg.qualifiedNamePart}`,
      `metadata.labels: Invalid value: "front end": ${msg.labelValue}`,
    ]);
  });
  test('annotation keys are qualified names (case-insensitively) and values free text', () => {
    const pod = podBuilder().annotations({ 'Example.com/Note': 'anything at all: {}', 'bad key': 'x' }).defaulted();
    assert.deepEqual(metaErrors('Pod', pod), [`metadata.annotations: Invalid value: "bad key": ${msg.qualifiedNamePart}`]);
  });
  test('annotations are limited to 256 KiB', () => {
    const pod = podBuilder().annotations({ big: 'x'.repeat(262145) }).defaulted();
    assert.deepEqual(metaErrors('Pod', pod), ['metadata.annotations: Too long: may not be more than 262144 bytes']);
  });
  test('a namespace must be a DNS label; cluster-scoped kinds have none', () => {
    assert.deepEqual(metaErrors('Pod', podBuilder().namespace('New_NS').defaulted()), [`metadata.namespace: Invalid value: "New_NS": ${msg.dns1123Label}`]);
    assert.deepEqual(metaErrors('Node', nodeBuilder('n1').namespace('default').build()), ['metadata.namespace: Forbidden: not allowed on this type']);
  });
  test('owner references need version, kind, name, uid; one controller only', () => {
    const pod = podBuilder().set('metadata.ownerReferences', [
      { apiVersion: 'v1', kind: 'ReplicationController', name: 'hello-nginx', uid: 'u1', controller: true },
      { apiVersion: '', kind: '', name: '', uid: '' },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u2', controller: true },
    ]).defaulted();
    const errs = metaErrors('Pod', pod);
    assert.deepEqual(errs.slice(0, 4), [
      'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    ]);
    assert.match(errs[4]!, /^metadata\.ownerReferences: Invalid value: .*: Only one reference can have Controller set to true\. Found "true" in references for ReplicationController\/hello-nginx and ReplicaSet\/rs$/);
  });
  test('finalizers are qualified names; orphan and foregroundDeletion exclude each other', () => {
    const pod = podBuilder().set('metadata.finalizers', ['example.com/cleanup', 'bad name', 'orphan', 'foregroundDeletion']).defaulted();
    assert.deepEqual(metaErrors('Pod', pod), [
      `metadata.finalizers: Invalid value: "bad name": ${msg.qualifiedNamePart}`,
      'metadata.finalizers: Invalid value: []string{"example.com/cleanup", "bad name", "orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
    ]);
  });
  test('every error at once', () => {
    const pod = podBuilder('Bad_Name').namespace('NS').labels({ '-x': 'y' }).defaulted();
    assert.equal(metaErrors('Pod', pod).length, 3);
  });
});

describe('metadata updates', () => {
  test('identity fields are immutable', () => {
    const old = podBuilder('a').uid('u1').defaulted();
    const next = podBuilder('b').uid('u2').defaulted();
    const errs = causes(validateObjectUpdate('Pod', next, old)).filter((c) => c.startsWith('metadata.'));
    assert.deepEqual(errs, ['metadata.name: Invalid value: "b": field is immutable', 'metadata.uid: Invalid value: "u2": field is immutable']);
  });
  test('an object being deleted takes no new finalizers', () => {
    const old = objectBuilder('v1', 'ConfigMap', 'c').set('metadata.deletionTimestamp', '2024-01-01T00:00:00Z').set('metadata.finalizers', ['a.io/x']).build();
    const next = structuredClone(old);
    next.metadata.finalizers = ['a.io/x', 'b.io/y'];
    assert.deepEqual(causes(validateObjectUpdate('ConfigMap', next, old)), [
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ["b.io/y"]',
    ]);
  });
  test('labels may change', () => {
    const old = objectBuilder('v1', 'ConfigMap', 'c').labels({ a: 'b' }).build();
    const next = objectBuilder('v1', 'ConfigMap', 'c').labels({ a: 'c', runDS: 'ok' }).build();
    assert.deepEqual(validateObjectUpdate('ConfigMap', next, old), []);
  });
});
