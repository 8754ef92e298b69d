/** `skiff image import|ls|rm|pull` as a user runs them: the built CLI in a child process. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImageStore, imagesDir } from '../../src/images/index.js';
import { skiff } from '../cli/run.js';
import { busyboxImage, installImageTools, markerImage, pushImage, startRegistry, writeDockerSave, type Registry } from '../helpers/images.js';

describe('skiff image', () => {
  let tmp: string;
  let home: string;
  let archive: string;
  let registry: Registry;
  const run = (...args: string[]) => skiff(undefined, args, { env: { HOME: home } });

  before(async () => {
    installImageTools();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'skiff-image-cli-'));
    home = path.join(tmp, 'home');
    await fs.mkdir(home);
    archive = path.join(tmp, 'busybox.tar');
    await writeDockerSave(archive, await busyboxImage(), ['busybox:1.36', 'tools.example/bb:1']);
    registry = await startRegistry();
    await pushImage(registry.url, 'cli/app', 'v1', await markerImage('pulled by the cli'));
  });
  after(async () => {
    await registry?.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  test('import, ls and rm on a data dir (a node that is not running)', async () => {
    const dataDir = path.join(home, '.skiff', 'up');
    const imp = await run('image', 'import', archive, '--data-dir', dataDir);
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stdout, /^imported docker\.io\/library\/busybox:1\.36 \(docker\.io\/library\/busybox@sha256:[0-9a-f]{64}\)\nimported tools\.example\/bb:1 /);
    await fs.access(path.join(home, '.skiff', 'up', 'images', 'refs.json'));
    const ls = await run('image', 'ls', '--data-dir', dataDir);
    assert.equal(ls.code, 0, ls.stderr);
    const lines = ls.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^IMAGE\s+TAG\s+IMAGE ID\s+SIZE$/);
    assert.match(lines[1]!, /^docker\.io\/library\/busybox\s+1\.36\s+[0-9a-f]{13}\s+\d+(\.\d+)?[kM]B$/);
    assert.match(lines[2]!, /^tools\.example\/bb\s+1\s+/);
    assert.equal(lines.length, 3);
    const rm = await run('image', 'rm', 'busybox:1.36', '--data-dir', dataDir);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(rm.stdout, 'deleted docker.io/library/busybox:1.36\n');
    assert.equal((await run('image', 'ls', '--data-dir', dataDir)).stdout.trimEnd().split('\n').length, 2);
  });

  test('pull and ls with --data-dir', async () => {
    const dataDir = path.join(tmp, 'agent');
    const pull = await run('image', 'pull', `${registry.host}/cli/app:v1`, '--data-dir', dataDir);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, new RegExp(`^${registry.host}/cli/app:v1\\n${registry.host}/cli/app@sha256:[0-9a-f]{64}\\n$`));
    const ls = await run('image', 'ls', '--data-dir', dataDir);
    assert.match(ls.stdout, new RegExp(`\\n${registry.host}/cli/app\\s+v1\\s+`));
    const rootfs = path.join(dataDir, 'images', 'rootfs');
    assert.equal((await fs.readdir(rootfs)).length, 1);
    assert.equal((await run('image', 'rm', `${registry.host}/cli/app:v1`, '--data-dir', dataDir)).code, 0);
    assert.deepEqual(await fs.readdir(rootfs), [], 'rm prunes what nothing needs');
  });

  test('rm in another process spares an image a running container uses', async () => {
    const dataDir = path.join(tmp, 'shared');
    assert.equal((await run('image', 'import', archive, '--data-dir', dataDir)).code, 0);
    const store = new ImageStore({ dir: imagesDir(dataDir) });
    const img = await store.ensure('tools.example/bb:1', 'Never');
    const release = store.use('tools.example/bb:1');
    const rm = await run('image', 'rm', 'busybox:1.36', 'tools.example/bb:1', '--data-dir', dataDir);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal((await run('image', 'ls', '--data-dir', dataDir)).stdout.trimEnd().split('\n').length, 1, 'only the header');
    assert.ok((await fs.stat(path.join(img.rootfs, 'bin/busybox'))).isFile(), 'the leased rootfs stays');
    release();
    assert.equal((await store.gc({ prune: true })).rootfsRemoved, 1);
    await assert.rejects(fs.stat(img.rootfs), { code: 'ENOENT' });
  });

  const failures: { name: string; args: () => string[]; stderr: RegExp }[] = [
    { name: 'rm of an unknown image', args: () => ['image', 'rm', 'nothere:1', '--data-dir', path.join(tmp, 'agent')], stderr: /^error: image "docker\.io\/library\/nothere:1" is not in the store\n$/ },
    { name: 'pull of an unknown image', args: () => ['image', 'pull', `${registry.host}/cli/none:1`], stderr: /cli\/none:1 not found/ },
    { name: 'import of a missing file', args: () => ['image', 'import', path.join(tmp, 'nope.tar'), '--data-dir', path.join(tmp, 'agent')], stderr: /ENOENT/ },
    { name: 'import without a data dir and without a cluster', args: () => ['image', 'import', archive, '--kubeconfig', path.join(tmp, 'no-such-kubeconfig')], stderr: /^error: .*no-such-kubeconfig/ },
    { name: 'an invalid reference', args: () => ['image', 'pull', 'BusyBox'], stderr: /invalid image reference "BusyBox": repository names must be lowercase/ },
  ];
  for (const c of failures) {
    test(`${c.name} fails with a clear message`, async () => {
      const r = await run(...c.args());
      assert.equal(r.code, 1);
      assert.match(r.stderr, c.stderr);
    });
  }
});
