/** openStore: URL schemes, sqlite paths, and clear errors for what it cannot open. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryStore, openStore, SqliteStore, StoreUnavailableError } from '../../src/storage/index.js';

void test('memory:// opens an empty in-memory store', async () => {
  const s = await openStore('memory://');
  assert.ok(s instanceof MemoryStore);
  assert.equal(await s.currentRevision(), 0);
  await s.close();
});

for (const relative of [false, true]) {
  void test(`sqlite:// with a ${relative ? 'relative' : 'absolute'} path creates missing parent dirs`, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-open-'));
    try {
      const file = path.join(dir, 'deep', 'er', 'state.db');
      const s = await openStore(`sqlite://${relative ? path.relative(process.cwd(), file) : file}`);
      assert.ok(s instanceof SqliteStore);
      await s.create('/registry/a', '{}');
      await s.close();
      assert.ok(existsSync(file));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

const bad: readonly { url: string; message: RegExp }[] = [
  { url: 'postgres://localhost/skiff', message: /unsupported datastore URL scheme "postgres"/ },
  { url: '/var/lib/skiff/state.db', message: /invalid datastore URL/ },
  { url: 'sqlite://', message: /needs a file path/ },
  { url: 'etcd://', message: /needs HOST:PORT/ },
  { url: 'etcd://127.0.0.1', message: /expected HOST:PORT/ },
  { url: 'etcd://127.0.0.1:2379,nohost', message: /expected HOST:PORT/ },
];

for (const { url, message } of bad) {
  void test(`openStore(${JSON.stringify(url)}) fails clearly`, async () => {
    await assert.rejects(openStore(url), message);
  });
}

void test('etcd:// with nobody listening fails with StoreUnavailableError', async () => {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  await assert.rejects(openStore('etcd://127.0.0.1:1'), StoreUnavailableError);
});
