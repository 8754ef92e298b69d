/** Conformance: watch from now, resumption from a past revision, many watchers, closing. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store, WatchEvent } from '../../src/storage/index.js';
import { settle, summarize, uniqueRoot, watchInto, withStore, type OpenStore } from './conformance-helpers.js';

/** Writes a fixed script of puts and deletes under root; returns the events it must produce. */
async function script(s: Store, root: string, keys: number, rounds: number): Promise<string[]> {
  const expected: string[] = [];
  const live = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < keys; i++) {
      const key = `${root}k${i}`;
      const at = live.get(key);
      if (at === undefined) {
        const kv = await s.create(key, `r${r}`);
        live.set(key, kv.modRevision);
        expected.push(`put ${key}=r${r}@${kv.modRevision}`);
      } else if ((r + i) % 3 === 0) {
        const kv = await s.delete(key, at);
        live.delete(key);
        expected.push(`delete ${key}=${kv.value}@${kv.modRevision}`);
      } else {
        const kv = await s.update(key, `r${r}`, at);
        live.set(key, kv.modRevision);
        expected.push(`put ${key}=r${r}@${kv.modRevision}`);
      }
    }
  }
  return expected;
}

function assertOrdered(events: readonly WatchEvent[]): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    assert.equal(e.revision, e.kv.modRevision, 'event revision equals kv.modRevision');
    if (i > 0) assert.ok(e.revision > events[i - 1]!.revision, `revision ${e.revision} after ${events[i - 1]!.revision}`);
  }
}

export function watchCases(open: OpenStore): void {
  void describe('watch', () => {
    void test('a watch from now gets puts and deletes in order with their values', () =>
      withStore(open, async (s) => {
        const root = uniqueRoot('watch-now');
        const { watch, got } = watchInto(s, root, await s.currentRevision());
        try {
          const a = await s.create(`${root}cm`, '{"v":1}');
          const b = await s.update(`${root}cm`, '{"v":2}', a.modRevision);
          const c = await s.delete(`${root}cm`, b.modRevision);
          const events = await got.waitForEvents(3);
          assert.deepEqual(events.map((e) => e.type), ['put', 'put', 'delete']);
          assert.deepEqual(events.map((e) => e.kv), [a, b, c]);
          assertOrdered(events);
          // prevKv is optional; where present it must be right.
          if (events[1]!.prevKv) assert.deepEqual(events[1]!.prevKv, a);
          if (events[2]!.prevKv) assert.equal(events[2]!.prevKv.value, '{"v":2}');
          await settle(200);
          assert.equal(got.events.length, 3, 'nothing more arrives');
        } finally {
          watch.close();
        }
      }));

    for (const [keys, rounds] of [[1, 12], [5, 4], [20, 3]] as const) {
      void test(`resuming from a past revision replays exactly the missed events (${keys} keys × ${rounds} rounds)`, () =>
        withStore(open, async (s) => {
          const root = uniqueRoot('resume');
          const start = await s.currentRevision();
          const first = await script(s, root, keys, rounds);
          // Each cut point: a watch from the revision of event i must start with event i + 1.
          for (const cut of [0, 1, Math.floor(first.length / 2), first.length - 1, first.length]) {
            const from = cut === 0 ? start : Number(first[cut - 1]!.split('@')[1]);
            const { watch, got } = watchInto(s, root, from);
            try {
              const missed = first.slice(cut);
              if (missed.length > 0) await got.waitForEvents(missed.length);
              await settle(50);
              assert.deepEqual(summarize(got.events), missed, `replay from ${from}`);
              assertOrdered(got.events);
            } finally {
              watch.close();
            }
          }
        }));
    }

    void test('a closed watch resumed from its last revision gets the writes made while it was away, once', () =>
      withStore(open, async (s) => {
        const root = uniqueRoot('reconnect');
        const w1 = watchInto(s, root, await s.currentRevision());
        const before = await script(s, root, 3, 2);
        await w1.got.waitForEvents(before.length);
        w1.watch.close();
        const last = w1.got.events[w1.got.events.length - 1]!.revision;
        const during = await script(s, `${root}more/`, 2, 3);
        const w2 = watchInto(s, root, last);
        try {
          const after = await script(s, `${root}later/`, 2, 1);
          await w2.got.waitForEvents(during.length + after.length);
          await settle(100);
          assert.deepEqual(summarize(w2.got.events), [...during, ...after]);
          assert.equal(w1.got.events.length, before.length, 'the closed watch got nothing more');
        } finally {
          w2.watch.close();
        }
      }));

    void test('watchers on different prefixes each see only their own keys', () =>
      withStore(open, async (s) => {
        const root = uniqueRoot('fanout');
        const prefixes = ['pods/default/', 'pods/kube-system/', 'pods/', 'services/', 'pods/default-2/', ''];
        const from = await s.currentRevision();
        const watches = prefixes.map((p) => ({ p, ...watchInto(s, root + p, from) }));
        try {
          const written: WatchEvent['kv'][] = [];
          const targets = ['pods/default/a', 'pods/default-2/b', 'services/c', 'pods/kube-system/d', 'podsx/e', 'pods/default/f'];
          for (let i = 0; i < 30; i++) written.push(await s.create(`${root}${targets[i % targets.length]}-${i}`, `${i}`));
          for (const w of watches) {
            const mine = written.filter((kv) => kv.key.startsWith(root + w.p));
            if (mine.length > 0) await w.got.waitForEvents(mine.length);
          }
          await settle(150);
          for (const w of watches) {
            const mine = written.filter((kv) => kv.key.startsWith(root + w.p));
            assert.deepEqual(w.got.events.map((e) => e.kv), mine, `watch on '${w.p}'`);
            assertOrdered(w.got.events);
          }
        } finally {
          for (const w of watches) w.watch.close();
        }
      }));

    void test('a watch from a future revision delivers only events above it', () =>
      withStore(open, async (s) => {
        const root = uniqueRoot('future');
        const now = await s.currentRevision();
        const { watch, got } = watchInto(s, root, now + 2);
        try {
          await s.create(`${root}a`, '1');
          await s.create(`${root}b`, '2');
          const c = await s.create(`${root}c`, '3');
          await got.waitForEvents(1);
          await settle(100);
          assert.deepEqual(got.events.map((e) => e.kv), [c]);
        } finally {
          watch.close();
        }
      }));

    void test('no events arrive after close, and close is idempotent', () =>
      withStore(open, async (s) => {
        const root = uniqueRoot('close');
        const { watch, got } = watchInto(s, root, await s.currentRevision());
        await s.create(`${root}a`, '1');
        await got.waitForEvents(1);
        watch.close();
        watch.close();
        await s.create(`${root}b`, '2');
        await settle(200);
        assert.equal(got.events.length, 1);
        assert.equal(got.errors.length, 0);
      }));
  });
}
