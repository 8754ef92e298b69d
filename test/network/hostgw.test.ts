/** Host-gateway pod routes: which routes a node wants, the commands that get there, and the
 * routes really in a network namespace's table as Nodes come, change and go. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { Node } from '../../src/api/kinds.js';
import { nodes } from '../../src/api/resources.js';
import { HostGatewayRoutes, routeChanges, wantedRoutes } from '../../src/network/index.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { repoRoot } from '../helpers/paths.js';
import { suffix } from '../controlplane/fixtures.js';

function node(name: string, ip: string | undefined, cidr: string | undefined): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name },
    spec: { ...(cidr ? { podCIDR: cidr, podCIDRs: [cidr] } : {}) },
    status: { ...(ip ? { addresses: [{ type: 'InternalIP', address: ip }] } : {}) },
  };
}

describe('wanted routes', () => {
  const cases: { name: string; nodes: Node[]; self: string; want: [string, string][] }[] = [
    { name: 'every other node with a CIDR and an address', self: 'a', nodes: [node('a', '10.1.0.1', '10.42.0.0/24'), node('b', '10.1.0.2', '10.42.1.0/24'), node('c', '10.1.0.3', '10.42.2.0/24')], want: [['10.42.1.0/24', '10.1.0.2'], ['10.42.2.0/24', '10.1.0.3']] },
    { name: 'a node without a CIDR yet is skipped', self: 'a', nodes: [node('a', '10.1.0.1', '10.42.0.0/24'), node('b', '10.1.0.2', undefined)], want: [] },
    { name: 'a node without an address is skipped', self: 'b', nodes: [node('a', undefined, '10.42.0.0/24')], want: [] },
    { name: 'IPv6 CIDRs are left alone', self: 'x', nodes: [{ ...node('a', '10.1.0.1', undefined), spec: { podCIDRs: ['10.42.7.0/24', 'fd00:42::/64'] } }], want: [['10.42.7.0/24', '10.1.0.1']] },
  ];
  for (const c of cases) {
    void test(c.name, () => assert.deepEqual([...wantedRoutes(c.nodes, c.self)], c.want));
  }
});

describe('route changes', () => {
  const cases: { name: string; have: [string, string][]; want: [string, string][]; cmds: string[][] }[] = [
    { name: 'new routes are added', have: [], want: [['10.42.1.0/24', '10.1.0.2']], cmds: [['route', 'replace', '10.42.1.0/24', 'via', '10.1.0.2']] },
    { name: 'a moved gateway is replaced', have: [['10.42.1.0/24', '10.1.0.2']], want: [['10.42.1.0/24', '10.1.0.9']], cmds: [['route', 'replace', '10.42.1.0/24', 'via', '10.1.0.9']] },
    { name: 'routes of nodes gone are deleted', have: [['10.42.1.0/24', '10.1.0.2'], ['10.42.2.0/24', '10.1.0.3']], want: [['10.42.2.0/24', '10.1.0.3']], cmds: [['route', 'del', '10.42.1.0/24']] },
    { name: 'nothing to do', have: [['10.42.2.0/24', '10.1.0.3']], want: [['10.42.2.0/24', '10.1.0.3']], cmds: [] },
  ];
  for (const c of cases) {
    void test(c.name, () => assert.deepEqual(routeChanges(new Map(c.have), new Map(c.want)), c.cmds));
  }
});

describe('host-gateway routes in a network namespace', () => {
  const ns = `skiff-hgw-${suffix()}`;
  const inNs = (...args: string[]): string => execFileSync('ip', ['netns', 'exec', ns, 'ip', ...args], { encoding: 'utf8' });
  let c: TestCluster;
  before(async () => {
    execFileSync(`${repoRoot}/scripts/debian-install`, ['ip:iproute2']);
    execFileSync('ip', ['netns', 'add', ns]);
    inNs('link', 'add', 'nodes0', 'type', 'veth', 'peer', 'name', 'nodes0p');
    inNs('link', 'set', 'nodes0p', 'up');
    inNs('addr', 'add', '10.77.0.1/24', 'dev', 'nodes0');
    inNs('link', 'set', 'nodes0', 'up');
    c = await startTestCluster();
  });
  after(async () => {
    await c?.stop();
    execFileSync('ip', ['netns', 'del', ns]);
  });

  void test('routes follow Nodes and go when the agent stops', async () => {
    const self = `self-${suffix()}`;
    const peers = Array.from({ length: 2 + Math.floor(Math.random() * 3) }, (_, i) => ({ name: `peer-${i}-${suffix()}`, ip: `10.77.0.${10 + i}`, cidr: `10.${60 + i}.${i}.0/24` }));
    await c.client.create(nodes, node(self, '10.77.0.1', '10.59.0.0/24'));
    for (const p of peers) await c.client.create(nodes, node(p.name, p.ip, p.cidr));
    const ctx = c.context('hostgw');
    const routes = new HostGatewayRoutes({ informers: ctx.informers, nodeName: self, log: ctx.log, ip: async (args) => void inNs(...args) });
    await ctx.informers.start();
    await routes.start();
    const table = (): string => inNs('route', 'show');
    for (const p of peers) assert.match(table(), new RegExp(`${p.cidr.replace(/\./g, '\\.')} via ${p.ip.replace(/\./g, '\\.')} dev nodes0`));
    assert.doesNotMatch(table(), /10\.59\.0\.0/, 'no route to its own pods');

    const [first, second] = peers;
    await c.client.delete(nodes, undefined, first!.name);
    await waitFor('route of a deleted node removed', () => (table().includes(first!.cidr.split('/')[0]!) ? undefined : true));
    await c.client.patch(nodes, undefined, second!.name, { status: { addresses: [{ type: 'InternalIP', address: '10.77.0.99' }] } }, 'merge', 'status');
    await waitFor('route follows a new address', () => (table().includes(`${second!.cidr} via 10.77.0.99`) ? true : undefined));

    await routes.stop();
    ctx.informers.stop();
    for (const p of peers) assert.ok(!table().includes(p.cidr.split('/')[0]!), `route to ${p.cidr} removed at stop:\n${table()}`);
  });
});
