/**
 * The iptables proxy against the kernel: a real API server, the proxy following it through shared
 * informers and programming the iptables of a "node" network namespace, backends in namespaces
 * behind the node's bridge and a client in its own namespace (see iptables-netns.ts). Needs root
 * and Debian's iptables, iproute2 and conntrack (installed here when missing).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { EndpointSlice, Service } from '../../src/api/kinds.js';
import { endpointSlices, namespaces, services as servicesResource } from '../../src/api/resources.js';
import type { InformerFactory } from '../../src/client/factory.js';
import { IptablesProxy } from '../../src/proxy/index.js';
import { logger } from '../../src/util/log.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { repoRoot } from '../helpers/paths.js';
import { backendAddress, httpPort, NetnsLab, nodeAddress, podCidr, tally, udpPort } from './iptables-netns.js';

const ns = 'ipt';
const backends = [0, 1, 2].map(backendAddress);

describe('IptablesProxy in network namespaces', () => {
  const lab = new NetnsLab({ prefix: 'sk77', backends: 3 });
  let c: TestCluster | undefined;
  let informers: InformerFactory;
  /** Longer than the default, so that a burst of writes falls within one or two periods. */
const minSyncPeriodMs = 300;
let proxy: IptablesProxy | undefined;

  const save = (): string => lab.exec(lab.node, 'iptables-save');

  before(async () => {
    execFileSync(path.join(repoRoot, 'scripts', 'debian-install'), ['iptables:iptables', 'ip:iproute2', 'conntrack:conntrack'], { stdio: 'inherit' });
    await lab.create();
    // Someone else's rules in the node, which the proxy must leave alone.
    lab.exec(lab.node, 'iptables', '-t', 'nat', '-N', 'SK77-OTHER');
    lab.exec(lab.node, 'iptables', '-t', 'nat', '-A', 'PREROUTING', '-p', 'tcp', '--dport', '9', '-j', 'SK77-OTHER');
    lab.exec(lab.node, 'iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '9', '-j', 'ACCEPT');
    // A chain a crashed earlier run left behind, which the first sync must delete.
    lab.exec(lab.node, 'iptables', '-t', 'nat', '-N', 'SKIFF-SVC-0000000000DEAD77');
    c = await startTestCluster({ serviceClusterIpRange: '10.77.200.0/24' });
    await c.client.create(namespaces, { metadata: { name: ns } });
    const ctx = c.context('iptables-proxy');
    informers = ctx.informers;
    proxy = new IptablesProxy({
      informers, nodeAddresses: [nodeAddress], log: logger('proxy'), commandPrefix: ['ip', 'netns', 'exec', lab.node], clusterCidr: podCidr,
      minSyncPeriodMs,
    });
    await informers.start();
    await proxy.start();
  });

  after(async () => {
    try {
      await proxy?.stop();
    } finally {
      lab.destroy();
      await c?.stop();
    }
  });

  /** The service's one EndpointSlice (named as the service) listing `ips` as ready. */
  const sliceBody = (name: string, ips: readonly string[], ports: { port: number; protocol?: 'TCP' | 'UDP' }[]): EndpointSlice => ({
    metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: ports.map((p) => ({ name: '', port: p.port, protocol: p.protocol ?? 'TCP' })),
  });

  /** Writes the EndpointSlice (the test plays the endpointslice controller) and waits until the
   * proxy has put it in the kernel. */
  async function setEndpoints(name: string, ips: readonly string[], ports: { port: number; protocol: 'TCP' | 'UDP' }[] = [{ port: httpPort, protocol: 'TCP' }]): Promise<void> {
    const body = sliceBody(name, ips, ports);
    let written: EndpointSlice;
    try {
      const old = await c!.client.get<EndpointSlice>(endpointSlices, ns, name);
      written = await c!.client.update(endpointSlices, { ...body, metadata: { ...body.metadata, resourceVersion: old.metadata.resourceVersion } });
    } catch {
      written = await c!.client.create(endpointSlices, body);
    }
    const inf = informers.informer<EndpointSlice>(endpointSlices);
    await waitFor(`the proxy to see endpoints of ${name}`, () => inf.get(`${ns}/${name}`)?.metadata.resourceVersion === written.metadata.resourceVersion);
    await proxy!.settled();
  }

  async function service(name: string, spec: Partial<Service['spec']>): Promise<Service> {
    const svc = await c!.client.create<Service>(servicesResource, { metadata: { name, namespace: ns }, spec: { ports: [{ port: 80, targetPort: httpPort }], ...spec } });
    const inf = informers.informer<Service>(servicesResource);
    await waitFor(`the proxy to see service ${name}`, () => inf.get(`${ns}/${name}`) !== undefined);
    await proxy!.settled();
    return svc;
  }

  const assertFair = (counts: Record<string, number>, total: number, among: readonly string[]): void => {
    const fair = total / among.length;
    assert.deepEqual(Object.keys(counts).sort(), [...among].sort(), `only and all of ${among.join(', ')}: ${JSON.stringify(counts)}`);
    // Binomial spread: a share further than 4.5 standard deviations from the fair one is a broken
    // balance (one run in ~50,000 by chance), not luck; a bound of half the fair share was only
    // 2.7 deviations at 60 of 3 and failed about one run in fifty.
    const p = 1 / among.length;
    const bound = 4.5 * Math.sqrt(total * p * (1 - p));
    for (const ip of among) assert.ok(Math.abs(counts[ip]! - fair) <= bound, `${ip} got ${counts[ip]} of ${total} (fair ${fair.toFixed(1)} ± ${bound.toFixed(1)}): ${JSON.stringify(counts)}`);
  };

  test('start: the jumps are in place and chains of an earlier run are gone', () => {
    const text = save();
    assert.doesNotMatch(text, /SKIFF-SVC-0000000000DEAD77/);
    for (const jump of ['-A PREROUTING -m comment --comment "skiff service portals" -j SKIFF-SERVICES', '-A POSTROUTING -m comment --comment "skiff postrouting rules" -j SKIFF-POSTROUTING']) {
      assert.ok(text.includes(jump), jump);
    }
  });

  test('ClusterIP: connections spread evenly over the ready endpoints', async () => {
    const svc = await service('spread', {});
    await setEndpoints('spread', backends);
    const out = await lab.ask(svc.spec.clusterIP!, 80, 90);
    assertFair(tally(out), 90, backends);
  });

  test('NodePort: the node address answers and spreads too (masqueraded through the node)', async () => {
    await service('nodeport', { type: 'NodePort', ports: [{ port: 80, targetPort: httpPort, nodePort: 30777 }] });
    await setEndpoints('nodeport', backends);
    const out = await lab.ask(nodeAddress, 30777, 90);
    assertFair(tally(out), 90, backends);
  });

  test('a removed endpoint gets no new connection once the change is applied, in one restore', async () => {
    const svc = await service('shrink', {});
    await setEndpoints('shrink', backends);
    assertFair(tally(await lab.ask(svc.spec.clusterIP!, 80, 60)), 60, backends);
    const before = proxy!.restoreCount;
    const t0 = Date.now();
    await setEndpoints('shrink', backends.slice(0, 2));
    const appliedMs = Date.now() - t0;
    assert.equal(proxy!.restoreCount, before + 1, 'one restore for one change');
    const out = await lab.ask(svc.spec.clusterIP!, 80, 60);
    assertFair(tally(out), 60, backends.slice(0, 2));
    assert.ok(appliedMs < 2000, `applied in ${appliedMs} ms`);
  });

  test('a burst of endpoint changes is coalesced (at most one restore per minSyncPeriod), ending in the last state', async () => {
    const svc = await service('burst', {});
    await setEndpoints('burst', backends);
    await proxy!.settled();
    const before = proxy!.restoreCount;
    const t0 = Date.now();
    const inf = informers.informer<EndpointSlice>(endpointSlices);
    const states = [[0], [0, 1], [1], [1, 2], [2], [0, 2]];
    let last = '';
    for (const pick of states) {
      const cur = await c!.client.get<EndpointSlice>(endpointSlices, ns, 'burst');
      const written = await c!.client.update(endpointSlices, { ...cur, endpoints: sliceBody('burst', pick.map((i) => backends[i]!), []).endpoints });
      last = written.metadata.resourceVersion!;
    }
    await waitFor('the last change to reach the proxy', () => inf.get(`${ns}/burst`)?.metadata.resourceVersion === last);
    const burstMs = Date.now() - t0;
    await proxy!.settled();
    const restores = proxy!.restoreCount - before;
    // A loaded machine spreads the writes out; the proxy may restore once per period they span.
    const bound = Math.min(states.length - 1, 1 + Math.ceil(burstMs / minSyncPeriodMs));
    assert.ok(restores >= 1 && restores <= bound, `${restores} restores for ${states.length} changes in ${burstMs} ms (at most ${bound})`);
    assertFair(tally(await lab.ask(svc.spec.clusterIP!, 80, 40)), 40, [backends[0]!, backends[2]!]);
  });

  test('a service without endpoints is refused at once (REJECT, not a timeout)', async () => {
    const svc = await service('nobody', { type: 'NodePort', ports: [{ port: 80, targetPort: httpPort, nodePort: 30778 }] });
    await setEndpoints('nobody', []);
    const t0 = Date.now();
    assert.deepEqual(await lab.ask(svc.spec.clusterIP!, 80, 3), ['ERR:ECONNREFUSED', 'ERR:ECONNREFUSED', 'ERR:ECONNREFUSED']);
    assert.deepEqual(await lab.ask(nodeAddress, 30778, 1), ['ERR:ECONNREFUSED']);
    assert.ok(Date.now() - t0 < 1500, 'refused, not timed out');
    await setEndpoints('nobody', [backends[1]!]);
    assert.deepEqual(await lab.ask(svc.spec.clusterIP!, 80, 2), [backends[1], backends[1]]);
  });

  test('ClientIP affinity: every connection from the client goes to one backend', async () => {
    const svc = await service('sticky', { sessionAffinity: 'ClientIP' });
    await setEndpoints('sticky', backends);
    const out = await lab.ask(svc.spec.clusterIP!, 80, 30);
    assert.equal(Object.keys(tally(out)).length, 1, JSON.stringify(tally(out)));
    assert.ok(backends.includes(out[0]!));
  });

  test('UDP: datagrams to the cluster IP reach every endpoint; a removed one gets no more', async () => {
    const ports = [{ port: udpPort, protocol: 'UDP' as const }];
    const svc = await service('echo', { ports: [{ port: 53, protocol: 'UDP', targetPort: udpPort }] });
    await setEndpoints('echo', backends, ports);
    // Each datagram from a source port of its own: the kernel reuses ephemeral UDP ports, and a
    // reused port is the same conntrack flow, pinned to the backend it first went to.
    const out = (await Promise.all(Array.from({ length: 60 }, (_, i) => lab.ask(svc.spec.clusterIP!, 53, 1, true, 41000 + i)))).flat();
    assertFair(tally(out), 60, backends);
    await setEndpoints('echo', [backends[0]!], ports);
    assert.deepEqual(tally(await lab.ask(svc.spec.clusterIP!, 53, 10, true)), { [backends[0]!]: 10 });
  });

  test('UDP: a flow to a removed endpoint is cleared from conntrack, its next datagram goes elsewhere', async () => {
    const ports = [{ port: udpPort, protocol: 'UDP' as const }];
    const svc = await service('flow', { ports: [{ port: 53, protocol: 'UDP', targetPort: udpPort }] });
    await setEndpoints('flow', backends, ports);
    // One source port: every datagram belongs to one conntrack entry, pinned to one backend.
    const first = await lab.ask(svc.spec.clusterIP!, 53, 5, true, 40077);
    assert.equal(Object.keys(tally(first)).length, 1, JSON.stringify(first));
    const pinned = first[0]!;
    await setEndpoints('flow', backends.filter((b) => b !== pinned), ports);
    const next = await lab.ask(svc.spec.clusterIP!, 53, 5, true, 40077);
    assert.ok(next.every((o) => o !== pinned && backends.includes(o)), `after removing ${pinned}: ${JSON.stringify(next)}`);
  });

  test('hairpin: a backend reaching its own service is masqueraded and answered', async () => {
    const svc = await service('self', {});
    await setEndpoints('self', [backends[2]!]);
    assert.equal(lab.getFrom(lab.backendNs[2]!, svc.spec.clusterIP!, 80), backends[2]);
  });

  test('stop() removes every skiff rule and chain, and only those', async () => {
    assert.match(save(), /SKIFF-SERVICES/);
    // A change still on its way while stopping must not leave anything behind either.
    const inf = informers.informer<EndpointSlice>(endpointSlices);
    const old = inf.get(`${ns}/spread`)!;
    await c!.client.update(endpointSlices, { ...old, endpoints: sliceBody('spread', [backends[0]!], []).endpoints });
    await waitFor('the change to reach the proxy', () => inf.get(`${ns}/spread`)?.metadata.resourceVersion !== old.metadata.resourceVersion);
    await proxy!.stop();
    const after = save();
    assert.doesNotMatch(after, /SKIFF/);
    assert.match(after, /-A PREROUTING -p tcp -m tcp --dport 9 -j SK77-OTHER/);
    assert.match(after, /-A INPUT -p tcp -m tcp --dport 9 -j ACCEPT/);
    proxy = undefined;
  });
});
