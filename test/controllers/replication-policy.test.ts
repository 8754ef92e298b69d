/** The replication policy without a server: claims, deletion order, batches, status. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimDecision, deletionOrder, podsToDelete, replicaDiff, replicaStatus, slowStartBatches, burstReplicas, type ClaimDecision } from '../../src/controllers/replication/index.js';
import { Expectations } from '../../src/controllers/replication/expectations.js';
import { ReplicationControllerController } from '../../src/controllers/replication/index.js';
import { InformerFactory } from '../../src/client/factory.js';
import { logger } from '../../src/util/log.js';
import { pod, podNow, ref, type PodState } from './fixtures.js';

test('claim decisions', async (t) => {
  const cases: { name: string; pod: PodState; matches: boolean; ownerDeleting?: boolean; want: ClaimDecision }[] = [
    { name: 'ours and matching is kept', pod: { owner: ref('ReplicationController', 'web') }, matches: true, want: 'keep' },
    { name: 'ours but relabelled is released', pod: { owner: ref('ReplicationController', 'web') }, matches: false, want: 'release' },
    { name: 'ours, relabelled, owner being deleted: left to the GC', pod: { owner: ref('ReplicationController', 'web') }, matches: false, ownerDeleting: true, want: 'ignore' },
    { name: 'matching orphan is adopted', pod: {}, matches: true, want: 'adopt' },
    { name: 'orphan not matching is ignored', pod: {}, matches: false, want: 'ignore' },
    { name: 'orphan while owner is being deleted is not adopted', pod: {}, matches: true, ownerDeleting: true, want: 'ignore' },
    { name: 'orphan being deleted is not adopted', pod: { deleting: true }, matches: true, want: 'ignore' },
    { name: "another controller's pod is never touched", pod: { owner: ref('ReplicaSet', 'other') }, matches: true, want: 'ignore' },
    { name: 'a non-controller owner reference does not stop adoption', pod: { owner: { ...ref('ConfigMap', 'cm'), controller: false } }, matches: true, want: 'adopt' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(claimDecision(pod('p', c.pod), { ownerUid: 'uid-web', ownerDeleting: c.ownerDeleting ?? false, matches: c.matches }), c.want);
    });
  }
});

test('deletion order', async (t) => {
  const cases: { name: string; pods: [string, PodState][]; want: string[] }[] = [
    { name: 'unscheduled before scheduled', pods: [['a', { node: 'n1', phase: 'Running' }], ['b', {}]], want: ['b', 'a'] },
    { name: 'pending before unknown before running', pods: [['run', { node: 'n1', phase: 'Running' }], ['unk', { node: 'n2', phase: 'Unknown' }], ['pend', { node: 'n3', phase: 'Pending' }]], want: ['pend', 'unk', 'run'] },
    { name: 'not ready before ready', pods: [['r', { node: 'n1', phase: 'Running', ready: true }], ['nr', { node: 'n2', phase: 'Running' }]], want: ['nr', 'r'] },
    { name: 'lower deletion cost first', pods: [['hi', { node: 'n1', phase: 'Running', annotations: { 'controller.kubernetes.io/pod-deletion-cost': '10' } }], ['lo', { node: 'n2', phase: 'Running' }]], want: ['lo', 'hi'] },
    { name: 'same age: doubled-up node first', pods: [['solo', { node: 'n1', phase: 'Running', age: 50 }], ['d1', { node: 'n2', phase: 'Running', age: 50 }], ['d2', { node: 'n2', phase: 'Running', age: 50 }]], want: ['d2', 'd1', 'solo'] },
    { name: 'age before doubling up (the seeds: newest first)', pods: [['solo', { node: 'n1', phase: 'Running', age: 5 }], ['d1', { node: 'n2', phase: 'Running', age: 50 }], ['d2', { node: 'n2', phase: 'Running', age: 60 }]], want: ['solo', 'd1', 'd2'] },
    { name: 'ready more recently first', pods: [['old', { node: 'n1', phase: 'Running', ready: true, readyFor: 100 }], ['new', { node: 'n2', phase: 'Running', ready: true, readyFor: 5 }]], want: ['new', 'old'] },
    { name: 'more restarts first', pods: [['calm', { node: 'n1', phase: 'Running', restarts: 0 }], ['flappy', { node: 'n2', phase: 'Running', restarts: 7 }]], want: ['flappy', 'calm'] },
    { name: 'newest first', pods: [['x', { age: 300 }], ['y', { age: 10 }], ['z', { age: 100 }]], want: ['y', 'z', 'x'] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.deepEqual(deletionOrder(c.pods.map(([n, s]) => pod(n, s))).map((p) => p.metadata.name), c.want);
    });
  }
  await t.test('podsToDelete takes the head of the order and never a negative count', () => {
    const ps = [pod('a', { age: 3 }), pod('b', { age: 2 }), pod('c', { age: 1 })];
    assert.deepEqual(podsToDelete(ps, 2).map((p) => p.metadata.name), ['c', 'b']);
    assert.deepEqual(podsToDelete(ps, -1), []);
  });
});

test('slow-start batches and burst', async (t) => {
  const cases: { count: number; want: number[] }[] = [
    { count: 0, want: [] }, { count: 1, want: [1] }, { count: 3, want: [1, 2] }, { count: 5, want: [1, 2, 2] }, { count: 8, want: [1, 2, 4, 1] }, { count: 15, want: [1, 2, 4, 8] },
  ];
  for (const c of cases) await t.test(`${c.count} creations`, () => assert.deepEqual(slowStartBatches(c.count), c.want));
  await t.test('diff is capped at burstReplicas both ways', () => {
    assert.equal(replicaDiff(0, 10_000), burstReplicas);
    assert.equal(replicaDiff(10_000, 0), -burstReplicas);
    assert.equal(replicaDiff(4, 2), -2);
  });
});

test('replica status', () => {
  const pods = [
    pod('a', { labels: { app: 'w', tier: 'fe' }, ready: true, readyFor: 60 }),
    pod('b', { labels: { app: 'w', tier: 'fe' }, ready: true, readyFor: 2 }),
    pod('c', { labels: { app: 'w' } }),
  ];
  assert.deepEqual(replicaStatus(pods, { app: 'w', tier: 'fe' }, 10, 7, podNow), {
    replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 7,
  });
  assert.equal(replicaStatus(pods, {}, 0, 1, podNow).availableReplicas, 2);
});

test('expectations', async (t) => {
  await t.test('unknown keys are satisfied; adds and deletions must be observed', () => {
    const e = new Expectations();
    assert.ok(e.satisfied('ns/a'));
    e.expect('ns/a', 2, ['ns/p1']);
    assert.ok(!e.satisfied('ns/a'));
    e.creationObserved('ns/a');
    e.creationObserved('ns/a');
    assert.ok(!e.satisfied('ns/a'));
    e.deletionObserved('ns/a', 'ns/p1');
    assert.ok(e.satisfied('ns/a'));
  });
  await t.test('expire after five minutes', () => {
    let now = 0;
    const e = new Expectations(() => now);
    e.expect('ns/a', 1);
    now += 4 * 60_000;
    assert.ok(!e.satisfied('ns/a'));
    now += 2 * 60_000;
    assert.ok(e.satisfied('ns/a'));
  });
});

test('a controller stopped before its caches filled ends instead of hanging', async () => {
  // A factory that is never started: the informers never sync.
  const informers = new InformerFactory({} as never);
  const ctl = new ReplicationControllerController({ client: {} as never, informers, recorder: {} as never, log: logger('test') });
  const done = ctl.start();
  ctl.stop();
  await done;
});
