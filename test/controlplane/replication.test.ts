/** SCENARIOS S4 (scale) and the replication controller's promises, with the real kubectl on a
 * simulated three-node cluster: counts, newest-first scale-down, --current-replicas, adoption and
 * release by labels, cascading delete. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicationController } from '../../src/api/kinds.js';
import { pods, replicationControllers } from '../../src/api/resources.js';
import { startSimCluster, type SimCluster } from '../helpers/simcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { live, podsWith, randomInt, seed, seedDoc, suffix } from './fixtures.js';

describe('replication controllers on simulated nodes', () => {
  let c: SimCluster;
  const ns = 'default';
  before(async () => {
    c = await startSimCluster({ nodes: 3 });
  });
  after(async () => {
    await c.stop();
  });

  const running = (selector: string, n: number) =>
    waitFor(`${n} running pods for ${selector}`, async () => {
      const list = live(await podsWith(c.client, ns, selector));
      return list.length === n && list.every((p) => p.status?.phase === 'Running') ? list : undefined;
    }, 20_000);

  test('S4: scale up and down, newest pods go first; --current-replicas guards', async () => {
    const name = `hello-${suffix()}`;
    const label = `world-${suffix()}`;
    const manifest = seedDoc('nginx-rc-svc.yaml', 0, { 'hello-nginx': name, 'hello: world': `hello: ${label}` });
    await c.kubectl.ok(['create', '-f', '-'], { input: manifest });
    const selector = `hello=${label}`;
    const start = (await c.client.get<ReplicationController>(replicationControllers, ns, name)).spec?.replicas ?? 0;
    await running(selector, start);

    const up = randomInt(6, 9);
    assert.match(await c.kubectl.ok(['scale', `--replicas=${up}`, 'rc', name]), new RegExp(`replicationcontroller/${name} scaled`));
    const grown = await running(selector, up);
    // Pods spread over all three nodes.
    assert.equal(new Set(grown.map((p) => p.spec.nodeName)).size, 3);

    const byAge = [...grown].sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) || 0);
    const down = 2;
    await c.kubectl.ok(['scale', `--replicas=${down}`, 'rc', name]);
    const kept = await running(selector, down);
    // The two kept are among the oldest (creation stamps have one-second resolution: ties allowed).
    const cutoff = String(byAge[down - 1]!.metadata.creationTimestamp);
    for (const p of kept) assert.ok(String(p.metadata.creationTimestamp) <= cutoff, `${p.metadata.name} is not among the oldest`);

    const refused = await c.kubectl.run(['scale', '--current-replicas=3', '--replicas=4', 'rc', name]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Expected replicas to be 3, was 2/);
    assert.equal((await c.client.get<ReplicationController>(replicationControllers, ns, name)).spec?.replicas, 2);

    await c.kubectl.ok(['scale', '--current-replicas=2', '--replicas=3', 'rc', name]);
    await running(selector, 3);
    await c.kubectl.ok(['scale', '--current-replicas=-1', '--replicas=1', 'rc', name]);
    await running(selector, 1);

    const rc = await waitFor('status caught up', async () => {
      const rc = await c.client.get<ReplicationController>(replicationControllers, ns, name);
      return rc.status?.replicas === 1 && rc.status.readyReplicas === 1 && rc.status.observedGeneration === rc.metadata.generation ? rc : undefined;
    });
    assert.equal(rc.status?.availableReplicas, 1);
  });

  test('a pod relabelled out of the selector is released and replaced; an orphan that matches is adopted', async () => {
    const name = `rel-${suffix()}`;
    const app = `app-${suffix()}`;
    const replicas = randomInt(2, 4);
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('nginx-rc.yaml', { 'nginx-rc-pod': name, 'app: nginx': `app: ${app}`, 'replicas: 3': `replicas: ${replicas}` }) });
    const list = await running(`app=${app}`, replicas);
    const victim = list[0]!.metadata.name!;
    await c.kubectl.ok(['label', 'pod', victim, `app=elsewhere-${app}`, '--overwrite']);
    await running(`app=${app}`, replicas);
    const released = await waitFor('released', async () => {
      const p = await c.client.get(pods, ns, victim);
      return (p.metadata.ownerReferences ?? []).length === 0 ? p : undefined;
    });
    assert.equal(released.metadata.labels?.['app'], `elsewhere-${app}`);

    // Put it back: now there is one too many, and the controller deletes one.
    await c.kubectl.ok(['label', 'pod', victim, `app=${app}`, '--overwrite']);
    await running(`app=${app}`, replicas);
  });

  test('deleting an RC deletes its pods; --cascade=orphan leaves them, without owners', async () => {
    const a = `gone-${suffix()}`, b = `kept-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('nginx-rc.yaml', { 'nginx-rc-pod': a, 'app: nginx': `set: ${a}` }) });
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('nginx-rc.yaml', { 'nginx-rc-pod': b, 'app: nginx': `set: ${b}`, 'replicas: 3': 'replicas: 2' }) });
    await running(`set=${a}`, 3);
    await running(`set=${b}`, 2);
    await c.kubectl.ok(['delete', 'rc', a]);
    await waitFor('pods of a gone', async () => (await podsWith(c.client, ns, `set=${a}`)).length === 0, 20_000);
    await c.kubectl.ok(['delete', 'rc', b, '--cascade=orphan']);
    const orphans = await waitFor('orphans', async () => {
      const list = await podsWith(c.client, ns, `set=${b}`);
      return list.length === 2 && list.every((p) => (p.metadata.ownerReferences ?? []).length === 0) ? list : undefined;
    });
    assert.ok(orphans.every((p) => p.status?.phase === 'Running'));
  });
});
