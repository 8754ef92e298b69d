import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactedError, openStore } from '../../src/storage/index.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { Collector } from './conformance-helpers.js';
import { runStoreConformance } from './conformance.js';

// One etcd for the file; every case opens its own client and uses its own key root.
let etcd: EtcdServer | undefined;
before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
});

runStoreConformance('etcd', async () => {
  if (!etcd) throw new Error('etcd did not start');
  const store = await openStore(etcd.url);
  return { store, cleanup: () => store.close() };
});

void describe('etcd: compaction done by another server', () => {
  void test('a store that did not compact still reports CompactedError with the exact revision', async () => {
    if (!etcd) throw new Error('etcd did not start');
    const a = await openStore(etcd.url);
    const b = await openStore(etcd.url);
    try {
      const root = `/registry/other-compactor-${process.pid}/`;
      const early = await a.create(`${root}x`, '0');
      let kv = early;
      for (let i = 1; i < 5; i++) kv = await a.update(kv.key, `${i}`, kv.modRevision);
      await a.compact(kv.modRevision);
      assert.equal(await b.compactedRevision(), kv.modRevision);
      const fresh = await openStore(etcd.url);
      try {
        // This store knows nothing of the compaction: etcd cancels the watch and says why.
        const got = new Collector();
        fresh.watch(root, early.modRevision, got.handlers);
        const err = await got.waitForError();
        assert.ok(err instanceof CompactedError, String(err));
        assert.equal(err.compacted, kv.modRevision);
        await assert.rejects(b.list(root, { revision: early.modRevision }), (e) => {
          assert.ok(e instanceof CompactedError);
          assert.equal(e.compacted, kv.modRevision);
          return true;
        });
      } finally {
        await fresh.close();
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
});
