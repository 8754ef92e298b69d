/** Conformance: list by prefix, key order, pagination at one revision, reads in the past, count. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyValue, Store } from '../../src/storage/index.js';
import { byteOrder, uniqueRoot, withStore, type OpenStore } from './conformance-helpers.js';

/** Keys whose names probe ordering and prefix edges ('/a/b' vs '/a/b/' vs '/a/bc'). */
const tricky = ['a/b', 'a/b/', 'a/b/1', 'a/b/10', 'a/b/2', 'a/b/x/y', 'a/bc/1', 'a/b-/1', 'a/b0', 'a/B/1', 'a/b/~', 'a/b/Z', 'a/b/é', 'a'];

const prefixCases: readonly { prefix: string; expect: readonly string[] }[] = [
  { prefix: 'a/b/', expect: ['a/b/', 'a/b/1', 'a/b/10', 'a/b/2', 'a/b/x/y', 'a/b/~', 'a/b/Z', 'a/b/é'] },
  { prefix: 'a/b', expect: ['a/b', 'a/b/', 'a/b/1', 'a/b/10', 'a/b/2', 'a/b/x/y', 'a/bc/1', 'a/b-/1', 'a/b0', 'a/b/~', 'a/b/Z', 'a/b/é'] },
  { prefix: 'a/bc/', expect: ['a/bc/1'] },
  { prefix: 'a/B/', expect: ['a/B/1'] },
  { prefix: 'a/b/x/', expect: ['a/b/x/y'] },
  { prefix: 'a/q/', expect: [] },
  { prefix: '', expect: tricky },
];

async function listAll(s: Store, prefix: string, limit: number, revision?: number): Promise<{ items: KeyValue[]; pages: number; revision: number }> {
  const items: KeyValue[] = [];
  let startAfter: string | undefined;
  let rev = revision;
  let pages = 0;
  for (;;) {
    const page = await s.list(prefix, { limit, startAfter, revision: rev });
    pages++;
    rev ??= page.revision;
    assert.equal(page.revision, rev, 'every page is read at the first page\'s revision');
    assert.ok(page.items.length <= limit);
    items.push(...page.items);
    if (!page.more) break;
    assert.equal(page.items.length, limit, 'a page with more after it is full');
    startAfter = page.items[page.items.length - 1]!.key;
  }
  return { items, pages, revision: rev };
}

export function listCases(open: OpenStore): void {
  void describe('list and count', () => {
    for (const { prefix, expect } of prefixCases) {
      void test(`list '${prefix}' returns exactly its keys in byte order`, () =>
        withStore(open, async (s) => {
          const root = uniqueRoot('prefix');
          // Created in a scrambled order so that order comes from the store, not from insertion.
          for (const k of [...tricky].reverse()) await s.create(root + k, JSON.stringify({ k }));
          const res = await s.list(root + prefix);
          assert.deepEqual(res.items.map((kv) => kv.key.slice(root.length)), byteOrder(expect));
          assert.equal(res.more, false);
          assert.equal(res.revision, await s.currentRevision());
          for (const kv of res.items) assert.equal(kv.value, JSON.stringify({ k: kv.key.slice(root.length) }));
          assert.equal(await s.count(root + prefix), expect.length);
        }));
    }

    for (const limit of [1, 7, 50, 137, 500]) {
      void test(`pages of ${limit} over 137 keys stay at one revision while writes go on`, () =>
        withStore(open, async (s) => {
          const root = uniqueRoot('pages');
          const kvs = new Map<string, KeyValue>();
          for (let i = 0; i < 137; i++) {
            const key = `${root}ns-${i % 3}/pod-${String(i).padStart(4, '0')}`;
            kvs.set(key, await s.create(key, `{"i":${i}}`));
          }
          const first = await s.list(root, { limit });
          const rev = first.revision;
          // Writes between pages: none of them may show in later pages read at `rev`.
          let n = 0;
          for (const [key, kv] of kvs) {
            if (n % 10 === 0) await s.delete(key);
            else if (n % 10 === 1) await s.update(key, '{"changed":true}', kv.modRevision);
            n++;
          }
          await s.create(`${root}ns-0/pod-zzzz`, '{}');
          await s.create(`${root}ns-1/aaaa`, '{}');
          const all: KeyValue[] = [...first.items];
          let startAfter = first.items[first.items.length - 1]?.key;
          let more = first.more;
          while (more) {
            const page = await s.list(root, { limit, startAfter, revision: rev });
            assert.equal(page.revision, rev);
            all.push(...page.items);
            more = page.more;
            startAfter = page.items[page.items.length - 1]?.key;
          }
          const expected = byteOrder([...kvs.keys()]).map((k) => kvs.get(k)!);
          assert.deepEqual(all, expected);
          const now = await listAll(s, root, limit);
          assert.equal(now.items.length, 137 - 14 + 2);
          assert.equal(now.pages, Math.max(1, Math.ceil(now.items.length / limit)));
        }));
    }

    void test('list at an older revision shows the values of then', () =>
      withStore(open, async (s) => {
        const root = uniqueRoot('past');
        const a = await s.create(`${root}a`, 'a1');
        const b = await s.create(`${root}b`, 'b1');
        const then = await s.currentRevision();
        const a2 = await s.update(`${root}a`, 'a2', a.modRevision);
        await s.delete(`${root}b`, b.modRevision);
        const c = await s.create(`${root}c`, 'c1');
        await s.create(`${root}b`, 'b2');
        const past = await s.list(root, { revision: then });
        assert.equal(past.revision, then);
        assert.deepEqual(past.items, [a, b]);
        const middle = await s.list(root, { revision: a2.modRevision });
        assert.deepEqual(middle.items, [a2, b]);
        const now = await s.list(root);
        assert.deepEqual(now.items.map((kv) => kv.value), ['a2', 'b2', 'c1']);
        assert.deepEqual(now.items[2], c);
      }));

    void test('count follows creates and deletes under each prefix', () =>
      withStore(open, async (s) => {
        const root = uniqueRoot('count');
        const spec: Record<string, number> = { 'pods/default/': 12, 'pods/kube-system/': 3, 'services/default/': 5, 'podsx/': 2 };
        for (const [p, n] of Object.entries(spec)) for (let i = 0; i < n; i++) await s.create(`${root}${p}o${i}`, '{}');
        assert.equal(await s.count(`${root}pods/`), 15);
        assert.equal(await s.count(`${root}pods/default/`), 12);
        assert.equal(await s.count(`${root}services/`), 5);
        assert.equal(await s.count(`${root}`), 22);
        assert.equal(await s.count(`${root}nothing/`), 0);
        for (let i = 0; i < 4; i++) await s.delete(`${root}pods/default/o${i}`);
        assert.equal(await s.count(`${root}pods/`), 11);
        assert.equal(await s.count(`${root}pods/default/`), 8);
      }));
  });
}
