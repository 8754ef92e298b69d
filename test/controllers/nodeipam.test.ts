/** Node IPAM: the subnet arithmetic (table-driven), and the controller on a real in-process API
 * server — allocation, rebuilding the pool on restart, release on delete, exhaustion. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../../src/api/kinds.js';
import { nodes } from '../../src/api/resources.js';
import { CidrError, CidrSet, NodeIpamController, type NodeIpamOptions } from '../../src/controllers/nodeipam/index.js';
import { nodeBuilder } from '../helpers/builders.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { eventsFor, runController, type Running } from './fixtures.js';

describe('CidrSet', () => {
  const sizes: { name: string; cluster: string; mask: number; size: number; first: string; last: string }[] = [
    { name: 'k3s default: /16 into /24', cluster: '10.42.0.0/16', mask: 24, size: 256, first: '10.42.0.0/24', last: '10.42.255.0/24' },
    { name: 'small nodes: /20 into /26', cluster: '10.88.16.0/20', mask: 26, size: 64, first: '10.88.16.0/26', last: '10.88.31.192/26' },
    { name: 'big nodes: /12 into /16', cluster: '172.16.0.0/12', mask: 16, size: 16, first: '172.16.0.0/16', last: '172.31.0.0/16' },
    { name: 'host bits in the cluster CIDR are ignored', cluster: '192.168.7.9/22', mask: 23, size: 2, first: '192.168.4.0/23', last: '192.168.6.0/23' },
    { name: 'one subnet: mask equals the prefix', cluster: '10.9.0.0/24', mask: 24, size: 1, first: '10.9.0.0/24', last: '10.9.0.0/24' },
  ];
  for (const c of sizes) {
    test(`mask sizes: ${c.name}`, () => {
      const set = new CidrSet(c.cluster, c.mask);
      assert.equal(set.size, c.size);
      assert.equal(set.cidrAt(0), c.first);
      assert.equal(set.cidrAt(c.size - 1), c.last);
      const all = Array.from({ length: c.size }, () => set.allocateNext());
      assert.equal(new Set(all).size, c.size, 'every subnet handed out once');
      assert.equal(all[0], c.first);
      assert.equal(set.allocateNext(), undefined, 'then none left');
    });
  }

  const bad: { name: string; cluster: string; mask: number }[] = [
    { name: 'mask shorter than the prefix', cluster: '10.42.0.0/16', mask: 15 },
    { name: 'mask over 32', cluster: '10.42.0.0/16', mask: 33 },
    { name: 'not a CIDR', cluster: '10.42.0.0', mask: 24 },
    { name: 'octet out of range', cluster: '10.420.0.0/16', mask: 24 },
    { name: 'more than 65536 subnets', cluster: '10.0.0.0/8', mask: 30 },
  ];
  for (const c of bad) {
    test(`rejects: ${c.name}`, () => assert.throws(() => new CidrSet(c.cluster, c.mask), CidrError));
  }

  test('occupy, release and round-robin reuse', () => {
    const set = new CidrSet('10.60.0.0/22', 24);
    assert.equal(set.occupy('10.60.1.0/24'), true);
    assert.equal(set.occupy('10.61.0.0/24'), false, 'outside the range');
    assert.equal(set.occupy('10.60.1.0/25'), false, 'wrong mask size');
    assert.equal(set.occupy('10.60.1.128/24'), false, 'not on a subnet boundary');
    assert.deepEqual([set.allocateNext(), set.allocateNext(), set.allocateNext()], ['10.60.0.0/24', '10.60.2.0/24', '10.60.3.0/24']);
    set.release('10.60.0.0/24');
    assert.equal(set.free, 1);
    assert.equal(set.allocateNext(), '10.60.0.0/24', 'the released one is found after wrapping round');
  });
});

describe('NodeIpamController', () => {
  let cluster: TestCluster;
  const running: Running[] = [];
  before(async () => {
    cluster = await startTestCluster();
  });
  after(async () => {
    for (const r of running) await r.stop();
    await cluster.stop();
  });

  const start = async (opts: NodeIpamOptions): Promise<Running> => {
    const r = await runController(cluster, (ctx) => new NodeIpamController(ctx, opts));
    running.push(r);
    return r;
  };
  const stop = async (r: Running): Promise<void> => {
    running.splice(running.indexOf(r), 1);
    await r.stop();
  };
  const create = (name: string, podCIDR?: string): Promise<Node> => {
    const b = nodeBuilder(name).labels({ suite: 'nodeipam' });
    if (podCIDR) b.set('spec.podCIDR', podCIDR).set('spec.podCIDRs', [podCIDR]);
    return cluster.client.create<Node>(nodes, b.build() as Node);
  };
  const cidrOf = (name: string): Promise<string> =>
    waitFor(`${name} to get a pod CIDR`, async () => {
      const n = await cluster.client.get<Node>(nodes, undefined, name);
      return n.spec?.podCIDR && n.spec.podCIDRs?.[0] === n.spec.podCIDR ? n.spec.podCIDR : undefined;
    });
  const removeAll = async (names: readonly string[]): Promise<void> => {
    for (const n of names) await cluster.client.delete(nodes, undefined, n);
  };

  test('allocation: each new node gets the next free subnet, nodes with their own range are left alone', async () => {
    const r = await start({ clusterCidr: '10.71.0.0/16', nodeCidrMaskSize: 24 });
    const names = ['ipam-alder', 'ipam-birch', 'ipam-cedar', 'ipam-dogwood'];
    for (const n of names) await create(n);
    await create('ipam-own', '127.33.4.0/24');
    const got = await Promise.all(names.map(cidrOf));
    assert.deepEqual([...got].sort(), ['10.71.0.0/24', '10.71.1.0/24', '10.71.2.0/24', '10.71.3.0/24']);
    assert.equal((await cluster.client.get<Node>(nodes, undefined, 'ipam-own')).spec?.podCIDR, '127.33.4.0/24');
    await stop(r);
    await removeAll([...names, 'ipam-own']);
  });

  test('restart rebuild: a new term marks existing subnets used before allocating', async () => {
    let r = await start({ clusterCidr: '10.72.8.0/22', nodeCidrMaskSize: 24 });
    await create('rebuild-1');
    await create('rebuild-2');
    const first = await Promise.all([cidrOf('rebuild-1'), cidrOf('rebuild-2')]);
    await stop(r);
    // A node registered by hand while no controller runs takes a subnet the new term must respect.
    await create('rebuild-manual', '10.72.10.0/24');
    r = await start({ clusterCidr: '10.72.8.0/22', nodeCidrMaskSize: 24 });
    await create('rebuild-3');
    const third = await cidrOf('rebuild-3');
    assert.deepEqual([...first, '10.72.10.0/24', third].sort(), ['10.72.10.0/24', '10.72.11.0/24', '10.72.8.0/24', '10.72.9.0/24']);
    assert.equal(third, '10.72.11.0/24');
    await stop(r);
    await removeAll(['rebuild-1', 'rebuild-2', 'rebuild-manual', 'rebuild-3']);
  });

  test('release on delete and exhaustion: CIDRNotAvailable, then the freed subnet goes to the waiting node', async () => {
    // A /25 in /26 halves: room for two nodes.
    const r = await start({ clusterCidr: '10.73.5.0/25', nodeCidrMaskSize: 26 });
    await create('tight-a');
    await create('tight-b');
    const [a, b] = await Promise.all([cidrOf('tight-a'), cidrOf('tight-b')]);
    assert.deepEqual([a, b].sort(), ['10.73.5.0/26', '10.73.5.64/26']);
    const waiting = await create('tight-c');
    await waitFor('a CIDRNotAvailable event', async () =>
      (await eventsFor(cluster.client, waiting)).includes('CIDRNotAvailable: Node tight-c status is now: CIDRNotAvailable'));
    assert.equal((await cluster.client.get<Node>(nodes, undefined, 'tight-c')).spec?.podCIDR, undefined);
    await cluster.client.delete(nodes, undefined, 'tight-a');
    assert.equal(await cidrOf('tight-c'), a, 'the deleted node\'s subnet');
    await stop(r);
    await removeAll(['tight-b', 'tight-c']);
  });

  test('podCIDR is immutable once set', async () => {
    const n = await create('fixed-range', '10.74.1.0/24');
    await assert.rejects(
      cluster.client.patch(nodes, undefined, 'fixed-range', { spec: { podCIDR: '10.74.2.0/24', podCIDRs: ['10.74.2.0/24'] } }),
      (err: Error) => /may not change podCIDR/.test(err.message),
    );
    await cluster.client.delete(nodes, undefined, n.metadata.name!);
  });
});
