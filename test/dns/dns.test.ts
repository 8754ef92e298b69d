/**
 * The cluster DNS against a real in-process API server: every record kind over UDP and TCP, as a
 * dns-packet client sees it (A/AAAA, headless, hostname endpoints, SRV, PTR, ExternalName, pod
 * names, NXDOMAIN vs NODATA, TTLs), truncation and TCP, EDNS0, forwarding with a cache, answers
 * following slice changes, and bad input and a flood answered while the server stays up.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import type { EndpointSlice, Service } from '../../src/api/kinds.js';
import { endpointSlices, namespaces, services } from '../../src/api/resources.js';
import { DnsServer, Forwarder, InformerView, Zone } from '../../src/dns/index.js';
import { logger } from '../../src/util/log.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { ask, fakeUpstream, queryPacket, sendUdp } from './client.js';

const domain = Math.random() < 0.5 ? 'cluster.local' : 'skiff.test';
const ns = `dns-${Math.floor(Math.random() * 1e6)}`;
const fqdn = (n: string): string => `${n}.${ns}.svc.${domain}`;

describe('cluster DNS', () => {
  let c: TestCluster;
  let server: DnsServer;
  let upstream: Awaited<ReturnType<typeof fakeUpstream>>;
  let web: Service;
  const headlessCount = 40 + Math.floor(Math.random() * 20);
  const ip = (i: number): string => `10.9.${Math.floor(i / 200)}.${(i % 200) + 1}`;

  const slice = (name: string, svc: string, eps: { ip: string; ready?: boolean; hostname?: string }[]): EndpointSlice => ({
    metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: eps.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true }, ...(e.hostname ? { hostname: e.hostname } : {}) })),
  });

  before(async () => {
    c = await startTestCluster();
    await c.client.create(namespaces, { metadata: { name: ns } });
    web = await c.client.create<Service>(services, { metadata: { name: 'web', namespace: ns }, spec: { ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }] } } as Service);
    await c.client.create(services, { metadata: { name: 'hl', namespace: ns }, spec: { clusterIP: 'None', ports: [{ name: 'http', port: 8080 }] } });
    await c.client.create(services, { metadata: { name: 'big', namespace: ns }, spec: { clusterIP: 'None', ports: [{ name: 'http', port: 8080 }] } });
    await c.client.create(services, { metadata: { name: 'ext', namespace: ns }, spec: { type: 'ExternalName', externalName: 'db.example.test' } });
    await c.client.create(endpointSlices, slice('hl-a', 'hl', [{ ip: '10.8.0.1', hostname: 'alpha' }, { ip: '10.8.0.2' }, { ip: '10.8.0.3', ready: false }]));
    await c.client.create(endpointSlices, slice('big-a', 'big', Array.from({ length: headlessCount }, (_, i) => ({ ip: ip(i) }))));
    upstream = await fakeUpstream('192.0.2.77');
    const ctx = c.context('dns');
    const view = new InformerView(ctx.informers);
    void ctx.informers.start();
    await view.waitForSync();
    server = new DnsServer({
      host: '127.0.0.1', port: 0, zone: new Zone(domain, view), log: logger('dns'),
      forwarder: new Forwarder({ upstreams: [`127.0.0.1:${upstream.port}`] }),
    });
    await server.start();
  });
  after(async () => {
    await server.stop();
    upstream.close();
    await c.stop();
  });

  const a = (p: Awaited<ReturnType<typeof ask>>): string[] => (p.answers ?? []).map((x) => `${x.type} ${String((x as { data: unknown }).data)}`).sort();

  for (const tcp of [false, true]) {
    const via = tcp ? 'TCP' : 'UDP';
    test(`${via}: a service's A is its cluster IP, authoritative, TTL 30; AAAA is NODATA with the SOA (TTL 5)`, async () => {
      const r = await ask(server.port, fqdn('web'), 'A', { tcp });
      assert.equal(r.rcode, 'NOERROR');
      assert.ok(r.flag_aa);
      assert.deepEqual(a(r), [`A ${web.spec.clusterIP}`]);
      assert.equal((r.answers![0]! as { ttl?: number }).ttl, 30);
      const six = await ask(server.port, fqdn('web'), 'AAAA', { tcp });
      assert.equal(six.rcode, 'NOERROR');
      assert.equal(six.answers!.length, 0);
      assert.equal(six.authorities![0]!.type, 'SOA');
      assert.equal((six.authorities![0]! as { ttl?: number }).ttl, 5);
    });

    test(`${via}: NXDOMAIN for a missing service or namespace, NODATA for a namespace`, async () => {
      assert.equal((await ask(server.port, fqdn('nope'), 'A', { tcp })).rcode, 'NXDOMAIN');
      assert.equal((await ask(server.port, `web.no-such-ns.svc.${domain}`, 'A', { tcp })).rcode, 'NXDOMAIN');
      assert.equal((await ask(server.port, `no-such-ns.svc.${domain}`, 'A', { tcp })).rcode, 'NXDOMAIN');
      const nsOnly = await ask(server.port, `${ns}.svc.${domain}`, 'A', { tcp });
      assert.deepEqual([nsOnly.rcode, nsOnly.answers!.length], ['NOERROR', 0]);
    });
  }

  test('headless: ready endpoints only; hostname and dashed-IP endpoint names', async () => {
    assert.deepEqual(a(await ask(server.port, fqdn('hl'), 'A')), ['A 10.8.0.1', 'A 10.8.0.2']);
    assert.deepEqual(a(await ask(server.port, `alpha.${fqdn('hl')}`, 'A')), ['A 10.8.0.1']);
    assert.deepEqual(a(await ask(server.port, `10-8-0-2.${fqdn('hl')}`, 'A')), ['A 10.8.0.2']);
    assert.equal((await ask(server.port, `beta.${fqdn('hl')}`, 'A')).rcode, 'NXDOMAIN');
  });

  test('SRV: named ports of a service, and per endpoint for a headless one with A additionals', async () => {
    const r = await ask(server.port, `_http._tcp.${fqdn('web')}`, 'SRV');
    assert.deepEqual(r.answers!.map((x) => (x as { data: unknown }).data), [{ priority: 0, weight: 100, port: 80, target: fqdn('web') }]);
    const udp = await ask(server.port, `_dns._udp.${fqdn('web')}`, 'SRV');
    assert.equal(((udp.answers![0]! as { data: unknown }).data as { port: number }).port, 53);
    assert.equal((await ask(server.port, `_nope._tcp.${fqdn('web')}`, 'SRV')).rcode, 'NXDOMAIN');
    const hl = await ask(server.port, `_http._tcp.${fqdn('hl')}`, 'SRV');
    assert.deepEqual(hl.answers!.map((x) => ((x as { data: unknown }).data as { target: string }).target).sort(), [`10-8-0-2.${fqdn('hl')}`, `alpha.${fqdn('hl')}`]);
    assert.deepEqual(hl.additionals!.filter((x) => x.type === 'A').map((x) => (x as { data: unknown }).data).sort(), ['10.8.0.1', '10.8.0.2']);
  });

  test('PTR of a cluster IP and of a headless endpoint; ExternalName is a CNAME; pod names', async () => {
    const rev = (v4: string): string => `${v4.split('.').reverse().join('.')}.in-addr.arpa`;
    assert.deepEqual(a(await ask(server.port, rev(web.spec.clusterIP!), 'PTR')), [`PTR ${fqdn('web')}`]);
    assert.deepEqual(a(await ask(server.port, rev('10.8.0.1'), 'PTR')), [`PTR alpha.${fqdn('hl')}`]);
    assert.deepEqual(a(await ask(server.port, fqdn('ext'), 'A')), ['CNAME db.example.test']);
    assert.deepEqual(a(await ask(server.port, `10-1-2-3.${ns}.pod.${domain}`, 'A')), ['A 10.1.2.3']);
    assert.equal((await ask(server.port, `10-1-2.${ns}.pod.${domain}`, 'A')).rcode, 'NXDOMAIN');
  });

  test('a large answer: truncated over UDP without EDNS0, whole with EDNS0 4096 and over TCP', async () => {
    const udp = await ask(server.port, fqdn('big'), 'A');
    assert.ok(udp.flag_tc, 'TC set');
    assert.equal(udp.answers!.length, 0);
    const edns = await ask(server.port, fqdn('big'), 'A', { edns: 4096 });
    assert.ok(!edns.flag_tc);
    assert.equal(edns.answers!.length, headlessCount);
    assert.equal(edns.additionals!.find((x) => x.type === 'OPT')?.type, 'OPT');
    assert.equal((await ask(server.port, fqdn('big'), 'A', { tcp: true })).answers!.length, headlessCount);
  });

  test('other names are forwarded to the upstream and cached; upstream NXDOMAIN is passed on', async () => {
    const name = `host-${Math.floor(Math.random() * 1e6)}.example.test`;
    assert.deepEqual(a(await ask(server.port, name, 'A')), ['A 192.0.2.77']);
    assert.deepEqual(a(await ask(server.port, name.toUpperCase(), 'A')), ['A 192.0.2.77']);
    assert.equal(upstream.hits.get(name), 1, 'the second answer came from the cache');
    assert.equal((await ask(server.port, 'nx.example.test', 'A')).rcode, 'NXDOMAIN');
  });

  test('answers follow slice changes within a second', async () => {
    const cur = await c.client.get<EndpointSlice>(endpointSlices, ns, 'hl-a');
    const t0 = Date.now();
    await c.client.update(endpointSlices, { ...cur, endpoints: [{ addresses: ['10.8.0.9'], conditions: { ready: true } }] });
    await waitFor('new answer', async () => a(await ask(server.port, fqdn('hl'), 'A')).join() === 'A 10.8.0.9', 1000, 10);
    assert.ok(Date.now() - t0 < 1000);
  });

  test('malformed, multi-question and response packets, then a flood: the server keeps answering', async () => {
    const garbage = Buffer.from('this is not dns at all, but long enough');
    const r1 = await sendUdp(server.port, '127.0.0.1', garbage, 300);
    if (r1) assert.equal(r1.readUInt16BE(2) & 0xf, 1, 'FORMERR');
    assert.equal(await sendUdp(server.port, '127.0.0.1', Buffer.from([1, 2, 3]), 200), undefined, 'too short: dropped');
    const two = queryPacket(fqdn('web'), 'A');
    two.writeUInt16BE(2, 4); // claims two questions, has one
    const r2 = await sendUdp(server.port, '127.0.0.1', two, 500);
    assert.equal(r2!.readUInt16BE(2) & 0xf, 1);
    const resp = queryPacket(fqdn('web'), 'A');
    resp.writeUInt16BE(resp.readUInt16BE(2) | 0x8000, 2);
    assert.equal(await sendUdp(server.port, '127.0.0.1', resp, 200), undefined, 'a response is not answered');
    const long = `${'a'.repeat(63)}.`.repeat(3) + fqdn('web');
    assert.equal((await ask(server.port, long, 'A')).rcode, 'NXDOMAIN');
    const before = server.answered;
    const heapBefore = process.memoryUsage().heapUsed;
    const s = dgram.createSocket('udp4');
    let got = 0;
    s.on('message', () => got++);
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const n = 5000;
    const body = queryPacket(fqdn('web'), 'A');
    for (let i = 0; i < n; i++) {
      s.send(i % 10 === 0 ? garbage : body, server.port, '127.0.0.1');
      if (i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 500));
    s.close();
    // The kernel drops what overflows the socket buffer; what arrives is answered.
    assert.ok(server.answered - before > n / 20, `${server.answered - before} of ${n} answered`);
    assert.ok(got >= server.answered - before, `${got} replies`);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024, 'heap within bounds');
    assert.deepEqual(a(await ask(server.port, fqdn('web'), 'A')), [`A ${web.spec.clusterIP}`]);
  });
});
