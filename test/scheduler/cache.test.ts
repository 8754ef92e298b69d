/** The cache: pods bound through the informer and pods assumed by the scheduler both count on
 * their node; confirmation, forgetting, termination and deletion keep the sums right. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../src/api/kinds.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { podInfoOf } from '../../src/scheduler/podinfo.js';
import { podRequesting, schedNode } from './helpers.js';

const bound = (p: Pod, node: string): Pod => ({ ...p, spec: { ...p.spec, nodeName: node } });

test('assumed pods count at once and are confirmed by the informer', () => {
  const c = new SchedulerCache();
  c.upsertNode(schedNode('n1').build());
  const p = podRequesting('web', { cpu: '500m' });
  c.assume(podInfoOf(p), 'n1');
  assert.equal(c.node('n1')!.requested.milliCpu, 500);
  assert.equal(c.isAssumed('default/web', p.metadata.uid!), true);
  // The informer's copy without nodeName (our own status write) does not undo the assumption.
  c.setPod(p);
  assert.equal(c.node('n1')!.requested.milliCpu, 500);
  c.setPod(bound(p, 'n1'));
  assert.equal(c.isAssumed('default/web', p.metadata.uid!), false);
  assert.equal(c.node('n1')!.requested.milliCpu, 500);
  assert.equal(c.node('n1')!.requested.pods, 1);
});

test('forget undoes an assumption whose binding failed', () => {
  const c = new SchedulerCache();
  c.upsertNode(schedNode('n1').build());
  const p = podRequesting('web', { cpu: '1', memory: '1Gi' });
  c.assume(podInfoOf(p), 'n1');
  c.forget(podInfoOf(p));
  assert.deepEqual([c.node('n1')!.requested.milliCpu, c.node('n1')!.requested.memory, c.node('n1')!.requested.pods], [0, 0, 0]);
});

test('terminated and deleted pods free their node', () => {
  const c = new SchedulerCache();
  c.upsertNode(schedNode('n1').build());
  const a = bound(podRequesting('a', { cpu: '1' }), 'n1');
  const b = bound(podRequesting('b', { cpu: '2' }), 'n1');
  c.setPod(a);
  c.setPod(b);
  assert.equal(c.node('n1')!.requested.milliCpu, 3000);
  assert.equal(c.setPod({ ...a, status: { phase: 'Succeeded' } }), true);
  assert.equal(c.node('n1')!.requested.milliCpu, 2000);
  assert.equal(c.removePod(b), true);
  assert.equal(c.node('n1')!.requested.milliCpu, 0);
});

test('pods seen before their node are kept; removed nodes leave the list', () => {
  const c = new SchedulerCache();
  c.setPod(bound(podRequesting('early', { cpu: '1' }), 'late-node'));
  assert.equal(c.nodeCount, 0);
  c.upsertNode(schedNode('late-node').build());
  assert.equal(c.nodeCount, 1);
  assert.equal(c.node('late-node')!.requested.milliCpu, 1000);
  c.removeNode('late-node');
  assert.equal(c.nodeCount, 0);
});
