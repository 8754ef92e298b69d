/** SQLite specifics: two store instances (as two processes would) on one file, and reopening. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompactedError, ConflictError, SqliteStore } from '../../src/storage/index.js';
import { Collector } from './conformance-helpers.js';

async function inTempDir(fn: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-sqlite-shared-'));
  try {
    await fn(path.join(dir, 'state.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void test('sqlite: a watch sees writes another instance made to the same file, in order', () =>
  inTempDir(async (file) => {
    const a = new SqliteStore(file, { pollIntervalMs: 20 });
    const b = new SqliteStore(file, { pollIntervalMs: 20 });
    try {
      const got = new Collector();
      const w = b.watch('/registry/', await b.currentRevision(), got.handlers);
      const written = [];
      for (let i = 0; i < 25; i++) written.push(await a.create(`/registry/pods/p${i}`, `${i}`));
      written.push(await a.delete('/registry/pods/p3'));
      await got.waitForEvents(written.length);
      assert.deepEqual(got.events.map((e) => e.kv), written);
      w.close();
      // Compare-and-swap holds across instances: b's stale revision loses.
      const kv = (await a.get('/registry/pods/p1'))!;
      await a.update(kv.key, 'by-a', kv.modRevision);
      await assert.rejects(b.update(kv.key, 'by-b', kv.modRevision), ConflictError);
    } finally {
      await a.close();
      await b.close();
    }
  }));

void test('sqlite: a compaction by another instance ends watches that fell behind it', () =>
  inTempDir(async (file) => {
    const a = new SqliteStore(file);
    // b's poll loop only runs when woken by its own writes or its (here very slow) timer.
    const b = new SqliteStore(file, { pollIntervalMs: 60_000 });
    try {
      const got = new Collector();
      b.watch('/registry/', await b.currentRevision(), got.handlers);
      let kv = await a.create('/registry/x', '0');
      for (let i = 1; i < 10; i++) kv = await a.update('/registry/x', `${i}`, kv.modRevision);
      await a.compact(kv.modRevision);
      await b.create('/registry/y', 'wake b');
      const err = await got.waitForError();
      assert.ok(err instanceof CompactedError, String(err));
    } finally {
      await a.close();
      await b.close();
    }
  }));

void test('sqlite: data, revisions and the compacted revision survive reopening', () =>
  inTempDir(async (file) => {
    const first = new SqliteStore(file);
    const kv = await first.create('/registry/a', '1');
    const up = await first.update('/registry/a', '2', kv.modRevision);
    await first.create('/registry/b', '1');
    await first.compact(up.modRevision);
    const rev = await first.currentRevision();
    await first.close();
    const again = new SqliteStore(file);
    try {
      assert.equal(await again.currentRevision(), rev);
      assert.equal(await again.compactedRevision(), up.modRevision);
      assert.deepEqual(await again.get('/registry/a'), up);
      assert.equal((await again.create('/registry/c', '1')).modRevision, rev + 1);
    } finally {
      await again.close();
    }
  }));
