/** Field selectors: parsing, matching, per-kind field sets and unsupported fields. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError } from '../../src/api/errors.js';
import { checkSupportedFields, parseFieldSelector, selectableFields } from '../../src/api/fields.js';
import type { KubeObject } from '../../src/api/types.js';
import { nodeBuilder, objectBuilder, podBuilder } from '../helpers/builders.js';

describe('parseFieldSelector', () => {
  const cases: { name: string; text: string; reqs: [string, '=' | '!=', string][]; canonical: string }[] = [
    { name: 'empty', text: '', reqs: [], canonical: '' },
    { name: 'one name', text: 'metadata.name=package-check', reqs: [['metadata.name', '=', 'package-check']], canonical: 'metadata.name=package-check' },
    { name: 'double equals', text: 'spec.nodeName==kube-node1', reqs: [['spec.nodeName', '=', 'kube-node1']], canonical: 'spec.nodeName=kube-node1' },
    { name: 'not equal to empty', text: 'spec.nodeName!=', reqs: [['spec.nodeName', '!=', '']], canonical: 'spec.nodeName!=' },
    {
      name: 'describe pod events',
      text: 'involvedObject.name=nginxpod,involvedObject.namespace=new-namespace,involvedObject.uid=1234',
      reqs: [['involvedObject.name', '=', 'nginxpod'], ['involvedObject.namespace', '=', 'new-namespace'], ['involvedObject.uid', '=', '1234']],
      canonical: 'involvedObject.name=nginxpod,involvedObject.namespace=new-namespace,involvedObject.uid=1234',
    },
    { name: 'escaped comma and equals', text: 'metadata.name=a\\,b\\=c', reqs: [['metadata.name', '=', 'a,b=c']], canonical: 'metadata.name=a\\,b\\=c' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = parseFieldSelector(c.text);
      assert.deepEqual(s.requirements.map((r) => [r.field, r.op, r.value]), c.reqs);
      assert.equal(s.toString(), c.canonical);
    });
  }
  test('a term without an operator is refused', () => {
    assert.throws(() => parseFieldSelector('metadata.name'), (e: unknown) => {
      assert.ok(e instanceof BadRequestError);
      assert.equal(e.message, "invalid selector: 'metadata.name'; can't understand 'metadata.name'");
      return true;
    });
  });
  test('a bad escape is refused', () => assert.throws(() => parseFieldSelector('metadata.name=a\\b'), BadRequestError));
  test('matching', () => {
    const s = parseFieldSelector('spec.nodeName=kube-node2,status.phase!=Failed');
    assert.equal(s.matches({ 'spec.nodeName': 'kube-node2', 'status.phase': 'Running' }), true);
    assert.equal(s.matches({ 'spec.nodeName': 'kube-node2', 'status.phase': 'Failed' }), false);
    assert.equal(s.matches({ 'spec.nodeName': 'kube-node3' }), false);
    assert.equal(parseFieldSelector('spec.nodeName=').matches({}), true);
  });
});

describe('selectableFields', () => {
  test('a pod', () => {
    const pod = podBuilder('ram-check-bti08').namespace('prod').podField('nodeName', 'kube-node1').build();
    pod.status = { phase: 'Running', podIP: '10.1.0.7' };
    const f = selectableFields('Pod', pod);
    assert.equal(f['metadata.name'], 'ram-check-bti08');
    assert.equal(f['metadata.namespace'], 'prod');
    assert.equal(f['spec.nodeName'], 'kube-node1');
    assert.equal(f['status.phase'], 'Running');
    assert.equal(f['status.podIP'], '10.1.0.7');
    assert.equal(f['spec.hostNetwork'], 'false');
    assert.equal(f['spec.schedulerName'], '');
  });
  test('an event', () => {
    const ev = objectBuilder('v1', 'Event', 'nginxpod.1').build();
    Object.assign(ev, { involvedObject: { kind: 'Pod', name: 'nginxpod', namespace: 'default', uid: 'u-1' }, reason: 'Scheduled', type: 'Normal', source: { component: 'default-scheduler' } });
    const f = selectableFields('Event', ev);
    assert.equal(f['involvedObject.name'], 'nginxpod');
    assert.equal(f['involvedObject.uid'], 'u-1');
    assert.equal(f['reason'], 'Scheduled');
    assert.equal(f['type'], 'Normal');
    assert.equal(f['source'], 'default-scheduler');
  });
  test('a node is cluster scoped: no namespace field', () => {
    const node = nodeBuilder('kube-node3').set('spec.unschedulable', true).build();
    assert.deepEqual(selectableFields('Node', node), { 'metadata.name': 'kube-node3', 'spec.unschedulable': 'true' });
  });
  test('jobs count successes', () => {
    const job: KubeObject = { metadata: { name: 'j', namespace: 'd' }, status: { succeeded: 3 } };
    assert.equal(selectableFields('Job', job)['status.successful'], '3');
  });
});

describe('checkSupportedFields', () => {
  const ok: [string, string][] = [
    ['Pod', 'spec.nodeName=a,status.phase=Running,metadata.namespace=x'],
    ['Event', 'involvedObject.kind=Pod,involvedObject.fieldPath=spec,reason=x,type=Warning'],
    ['Node', 'metadata.name=kube-node1,spec.unschedulable=false'],
    ['ConfigMap', 'metadata.name=x'],
    ['Secret', 'type=Opaque'],
    ['Namespace', 'status.phase=Active'],
  ];
  for (const [kind, sel] of ok) test(`${kind}: ${sel}`, () => checkSupportedFields(kind, parseFieldSelector(sel)));
  const bad: [string, string, string][] = [
    ['Pod', 'spec.containers=x', 'spec.containers'],
    ['ConfigMap', 'data=x', 'data'],
    ['Node', 'metadata.namespace=x', 'metadata.namespace'],
    ['Service', 'metadata.name=a,spec.selector=b', 'spec.selector'],
  ];
  for (const [kind, sel, field] of bad) {
    test(`${kind}: ${sel} is refused`, () => {
      assert.throws(() => checkSupportedFields(kind, parseFieldSelector(sel)), (e: unknown) => {
        assert.ok(e instanceof BadRequestError);
        assert.equal(e.message, `field label not supported: ${field}`);
        return true;
      });
    });
  }
});
