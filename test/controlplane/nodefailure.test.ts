/** A node that stops heartbeating: it goes Unknown and is tainted, its pods are evicted, and
 * their replication controller brings them back on the nodes that are left. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../../src/api/kinds.js';
import { nodes } from '../../src/api/resources.js';
import { startSimCluster, type SimCluster } from '../helpers/simcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { live, podsWith, randomInt, seed, suffix } from './fixtures.js';

describe('node failure on simulated nodes', () => {
  let c: SimCluster;
  before(async () => {
    c = await startSimCluster({
      nodes: 3,
      loops: { nodeMonitorGracePeriodMs: 2000, podEvictionTimeoutMs: 1000 },
      fleet: { leaseRenewSeconds: 0.4 },
    });
  });
  after(async () => {
    await c.stop();
  });

  test('a silent node goes Unknown, is tainted, and its RC pods reappear elsewhere', async () => {
    const name = `survivor-${suffix()}`;
    const app = `app-${suffix()}`;
    const replicas = randomInt(5, 7);
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('nginx-rc.yaml', { 'nginx-rc-pod': name, 'app: nginx': `app: ${app}`, 'replicas: 3': `replicas: ${replicas}` }) });
    const first = await waitFor('all running', async () => {
      const list = live(await podsWith(c.client, 'default', `app=${app}`));
      return list.length === replicas && list.every((p) => p.status?.phase === 'Running') ? list : undefined;
    }, 20_000);
    // Kill a node that holds at least one of the pods.
    const victim = first[0]!.spec.nodeName!;
    const lost = first.filter((p) => p.spec.nodeName === victim).map((p) => p.metadata.name);
    await c.fleet.kill(victim);

    const node = await waitFor('node unknown', async () => {
      const n = await c.client.get<Node>(nodes, undefined, victim);
      return n.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'Unknown' ? n : undefined;
    }, 15_000);
    assert.equal(node.status?.conditions?.find((x) => x.type === 'Ready')?.reason, 'NodeStatusUnknown');
    await waitFor('unreachable taint', async () => {
      const n = await c.client.get<Node>(nodes, undefined, victim);
      return n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable') ?? false;
    }, 15_000);

    const after = await waitFor('replaced elsewhere', async () => {
      const list = live(await podsWith(c.client, 'default', `app=${app}`));
      return list.length === replicas && list.every((p) => p.status?.phase === 'Running' && p.spec.nodeName !== victim) ? list : undefined;
    }, 30_000);
    for (const p of after) assert.ok(!lost.includes(p.metadata.name), `${p.metadata.name} should have been replaced`);
  });
});
