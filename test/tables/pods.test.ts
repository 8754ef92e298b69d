/** The pod STATUS, READY and RESTARTS cells: the reason logic kubectl users know. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podSummary, printerFor } from '../../src/apiserver/tables/index.js';
import type { KubeObject } from '../../src/api/types.js';

const now = new Date('2024-05-01T12:00:00Z');
type Json = Record<string, unknown>;

function pod(containers: string[], status: Json, extra: { init?: Json[]; meta?: Json; spec?: Json } = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', creationTimestamp: '2024-05-01T11:00:00Z', ...(extra.meta ?? {}) },
    spec: { containers: containers.map((name) => ({ name, image: 'img' })), ...(extra.init ? { initContainers: extra.init } : {}), ...(extra.spec ?? {}) },
    status,
  };
}
const running = (name: string, ready = true, restartCount = 0, lastState: Json = {}) => ({ name, ready, restartCount, state: { running: { startedAt: '2024-05-01T11:00:00Z' } }, lastState });
const waiting = (name: string, reason: string, restartCount = 0, lastState: Json = {}) => ({ name, ready: false, restartCount, state: { waiting: { reason } }, lastState });
const terminated = (name: string, exitCode: number, reason = '', signal = 0) => ({ name, ready: false, restartCount: 0, state: { terminated: { exitCode, reason, signal } } });

void test('pod status reasons', () => {
  const cases: { name: string; pod: KubeObject; ready: string; reason: string; restarts?: string }[] = [
    { name: 'pending without statuses', pod: pod(['a'], { phase: 'Pending' }), ready: '0/1', reason: 'Pending' },
    { name: 'running and ready', pod: pod(['web', 'side'], { phase: 'Running', containerStatuses: [running('web'), running('side')] }), ready: '2/2', reason: 'Running' },
    { name: 'creating', pod: pod(['a'], { phase: 'Pending', containerStatuses: [waiting('a', 'ContainerCreating')] }), ready: '0/1', reason: 'ContainerCreating' },
    { name: 'image pull back-off', pod: pod(['a'], { phase: 'Pending', containerStatuses: [waiting('a', 'ImagePullBackOff')] }), ready: '0/1', reason: 'ImagePullBackOff' },
    {
      name: 'crash loop with restarts and when',
      pod: pod(['a', 'b'], { phase: 'Running', containerStatuses: [waiting('a', 'CrashLoopBackOff', 5, { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2024-05-01T11:57:00Z' } }), running('b')] }),
      ready: '1/2', reason: 'CrashLoopBackOff', restarts: '5 (3m ago)',
    },
    { name: 'completed', pod: pod(['job'], { phase: 'Succeeded', containerStatuses: [terminated('job', 0, 'Completed')] }), ready: '0/1', reason: 'Completed' },
    { name: 'error', pod: pod(['job'], { phase: 'Failed', containerStatuses: [terminated('job', 2, 'Error')] }), ready: '0/1', reason: 'Error' },
    { name: 'exit code without reason', pod: pod(['job'], { phase: 'Failed', containerStatuses: [terminated('job', 3)] }), ready: '0/1', reason: 'ExitCode:3' },
    { name: 'signal without reason', pod: pod(['job'], { phase: 'Failed', containerStatuses: [terminated('job', 137, '', 9)] }), ready: '0/1', reason: 'Signal:9' },
    {
      name: 'completed container beside a running one reads Running when ready',
      pod: pod(['a', 'b'], { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [terminated('a', 0, 'Completed'), running('b')] }),
      ready: '1/2', reason: 'Running',
    },
    {
      name: 'completed container beside a running one reads NotReady otherwise',
      pod: pod(['a', 'b'], { phase: 'Running', containerStatuses: [running('a'), terminated('b', 0, 'Completed')] }),
      ready: '1/2', reason: 'NotReady',
    },
    {
      name: 'waiting for the first of two init containers',
      pod: pod(['app'], { phase: 'Pending', initContainerStatuses: [waiting('i1', 'PodInitializing'), waiting('i2', 'PodInitializing')], containerStatuses: [waiting('app', 'PodInitializing')] },
        { init: [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }] }),
      ready: '0/1', reason: 'Init:0/2',
    },
    {
      name: 'second init container running',
      pod: pod(['app'], { phase: 'Pending', initContainerStatuses: [terminated('i1', 0, 'Completed'), running('i2', false)] }, { init: [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }] }),
      ready: '0/1', reason: 'Init:1/2',
    },
    {
      name: 'init container crash looping',
      pod: pod(['app'], { phase: 'Pending', initContainerStatuses: [waiting('i1', 'CrashLoopBackOff', 2)] }, { init: [{ name: 'i1', image: 'x' }] }),
      ready: '0/1', reason: 'Init:CrashLoopBackOff', restarts: '2',
    },
    {
      name: 'init container failed',
      pod: pod(['app'], { phase: 'Failed', initContainerStatuses: [terminated('i1', 1, 'Error')] }, { init: [{ name: 'i1', image: 'x' }] }),
      ready: '0/1', reason: 'Init:Error',
    },
    {
      name: 'a started sidecar counts as a container',
      pod: pod(['app'], { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }], initContainerStatuses: [{ ...running('side'), started: true }], containerStatuses: [running('app')] },
        { init: [{ name: 'side', image: 'x', restartPolicy: 'Always' }] }),
      ready: '2/2', reason: 'Running',
    },
    { name: 'terminating', pod: pod(['a'], { phase: 'Running', containerStatuses: [running('a')] }, { meta: { deletionTimestamp: '2024-05-01T11:59:00Z' } }), ready: '1/1', reason: 'Terminating' },
    { name: 'a finished pod being deleted keeps its reason', pod: pod(['a'], { phase: 'Succeeded', containerStatuses: [terminated('a', 0, 'Completed')] }, { meta: { deletionTimestamp: '2024-05-01T11:59:00Z' } }), ready: '0/1', reason: 'Completed' },
    { name: 'node lost', pod: pod(['a'], { phase: 'Running', reason: 'NodeLost' }, { meta: { deletionTimestamp: '2024-05-01T11:59:00Z' } }), ready: '0/1', reason: 'Unknown' },
    { name: 'evicted', pod: pod(['a'], { phase: 'Failed', reason: 'Evicted' }), ready: '0/1', reason: 'Evicted' },
    { name: 'scheduling gated', pod: pod(['a'], { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), ready: '0/1', reason: 'SchedulingGated' },
  ];
  for (const c of cases) {
    const got = podSummary(c.pod, now);
    assert.equal(got.reason, c.reason, c.name);
    assert.equal(got.ready, c.ready, c.name);
    if (c.restarts !== undefined) assert.equal(got.restarts, c.restarts, c.name);
  }
});

void test('pod columns and wide cells', () => {
  const p = printerFor('Pod');
  assert.deepEqual(p.columns.map((c) => [c.name, c.priority]), [
    ['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
  ]);
  assert.equal(p.columns[0]?.format, 'name');
  const bound = pod(['web'], { phase: 'Running', podIP: '10.1.2.3', podIPs: [{ ip: '10.1.2.3' }], containerStatuses: [running('web')], conditions: [{ type: 'www.example.com/gate', status: 'True' }] },
    { meta: { name: 'web-7d9f' }, spec: { nodeName: 'node-b', readinessGates: [{ conditionType: 'www.example.com/gate' }, { conditionType: 'other' }] } });
  assert.deepEqual(p.cells(bound, now), ['web-7d9f', '1/1', 'Running', '0', '60m', '10.1.2.3', 'node-b', '<none>', '1/2']);
  const pending = pod(['a'], { phase: 'Pending' }, { meta: { name: 'queued' } });
  assert.deepEqual(p.cells(pending, now).slice(5), ['<none>', '<none>', '<none>', '<none>']);
});
