/** kubelet-style image GC: above the high threshold, images no container uses go, oldest first,
 * until below the low one; in-use images stay; below the high threshold nothing goes. Thresholds
 * are set around this machine's real disk usage, so the real statfs decides. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { diskUsagePercent, ImageGarbageCollector, ImageStore } from '../../src/images/index.js';
import { markerImage, writeDockerSave } from '../helpers/images.js';
import { suffix } from '../controlplane/fixtures.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-imagegc-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function storeWith(names: readonly string[]): Promise<ImageStore> {
  const store = new ImageStore({ dir: path.join(dir, `images-${suffix()}`) });
  for (const name of names) {
    const file = path.join(dir, `${suffix()}.tar`);
    await writeDockerSave(file, await markerImage(name), [name]);
    await store.import(file);
    await new Promise((r) => setTimeout(r, 5)); // distinct record times: oldest first
  }
  return store;
}

test('above the high threshold unused images go oldest first; used ones stay', async () => {
  const names = Array.from({ length: 3 + Math.floor(Math.random() * 3) }, (_, i) => `gc.test/img-${i}-${suffix()}:1`);
  const store = await storeWith(names);
  const inUse = names[1]!;
  const release = store.use(inUse);
  try {
    // The disk is always above 0 %, and never below 0 %: everything unused goes.
    const removed = await new ImageGarbageCollector(store, { highPercent: 0, lowPercent: 0 }).collect();
    assert.deepEqual(removed, names.filter((n) => n !== inUse));
    assert.deepEqual((await store.list()).map((i) => i.ref), [inUse]);
  } finally {
    release();
  }
});

test('below the high threshold nothing is removed', async () => {
  const names = [`gc.test/keep-${suffix()}:1`, `gc.test/keep-${suffix()}:2`];
  const store = await storeWith(names);
  const usage = await diskUsagePercent(store.opts.dir);
  assert.ok(usage > 0 && usage < 100, `${usage}`);
  const removed = await new ImageGarbageCollector(store, { highPercent: Math.min(100, usage + 5), lowPercent: 0 }).collect();
  assert.deepEqual(removed, []);
  assert.equal((await store.list()).length, 2);
});

test('thresholds out of order are refused', () => {
  assert.throws(() => new ImageGarbageCollector({} as ImageStore, { highPercent: 70, lowPercent: 80 }), RangeError);
});
