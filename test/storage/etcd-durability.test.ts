/**
 * etcd durability and outages: the etcd server is SIGKILLed while writes stream in, then
 * restarted on the same data dir. Every acknowledged write must be there, calls during the
 * outage fail with StoreUnavailableError, and a watch running across the outage resumes without
 * losing or repeating an event.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, StoreUnavailableError, type Store } from '../../src/storage/index.js';
import { startEtcd } from '../helpers/etcd.js';
import { Collector } from './conformance-helpers.js';
import { durabilityValue } from './durability-value.js';

const prefix = '/registry/configmaps/etcd-durability/';

/** Parallel lanes of creates, each key tried once; records what etcd acknowledged. */
class Writers {
  readonly acked = new Map<string, number>();
  readonly failures: Error[] = [];
  private stopped = false;
  private next = 0;
  private readonly lanes: Promise<void>[];

  constructor(private readonly store: Store, lanes: number) {
    this.lanes = Array.from({ length: lanes }, () => this.lane());
  }

  private async lane(): Promise<void> {
    while (!this.stopped) {
      const i = this.next++;
      try {
        const kv = await this.store.create(`${prefix}cm-${i}`, durabilityValue(i));
        this.acked.set(kv.key, i);
      } catch (err) {
        this.failures.push(err as Error);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  async until(done: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${this.acked.size} acknowledged)`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.lanes);
  }
}

void test('etcd: a SIGKILLed etcd loses no acknowledged write; watches resume across the outage', async () => {
  const etcd = await startEtcd();
  let store: Store | undefined;
  let fresh: Store | undefined;
  try {
    store = await openStore(etcd.url);
    const got = new Collector();
    const watch = store.watch(prefix, await store.currentRevision(), got.handlers);
    const writers = new Writers(store, 8);
    await writers.until(() => writers.acked.size >= 300, '300 writes before the kill');
    await etcd.kill();
    const ackedAtKill = writers.acked.size;
    await writers.until(() => writers.failures.length >= 8, 'writes to fail while etcd is down');
    for (const err of writers.failures) assert.ok(err instanceof StoreUnavailableError, `outage error: ${String(err)}`);
    await etcd.restart();
    await writers.until(() => writers.acked.size >= ackedAtKill + 200, '200 writes after the restart');
    await writers.stop();

    fresh = await openStore(etcd.url);
    for (const s of [store, fresh]) {
      for (const [key, i] of writers.acked) {
        const kv = await s.get(key);
        assert.ok(kv, `acknowledged ${key} is missing after the etcd crash`);
        assert.equal(kv.value, durabilityValue(i));
      }
    }

    // The watch saw every acknowledged write (and maybe writes whose answer the crash ate),
    // in revision order, each once.
    const count = await fresh.count(prefix);
    const events = await got.waitForEvents(count);
    const revisions = events.map((e) => e.revision);
    for (let i = 1; i < revisions.length; i++) assert.ok(revisions[i]! > revisions[i - 1]!, 'watch events in order, none repeated');
    const seen = new Set(events.map((e) => e.kv.key));
    assert.equal(seen.size, events.length, 'each key created once, seen once');
    for (const key of writers.acked.keys()) assert.ok(seen.has(key), `watch missed ${key}`);
    assert.equal(events.length, count);
    watch.close();
  } finally {
    await store?.close();
    await fresh?.close();
    await etcd.stop();
  }
});

void test('etcd: calls while etcd is down fail with StoreUnavailableError, then work again', async () => {
  const etcd = await startEtcd();
  const store = await openStore(etcd.url);
  try {
    const kv = await store.create('/registry/outage/a', '1');
    await etcd.kill();
    await assert.rejects(store.get(kv.key), StoreUnavailableError);
    await assert.rejects(store.update(kv.key, '2', kv.modRevision), StoreUnavailableError);
    await etcd.restart();
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        assert.deepEqual(await store.get(kv.key), kv);
        break;
      } catch (err) {
        if (!(err instanceof StoreUnavailableError) || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    await store.close();
    await etcd.stop();
  }
});
