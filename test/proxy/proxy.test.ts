/**
 * The userspace service proxy with real sockets on loopback: services and endpoints created
 * through a real API server (the test plays the endpoints controller), backends as small HTTP and
 * UDP servers on 127.0.x.y, connections to cluster IPs and node ports.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import { EndpointSliceMirroringController } from '../../src/controllers/endpointslice/index.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { endpoints as endpointsResource, services as servicesResource, namespaces } from '../../src/api/resources.js';
import type { Endpoints, Service } from '../../src/api/kinds.js';
import { ServiceProxy } from '../../src/proxy/index.js';
import { logger } from '../../src/util/log.js';
import { EventRecorder } from '../../src/client/events.js';
import { eventsFor } from '../controllers/fixtures.js';
import { randomInt } from '../controlplane/fixtures.js';
import { get, httpBackends, tally, udpAsk, udpEcho, type Backend } from './backends.js';

const ns = 'proxy';
const nodeAddresses = ['127.0.61.1', '127.0.61.2', '127.0.61.3'];

describe('ServiceProxy', () => {
  let c: TestCluster;
  let proxy: ServiceProxy;
  let mirroring: EndpointSliceMirroringController;
  let mirrored: Promise<void>;
  const backends: Backend[] = [];

  before(async () => {
    c = await startTestCluster();
    await c.client.create(namespaces, { metadata: { name: ns } });
    const ctx = c.context('proxy-test');
    proxy = new ServiceProxy({ informers: ctx.informers, nodeAddresses, log: logger('proxy'), udpIdleTimeoutMs: 300, bindRetryMs: 200, recorder: new EventRecorder(c.client, { component: 'kube-proxy', host: 'proxy-node' }) });
    // The proxy reads EndpointSlices: the hand-made Endpoints below reach it mirrored.
    const mctx = c.context('mirroring');
    mirroring = new EndpointSliceMirroringController(mctx);
    void mctx.informers.start();
    mirrored = mirroring.start();
    await ctx.informers.start();
    await proxy.start();
  });
  after(async () => {
    mirroring.stop();
    await mirrored;
    proxy.stop();
    await Promise.all(backends.map((b) => b.close()));
    await c.stop();
  });

  async function serve(name: string, spec: Partial<Service['spec']>, eps: readonly Backend[], portName = ''): Promise<Service> {
    const svc = await c.client.create<Service>(servicesResource, {
      metadata: { name, namespace: ns },
      spec: { ports: [{ ...(portName ? { name: portName } : {}), port: 8080, targetPort: eps[0]?.port ?? 80 }], ...spec },
    });
    await setEndpoints(name, eps, portName);
    const want = eps.length;
    for (const p of svc.spec.ports ?? []) {
      await waitFor(`proxy has ${want} endpoints for ${name}`, () => proxy.endpointCount(`${ns}/${name}:${p.name ?? ''}/${p.protocol ?? 'TCP'}`) === want || undefined);
    }
    await waitFor(`proxy listens for ${name}`, () => proxy.bound().some((k) => k.endsWith(`${svc.spec.clusterIP}:${svc.spec.ports![0]!.port}`)) || undefined);
    await proxy.settled();
    return svc;
  }

  async function setEndpoints(name: string, eps: readonly Backend[], portName = '', protocol: 'TCP' | 'UDP' = 'TCP'): Promise<void> {
    const body: Endpoints = {
      metadata: { name, namespace: ns },
      subsets: eps.length ? [{ addresses: eps.map((b) => ({ ip: b.ip })), ports: [{ ...(portName ? { name: portName } : {}), port: eps[0]!.port, protocol }] }] : [],
    };
    try {
      const cur = await c.client.get<Endpoints>(endpointsResource, ns, name);
      await c.client.update(endpointsResource, { ...body, metadata: { ...body.metadata, resourceVersion: cur.metadata.resourceVersion } });
    } catch {
      await c.client.create(endpointsResource, body);
    }
  }

  for (const [count, requests, prefix] of [[3, 30, '127.0.71'], [5, 40, '127.0.72'], [2, 7, '127.0.73']] as const) {
    test(`${requests} requests spread evenly over ${count} backends, on the cluster IP and every node port`, async () => {
      const bs = await httpBackends(prefix, count);
      backends.push(...bs);
      const svc = await serve(`spread-${count}`, { type: 'NodePort' }, bs, 'http');
      const ip = svc.spec.clusterIP!;
      assert.match(ip, /^127\.10\./);
      const counts = await tally(ip, 8080, requests);
      assert.deepEqual([...counts.keys()].sort(), bs.map((b) => b.id).sort());
      const values = [...counts.values()];
      assert.ok(Math.max(...values) - Math.min(...values) <= 1, JSON.stringify([...counts]));
      for (const addr of nodeAddresses) {
        const viaNode = await tally(addr, svc.spec.ports![0]!.nodePort!, count * 2);
        for (const b of bs) assert.equal(viaNode.get(b.id), 2, `${addr}: ${JSON.stringify([...viaNode])}`);
      }
    });
  }

  test('ClientIP affinity pins each client address to one backend', async () => {
    const bs = await httpBackends('127.0.74', 4);
    backends.push(...bs);
    const svc = await serve('sticky', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }, bs);
    const seen = new Set<string>();
    for (const client of ['127.0.80.1', '127.0.80.2', '127.0.80.3', '127.0.80.4']) {
      const counts = await tally(svc.spec.clusterIP!, 8080, 6, { localAddress: client });
      assert.equal(counts.size, 1, `${client}: ${JSON.stringify([...counts])}`);
      seen.add([...counts.keys()][0]!);
    }
    assert.equal(seen.size, 4, 'new clients still spread');
  });

  test('an endpoint that leaves gets no new connections; its open connection finishes', async () => {
    const bs = await httpBackends('127.0.75', 3);
    backends.push(...bs);
    const svc = await serve('shrink', {}, bs);
    const ip = svc.spec.clusterIP!;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const pinned = await get(ip, 8080, { agent });
    const rest = bs.filter((b) => b.id !== pinned);
    await setEndpoints('shrink', rest);
    await waitFor('the proxy sees 2 endpoints', () => proxy.endpointCount(`${ns}/shrink:/TCP`) === 2 || undefined);
    const counts = await tally(ip, 8080, 20);
    assert.equal(counts.get(pinned), undefined, JSON.stringify([...counts]));
    assert.equal(counts.size, 2);
    assert.equal(await get(ip, 8080, { agent }), pinned, 'the kept-alive connection still reaches its backend');
    agent.destroy();
  });

  test('no endpoints: the connection is reset at once', async () => {
    const svc = await serve('empty', {}, []);
    const started = Date.now();
    const err = await new Promise<Error | undefined>((resolve) => {
      const s = net.connect(8080, svc.spec.clusterIP!);
      s.on('error', (e) => resolve(e));
      s.on('close', () => resolve(undefined));
      s.on('data', () => undefined);
    });
    assert.equal((err as NodeJS.ErrnoException | undefined)?.code, 'ECONNRESET');
    assert.ok(Date.now() - started < 1000);
  });

  test('UDP: datagrams reach the endpoints, each client port keeps its session', async () => {
    const bs = await Promise.all(['127.0.76.1', '127.0.76.2'].map((ip) => udpEcho(ip)));
    const port = bs[0]!.port;
    const bs2 = [bs[0]!, await udpEcho('127.0.76.3', port)];
    await bs[1]!.close();
    backends.push(...bs2);
    const svc = await c.client.create<Service>(servicesResource, {
      metadata: { name: 'dns', namespace: ns },
      spec: { type: 'NodePort', ports: [{ name: 'dns', port: 5353, protocol: 'UDP', targetPort: port }] },
    });
    await setEndpoints('dns', bs2, 'dns', 'UDP');
    await waitFor('udp endpoints', () => proxy.endpointCount(`${ns}/dns:dns/UDP`) === 2 || undefined);
    await waitFor('udp listener', () => proxy.bound().includes(`UDP/${svc.spec.clusterIP}:5353`) || undefined);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const sock = dgram.createSocket('udp4');
      await new Promise<void>((r) => sock.bind(0, '127.0.81.1', () => r()));
      const first = await udpAsk(svc.spec.clusterIP!, 5353, `hello ${i}`, sock);
      const again = await udpAsk(svc.spec.clusterIP!, 5353, `again ${i}`, sock);
      assert.equal(first.split(' ')[0], again.split(' ')[0], 'one client port, one session, one backend');
      assert.match(first, new RegExp(` hello ${i}$`));
      seen.add(first.split(' ')[0]!);
      sock.close();
    }
    assert.deepEqual([...seen].sort(), bs2.map((b) => b.id).sort());
    const viaNode = await udpAsk(nodeAddresses[1]!, svc.spec.ports![0]!.nodePort!, 'node');
    assert.match(viaNode, / node$/);
    await waitFor('idle UDP sessions end', () => proxy.connections('UDP', { ip: svc.spec.clusterIP!, port: 5353 }) === 0 || undefined, 3000);
  });

  test('deleting a service closes its listeners and leaves the others and their connections alone', async () => {
    const bs = await httpBackends('127.0.77', 2);
    backends.push(...bs);
    const keep = await serve('keep', { type: 'NodePort' }, bs);
    const gone = await serve('gone', { type: 'NodePort' }, bs);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await get(keep.spec.clusterIP!, 8080, { agent });
    await c.client.delete(servicesResource, ns, 'gone');
    await waitFor('listeners of gone closed', () => !proxy.bound().some((k) => k.includes(`${gone.spec.clusterIP}:`)) || undefined);
    await assert.rejects(get(gone.spec.clusterIP!, 8080), /ECONNREFUSED/);
    await assert.rejects(get(nodeAddresses[0]!, gone.spec.ports![0]!.nodePort!), /ECONNREFUSED/);
    await get(keep.spec.clusterIP!, 8080, { agent });
    assert.equal(proxy.connections('TCP', { ip: keep.spec.clusterIP!, port: 8080 }), 1, 'the kept-alive connection survived');
    await get(nodeAddresses[2]!, keep.spec.ports![0]!.nodePort!);
    agent.destroy();
  });
  test('a node port held by another process: one PortInUse event on the service, no retry noise; it answers once freed', async () => {
    const [b] = await httpBackends('127.0.76', 1);
    backends.push(b!);
    const held = nodeAddresses[1]!;
    let blocker: net.Server | undefined;
    let port = 0;
    while (!blocker) {
      port = randomInt(30000, 32767);
      const s = net.createServer();
      blocker = await new Promise<net.Server | undefined>((r) => s.once('error', () => r(undefined)).listen(port, held, () => r(s)));
    }
    const svc = await c.client.create<Service>(servicesResource, {
      metadata: { name: `held-${port}`, namespace: ns },
      spec: { type: 'NodePort', ports: [{ port: 8080, targetPort: b!.port, nodePort: port }] },
    });
    await setEndpoints(svc.metadata.name!, [b!]);
    const warned = await waitFor('the PortInUse event', async () => {
      const evs = await eventsFor(c.client, svc);
      return evs.some((e) => e.startsWith('PortInUse')) ? evs : undefined;
    }, 5000);
    // Several retries (every 200 ms) pass: still the one event.
    await new Promise((r) => setTimeout(r, 1000));
    const evs = await eventsFor(c.client, svc);
    assert.deepEqual(evs.filter((e) => e.startsWith('PortInUse')), [
      `PortInUse: cannot listen on TCP/${held}:${port}: the address is in use (by a host process or a pod's hostPort); the service does not answer there until it is free (retried every 0.2s)`,
    ], JSON.stringify(warned));
    // The other node addresses answer meanwhile; the held one once it is free.
    assert.equal(await get(nodeAddresses[0]!, port), b!.id);
    await new Promise((r) => blocker!.close(r));
    const body = await waitFor('the freed node port answers', async () => get(held, port).catch(() => undefined), 5000);
    assert.equal(body, b!.id);
  });
});
