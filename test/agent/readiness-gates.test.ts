/** Readiness gates: kubelet's Ready rule with gates (pure, table-driven), and on a simulated
 * node: Ready stays False with kubelet's reason and message until the gate's condition is patched
 * True, follows it back, and the agent's own status writes never drop a condition it does not own. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Condition, Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { NodeFleet } from '../../src/agent/index.js';
import { foreignConditions, gatedReady, unreadyGatesMessage } from '../../src/agent/readiness-gates.js';
import { podConditions, type ConditionValue } from '../../src/agent/pod-conditions.js';
import { PodStatusWriter, putPodStatus } from '../../src/agent/status-writer.js';
import { logger } from '../../src/util/log.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { containerBuilder, podBuilder } from '../helpers/builders.js';
import { suffix } from '../controlplane/fixtures.js';

const now = '2026-12-05T07:00:00Z';
const cond = (type: string, status: Condition['status']): Condition => ({ type, status, lastTransitionTime: '2026-12-05T06:00:00Z' });

function gatedPod(gates: string[], conditions: Condition[]): Pod {
  const p = podBuilder(`g-${suffix()}`).podField('readinessGates', gates.map((conditionType) => ({ conditionType }))).build() as Pod;
  p.status = { conditions };
  return p;
}

describe('Ready with readiness gates (kubelet\'s GeneratePodReadyCondition)', () => {
  const a = `example.com/feature-${suffix()}`;
  const b = `example.com/lb-${suffix()}`;
  const cases: { name: string; gates: string[]; conditions: Condition[]; containersReady: boolean; want: Omit<ConditionValue, 'type'> }[] = [
    { name: 'no gates, containers ready', gates: [], conditions: [], containersReady: true, want: { ok: true } },
    { name: 'containers not ready: ContainersReady\'s reason, gates not looked at', gates: [a], conditions: [], containersReady: false, want: { ok: false, reason: 'ContainersNotReady' } },
    { name: 'a gate without its condition', gates: [a], conditions: [], containersReady: true, want: { ok: false, reason: 'ReadinessGatesNotReady', message: `corresponding condition of pod readiness gate "${a}" does not exist.` } },
    { name: 'a gate whose condition is False', gates: [a], conditions: [cond(a, 'False')], containersReady: true, want: { ok: false, reason: 'ReadinessGatesNotReady', message: `the status of pod readiness gate "${a}" is not "True", but False` } },
    { name: 'a gate whose condition is Unknown', gates: [a], conditions: [cond(a, 'Unknown')], containersReady: true, want: { ok: false, reason: 'ReadinessGatesNotReady', message: `the status of pod readiness gate "${a}" is not "True", but Unknown` } },
    { name: 'two gates unmet: both messages, joined', gates: [a, b], conditions: [cond(a, 'False')], containersReady: true, want: { ok: false, reason: 'ReadinessGatesNotReady', message: `the status of pod readiness gate "${a}" is not "True", but False, corresponding condition of pod readiness gate "${b}" does not exist.` } },
    { name: 'one of two gates met', gates: [a, b], conditions: [cond(a, 'True'), cond(b, 'False')], containersReady: true, want: { ok: false, reason: 'ReadinessGatesNotReady', message: `the status of pod readiness gate "${b}" is not "True", but False` } },
    { name: 'every gate True', gates: [a, b], conditions: [cond(b, 'True'), cond(a, 'True')], containersReady: true, want: { ok: true } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const containersReady: ConditionValue = c.containersReady ? { type: 'ContainersReady', ok: true } : { type: 'ContainersReady', ok: false, reason: 'ContainersNotReady' };
      assert.deepEqual(gatedReady(gatedPod(c.gates, c.conditions), containersReady), { type: 'Ready', ...c.want });
    });
  }

  test('the transition time stays while the status does', () => {
    const before = '2026-12-05T05:00:00Z';
    const p = gatedPod([a], [cond(a, 'False'), { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', lastTransitionTime: before }]);
    const ready = (): Condition | undefined => podConditions({ pod: p, statuses: p.spec.containers.map((c) => ({ name: c.name, ready: true, started: true, restartCount: 0, image: c.image ?? '', imageID: '', state: { running: {} } })), phase: 'Running', sandboxReady: true, now }).find((x) => x.type === 'Ready');
    assert.equal(ready()?.lastTransitionTime, before);
    p.status!.conditions![0] = cond(a, 'True');
    assert.equal(ready()?.status, 'True');
    assert.equal(ready()?.lastTransitionTime, now);
  });

  test('conditions the kubelet does not own are carried over as they are, in order', () => {
    const mine = ['PodScheduled', 'Ready', 'Initialized', 'ContainersReady', 'PodReadyToStartContainers'].map((t) => cond(t, 'True'));
    const theirs = [cond(b, 'False'), { ...cond('DisruptionTarget', 'True'), reason: 'EvictionByEvictionAPI' }, cond(a, 'True')];
    assert.deepEqual(foreignConditions([mine[0]!, theirs[0]!, ...mine.slice(1), ...theirs.slice(1)]), theirs);
    assert.equal(unreadyGatesMessage(gatedPod([], theirs), theirs), undefined);
  });
});

describe('readiness gates on a node', () => {
  let c: TestCluster;
  let fleet: NodeFleet;
  before(async () => {
    c = await startTestCluster();
    fleet = new NodeFleet({ client: c.client, log: logger('fleet'), nodes: 1, namePrefix: 'gates', restartBackoffMs: 100 });
    await fleet.start();
  });
  after(async () => {
    await fleet.stop();
    await c.stop();
  });
  const get = (name: string) => c.client.get<Pod>(pods, 'default', name);
  const ready = (p: Pod) => p.status?.conditions?.find((x) => x.type === 'Ready');
  const setGate = (name: string, type: string, status: string) => c.client.patch(pods, 'default', name, { status: { conditions: [{ type, status, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } }, 'strategic', 'status');

  test('Ready waits for the gate, follows it both ways, and the gate condition survives the agent', async () => {
    const name = `gated-${suffix()}`;
    const gate = `example.com/ready-${suffix()}`;
    await c.client.create(pods, podBuilder(name).podField('nodeName', 'gates-1').podField('readinessGates', [{ conditionType: gate }]).containers(containerBuilder('web')).build());
    const waiting = await waitFor('running, gated', async () => {
      const p = await get(name);
      return p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready ? p : undefined;
    });
    assert.deepEqual({ ...ready(waiting), lastTransitionTime: undefined }, { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: `corresponding condition of pod readiness gate "${gate}" does not exist.`, lastTransitionTime: undefined });
    assert.equal(waiting.status?.conditions?.find((x) => x.type === 'ContainersReady')?.status, 'True');

    await setGate(name, gate, 'True');
    const opened = await waitFor('Ready', async () => { const p = await get(name); return ready(p)?.status === 'True' ? p : undefined; });
    assert.equal(opened.status?.conditions?.find((x) => x.type === gate)?.status, 'True');

    await setGate(name, gate, 'False');
    const closed = await waitFor('not Ready again', async () => { const p = await get(name); return ready(p)?.status === 'False' ? p : undefined; });
    assert.equal(ready(closed)?.message, `the status of pod readiness gate "${gate}" is not "True", but False`);
    assert.equal(closed.status?.conditions?.filter((x) => x.type === gate).length, 1);
  });

  test('a status write on a stale copy re-reads: a condition patched in between survives', async () => {
    const name = `race-${suffix()}`;
    const gate = `example.com/race-${suffix()}`;
    // No node: nothing else writes this pod's status.
    const created = await c.client.create<Pod>(pods, podBuilder(name).podField('readinessGates', [{ conditionType: gate }]).build() as Pod);
    await setGate(name, gate, 'True');
    let calls = 0;
    const written = await putPodStatus(c.client, created, (p) => {
      calls++;
      return { phase: 'Pending', conditions: [...(p.status?.conditions ?? []).filter((x) => x.type === gate), { type: 'PodScheduled', status: 'True' }] };
    });
    assert.equal(calls, 2, 'computed again from the pod as re-read');
    assert.equal(written.status?.conditions?.find((x) => x.type === gate)?.status, 'True');
    assert.equal(written.status?.qosClass, 'BestEffort', 'fields the agent does not compute are kept');
  });

  test('a writer starts from its own last write when the informer\'s copy lags: no conflict, no re-read', async () => {
    const name = `burst-${suffix()}`;
    const stale = await c.client.create<Pod>(pods, podBuilder(name).build() as Pod);
    const writer = new PodStatusWriter(c.client);
    const reads: string[] = [];
    const client = c.client as unknown as { get: (...a: unknown[]) => Promise<unknown> };
    const realGet = client.get.bind(client);
    client.get = (...a: unknown[]) => {
      reads.push(String(a[2]));
      return realGet(...a);
    };
    try {
      const writes = 2 + Math.floor(Math.random() * 3);
      let last: Pod = stale;
      for (let i = 0; i < writes; i++) last = await writer.write(stale, () => ({ phase: 'Pending', message: `write ${i}` }));
      assert.deepEqual(reads.filter((r) => r === name), []);
      assert.equal(last.status?.message, `write ${writes - 1}`);
    } finally {
      client.get = realGet;
    }
  });
});
