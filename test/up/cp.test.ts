/** `kubectl cp` both ways on `skiff up` (process runtime): kubectl 1.32 runs `tar` in the
 * container through exec over WebSocket v5 (stdin closed with the v5 close message, the exit
 * code on the error channel). Random bytes into a pod's volume and back, byte for byte; a
 * directory tree too; kubectl's errors for a missing pod, container or path. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';
import { tree, twoContainerPod } from './streamfixtures.js';

describe('kubectl cp on skiff up', () => {
  let c: UpCluster;
  let local: string;
  const pod = `box-${suffix()}`;
  const mount = `/cp-${suffix()}`;
  before(async () => {
    local = mkdtempSync(path.join(os.tmpdir(), 'skiff-cp-'));
    c = await startUpCluster({ nodes: 1 });
    await twoContainerPod(c, pod, mount);
  });
  after(async () => {
    await c.stop();
    rmSync(local, { recursive: true, force: true });
  });

  test('a file of random bytes goes in and comes back the same', async () => {
    const bytes = randomBytes(randomInt(1, 3 * 1024 * 1024));
    const name = `blob-${suffix()}.bin`;
    writeFileSync(path.join(local, name), bytes);
    const into = await c.kubectl.run(['cp', '-c', 'main', path.join(local, name), `${pod}:${mount}/${name}`], { timeoutMs: 60_000 });
    assert.equal(into.code, 0, into.stderr);
    // The other container sees it in the shared volume, at its size.
    const size = await c.kubectl.ok(['exec', pod, '-c', 'side', '--', 'wc', '-c', `${mount}/${name}`]);
    assert.equal(Number(size.trim().split(/\s+/)[0]), bytes.length);
    const back = path.join(local, `back-${name}`);
    const out = await c.kubectl.run(['cp', '-c', 'side', `${pod}:${mount}/${name}`, back], { timeoutMs: 60_000 });
    assert.equal(out.code, 0, out.stderr);
    assert.ok(readFileSync(back).equals(bytes), 'the same bytes');
  });

  test('a directory tree goes in and comes back the same', async () => {
    const src = path.join(local, `tree-${suffix()}`);
    const files = randomInt(3, 8);
    for (let i = 0; i < files; i++) {
      const dir = path.join(src, ...Array.from({ length: i % 3 }, (_, d) => `d${d}-${i}`));
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `f${i}.dat`), randomBytes(randomInt(0, 200_000)));
    }
    const dest = `${mount}/copied-${suffix()}`;
    const into = await c.kubectl.run(['cp', '-c', 'main', src, `${pod}:${dest}`], { timeoutMs: 60_000 });
    assert.equal(into.code, 0, into.stderr);
    const back = path.join(local, `back-${suffix()}`);
    const out = await c.kubectl.run(['cp', '-c', 'main', `${pod}:${dest}`, back], { timeoutMs: 60_000 });
    assert.equal(out.code, 0, out.stderr);
    assert.ok(statSync(back).isDirectory());
    const want = tree(src), got = tree(back);
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [k, v] of want) assert.ok(got.get(k)!.equals(v), k);
  });

  test('kubectl\'s errors: a missing pod, container or file', async () => {
    const f = path.join(local, 'small.txt');
    writeFileSync(f, 'x');
    const missing = `absent-${suffix()}`;
    const noPod = await c.kubectl.run(['cp', f, `${missing}:${mount}/x`]);
    assert.notEqual(noPod.code, 0);
    assert.match(noPod.stderr, new RegExp(`pods "${missing}" not found`));
    const noContainer = await c.kubectl.run(['cp', '-c', 'nope', f, `${pod}:${mount}/x`]);
    assert.notEqual(noContainer.code, 0);
    assert.match(noContainer.stderr, new RegExp(`container nope is not valid for pod ${pod}`));
    const noFile = await c.kubectl.run(['cp', '-c', 'main', `${pod}:${mount}/nothing-${suffix()}`, path.join(local, 'nothing')]);
    // kubectl shows tar's complaint on its stdout (its ErrOut there is Out); its exit code races
    // with the empty archive's end, in kubectl itself, so only what it says is asserted.
    assert.match(noFile.stdout + noFile.stderr, /Cannot stat: No such file or directory/);
    assert.equal(existsSync(path.join(local, 'nothing')), false);
    // Into a folder that is not there: tar's failure and its exit code, as kubectl reports them.
    const noDir = await c.kubectl.run(['cp', '-c', 'main', f, `${pod}:${mount}/no-${suffix()}/deeper/x`]);
    assert.notEqual(noDir.code, 0);
    assert.match(noDir.stderr, /command terminated with exit code 2/);
  });
});
