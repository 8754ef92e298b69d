/** Conformance: compaction (410-style errors for old revisions, current data intact) and close. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactedError, StoreUnavailableError } from '../../src/storage/index.js';
import { settle, uniqueRoot, watchFailure, watchInto, withStore, type OpenStore } from './conformance-helpers.js';

export function compactionCases(open: OpenStore): void {
  void describe('compaction', () => {
    void test('reads and watches below the compacted revision fail; current values stay', () =>
      withStore(open, async (s) => {
        const root = uniqueRoot('compact');
        const early = await s.create(`${root}a`, 'a1');
        const b = await s.create(`${root}b`, 'b1');
        let a = await s.update(`${root}a`, 'a2', early.modRevision);
        a = await s.update(`${root}a`, 'a3', a.modRevision);
        await s.delete(`${root}b`, b.modRevision);
        const c = await s.create(`${root}c`, 'c1');
        const at = await s.currentRevision();
        await s.compact(at);
        assert.equal(await s.compactedRevision(), at);

        // Current state and the state at the compacted revision itself stay readable.
        assert.deepEqual(await s.get(`${root}a`), a);
        assert.equal(await s.get(`${root}b`), undefined);
        assert.deepEqual((await s.list(root)).items, [a, c]);
        assert.deepEqual((await s.list(root, { revision: at })).items, [a, c]);
        assert.equal(await s.count(root), 2);

        const old = early.modRevision;
        await assert.rejects(s.list(root, { revision: old }), (err) => {
          assert.ok(err instanceof CompactedError, String(err));
          assert.equal(err.requested, old);
          assert.equal(err.compacted, at);
          return true;
        });
        const werr = await watchFailure(s, root, old);
        assert.ok(werr instanceof CompactedError, String(werr));
        assert.equal(werr.compacted, at);

        // A watch from the compacted revision itself works and sees what follows.
        const { watch, got } = watchInto(s, root, at);
        try {
          const d = await s.create(`${root}d`, 'd1');
          await got.waitForEvents(1);
          assert.deepEqual(got.events.map((e) => e.kv), [d]);
        } finally {
          watch.close();
        }
      }));

    void test('compacting again at or below the compacted revision changes nothing', () =>
      withStore(open, async (s) => {
        const root = uniqueRoot('recompact');
        for (let i = 0; i < 5; i++) await s.create(`${root}k${i}`, `${i}`);
        const at = await s.currentRevision();
        await s.compact(at - 1);
        await s.compact(at - 3);
        await s.compact(at - 1);
        assert.equal(await s.compactedRevision(), at - 1);
        assert.equal((await s.list(root)).items.length, 5);
      }));

    void test('revisions are never reused after compaction removed the newest history', () =>
      withStore(open, async (s) => {
        const root = uniqueRoot('reuse');
        const kv = await s.create(`${root}tmp`, 'x');
        const gone = await s.delete(`${root}tmp`, kv.modRevision);
        await s.compact(gone.modRevision);
        assert.equal(await s.currentRevision(), gone.modRevision);
        const next = await s.create(`${root}tmp`, 'y');
        assert.ok(next.modRevision > gone.modRevision);
      }));
  });

  void describe('close', () => {
    void test('close ends watches quietly and later calls fail with StoreUnavailableError', async () => {
      const { store, cleanup } = await open();
      try {
        const root = uniqueRoot('closing');
        const { got } = watchInto(store, root, await store.currentRevision());
        await store.create(`${root}a`, '1');
        await got.waitForEvents(1);
        await store.close();
        await store.close();
        await assert.rejects(store.get(`${root}a`), StoreUnavailableError);
        await assert.rejects(store.create(`${root}b`, '1'), StoreUnavailableError);
        await settle(100);
        assert.equal(got.events.length, 1);
        assert.equal(got.errors.length, 0);
      } finally {
        await cleanup();
      }
    });
  });
}
