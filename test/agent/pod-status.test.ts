/** kubelet's phase and status rules (getPhase, generate.go, convertToAPIContainerStatuses), from
 * container records alone: regular containers, init containers and sidecars. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { podStatus, type PodView } from '../../src/agent/pod-status.js';
import { backoffDelayMs } from '../../src/agent/container-record.js';
import { shapePod, shapeRecords, type Shape } from './pod-shapes.js';

function view(s: Shape, extra: Partial<PodView> = {}): PodView {
  return { pod: shapePod(s), records: shapeRecords(s), podIP: '10.0.0.9', hostIP: '127.1.0.1', startTime: 't', now: 'now', ...extra };
}

describe('pod phase (kubelet getPhase)', () => {
  const cases: { name: string; shape: Shape; terminal?: boolean; want: string }[] = [
    { name: 'nothing started yet', shape: { policy: 'Always', regular: { a: 'waiting' } }, want: 'Pending' },
    // Was Running in skiff: kubelet keeps a pod Pending while any container has not started.
    { name: 'one of two running, the other never started', shape: { policy: 'Always', regular: { a: 'running', b: 'waiting' } }, want: 'Pending' },
    { name: 'all running', shape: { policy: 'Never', regular: { a: 'running', b: 'running' } }, want: 'Running' },
    { name: 'Never, all exited 0', shape: { policy: 'Never', regular: { a: 0, b: 0 } }, want: 'Succeeded' },
    { name: 'Never, one failed', shape: { policy: 'Never', regular: { a: 0, b: 2 } }, want: 'Failed' },
    { name: 'Never, one still running', shape: { policy: 'Never', regular: { a: 1, b: 'running' } }, want: 'Running' },
    { name: 'OnFailure, the failed one restarts', shape: { policy: 'OnFailure', regular: { a: 1 } }, want: 'Running' },
    { name: 'OnFailure, all exited 0', shape: { policy: 'OnFailure', regular: { a: 0, b: 0, c: 0 } }, want: 'Succeeded' },
    { name: 'Always, exited 0 restarts', shape: { policy: 'Always', regular: { a: 0 } }, want: 'Running' },
    { name: 'Always, stopped for good with a failure', shape: { policy: 'Always', regular: { a: 137 } }, terminal: true, want: 'Failed' },
    { name: 'init container running', shape: { policy: 'Always', inits: { i1: 'running', i2: 'waiting' }, regular: { a: 'waiting' } }, want: 'Pending' },
    { name: 'init containers done, regular running', shape: { policy: 'Always', inits: { i1: 0, i2: 0 }, regular: { a: 'running' } }, want: 'Running' },
    { name: 'init failed under Never', shape: { policy: 'Never', inits: { i1: 0, i2: 3 }, regular: { a: 'waiting' } }, want: 'Failed' },
    { name: 'init failed under OnFailure: retried, Pending', shape: { policy: 'OnFailure', inits: { i1: 3 }, regular: { a: 'waiting' } }, want: 'Pending' },
    { name: 'init failed under Always: retried, Pending', shape: { policy: 'Always', inits: { i1: 1 }, regular: { a: 'waiting' } }, want: 'Pending' },
    { name: 'sidecar not started yet', shape: { policy: 'Always', sidecars: { s: 'starting' }, regular: { a: 'waiting' } }, want: 'Pending' },
    { name: 'sidecar started, regular running', shape: { policy: 'Always', sidecars: { s: 'running' }, regular: { a: 'running' } }, want: 'Running' },
    { name: 'sidecar restarting after regular started', shape: { policy: 'Always', sidecars: { s: 1 }, regular: { a: 'running' } }, want: 'Running' },
    { name: 'Never, regular done, sidecar still running', shape: { policy: 'Never', sidecars: { s: 'running' }, regular: { a: 0 } }, want: 'Running' },
    { name: 'Never, regular done, sidecar stopped: Succeeded', shape: { policy: 'Never', sidecars: { s: 143 }, regular: { a: 0 } }, terminal: true, want: 'Succeeded' },
    { name: 'OnFailure, regular failed for good with sidecars stopped', shape: { policy: 'Never', sidecars: { s1: 143, s2: 137 }, regular: { a: 0, b: 1 } }, terminal: true, want: 'Failed' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(podStatus(view(c.shape, { terminal: !!c.terminal, stopping: !!c.terminal })).phase, c.want);
    });
  }
});

describe('init container and sidecar statuses', () => {
  test('while an init container runs: PodInitializing below it, Initialized False naming what is left', () => {
    const s = podStatus(view({ policy: 'Always', inits: { 'init-a': 0, 'init-b': 'running', 'init-c': 'waiting' }, regular: { web: 'waiting', db: 'waiting' } }));
    assert.deepEqual(s.initContainerStatuses?.map((c) => [c.name, Object.keys(c.state ?? {})[0], c.ready]), [['init-a', 'terminated', true], ['init-b', 'running', false], ['init-c', 'waiting', false]]);
    assert.equal(s.initContainerStatuses?.[2]?.state?.waiting?.reason, 'PodInitializing');
    assert.equal(s.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.deepEqual(s.containerStatuses?.map((c) => c.state?.waiting?.reason), ['PodInitializing', 'PodInitializing']);
    const init = s.conditions?.find((c) => c.type === 'Initialized');
    assert.equal(init?.status, 'False');
    assert.equal(init?.reason, 'ContainersNotInitialized');
    assert.equal(init?.message, 'containers with incomplete status: [init-b init-c]');
    assert.equal(s.phase, 'Pending');
  });

  test('a pod without init containers has no initContainerStatuses and waits in ContainerCreating', () => {
    const s = podStatus(view({ policy: 'Always', regular: { web: 'waiting' } }));
    assert.equal(s.initContainerStatuses, undefined);
    assert.equal(s.containerStatuses?.[0]?.state?.waiting?.reason, 'ContainerCreating');
    assert.equal(s.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
  });

  test('a crashing init container under Always: CrashLoopBackOff with its last run and restarts', () => {
    const shape: Shape = { policy: 'Always', inits: { migrate: 2 }, regular: { app: 'waiting' } };
    const recs = shapeRecords(shape);
    const r = recs.get('migrate')!;
    r.waiting = { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=migrate' };
    r.restartCount = 3;
    const s = podStatus({ ...view(shape), records: recs });
    const cs = s.initContainerStatuses?.[0];
    assert.equal(cs?.state?.waiting?.reason, 'CrashLoopBackOff');
    assert.equal(cs?.lastState?.terminated?.exitCode, 2);
    assert.equal(cs?.restartCount, 3);
    assert.equal(s.phase, 'Pending');
  });

  test('a failed init container under Never: Failed, shown terminated, Ready False with PodFailed', () => {
    const s = podStatus(view({ policy: 'Never', inits: { check: 4 }, regular: { app: 'waiting' } }));
    assert.equal(s.phase, 'Failed');
    assert.equal(s.initContainerStatuses?.[0]?.state?.terminated?.exitCode, 4);
    assert.equal(s.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.reason, 'PodFailed');
    assert.equal(s.conditions?.find((c) => c.type === 'Initialized')?.status, 'False');
  });

  test('sidecars count for ContainersReady and Ready', () => {
    const shape: Shape = { policy: 'Always', sidecars: { proxy: 'running', logs: 'running' }, regular: { app: 'running' } };
    const recs = shapeRecords(shape);
    recs.get('logs')!.ready = false;
    const s = podStatus({ ...view(shape), records: recs });
    assert.deepEqual(s.initContainerStatuses?.map((c) => [c.name, c.ready, c.started]), [['proxy', true, true], ['logs', false, true]]);
    const cr = s.conditions?.find((c) => c.type === 'ContainersReady');
    assert.equal(cr?.status, 'False');
    assert.equal(cr?.message, 'containers with unready status: [logs]');
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.message, 'containers with unready status: [logs]');
    assert.equal(s.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
  });

  test('a sidecar stopped with its pod shows terminated, not waiting to restart', () => {
    const s = podStatus(view({ policy: 'Never', sidecars: { proxy: 143 }, regular: { job: 0 } }, { stopping: true, terminal: true }));
    assert.equal(s.initContainerStatuses?.[0]?.state?.terminated?.exitCode, 143);
    assert.equal(s.phase, 'Succeeded');
    assert.equal(s.conditions?.find((c) => c.type === 'Initialized')?.reason, 'PodCompleted');
  });

  test('a sidecar that crashed while the pod runs waits to restart', () => {
    const s = podStatus(view({ policy: 'Never', sidecars: { proxy: 1 }, regular: { job: 'running' } }));
    assert.equal(s.initContainerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
    assert.equal(s.initContainerStatuses?.[0]?.lastState?.terminated?.exitCode, 1);
    assert.equal(s.phase, 'Running');
  });
});

describe('pod status', () => {
  test('running containers are ready; the pod has its IPs and Ready', () => {
    const s = podStatus(view({ policy: 'Always', regular: { web: 'running', helper: 'running' } }, { podIP: '10.0.1.7' }));
    assert.equal(s.phase, 'Running');
    assert.equal(s.podIP, '10.0.1.7');
    assert.deepEqual(s.podIPs, [{ ip: '10.0.1.7' }]);
    assert.equal(s.hostIP, '127.1.0.1');
    assert.deepEqual(s.containerStatuses?.map((c) => [c.name, c.ready, Object.keys(c.state ?? {})[0]]), [['web', true, 'running'], ['helper', true, 'running']]);
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  });

  // The Ready reason of a failed pod was PodCompleted here: kubelet says PodFailed since 1.27.
  const terminalCases = [
    { name: 'a failed Never pod', code: 3, phase: 'Failed', reason: 'PodFailed' },
    { name: 'a succeeded Never pod', code: 0, phase: 'Succeeded', reason: 'PodCompleted' },
  ];
  for (const c of terminalCases) {
    test(`${c.name} reports terminated states and is not ready (${c.reason})`, () => {
      const s = podStatus(view({ policy: 'Never', regular: { task: c.code } }));
      assert.equal(s.phase, c.phase);
      assert.equal(s.containerStatuses?.[0]?.state?.terminated?.exitCode, c.code);
      assert.equal(s.containerStatuses?.[0]?.state?.terminated?.reason, c.code === 0 ? 'Completed' : 'Error');
      const ready = s.conditions?.find((x) => x.type === 'Ready');
      assert.equal(ready?.status, 'False');
      assert.equal(ready?.reason, c.reason);
    });
  }

  test('a restarting container shows its last termination and stays waiting in back-off', () => {
    const shape: Shape = { policy: 'Always', regular: { crashy: 1 } };
    const recs = shapeRecords(shape);
    recs.get('crashy')!.waiting = { reason: 'CrashLoopBackOff', message: 'back-off 10s' };
    recs.get('crashy')!.restartCount = 4;
    const s = podStatus({ ...view(shape), records: recs, podIP: undefined });
    const cs = s.containerStatuses?.[0];
    assert.equal(cs?.state?.waiting?.reason, 'CrashLoopBackOff');
    assert.equal(cs?.lastState?.terminated?.exitCode, 1);
    assert.equal(cs?.restartCount, 4);
  });

  test('a running container whose readiness probe has not passed keeps the pod unready', () => {
    const shape: Shape = { policy: 'Always', regular: { web: 'running', db: 'running' } };
    const recs = shapeRecords(shape);
    recs.get('db')!.ready = false;
    const s = podStatus({ ...view(shape), records: recs });
    assert.deepEqual(s.containerStatuses?.map((c) => c.ready), [true, false]);
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.reason, 'ContainersNotReady');
    assert.equal(s.phase, 'Running');
  });

  test('a container whose startup probe has not passed is neither started nor ready', () => {
    const s = podStatus(view({ policy: 'Always', regular: { slow: 'starting' } }));
    assert.deepEqual([s.containerStatuses?.[0]?.started, s.containerStatuses?.[0]?.ready], [false, false]);
  });

  test('transition times stay put while a condition keeps its status; others\' conditions are kept', () => {
    const p = shapePod({ policy: 'Always', regular: { a: 'running' } });
    const gate = `example.com/gate-${Math.random().toString(36).slice(2, 6)}`;
    p.status = { conditions: [{ type: gate, status: 'True' }, { type: 'Ready', status: 'True', lastTransitionTime: 'earlier' }, { type: 'Initialized', status: 'True', lastTransitionTime: 'earlier' }] };
    const s = podStatus({ ...view({ policy: 'Always', regular: { a: 'running' } }), pod: p });
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime, 'earlier');
    assert.equal(s.conditions?.find((c) => c.type === 'ContainersReady')?.lastTransitionTime, 'now');
    assert.equal(s.conditions?.find((c) => c.type === gate)?.status, 'True');
  });

  test('the active deadline: Failed with kubelet\'s reason and message', () => {
    const s = podStatus(view({ policy: 'Always', regular: { a: 'running' } }, { evicted: { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' } }));
    assert.deepEqual([s.phase, s.reason, s.message], ['Failed', 'DeadlineExceeded', 'Pod was active on the node longer than the specified deadline']);
  });

  test('a terminal phase the API has sticks, with its reason', () => {
    const shape: Shape = { policy: 'Always', regular: { a: 'running' } };
    const p = shapePod(shape);
    p.status = { phase: 'Failed', reason: 'DeadlineExceeded', message: 'm' };
    const s = podStatus({ ...view(shape), pod: p });
    assert.deepEqual([s.phase, s.reason, s.message], ['Failed', 'DeadlineExceeded', 'm']);
  });
});

describe('crash-loop back-off', () => {
  const cases = [
    { failures: 0, want: 0 },
    { failures: 1, want: 10_000 },
    { failures: 2, want: 20_000 },
    { failures: 5, want: 160_000 },
    { failures: 6, want: 300_000 },
    { failures: 12, want: 300_000 },
  ];
  for (const c of cases) test(`${c.failures} failures → ${c.want} ms`, () => assert.equal(backoffDelayMs(c.failures), c.want));
});
