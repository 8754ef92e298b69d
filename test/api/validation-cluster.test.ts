/** Namespaces, nodes, events, leases, config maps and secrets. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject, validateObjectUpdate } from '../../src/api/validation/index.js';
import { causes, namespaceBuilder, nodeBuilder, objectBuilder } from '../helpers/builders.js';

describe('namespaces', () => {
  test('valid, with the default finalizer', () => assert.deepEqual(validateObject('Namespace', namespaceBuilder('new-namespace').defaulted()), []));
  test('spec finalizers must be Kubernetes’ own or qualified', () => {
    const ns = namespaceBuilder('n').set('spec.finalizers', ['kubernetes', 'example.com/wait', 'mine']).defaulted();
    assert.deepEqual(causes(validateObject('Namespace', ns)), ['spec.finalizers: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified']);
  });
});

describe('nodes', () => {
  test('valid', () => {
    const n = nodeBuilder('kube-node3').labels({ 'kubernetes.io/hostname': 'kube-node3', runDS: 'ok' }).set('spec.podCIDR', '10.244.3.0/24').set('spec.podCIDRs', ['10.244.3.0/24'])
      .set('spec.taints', [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]).defaulted();
    assert.deepEqual(validateObject('Node', n), []);
  });
  test('a bad pod CIDR and taint', () => {
    const n = nodeBuilder('n').set('spec.podCIDR', '10.244.3.0/33').set('spec.taints', [{ key: 'k', effect: 'Sometimes' }, { key: 'k', effect: 'Sometimes' }]).defaulted();
    assert.deepEqual(causes(validateObject('Node', n)).map((c) => c.split(': ').slice(0, 2).join(': ')), [
      'spec.podCIDR: Invalid value',
      'spec.taints[0].effect: Unsupported value',
      'spec.taints[1].effect: Unsupported value',
      'spec.taints[1]: Invalid value',
    ]);
  });
  test('the pod CIDR is set once', () => {
    const old = nodeBuilder('n').set('spec.podCIDR', '10.244.1.0/24').build();
    assert.deepEqual(validateObjectUpdate('Node', nodeBuilder('n').set('spec.podCIDR', '10.244.1.0/24').labels({ runDS: 'ok' }).build(), old), []);
    assert.deepEqual(causes(validateObjectUpdate('Node', nodeBuilder('n').set('spec.podCIDR', '10.244.2.0/24').build(), old)), [
      'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    ]);
    assert.deepEqual(validateObjectUpdate('Node', old, nodeBuilder('n').build()), []);
  });
});

describe('events', () => {
  const event = (ns: string, involvedNs: string | undefined): ReturnType<typeof objectBuilder> =>
    objectBuilder('v1', 'Event', 'nginxpod.17a').namespace(ns).set('involvedObject', { kind: 'Pod', name: 'nginxpod', ...(involvedNs !== undefined ? { namespace: involvedNs } : {}) })
      .set('reason', 'Scheduled').set('type', 'Normal');
  test('valid', () => assert.deepEqual(validateObject('Event', event('new-namespace', 'new-namespace').build()), []));
  test('an involved object is required', () => {
    assert.deepEqual(causes(validateObject('Event', event('d', 'd').set('involvedObject', undefined).build())), ['involvedObject: Required value']);
  });
  test('its namespace must be the event’s', () => {
    assert.deepEqual(causes(validateObject('Event', event('a', 'b').build())), ['involvedObject.namespace: Invalid value: "b": does not match event.namespace']);
  });
  test('cluster-scoped involved objects report into default', () => {
    assert.deepEqual(validateObject('Event', event('default', undefined).build()), []);
  });
  test('type Normal or Warning', () => {
    assert.deepEqual(causes(validateObject('Event', event('d', 'd').set('type', 'Info').build())), ['type: Unsupported value: "Info": supported values: "Normal", "Warning"']);
  });
});

describe('leases', () => {
  test('valid', () => assert.deepEqual(validateObject('Lease', objectBuilder('coordination.k8s.io/v1', 'Lease', 'kube-node1').set('spec', { holderIdentity: 'kube-node1', leaseDurationSeconds: 40 }).build()), []));
  test('bad durations', () => {
    const l = objectBuilder('coordination.k8s.io/v1', 'Lease', 'l').set('spec', { leaseDurationSeconds: 0, leaseTransitions: -1 }).build();
    assert.deepEqual(causes(validateObject('Lease', l)), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0', 'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0']);
  });
});

describe('config maps and secrets', () => {
  test('keys', () => {
    const cm = objectBuilder('v1', 'ConfigMap', 'cfg').set('data', { 'app.conf': 'x', 'bad key': 'y', '..hidden': 'z' }).set('binaryData', { 'app.conf': 'AA==' }).build();
    assert.deepEqual(causes(validateObject('ConfigMap', cm)), [
      "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      "data[..hidden]: Invalid value: \"..hidden\": must not start with '..'",
      'binaryData[app.conf]: Invalid value: "app.conf": duplicate of key present in data',
    ]);
  });
  test('size limit', () => {
    const cm = objectBuilder('v1', 'ConfigMap', 'big').set('data', { blob: 'x'.repeat(1024 * 1024 + 1) }).build();
    assert.deepEqual(causes(validateObject('ConfigMap', cm)), ['data: Too long: may not be more than 1048576 bytes']);
  });
  test('secret data must be base64; typed secrets need their keys', () => {
    const s = objectBuilder('v1', 'Secret', 'tls').set('type', 'kubernetes.io/tls').set('data', { 'tls.crt': 'not base64!' }).defaulted();
    assert.deepEqual(causes(validateObject('Secret', s)), [
      'data[tls.crt]: Invalid value: "<secret contents redacted>": illegal base64 data',
      'data[tls.key]: Required value',
    ]);
  });
  test('immutable data stays', () => {
    const old = objectBuilder('v1', 'ConfigMap', 'c').set('data', { a: '1' }).set('immutable', true).build();
    const next = objectBuilder('v1', 'ConfigMap', 'c').set('data', { a: '2' }).set('immutable', true).build();
    assert.deepEqual(causes(validateObjectUpdate('ConfigMap', next, old)), ['data: Forbidden: field is immutable when `immutable` is set']);
  });
  test('a secret’s type is immutable', () => {
    const old = objectBuilder('v1', 'Secret', 's').defaulted();
    const next = objectBuilder('v1', 'Secret', 's').set('type', 'example.com/custom').defaulted();
    assert.deepEqual(causes(validateObjectUpdate('Secret', next, old)), ['type: Invalid value: "example.com/custom": field is immutable']);
  });
});
