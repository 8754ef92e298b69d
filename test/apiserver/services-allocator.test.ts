/**
 * The service allocators on their own, over an in-memory store: range parsing, requested, taken,
 * out-of-range and dynamic values, exhaustion, release by the holder only, and the repair pass.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../src/storage/memory/index.js';
import {
  StoreAllocator, parseCidr, parsePortRange, repairAllocations, ServiceRangeError, allocationsPrefix,
  type AllocationRange,
} from '../../src/apiserver/registry/allocator/index.js';

const owner = (name: string, uid = `uid-${name}`) => ({ namespace: 'default', name, uid });

describe('range parsing', () => {
  const cidrs: { name: string; text: string; size: number; first?: string; inRange: string[]; outOfRange: string[]; dynamicFrom?: number }[] = [
    { name: 'default /16', text: '127.10.0.0/16', size: 65536, inRange: ['127.10.0.1', '127.10.255.254', '127.10.3.7'], outOfRange: ['127.10.0.0', '127.10.255.255', '127.11.0.1', '10.0.0.1', 'x'] },
    { name: 'unaligned base is masked', text: '127.20.1.9/24', size: 256, inRange: ['127.20.1.1', '127.20.1.254'], outOfRange: ['127.20.1.0', '127.20.1.255', '127.20.2.1'] },
    { name: '/30 has two usable', text: '127.30.0.0/30', size: 4, inRange: ['127.30.0.1', '127.30.0.2'], outOfRange: ['127.30.0.0', '127.30.0.3'] },
    { name: '/32 is one address', text: '127.40.0.5/32', size: 1, inRange: ['127.40.0.5'], outOfRange: ['127.40.0.6'] },
  ];
  for (const c of cidrs) {
    test(`CIDR ${c.name}`, () => {
      const r = parseCidr(c.text);
      assert.equal(r.size, c.size);
      for (const ip of c.inRange) assert.notEqual(r.offsetOf(ip), undefined, ip);
      for (const ip of c.outOfRange) assert.equal(r.offsetOf(ip), undefined, ip);
      for (const ip of c.inRange) assert.equal(r.valueAt(r.offsetOf(ip)!), ip);
    });
  }
  test('the first usable address is kept from dynamic allocation', () => {
    const r = parseCidr('127.10.0.0/16');
    assert.equal(r.reserved(r.offsetOf('127.10.0.1')!), true);
    assert.equal(r.reserved(r.offsetOf('127.10.0.2')!), false);
  });
  const ports: { text: string; size?: number; shown?: string }[] = [
    { text: '30000-32767', size: 2768, shown: '30000-32767' },
    { text: '30000+99', size: 100, shown: '30000-30099' },
    { text: '31000', size: 1, shown: '31000-31000' },
    { text: '32767-30000' },
    { text: '0-10' },
    { text: '60000-70000' },
    { text: 'ports' },
  ];
  for (const p of ports) {
    test(`port range "${p.text}"`, () => {
      if (p.size === undefined) return assert.throws(() => parsePortRange(p.text), ServiceRangeError);
      const r = parsePortRange(p.text);
      assert.equal(r.size, p.size);
      assert.equal(r.text, p.shown);
    });
  }
  for (const bad of ['127.10.0.0', '127.10.0.0/33', '300.1.1.1/24', 'fd00::/112', '10.0.0.0/8']) {
    test(`bad CIDR "${bad}" is refused`, () => assert.throws(() => parseCidr(bad), ServiceRangeError));
  }
});

function allocator(kind: 'ip' | 'nodeport', range: AllocationRange, store = new MemoryStore()) {
  return { store, alloc: new StoreAllocator(store, kind, range) };
}

describe('StoreAllocator', () => {
  test('requested values: free, taken, same holder, out of range', async () => {
    const { alloc } = allocator('nodeport', parsePortRange('30000-30009'));
    const a = await alloc.claim('30005', owner('a'));
    assert.equal(typeof a, 'object');
    assert.equal(await alloc.claim('30005', owner('b')), 'taken');
    const again = await alloc.claim('30005', owner('a'));
    assert.ok(typeof again === 'object' && !again.fresh, 'the holder claims its own value again, not fresh');
    assert.equal(await alloc.claim('30010', owner('b')), 'out-of-range');
    assert.equal(await alloc.claim('29999', owner('b')), 'out-of-range');
  });

  for (const size of [1, 5, 10]) {
    test(`dynamic allocation hands out ${size} distinct values, then reports full`, async () => {
      const { alloc } = allocator('nodeport', parsePortRange(`31000+${size - 1}`));
      const got = new Set<string>();
      for (let i = 0; i < size; i++) {
        const c = await alloc.allocate(owner(`s${i}`));
        assert.ok(c, `allocation ${i}`);
        got.add(c.value);
      }
      assert.equal(got.size, size);
      assert.equal(await alloc.allocate(owner('late')), undefined);
    });
  }

  test('an IP range skips network, broadcast and the reserved first address', async () => {
    const { alloc } = allocator('ip', parseCidr('127.50.0.0/29'));
    const got: string[] = [];
    for (;;) {
      const c = await alloc.allocate(owner(`s${got.length}`));
      if (!c) break;
      got.push(c.value);
    }
    assert.deepEqual(got.sort(), ['127.50.0.2', '127.50.0.3', '127.50.0.4', '127.50.0.5', '127.50.0.6']);
  });

  test('release frees only for the holder; a freed value is handed out again', async () => {
    const { alloc, store } = allocator('nodeport', parsePortRange('30100'));
    const c = await alloc.allocate(owner('a'));
    assert.equal(c?.value, '30100');
    await alloc.release('30100', 'uid-someone-else');
    assert.ok(await store.get(alloc.key('30100')));
    await alloc.release('30100', 'uid-a');
    assert.equal(await store.get(alloc.key('30100')), undefined);
    assert.equal((await alloc.allocate(owner('b')))?.value, '30100');
  });

  test('a value another allocator on the same store took is seen (two servers)', async () => {
    const store = new MemoryStore();
    const range = parsePortRange('30200-30203');
    const one = new StoreAllocator(store, 'nodeport', range);
    const two = new StoreAllocator(store, 'nodeport', range);
    // Both load their local view while the range is empty, then race.
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? one : two).allocate(owner(`r${i}`))));
    const values = results.filter((c) => c !== undefined).map((c) => c.value);
    assert.equal(values.length, 4);
    assert.equal(new Set(values).size, 4);
    // One frees a value; the other, whose local view says full, finds it after reloading.
    const holder = results.findIndex((c) => c?.value === values[0]);
    await one.release(values[0]!, `uid-r${holder}`);
    assert.equal((await two.allocate(owner('late')))?.value, values[0]);
  });
});

describe('repair', () => {
  const service = (name: string, uid: string, clusterIP: string, nodePort?: number) => ({
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', uid },
    spec: { type: nodePort ? 'NodePort' : 'ClusterIP', clusterIP, clusterIPs: [clusterIP], ports: [{ port: 80, protocol: 'TCP', ...(nodePort ? { nodePort } : {}) }] },
  });
  const record = (name: string, uid: string, agoMs: number) =>
    JSON.stringify({ namespace: 'default', name, uid, allocatedAt: new Date(Date.now() - agoMs).toISOString() });

  test('frees leaked allocations, spares young ones, restores missing keys', async () => {
    const store = new MemoryStore();
    const ips = new StoreAllocator(store, 'ip', parseCidr('127.10.0.0/16'));
    const ports = new StoreAllocator(store, 'nodeport', parsePortRange('30000-32767'));
    await store.create('/registry/services/default/alive', JSON.stringify(service('alive', 'u-alive', '127.10.0.7', 30088)));
    await store.create('/registry/services/default/nokeys', JSON.stringify(service('nokeys', 'u-nokeys', '127.10.0.9')));
    await store.create(ips.key('127.10.0.7'), record('alive', 'u-alive', 600_000));
    await store.create(ports.key('30088'), record('alive', 'u-alive', 600_000));
    // gone: its service was deleted while the server was down.
    await store.create(ips.key('127.10.0.8'), record('gone', 'u-gone', 600_000));
    await store.create(ports.key('30099'), record('gone', 'u-gone', 600_000));
    // replaced: a service of the same name but another uid holds nothing here.
    await store.create(ips.key('127.10.0.10'), record('alive', 'u-old-alive', 600_000));
    // young: a create in flight on another server.
    await store.create(ips.key('127.10.0.11'), record('inflight', 'u-inflight', 1_000));
    const r = await repairAllocations(store, [ips, ports]);
    assert.deepEqual(r.released.sort(), ['ip/127.10.0.10', 'ip/127.10.0.8', 'nodeport/30099']);
    assert.deepEqual(r.restored, ['ip/127.10.0.9']);
    const keys = (await store.list(allocationsPrefix)).items.map((kv) => kv.key.slice(allocationsPrefix.length)).sort();
    assert.deepEqual(keys, ['ip/127.10.0.11', 'ip/127.10.0.7', 'ip/127.10.0.9', 'nodeport/30088']);
    // Run again later: nothing left to do but the in-flight one that never became a service.
    const later = await repairAllocations(store, [ips, ports], { now: new Date(Date.now() + 120_000) });
    assert.deepEqual(later.released, ['ip/127.10.0.11']);
    assert.deepEqual(later.restored, []);
  });
});
