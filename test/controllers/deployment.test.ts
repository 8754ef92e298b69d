/** The deployment controller with the replica set controller against a real in-process API
 * server (no scheduler, no agent: the test marks pods Ready and finishes terminating ones, as a
 * node would). Rolling bounds, Recreate ordering, proportional scaling mid-rollout, adoption and
 * release, history cleanup, hash collisions, minReadySeconds. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/kinds.js';
import { deployments, pods, replicaSets } from '../../src/api/resources.js';
import { ReplicaSetController } from '../../src/controllers/replication/index.js';
import { DeploymentController, computeHash, type Deployment, type ReplicaSet } from '../../src/controllers/deployment/index.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { deploymentBuilder, replicaSetBuilder } from '../helpers/builders.js';
import { actAsNode, eventsFor, listPods, runController, sleep, type Running } from './fixtures.js';
import { suffix } from '../controlplane/fixtures.js';

let cluster: TestCluster;
let rsc: Running;
let dc: Running;

before(async () => {
  cluster = await startTestCluster();
  rsc = await runController(cluster, (ctx) => new ReplicaSetController(ctx));
  dc = await runController(cluster, (ctx) => new DeploymentController(ctx));
});

after(async () => {
  await dc.stop();
  await rsc.stop();
  await cluster.stop();
});

const client = () => cluster.client;
const getDeploy = (name: string) => client().get<Deployment>(deployments, 'default', name);

async function owned(name: string): Promise<ReplicaSet[]> {
  const d = await getDeploy(name);
  return (await client().list<ReplicaSet>(replicaSets, 'default')).items
    .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid))
    .sort((a, b) => Number(a.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) - Number(b.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0));
}

/** What a node does: runs and readies pending pods (up to `limit`), and finishes pods being deleted. */
async function actAsNodes(selector: string, limit = Infinity): Promise<void> {
  let readied = 0;
  for (const p of await listPods(client(), 'default', selector)) {
    if (p.metadata.deletionTimestamp) {
      await client().delete(pods, 'default', p.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => undefined);
    } else if (readied < limit && !p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) {
      await actAsNode(client(), p, { phase: 'Running', ready: true }, 'node-a').catch(() => undefined);
      readied++;
    }
  }
}

function complete(d: Deployment): boolean {
  const r = d.spec.replicas ?? 1;
  return d.status?.observedGeneration === d.metadata.generation && d.status?.updatedReplicas === r && d.status.replicas === r && d.status.availableReplicas === r;
}

async function rolledOut(name: string, selector: string, limit = Infinity): Promise<Deployment> {
  return waitFor(`${name} rolled out`, async () => {
    await actAsNodes(selector, limit);
    const d = await getDeploy(name);
    return complete(d) ? d : undefined;
  }, 20_000, 50);
}

const setImage = (name: string, image: string) =>
  client().patch(deployments, 'default', name, { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } }, 'strategic');

test('RollingUpdate with maxSurge 1, maxUnavailable 0 never exceeds replicas+1 pods nor drops below replicas ready', async () => {
  const name = `roll-${suffix()}`;
  const replicas = 4;
  await client().create(deployments, deploymentBuilder(name).replicas(replicas).set('spec.strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }).build());
  await rolledOut(name, `app=${name}`);
  const [first] = await owned(name);
  await setImage(name, 'httpd');
  let most = 0;
  let fewestReady = Infinity;
  await waitFor('rolled to httpd', async () => {
    const live = (await listPods(client(), 'default', `app=${name}`)).filter((p) => !p.metadata.deletionTimestamp);
    most = Math.max(most, live.length);
    fewestReady = Math.min(fewestReady, live.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length);
    await actAsNodes(`app=${name}`, 1);
    const d = await getDeploy(name);
    return complete(d) && d.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2' && live.every((p) => p.spec.containers[0]!.image === 'httpd') ? d : undefined;
  }, 20_000, 30);
  assert.ok(most <= replicas + 1, `at most ${replicas + 1} pods (saw ${most})`);
  assert.ok(fewestReady >= replicas, `at least ${replicas} ready (saw ${fewestReady})`);
  const rss = await owned(name);
  assert.equal(rss.length, 2);
  assert.equal(rss[0]!.metadata.uid, first!.metadata.uid);
  assert.equal(rss[0]!.spec.replicas, 0);
  assert.equal(rss[1]!.spec.replicas, replicas);
  const evs = await eventsFor(client(), await getDeploy(name));
  assert.ok(evs.includes(`ScalingReplicaSet: Scaled up replica set ${rss[1]!.metadata.name} from 0 to 1`), evs.join('\n'));
  assert.ok(evs.includes(`ScalingReplicaSet: Scaled down replica set ${first!.metadata.name} from 4 to 3`), evs.join('\n'));
});

test('Recreate removes every old pod before the new ReplicaSet exists', async () => {
  const name = `recreate-${suffix()}`;
  await client().create(deployments, deploymentBuilder(name).replicas(3).set('spec.strategy', { type: 'Recreate' }).build());
  await rolledOut(name, `app=${name}`);
  await setImage(name, 'httpd');
  let overlap = false;
  await waitFor('recreated', async () => {
    const all = await listPods(client(), 'default', `app=${name}`);
    const images = new Set(all.map((p) => p.spec.containers[0]!.image));
    if (images.size > 1) overlap = true;
    await actAsNodes(`app=${name}`);
    const d = await getDeploy(name);
    return complete(d) && all.length === 3 && images.has('httpd') && images.size === 1 ? d : undefined;
  }, 20_000, 20);
  assert.ok(!overlap, 'old and new pods never existed together');
  const rss = await owned(name);
  assert.deepEqual(rss.map((r) => r.spec.replicas), [0, 3]);
});

test('scaling in the middle of a rollout is proportional', async () => {
  const name = `prop-${suffix()}`;
  await client().create(deployments, deploymentBuilder(name).replicas(10).set('spec.strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } }).build());
  await rolledOut(name, `app=${name}`);
  await setImage(name, 'httpd');
  // New pods never become ready: the rollout stops at old 8 / new 5 (10 + 3 surge, 8 available).
  const sizes = async () => (await owned(name)).map((r) => r.spec.replicas);
  await waitFor('old 8, new 5', async () => {
    for (const p of await listPods(client(), 'default', `app=${name}`)) {
      if (p.metadata.deletionTimestamp) await client().delete(pods, 'default', p.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => undefined);
    }
    return (await sizes()).join() === '8,5';
  });
  await client().patch(deployments, 'default', name, { spec: { replicas: 20 } });
  // 23 = 20 + 3 surge, shared 8:5 → round(8·23/13)=14 and the rest, 9.
  await waitFor('old 14, new 9', async () => (await sizes()).join() === '14,9');
  for (const rs of await owned(name)) {
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '20');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '23');
  }
  await sleep(200);
  assert.equal((await sizes()).join(), '14,9', 'and it stays there');
});

test('an orphan ReplicaSet with the template is adopted as the new one; a relabelled one is released', async () => {
  const name = `adopt-${suffix()}`;
  // apps/v1 matches the ReplicaSet's own labels, not its template's.
  const orphan = replicaSetBuilder(`${name}-old`, { app: name }).replicas(2).set('metadata.labels', { app: name }).build() as ReplicaSet;
  const rs = await client().create<ReplicaSet>(replicaSets, orphan);
  // Let the controller's ReplicaSet cache see the orphan before the deployment arrives.
  await sleep(300);
  await client().create(deployments, deploymentBuilder(name).replicas(2).build());
  await rolledOut(name, `app=${name}`);
  const rss = await owned(name);
  assert.deepEqual(rss.map((r) => r.metadata.name), [`${name}-old`], 'adopted, none created');
  assert.equal(rss[0]!.metadata.uid, rs.metadata.uid);
  assert.equal(rss[0]!.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  await client().patch(replicaSets, 'default', `${name}-old`, { metadata: { labels: { app: `${name}-debug` } } });
  const released = await waitFor('released', async () => {
    const r = await client().get<ReplicaSet>(replicaSets, 'default', `${name}-old`);
    return !r.metadata.ownerReferences?.length ? r : undefined;
  });
  assert.equal(released.metadata.labels?.['app'], `${name}-debug`);
  await rolledOut(name, `app=${name},pod-template-hash`);
  const now = await owned(name);
  assert.equal(now.length, 1);
  assert.match(now[0]!.metadata.name!, new RegExp(`^${name}-[bcdfghjklmnpqrstvwxz2456789]+$`));
});

test('revisionHistoryLimit keeps that many old ReplicaSets, the newest', async () => {
  const name = `limit-${suffix()}`;
  await client().create(deployments, deploymentBuilder(name).replicas(1).set('spec.revisionHistoryLimit', 1).build());
  await rolledOut(name, `app=${name}`);
  for (const image of ['httpd', 'busybox', 'debian']) {
    await setImage(name, image);
    await waitFor(`rolled to ${image}`, async () => {
      await actAsNodes(`app=${name}`);
      const d = await getDeploy(name);
      const live = (await listPods(client(), 'default', `app=${name}`)).filter((p: Pod) => !p.metadata.deletionTimestamp);
      return complete(d) && live.every((p) => p.spec.containers[0]!.image === image);
    }, 20_000, 50);
  }
  const revisions = await waitFor('old ones deleted', async () => {
    const rss = await owned(name);
    return rss.length === 2 ? rss.map((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision']) : undefined;
  });
  assert.deepEqual(revisions, ['3', '4']);
});

test('a hash collision bumps collisionCount and names the ReplicaSet by the next hash', async () => {
  const name = `coll-${suffix()}`;
  await client().create(deployments, deploymentBuilder(name).replicas(1).set('spec.paused', true).build());
  const stored = await getDeploy(name);
  const hash = computeHash(stored.spec.template);
  // Someone else's ReplicaSet holds the name the first hash gives.
  await client().create(replicaSets, replicaSetBuilder(`${name}-${hash}`, { squatter: name }).replicas(0).build());
  await client().patch(deployments, 'default', name, { spec: { paused: false } });
  const d = await rolledOut(name, `app=${name}`);
  assert.equal(d.status?.collisionCount, 1);
  const [rs, ...rest] = await owned(name);
  assert.equal(rest.length, 0);
  assert.equal(rs!.metadata.name, `${name}-${computeHash(stored.spec.template, 1)}`);
});

test('minReadySeconds: ReplicaSet and deployment count pods available only after it', async () => {
  const name = `minready-${suffix()}`;
  await client().create(deployments, deploymentBuilder(name).replicas(2).set('spec.minReadySeconds', 1).build());
  await waitFor('2 pods', async () => (await listPods(client(), 'default', `app=${name}`)).length === 2);
  const readyAt = Date.now();
  await actAsNodes(`app=${name}`);
  const [rs] = await owned(name);
  assert.equal(rs!.spec.minReadySeconds, 1);
  await waitFor('ready, not yet available', async () => {
    const r = await client().get<ReplicaSet>(replicaSets, 'default', rs!.metadata.name!);
    return r.status?.readyReplicas === 2 && r.status.availableReplicas === 0;
  });
  const d = await waitFor('available', async () => {
    const x = await getDeploy(name);
    return x.status?.availableReplicas === 2 ? x : undefined;
  });
  assert.ok(Date.now() - readyAt >= 900, 'not before minReadySeconds');
  assert.equal(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason, 'NewReplicaSetAvailable');
});
