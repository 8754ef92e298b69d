/** What a sync starts or stops (kubelet's computePodActions / computeInitContainerActions), from
 * the containers' latest runs: init order, retries by policy, sidecars, adoption, completion. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { podActions } from '../../src/agent/pod-actions.js';
import { deadlineLeftMs } from '../../src/agent/deadline.js';
import { shapePod, shapeRecords, type Shape } from './pod-shapes.js';

describe('pod actions', () => {
  const cases: { name: string; shape: Shape; start: string[]; kill?: boolean; initialized?: boolean }[] = [
    { name: 'nothing ran: the first init container only', shape: { policy: 'Always', inits: { a: 'waiting', b: 'waiting' }, regular: { app: 'waiting' } }, start: ['a'] },
    { name: 'the first exited 0: the second', shape: { policy: 'Always', inits: { a: 0, b: 'waiting' }, regular: { app: 'waiting' } }, start: ['b'] },
    { name: 'an init container running: wait for it', shape: { policy: 'Always', inits: { a: 0, b: 'running', c: 'waiting' }, regular: { app: 'waiting' } }, start: [] },
    { name: 'all init containers done: every regular container', shape: { policy: 'Never', inits: { a: 0, b: 0 }, regular: { web: 'waiting', db: 'waiting' } }, start: ['web', 'db'], initialized: true },
    { name: 'a failed init container under Never ends the pod', shape: { policy: 'Never', inits: { a: 0, b: 1, c: 'waiting' }, regular: { app: 'waiting' } }, start: [], kill: true },
    { name: 'a failed init container under OnFailure is retried', shape: { policy: 'OnFailure', inits: { a: 2 }, regular: { app: 'waiting' } }, start: ['a'] },
    { name: 'a failed init container under Always is retried', shape: { policy: 'Always', inits: { a: 0, b: 9 }, regular: { app: 'waiting' } }, start: ['b'] },
    { name: 'a started sidecar lets the next init container go', shape: { policy: 'Always', sidecars: { proxy: 'running' }, inits: {}, regular: { app: 'waiting' } }, start: ['app'], initialized: true },
    { name: 'a sidecar whose startup probe has not passed holds the sequence', shape: { policy: 'Always', sidecars: { proxy: 'starting' }, regular: { app: 'waiting' } }, start: [] },
    { name: 'a sidecar that ended is started again, whatever the policy', shape: { policy: 'Never', sidecars: { proxy: 0 }, regular: { job: 'running' } }, start: ['proxy'], initialized: true },
    { name: 'adopted: a regular container runs, init runs are gone — no init rerun, sidecars again', shape: { policy: 'Always', inits: { migrate: 'waiting' }, sidecars: { proxy: 'waiting' }, regular: { app: 'running' } }, start: ['proxy'], initialized: true },
    { name: 'Never: regular containers done while a sidecar runs — stop the pod', shape: { policy: 'Never', sidecars: { proxy: 'running' }, regular: { job: 0 } }, start: [], kill: true, initialized: true },
    { name: 'OnFailure: a failed regular container restarts', shape: { policy: 'OnFailure', regular: { job: 1, other: 0 } }, start: ['job'], initialized: true },
    { name: 'Always: an exited container restarts', shape: { policy: 'Always', regular: { web: 0 } }, start: ['web'], initialized: true },
    { name: 'no init containers: every regular container at once', shape: { policy: 'Always', regular: { a: 'waiting', b: 'waiting', c: 'waiting' } }, start: ['a', 'b', 'c'], initialized: true },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = podActions(shapePod(c.shape), shapeRecords(c.shape));
      assert.deepEqual(got.start, c.start);
      assert.equal(got.killPod, !!c.kill);
      assert.equal(got.initialized, !!c.initialized);
    });
  }

  test('init containers are started in spec order, sidecars and plain ones interleaved', () => {
    // Sidecar s1 started, plain init i1 done, sidecar s2 not yet run: s2 is next.
    const pod = shapePod({ policy: 'Always', regular: { app: 'waiting' } });
    const mk = (name: string, sidecar: boolean) => ({ name, image: 'busybox', ...(sidecar ? { restartPolicy: 'Always' as const } : {}) });
    pod.spec.initContainers = [mk('s1', true), mk('i1', false), mk('s2', true), mk('i2', false)];
    const records = shapeRecords({ policy: 'Always', sidecars: { s1: 'running', s2: 'waiting' }, inits: { i1: 0, i2: 'waiting' }, regular: { app: 'waiting' } });
    assert.deepEqual(podActions(pod, records).start, ['s2']);
  });
});

describe('active deadline', () => {
  const start = '2026-03-04T05:06:07Z';
  const t0 = Date.parse(start);
  const cases: { name: string; seconds?: number; now: number; want: number | undefined }[] = [
    { name: 'no deadline', now: t0 + 5_000, want: undefined },
    { name: 'time left', seconds: 30, now: t0 + 12_000, want: 18_000 },
    { name: 'exactly at the deadline', seconds: 7, now: t0 + 7_000, want: 0 },
    { name: 'past it', seconds: 1, now: t0 + 2_500, want: -1_500 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const pod = shapePod({ policy: 'Never', regular: { a: 'running' } });
      if (c.seconds !== undefined) pod.spec.activeDeadlineSeconds = c.seconds;
      assert.equal(deadlineLeftMs(pod, start, c.now), c.want);
    });
  }
});
