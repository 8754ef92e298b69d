/** ReplicationControllers and ReplicaSets against a real in-process API server (no scheduler,
 * no agent: the test writes what a node would). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pods, replicaSets, replicationControllers } from '../../src/api/resources.js';
import type { ReplicationController } from '../../src/api/kinds.js';
import { ReplicationControllerController, ReplicaSetController } from '../../src/controllers/replication/index.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { rcBuilder, replicaSetBuilder, podBuilder } from '../helpers/builders.js';
import { actAsNode, eventsFor, livePods, runController, type Running } from './fixtures.js';

let cluster: TestCluster;
let rc: Running;
let rs: Running;

before(async () => {
  cluster = await startTestCluster();
  rc = await runController(cluster, (ctx) => new ReplicationControllerController(ctx));
  rs = await runController(cluster, (ctx) => new ReplicaSetController(ctx));
});

after(async () => {
  await rc.stop();
  await rs.stop();
  await cluster.stop();
});

async function scale(name: string, replicas: number): Promise<void> {
  await cluster.client.patch(replicationControllers, 'default', name, { spec: { replicas } });
}

async function countIs(selector: string, n: number): Promise<void> {
  await waitFor(`${n} pods for ${selector}`, async () => (await livePods(cluster.client, 'default', selector)).length === n);
  // And it stays there: no twins once expectations are met.
  await new Promise((r) => setTimeout(r, 150));
  assert.equal((await livePods(cluster.client, 'default', selector)).length, n);
}

for (const [name, steps] of [['hello-nginx', [3, 5, 2]], ['cache-rc', [4, 1, 6]]] as const) {
  test(`RC ${name} scaled ${steps.join('→')} ends with exactly that many pods`, async () => {
    const created = await cluster.client.create(replicationControllers, rcBuilder(name, { app: name, tier: 'x' }).replicas(steps[0]).build());
    await countIs(`app=${name}`, steps[0]);
    for (const n of steps.slice(1)) {
      await scale(name, n);
      await countIs(`app=${name}`, n);
    }
    const pods = await livePods(cluster.client, 'default', `app=${name}`);
    for (const p of pods) {
      assert.equal(p.metadata.generateName, `${name}-`);
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'ReplicationController', name, uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      assert.equal(p.metadata.labels?.['tier'], 'x');
    }
    const status = await waitFor('status', async () => {
      const o = await cluster.client.get<ReplicationController>(replicationControllers, 'default', name);
      return o.status?.replicas === steps[steps.length - 1] && o.status?.observedGeneration === o.metadata.generation ? o.status : undefined;
    });
    assert.equal(status.fullyLabeledReplicas, steps[steps.length - 1]);
    const evs = await eventsFor(cluster.client, created);
    assert.ok(evs.some((e) => /^SuccessfulCreate: Created pod: /.test(e)), evs.join('\n'));
    assert.ok(evs.some((e) => /^SuccessfulDelete: Deleted pod: /.test(e)), evs.join('\n'));
  });
}

test('scale-down removes the newest pods and keeps the running ones', async () => {
  const name = 'keepers';
  await cluster.client.create(replicationControllers, rcBuilder(name).replicas(3).build());
  await countIs(`app=${name}`, 3);
  const first = await livePods(cluster.client, 'default', `app=${name}`);
  for (const p of first) await actAsNode(cluster.client, p, { phase: 'Running', ready: true }, 'node-a');
  await scale(name, 5);
  await countIs(`app=${name}`, 5);
  await scale(name, 3);
  await countIs(`app=${name}`, 3);
  const left = (await livePods(cluster.client, 'default', `app=${name}`)).map((p) => p.metadata.name).sort();
  assert.deepEqual(left, first.map((p) => p.metadata.name).sort());
  await waitFor('ready status', async () => {
    const o = await cluster.client.get<ReplicationController>(replicationControllers, 'default', name);
    return o.status?.readyReplicas === 3 && o.status.availableReplicas === 3;
  });
});

test('a relabelled pod is released and replaced', async () => {
  const name = 'relabel-me';
  await cluster.client.create(replicationControllers, rcBuilder(name).replicas(2).build());
  await countIs(`app=${name}`, 2);
  const [victim] = await livePods(cluster.client, 'default', `app=${name}`);
  await cluster.client.patch(pods, 'default', victim!.metadata.name!, { metadata: { labels: { app: 'debugging' } } });
  await countIs(`app=${name}`, 2);
  const released = await waitFor('release', async () => {
    const p = (await livePods(cluster.client, 'default', 'app=debugging')).find((x) => x.metadata.name === victim!.metadata.name);
    return p && !p.metadata.ownerReferences?.length ? p : undefined;
  });
  assert.equal(released.metadata.labels?.['app'], 'debugging');
});

test('an orphan matching the selector is adopted instead of creating a pod', async () => {
  const name = 'adopter';
  await cluster.client.create(pods, podBuilder('stray-one').labels({ app: name }).build());
  const created = await cluster.client.create(replicationControllers, rcBuilder(name).replicas(2).build());
  await countIs(`app=${name}`, 2);
  const stray = (await livePods(cluster.client, 'default', `app=${name}`)).find((p) => p.metadata.name === 'stray-one');
  assert.ok(stray, 'the orphan is still there');
  assert.equal(stray.metadata.ownerReferences?.[0]?.uid, created.metadata.uid);
});

test('finished pods do not count and are replaced', async () => {
  const name = 'phoenix';
  await cluster.client.create(replicationControllers, rcBuilder(name).replicas(2).build());
  await countIs(`app=${name}`, 2);
  const [dead] = await livePods(cluster.client, 'default', `app=${name}`);
  await actAsNode(cluster.client, dead!, { phase: 'Failed' }, 'node-b');
  await waitFor('replacement', async () => (await livePods(cluster.client, 'default', `app=${name}`)).filter((p) => p.status?.phase !== 'Failed').length === 2);
});

test('apps/v1 ReplicaSet runs on the same engine', async () => {
  const name = 'rs-web';
  const created = await cluster.client.create(replicaSets, replicaSetBuilder(name, { app: name, rel: 'b' }).replicas(4).build());
  await countIs(`app=${name}`, 4);
  await cluster.client.patch(replicaSets, 'default', name, { spec: { replicas: 1 } });
  await countIs(`app=${name}`, 1);
  const [p] = await livePods(cluster.client, 'default', `app=${name}`);
  assert.equal(p!.metadata.ownerReferences?.[0]?.kind, 'ReplicaSet');
  assert.equal(p!.metadata.ownerReferences?.[0]?.uid, created.metadata.uid);
});
