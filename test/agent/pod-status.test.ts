/** kubelet's phase and status rules, from container records alone. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/kinds.js';
import { podPhase, podStatus } from '../../src/agent/pod-status.js';
import { backoffDelayMs, newRecord, type ContainerRecord } from '../../src/agent/container-record.js';
import { podBuilder, containerBuilder } from '../helpers/builders.js';

type Run = 'waiting' | 'running' | number; // a number: exited with that code

function pod(policy: string, names: readonly string[]): Pod {
  return podBuilder('p').restartPolicy(policy).containers(...names.map((n) => containerBuilder(n))).build() as Pod;
}

function records(runs: Record<string, Run>): Map<string, ContainerRecord> {
  const m = new Map<string, ContainerRecord>();
  const t0 = new Date('2026-01-01T00:00:00Z');
  for (const [name, run] of Object.entries(runs)) {
    const r = newRecord(name);
    if (run === 'running') {
      r.running = { id: `c-${name}`, name, imageId: 'img', startedAt: t0, exited: new Promise(() => undefined) };
      r.waiting = undefined;
      r.ready = true;
      r.started = true;
    } else if (typeof run === 'number') {
      r.last = { id: `c-${name}`, startedAt: t0, exit: { exitCode: run, reason: run === 0 ? 'Completed' : 'Error', finishedAt: new Date('2026-01-01T00:00:05Z') } };
    }
    m.set(name, r);
  }
  return m;
}

describe('pod phase', () => {
  const cases: { name: string; policy: string; runs: Record<string, Run>; want: string }[] = [
    { name: 'nothing started yet', policy: 'Always', runs: { a: 'waiting' }, want: 'Pending' },
    { name: 'one of two running', policy: 'Always', runs: { a: 'running', b: 'waiting' }, want: 'Running' },
    { name: 'all running', policy: 'Never', runs: { a: 'running', b: 'running' }, want: 'Running' },
    { name: 'Never, all exited 0', policy: 'Never', runs: { a: 0, b: 0 }, want: 'Succeeded' },
    { name: 'Never, one failed', policy: 'Never', runs: { a: 0, b: 2 }, want: 'Failed' },
    { name: 'Never, one still running', policy: 'Never', runs: { a: 1, b: 'running' }, want: 'Running' },
    { name: 'OnFailure, failed one restarts', policy: 'OnFailure', runs: { a: 1 }, want: 'Running' },
    { name: 'OnFailure, all exited 0', policy: 'OnFailure', runs: { a: 0, b: 0, c: 0 }, want: 'Succeeded' },
    { name: 'Always, exited 0 restarts', policy: 'Always', runs: { a: 0 }, want: 'Running' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(podPhase(pod(c.policy, Object.keys(c.runs)), records(c.runs)), c.want);
    });
  }
});

describe('pod status', () => {
  test('running containers are ready; the pod has its IPs and Ready', () => {
    const p = pod('Always', ['web', 'sidecar']);
    const s = podStatus({ pod: p, records: records({ web: 'running', sidecar: 'running' }), podIP: '10.0.1.7', hostIP: '127.1.0.1', startTime: 't', now: 'n' });
    assert.equal(s.phase, 'Running');
    assert.equal(s.podIP, '10.0.1.7');
    assert.deepEqual(s.podIPs, [{ ip: '10.0.1.7' }]);
    assert.equal(s.hostIP, '127.1.0.1');
    assert.deepEqual(s.containerStatuses?.map((c) => [c.name, c.ready, Object.keys(c.state ?? {})[0]]), [['web', true, 'running'], ['sidecar', true, 'running']]);
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  });

  test('a finished Never pod reports terminated states and is not ready (PodCompleted)', () => {
    const p = pod('Never', ['task']);
    const s = podStatus({ pod: p, records: records({ task: 3 }), podIP: '10.0.1.9', hostIP: 'h', startTime: 't', now: 'n' });
    assert.equal(s.phase, 'Failed');
    assert.equal(s.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);
    assert.equal(s.containerStatuses?.[0]?.state?.terminated?.reason, 'Error');
    const ready = s.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'False');
    assert.equal(ready?.reason, 'PodCompleted');
  });

  test('a restarting container shows its last termination and stays waiting in back-off', () => {
    const p = pod('Always', ['crashy']);
    const recs = records({ crashy: 1 });
    recs.get('crashy')!.waiting = { reason: 'CrashLoopBackOff', message: 'back-off 10s' };
    recs.get('crashy')!.restartCount = 4;
    const s = podStatus({ pod: p, records: recs, podIP: undefined, hostIP: 'h', startTime: 't', now: 'n' });
    const cs = s.containerStatuses?.[0];
    assert.equal(cs?.state?.waiting?.reason, 'CrashLoopBackOff');
    assert.equal(cs?.lastState?.terminated?.exitCode, 1);
    assert.equal(cs?.restartCount, 4);
  });

  test('a running container whose readiness probe has not passed keeps the pod unready', () => {
    const p = pod('Always', ['web', 'db']);
    const recs = records({ web: 'running', db: 'running' });
    recs.get('db')!.ready = false;
    const s = podStatus({ pod: p, records: recs, podIP: '10.0.0.4', hostIP: 'h', startTime: 't', now: 'n' });
    assert.deepEqual(s.containerStatuses?.map((c) => c.ready), [true, false]);
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.reason, 'ContainersNotReady');
    assert.equal(s.phase, 'Running');
  });

  test('transition times stay put while a condition keeps its status', () => {
    const p = pod('Always', ['a']);
    p.status = { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 'earlier' }, { type: 'Initialized', status: 'True', lastTransitionTime: 'earlier' }] };
    const s = podStatus({ pod: p, records: records({ a: 'running' }), podIP: '10.0.0.2', hostIP: 'h', startTime: 't', now: 'now' });
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime, 'earlier');
    assert.equal(s.conditions?.find((c) => c.type === 'ContainersReady')?.lastTransitionTime, 'now');
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
