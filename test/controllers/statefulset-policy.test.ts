/** The stateful set plan, table-driven: ordered creation, reverse scale down, Parallel, rolling
 * update from the top down to the partition within maxUnavailable, OnDelete, status. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, StatefulSet, StatefulSetSpec } from '../../src/api/kinds.js';
import { ordinalOf, planStatefulSet, type StatefulAction } from '../../src/controllers/statefulset/index.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

type PodState = 'ready' | 'pending' | 'terminating' | 'failed';

function set(name: string, spec: Partial<StatefulSetSpec>): StatefulSet {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: 'default', uid: 'u', generation: 3 },
    spec: { replicas: 3, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, template: { spec: { containers: [] } }, ...spec },
  };
}

function pod(name: string, ord: number, state: PodState, rev: string): Pod {
  return {
    metadata: {
      name: `${name}-${ord}`, namespace: 'default', uid: `${name}-${ord}-uid`, labels: { 'controller-revision-hash': rev },
      ...(state === 'terminating' ? { deletionTimestamp: new Date().toISOString() } : {}),
    },
    spec: { containers: [] },
    status: {
      phase: state === 'failed' ? 'Failed' : state === 'pending' ? 'Pending' : 'Running',
      conditions: [{ type: 'Ready', status: state === 'ready' || state === 'terminating' ? 'True' : 'False' }],
    },
  } as Pod;
}

function describeActions(actions: readonly StatefulAction[]): string[] {
  return actions.map((a) => (a.kind === 'create' ? `create ${a.ordinal} ${a.revision}` : `delete ${a.pod.metadata.name ?? ''} ${a.reason}`));
}

describe('planStatefulSet', () => {
  const name = `s${suffix()}`;
  const cases: { name: string; spec: Partial<StatefulSetSpec>; pods: [number, PodState, string][]; want: string[] }[] = [
    { name: 'nothing yet: only ordinal 0', spec: {}, pods: [], want: ['create 0 update'] },
    { name: 'waits for a pending pod', spec: {}, pods: [[0, 'ready', 'new'], [1, 'pending', 'new']], want: [] },
    { name: 'next after ready ones', spec: {}, pods: [[0, 'ready', 'new'], [1, 'ready', 'new']], want: ['create 2 update'] },
    { name: 'Parallel creates every missing ordinal', spec: { podManagementPolicy: 'Parallel', replicas: 4 }, pods: [[1, 'pending', 'new']], want: ['create 0 update', 'create 2 update', 'create 3 update'] },
    { name: 'scale down deletes the highest first', spec: { replicas: 1 }, pods: [[0, 'ready', 'new'], [1, 'ready', 'new'], [2, 'ready', 'new']], want: [`delete ${name}-2 condemned`] },
    { name: 'scale down waits for a terminating pod', spec: { replicas: 1 }, pods: [[0, 'ready', 'new'], [1, 'ready', 'new'], [2, 'terminating', 'new']], want: [] },
    { name: 'Parallel scale down deletes all condemned', spec: { replicas: 1, podManagementPolicy: 'Parallel' }, pods: [[0, 'ready', 'new'], [1, 'ready', 'new'], [2, 'ready', 'new']], want: [`delete ${name}-2 condemned`, `delete ${name}-1 condemned`] },
    { name: 'a failed pod is deleted to be recreated', spec: {}, pods: [[0, 'failed', 'new']], want: [`delete ${name}-0 failed`] },
    { name: 'rolling update starts at the top', spec: {}, pods: [[0, 'ready', 'old'], [1, 'ready', 'old'], [2, 'ready', 'old']], want: [`delete ${name}-2 update`] },
    { name: 'rolling update waits for the updated pod', spec: {}, pods: [[0, 'ready', 'old'], [1, 'ready', 'old'], [2, 'pending', 'new']], want: [] },
    { name: 'partition holds the lower ordinals', spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }, pods: [[0, 'ready', 'old'], [1, 'ready', 'old'], [2, 'ready', 'new']], want: [] },
    { name: 'below the partition a missing pod gets the current revision', spec: { podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }, pods: [[2, 'ready', 'new']], want: ['create 0 current', 'create 1 current'] },
    { name: 'maxUnavailable 2 deletes two at once', spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 2 } } }, pods: [[0, 'ready', 'old'], [1, 'ready', 'old'], [2, 'ready', 'old']], want: [`delete ${name}-2 update`, `delete ${name}-1 update`] },
    { name: 'OnDelete leaves old pods', spec: { updateStrategy: { type: 'OnDelete' } }, pods: [[0, 'ready', 'old'], [1, 'ready', 'old'], [2, 'ready', 'old']], want: [] },
    { name: 'OnDelete recreates at the update revision', spec: { updateStrategy: { type: 'OnDelete' } }, pods: [[0, 'ready', 'old'], [2, 'ready', 'old']], want: ['create 1 update'] },
    { name: 'ordinals.start shifts the names', spec: { ordinals: { start: 5 }, replicas: 2 }, pods: [[5, 'ready', 'new']], want: ['create 6 update'] },
  ];
  for (const tc of cases) {
    test(tc.name, () => {
      const s = set(name, tc.spec);
      const plan = planStatefulSet(s, tc.pods.map(([o, st, r]) => pod(name, o, st, r)), 'old', 'new', 0, Date.now());
      assert.deepEqual(describeActions(plan.actions), tc.want);
    });
  }

  test('status counts and completion of the update', () => {
    const n = randomInt(2, 5);
    const mixed = planStatefulSet(set(name, { replicas: n }), [pod(name, 0, 'ready', 'old'), ...Array.from({ length: n - 1 }, (_, i) => pod(name, i + 1, 'ready', 'new'))], 'old', 'new', 2, Date.now());
    assert.deepEqual(mixed.status, {
      observedGeneration: 3, replicas: n, readyReplicas: n, currentReplicas: 1, updatedReplicas: n - 1, availableReplicas: n,
      currentRevision: 'old', updateRevision: 'new', collisionCount: 2,
    });
    const done = planStatefulSet(set(name, { replicas: n }), Array.from({ length: n }, (_, i) => pod(name, i, 'ready', 'new')), 'old', 'new', 0, Date.now());
    assert.equal(done.status.currentRevision, 'new');
    assert.equal(done.status.currentReplicas, n);
  });

  test('ordinals come only from NAME-N', () => {
    const p = (n: string): Pod => ({ metadata: { name: n }, spec: { containers: [] } }) as Pod;
    assert.equal(ordinalOf('web', p('web-12')), 12);
    assert.equal(ordinalOf('web', p('web-012')), -1);
    assert.equal(ordinalOf('web', p('web-x')), -1);
    assert.equal(ordinalOf('web', p('webby-1')), -1);
  });
});
