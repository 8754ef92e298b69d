/** Conformance: create/get/update/delete, compare-and-swap, revisions, racing writers. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, KeyExistsError, KeyNotFoundError, type Store } from '../../src/storage/index.js';
import { uniqueRoot, withStore, type OpenStore } from './conformance-helpers.js';

const values: readonly { name: string; value: string }[] = [
  { name: 'small JSON object', value: '{"kind":"Pod","metadata":{"name":"nginx-1"}}' },
  { name: 'empty string', value: '' },
  { name: 'unicode', value: JSON.stringify({ note: 'größe ✓ 日本 🚢' }) },
  { name: '200 KiB', value: JSON.stringify({ data: 'x'.repeat(200 * 1024) }) },
];

/** Error cases: each sets a key up, then runs one operation that must fail. */
const failures: readonly {
  name: string;
  setup: (s: Store, key: string) => Promise<number | undefined>;
  op: (s: Store, key: string, rev: number | undefined) => Promise<unknown>;
  error: new (...args: never[]) => Error;
}[] = [
  { name: 'create on an existing key', setup: (s, k) => s.create(k, '1').then((kv) => kv.modRevision), op: (s, k) => s.create(k, '2'), error: KeyExistsError },
  { name: 'update with a stale revision', setup: staleRevision, op: (s, k, rev) => s.update(k, 'x', rev!), error: ConflictError },
  { name: 'delete with a stale revision', setup: staleRevision, op: (s, k, rev) => s.delete(k, rev), error: ConflictError },
  { name: 'update of a missing key', setup: () => Promise.resolve(undefined), op: (s, k) => s.update(k, 'x', 1), error: KeyNotFoundError },
  { name: 'update of a missing key at revision 0', setup: () => Promise.resolve(undefined), op: (s, k) => s.update(k, 'x', 0), error: KeyNotFoundError },
  { name: 'delete of a missing key', setup: () => Promise.resolve(undefined), op: (s, k) => s.delete(k), error: KeyNotFoundError },
  { name: 'update of a deleted key', setup: deletedKey, op: (s, k, rev) => s.update(k, 'x', rev!), error: KeyNotFoundError },
  { name: 'delete of a deleted key with its old revision', setup: deletedKey, op: (s, k, rev) => s.delete(k, rev), error: KeyNotFoundError },
];

async function staleRevision(s: Store, key: string): Promise<number> {
  const first = await s.create(key, 'v1');
  await s.update(key, 'v2', first.modRevision);
  return first.modRevision;
}

async function deletedKey(s: Store, key: string): Promise<number> {
  const kv = await s.create(key, 'v1');
  await s.delete(key);
  return kv.modRevision;
}

export function crudCases(open: OpenStore): void {
  void describe('create, get, update, delete', () => {
    for (const { name, value } of values) {
      void test(`create then get round-trips a value: ${name}`, () =>
        withStore(open, async (s) => {
          const key = `${uniqueRoot('roundtrip')}obj`;
          const created = await s.create(key, value);
          assert.equal(created.key, key);
          assert.equal(created.value, value);
          assert.equal(created.createRevision, created.modRevision);
          assert.deepEqual(await s.get(key), created);
          assert.equal(await s.currentRevision(), created.modRevision);
        }));
    }

    void test('get of a missing key is undefined', () =>
      withStore(open, async (s) => {
        assert.equal(await s.get(`${uniqueRoot('missing')}nope`), undefined);
      }));

    for (const c of failures) {
      void test(`${c.name} fails with ${c.error.name} and changes nothing`, () =>
        withStore(open, async (s) => {
          const key = `${uniqueRoot('fail')}k`;
          const rev = await c.setup(s, key);
          const before = await s.get(key);
          const revBefore = await s.currentRevision();
          await assert.rejects(c.op(s, key, rev), (err) => {
            assert.ok(err instanceof c.error, `expected ${c.error.name}, got ${String(err)}`);
            return true;
          });
          assert.deepEqual(await s.get(key), before);
          assert.equal(await s.currentRevision(), revBefore);
        }));
    }

    void test('conflict errors report the current revision', () =>
      withStore(open, async (s) => {
        const key = `${uniqueRoot('conflict')}k`;
        const v1 = await s.create(key, 'v1');
        const v2 = await s.update(key, 'v2', v1.modRevision);
        await assert.rejects(s.update(key, 'v3', v1.modRevision), (err) => {
          assert.ok(err instanceof ConflictError);
          assert.equal(err.actualModRevision, v2.modRevision);
          return true;
        });
      }));

    void test('update with the current revision replaces the value and keeps createRevision', () =>
      withStore(open, async (s) => {
        const key = `${uniqueRoot('update')}cm`;
        let kv = await s.create(key, '{"n":0}');
        const created = kv.createRevision;
        for (let n = 1; n <= 5; n++) {
          const next = await s.update(key, `{"n":${n}}`, kv.modRevision);
          assert.ok(next.modRevision > kv.modRevision);
          assert.equal(next.createRevision, created);
          kv = next;
        }
        assert.deepEqual(await s.get(key), kv);
        assert.equal(kv.value, '{"n":5}');
      }));

    for (const guarded of [false, true]) {
      void test(`delete${guarded ? ' with the current revision' : ''} returns the last value at the delete's revision`, () =>
        withStore(open, async (s) => {
          const key = `${uniqueRoot('delete')}svc`;
          const a = await s.create(key, 'first');
          const b = await s.update(key, 'last', a.modRevision);
          const gone = await s.delete(key, guarded ? b.modRevision : undefined);
          assert.equal(gone.key, key);
          assert.equal(gone.value, 'last');
          assert.equal(gone.createRevision, a.createRevision);
          assert.ok(gone.modRevision > b.modRevision);
          assert.equal(await s.currentRevision(), gone.modRevision);
          assert.equal(await s.get(key), undefined);
          const again = await s.create(key, 'reborn');
          assert.ok(again.createRevision > gone.modRevision, 'a re-created key starts a new incarnation');
        }));
    }

    void test('revisions strictly increase across keys', () =>
      withStore(open, async (s) => {
        const root = uniqueRoot('revs');
        const revs: number[] = [await s.currentRevision()];
        const live = new Map<string, number>();
        for (let i = 0; i < 40; i++) {
          const key = `${root}k${i % 7}`;
          const at = live.get(key);
          const kv = at === undefined ? await s.create(key, `${i}`) : i % 5 === 0 ? await s.delete(key, at) : await s.update(key, `${i}`, at);
          if (at !== undefined && i % 5 === 0) live.delete(key);
          else live.set(key, kv.modRevision);
          revs.push(kv.modRevision);
        }
        for (let i = 1; i < revs.length; i++) assert.ok(revs[i]! > revs[i - 1]!, `revision ${revs[i]} after ${revs[i - 1]}`);
        assert.equal(await s.currentRevision(), revs[revs.length - 1]);
      }));
  });

  void describe('concurrent writers', () => {
    void test('20 writers racing read-modify-CAS increments on one key lose no update', () =>
      withStore(open, async (s) => {
        const key = `${uniqueRoot('race')}counter`;
        await s.create(key, JSON.stringify({ n: 0 }));
        const writers = 20;
        const each = 5;
        const won: number[] = [];
        let conflicts = 0;
        const writer = async (): Promise<void> => {
          for (let done = 0; done < each; ) {
            const kv = (await s.get(key))!;
            const n = (JSON.parse(kv.value) as { n: number }).n;
            try {
              const next = await s.update(key, JSON.stringify({ n: n + 1 }), kv.modRevision);
              won.push(next.modRevision);
              done++;
            } catch (err) {
              if (!(err instanceof ConflictError)) throw err;
              conflicts++;
            }
          }
        };
        await Promise.all(Array.from({ length: writers }, writer));
        const final = (await s.get(key))!;
        assert.equal((JSON.parse(final.value) as { n: number }).n, writers * each);
        assert.equal(new Set(won).size, writers * each, 'every successful update has its own revision');
        assert.ok(conflicts >= 0);
      }));

    void test('of 12 racing creates of one key exactly one wins', () =>
      withStore(open, async (s) => {
        const key = `${uniqueRoot('create-race')}lease`;
        const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => s.create(key, `holder-${i}`)));
        const wins = results.filter((r) => r.status === 'fulfilled');
        assert.equal(wins.length, 1);
        for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof KeyExistsError);
        assert.equal((await s.get(key))!.value, (wins[0] as PromiseFulfilledResult<{ value: string }>).value.value);
      }));
  });
}
