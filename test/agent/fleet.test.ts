/** Simulated nodes through a real API server: registration, leases, pods through their phases,
 * deletion. Pods are bound by hand (no scheduler here). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease, Node, Pod } from '../../src/api/kinds.js';
import { leases, nodes, pods } from '../../src/api/resources.js';
import { NodeFleet } from '../../src/agent/index.js';
import { simAnnotations } from '../../src/runtime/index.js';
import { logger } from '../../src/util/log.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { podBuilder } from '../helpers/builders.js';

describe('simulated nodes', () => {
  let c: TestCluster;
  let fleet: NodeFleet;
  const count = 3;

  before(async () => {
    c = await startTestCluster();
    fleet = new NodeFleet({ client: c.client, log: logger('fleet'), nodes: count, namePrefix: 'edge', podsPerNode: 17, runSeconds: 0.2, restartBackoffMs: 100 });
    await fleet.start();
  });
  after(async () => {
    await fleet.stop();
    await c.stop();
  });

  const get = (name: string, ns = 'default') => c.client.get<Pod>(pods, ns, name);
  const bound = (name: string, node: string, policy = 'Always', notes: Record<string, string> = {}) =>
    c.client.create(pods, podBuilder(name).podField('nodeName', node).restartPolicy(policy).annotations(notes).build());

  test('every node registers Ready with its capacity, labels and a lease', async () => {
    const list = await c.client.list<Node>(nodes);
    assert.deepEqual(list.items.map((n) => n.metadata.name).sort(), ['edge-1', 'edge-2', 'edge-3']);
    for (const n of list.items) {
      assert.equal(n.metadata.labels?.['kubernetes.io/hostname'], n.metadata.name);
      assert.equal(n.status?.allocatable?.['pods'], '17');
      assert.equal(n.status?.conditions?.find((x) => x.type === 'Ready')?.status, 'True');
      const lease = await c.client.get<Lease>(leases, 'kube-node-lease', n.metadata.name!);
      assert.equal(lease.spec?.holderIdentity, n.metadata.name);
      assert.match(String(lease.spec?.renewTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    }
  });

  test('a pod bound to a node runs with an address from that node\'s range', async () => {
    await bound('web-a', 'edge-2');
    const p = await waitFor('web-a running', async () => { const p = await get('web-a'); return p.status?.phase === 'Running' ? p : undefined; });
    assert.match(p.status?.podIP ?? '', /^10\.0\.2\.\d+$/);
    assert.equal(p.status?.hostIP, '127.1.0.2');
    assert.equal(p.status?.conditions?.find((x) => x.type === 'Ready')?.status, 'True');
    assert.equal(p.status?.containerStatuses?.[0]?.ready, true);
  });

  test('restartPolicy Never succeeds after the run time; a scripted exit code fails', async () => {
    await bound('task-ok', 'edge-1', 'Never');
    await bound('task-bad', 'edge-3', 'Never', { [simAnnotations.exitCode]: '7' });
    const ok = await waitFor('task-ok done', async () => { const p = await get('task-ok'); return p.status?.phase === 'Succeeded' ? p : undefined; });
    assert.equal(ok.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    const bad = await waitFor('task-bad failed', async () => { const p = await get('task-bad'); return p.status?.phase === 'Failed' ? p : undefined; });
    assert.equal(bad.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 7);
  });

  test('OnFailure restarts a failing container and counts restarts', async () => {
    await bound('flaky', 'edge-1', 'OnFailure', { [simAnnotations.exitCode]: '1' });
    const p = await waitFor('restarts', async () => { const p = await get('flaky'); return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? p : undefined; });
    assert.equal(p.status?.phase, 'Running');
    assert.equal(p.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 1);
  });

  test('a start error shows as the waiting reason', async () => {
    await bound('no-image', 'edge-2', 'Always', { [simAnnotations.startError]: 'ErrImagePull' });
    const p = await waitFor('waiting', async () => { const p = await get('no-image'); return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull' ? p : undefined; });
    assert.equal(p.status?.phase, 'Pending');
  });

  test('a graceful delete ends with the agent removing the pod', async () => {
    await bound('going', 'edge-3');
    await waitFor('going running', async () => (await get('going')).status?.phase === 'Running');
    await c.client.delete(pods, 'default', 'going', { gracePeriodSeconds: 30 });
    await waitFor('going gone', async () => {
      try {
        await get('going');
        return false;
      } catch (err) {
        return (err as { code?: number }).code === 404;
      }
    });
  });
});
