/** SQLite durability: a writer process SIGKILLed mid-stream loses no acknowledged write. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/storage/index.js';
import { durabilityValue } from './durability-value.js';

const writerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'durability-writer.js');

/** Runs the writer until it acknowledged at least `minAcks` keys, then SIGKILLs it; returns the
 * acknowledged keys (complete lines only: a torn last line was not fully printed). */
async function writeThenKill(url: string, prefix: string, minAcks: number): Promise<string[]> {
  const child = spawn(process.execPath, [writerScript, url, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  try {
    await ackedAtLeast(child, minAcks, exited, (c) => (out += c), () => out, () => err);
  } finally {
    // Kill while it is writing: it has no idea this is coming. (Also on failure: no orphans.)
    child.kill('SIGKILL');
  }
  assert.equal(await exited, 'SIGKILL');
  const lines = out.split('\n');
  lines.pop();
  return lines;
}

function ackedAtLeast(
  child: ChildProcessByStdio<null, Readable, Readable>,
  minAcks: number,
  exited: Promise<unknown>,
  append: (chunk: string) => void,
  out: () => string,
  err: () => string,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`writer acknowledged too little in 30s: ${out().split('\n').length - 1} keys; ${err()}`)), 30_000);
    child.stdout.on('data', (c: Buffer) => {
      append(c.toString());
      if (out().split('\n').length - 1 >= minAcks) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((how) => reject(new Error(`writer exited early (${String(how)}): ${err()}`)));
  });
}

void test('sqlite: a SIGKILLed writer loses no acknowledged write', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-sqlite-dur-'));
  try {
    const url = `sqlite://${path.join(dir, 'nested', 'state.db')}`;
    const prefix = '/registry/configmaps/durability/cm-';
    const acked = await writeThenKill(url, prefix, 300);
    assert.ok(acked.length >= 300);
    const store = await openStore(url);
    try {
      for (const [i, key] of acked.entries()) {
        assert.equal(key, `${prefix}${i}`);
        const kv = await store.get(key);
        assert.ok(kv, `acknowledged ${key} is missing after the kill`);
        assert.equal(kv.value, durabilityValue(i));
      }
      // The store goes on where the log ended: revisions continue, nothing is half-written.
      const count = await store.count(prefix);
      assert.ok(count === acked.length || count === acked.length + 1, `count ${count} for ${acked.length} acknowledged`);
      const rev = await store.currentRevision();
      const next = await store.create(`${prefix}after`, '{}');
      assert.equal(next.modRevision, rev + 1);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
