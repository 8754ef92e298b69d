/** Archives into the store (`docker save` tarballs, OCI layouts), list/remove, GC, and layers that
 * try to write outside their root filesystem. No registry: everything comes from files. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArchiveError, DigestMismatchError, ImageNotFoundError, ImageStore, imagesDir } from '../../src/images/index.js';
import {
  buildImage,
  buildIndex,
  busyboxImage,
  installImageTools,
  markerImage,
  tarFolder,
  writeDockerSave,
  writeLayout,
  type BuiltImage,
} from '../helpers/images.js';

describe('image store: archives, list, remove, GC', () => {
  let tmp: string;
  let busybox: BuiltImage;
  let n = 0;
  const scratch = async (): Promise<string> => fs.mkdtemp(path.join(tmp, `s${++n}-`));
  const newStore = async (): Promise<ImageStore> => new ImageStore({ dir: imagesDir(await scratch()), gcGraceMs: 0, platform: { os: 'linux', architecture: 'amd64' } });
  /** An OCI layout archive of `images`, each with its annotations. */
  const layoutArchive = async (entries: { image: BuiltImage; annotations?: Record<string, string> }[], gzip = false): Promise<string> => {
    const dir = await scratch();
    await writeLayout(
      dir,
      entries.map((e) => ({ top: e.image.manifest, ...(e.annotations ? { annotations: e.annotations } : {}) })),
      entries.flatMap((e) => e.image.blobs),
    );
    const file = path.join(await scratch(), gzip ? 'image.tar.gz' : 'image.tar');
    await tarFolder(dir, file, gzip);
    return file;
  };

  before(async () => {
    installImageTools();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'skiff-import-'));
    busybox = await busyboxImage();
  });
  after(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  test('a docker save tarball imports under every RepoTag', async () => {
    const file = path.join(await scratch(), 'busybox.tar');
    await writeDockerSave(file, busybox, ['busybox:1.36', 'example.com/team/bb:v1']);
    const store = await newStore();
    const imported = await store.import(file);
    assert.deepEqual(
      imported.map((i) => i.ref),
      ['docker.io/library/busybox:1.36', 'example.com/team/bb:v1'],
    );
    assert.equal(imported[0]!.digest, imported[1]!.digest, 'one image, two names');
    assert.match(imported[0]!.imageId, /^docker\.io\/library\/busybox@sha256:[0-9a-f]{64}$/);
    const img = await store.ensure('busybox:1.36', 'Never');
    assert.equal(img.ref, 'docker.io/library/busybox:1.36');
    assert.equal(img.config.workingDir, '/data');
    assert.equal(await fs.readFile(path.join(img.rootfs, 'etc/motd'), 'utf8'), 'layer two\n');
    await assert.rejects(fs.lstat(path.join(img.rootfs, 'data/gone')), { code: 'ENOENT' });
    assert.deepEqual(await fs.readdir(path.join(img.rootfs, 'opq')), ['new']);
    assert.equal(await fs.readlink(path.join(img.rootfs, 'bin/sh')), 'busybox');
    assert.deepEqual(
      (await store.list()).map((i) => [i.ref, i.source]),
      [
        ['docker.io/library/busybox:1.36', 'import'],
        ['example.com/team/bb:v1', 'import'],
      ],
    );
  });

  const layouts: { name: string; annotations?: Record<string, string>; importName?: string; gzip?: boolean; ref: string }[] = [
    { name: "containerd's image name annotation", annotations: { 'io.containerd.image.name': 'docker.io/library/app:2', 'org.opencontainers.image.ref.name': '2' }, ref: 'docker.io/library/app:2' },
    { name: 'a full reference as ref.name, gzipped', annotations: { 'org.opencontainers.image.ref.name': 'registry.local:5000/app:3' }, gzip: true, ref: 'registry.local:5000/app:3' },
    { name: 'a bare tag and --name', annotations: { 'org.opencontainers.image.ref.name': 'v4' }, importName: 'example.org/app', ref: 'example.org/app:v4' },
    { name: 'no annotation and --name', importName: 'example.org/plain', ref: 'example.org/plain:latest' },
  ];
  for (const c of layouts) {
    test(`an OCI layout archive imports by ${c.name}`, async () => {
      const img = await markerImage(c.name);
      const file = await layoutArchive([{ image: img, ...(c.annotations ? { annotations: c.annotations } : {}) }], c.gzip);
      const store = await newStore();
      const [got] = await store.import(file, c.importName ? { name: c.importName } : {});
      assert.equal(got?.ref, c.ref);
      assert.equal(got?.digest, img.manifest.digest, 'the layout manifest is kept as it is');
      const ready = await store.ensure(c.ref, 'Never');
      assert.equal(await fs.readFile(path.join(ready.rootfs, 'which'), 'utf8'), c.name);
    });
  }

  test('an OCI layout holding an index imports its linux/amd64 image', async () => {
    const arm = await markerImage('arm', { architecture: 'arm64' });
    const amd = await markerImage('amd', { architecture: 'amd64' });
    const index = buildIndex([
      { image: arm, architecture: 'arm64' },
      { image: amd, architecture: 'amd64' },
    ]);
    const dir = await scratch();
    await writeLayout(dir, [{ top: index, annotations: { 'org.opencontainers.image.ref.name': 'multi.example/app:1' } }], [...arm.blobs, arm.manifest, ...amd.blobs, amd.manifest]);
    const file = path.join(await scratch(), 'multi.tar');
    await tarFolder(dir, file);
    const store = await newStore();
    const [got] = await store.import(file);
    assert.equal(got?.imageId, `multi.example/app@${index.digest}`);
    assert.equal(await fs.readFile(path.join((await store.ensure('multi.example/app:1', 'Never')).rootfs, 'which'), 'utf8'), 'amd');
  });

  const broken: { name: string; make: () => Promise<string>; error: new (...a: never[]) => Error; message: RegExp }[] = [
    {
      name: 'a layout blob whose name is not its digest',
      make: async () => {
        const img = await markerImage('tampered');
        const dir = await scratch();
        await writeLayout(dir, [{ top: img.manifest, annotations: { 'org.opencontainers.image.ref.name': 'x.example/t:1' } }], img.blobs);
        await fs.appendFile(path.join(dir, 'blobs', 'sha256', img.layers[0]!.digest.split(':')[1]!), 'junk');
        const file = path.join(await scratch(), 't.tar');
        await tarFolder(dir, file);
        return file;
      },
      error: DigestMismatchError,
      message: /blobs\/sha256\/[0-9a-f]+: content has digest/,
    },
    {
      name: 'a layout image named by tag only',
      make: async () => layoutArchive([{ image: await markerImage('tag only'), annotations: { 'org.opencontainers.image.ref.name': 'latest' } }]),
      error: ArchiveError,
      message: /named only by tag "latest"; give it a repository name/,
    },
    {
      name: 'a tar that is neither format',
      make: async () => {
        const dir = await scratch();
        await fs.writeFile(path.join(dir, 'hello.txt'), 'hi');
        const file = path.join(await scratch(), 'other.tar');
        await tarFolder(dir, file);
        return file;
      },
      error: ArchiveError,
      message: /neither a docker save archive \(manifest\.json\) nor an OCI image layout/,
    },
    {
      name: 'a file that is not a tar',
      make: async () => {
        const file = path.join(await scratch(), 'junk.tar');
        await fs.writeFile(file, 'this is not a tar archive at all'.repeat(40));
        return file;
      },
      error: ArchiveError,
      message: /junk\.tar/,
    },
  ];
  for (const c of broken) {
    test(`import refuses ${c.name}`, async () => {
      const store = await newStore();
      await assert.rejects(store.import(await c.make()), (err: unknown) => {
        assert.ok(err instanceof c.error, String(err));
        assert.match((err as Error).message, c.message);
        return true;
      });
      assert.deepEqual(await store.list(), []);
    });
  }

  test('layers cannot write outside the rootfs through symlinks', async () => {
    const outside = await scratch();
    const img = await buildImage([
      { compression: 'gzip', files: [{ path: 'etc', type: 'symlink', target: outside }, { path: 'up', type: 'symlink', target: '../../../../..' + outside }] },
      {
        compression: 'none',
        files: [
          { path: 'etc/evil', content: 'through an absolute symlink' },
          { path: 'up/evil2', content: 'through a relative one' },
        ],
        only: ['etc/evil', 'up/evil2'],
      },
    ]);
    const dir = await scratch();
    await writeLayout(dir, [{ top: img.manifest, annotations: { 'org.opencontainers.image.ref.name': 'evil.example/x:1' } }], img.blobs);
    const file = path.join(await scratch(), 'evil.tar');
    await tarFolder(dir, file);
    const store = await newStore();
    await store.import(file);
    const { rootfs } = await store.ensure('evil.example/x:1', 'Never');
    assert.deepEqual(await fs.readdir(outside), [], 'nothing written on the host');
    assert.equal(await fs.readFile(path.join(rootfs, outside, 'evil'), 'utf8'), 'through an absolute symlink');
    assert.equal(await fs.readFile(path.join(rootfs, outside, 'evil2'), 'utf8'), 'through a relative one');
  });

  test('remove forgets a name; removing an unknown one is ImageNotFoundError', async () => {
    const file = path.join(await scratch(), 'bb.tar');
    await writeDockerSave(file, busybox, ['busybox:a', 'busybox:b']);
    const store = await newStore();
    await store.import(file);
    await store.remove('busybox:a');
    assert.deepEqual((await store.list()).map((i) => i.ref), ['docker.io/library/busybox:b']);
    await assert.rejects(store.remove('busybox:a'), ImageNotFoundError);
    await assert.rejects(store.ensure('busybox:a', 'Never'), { reason: 'ErrImageNeverPull' });
  });

  test('GC removes what no name needs, and keeps what a running container uses', async () => {
    const other = await markerImage('other image');
    const store = await newStore();
    const f1 = path.join(await scratch(), 'bb.tar');
    await writeDockerSave(f1, busybox, ['busybox:gc']);
    await store.import(f1);
    const f2 = await layoutArchive([{ image: other, annotations: { 'org.opencontainers.image.ref.name': 'other.example/o:1' } }]);
    await store.import(f2);
    const bb = await store.ensure('busybox:gc', 'Never');
    const o = await store.ensure('other.example/o:1', 'Never');
    // Leftovers an interrupted run leaves: a half ingest and a half build.
    await fs.writeFile(path.join(store.content.ingestDir, 'stale'), 'x');
    await fs.mkdir(path.join(store.rootfs.dir, '.build-1-dead'));
    const blobsBefore = new Set(await store.content.list());

    const first = await store.gc();
    assert.equal(first.blobsRemoved, blobsBefore.size - new Set(await store.content.list()).size);
    assert.ok(first.blobsRemoved >= 2, 'the archive files no image uses (manifest.json, index.json, oci-layout, repositories) go');
    assert.equal(first.rootfsRemoved, 1, 'the dead build');
    await assert.rejects(fs.stat(path.join(store.content.ingestDir, 'stale')), { code: 'ENOENT' });
    // docker save layers are the uncompressed tars, so the store has them by their diffIds.
    for (const b of [busybox.config.digest, ...busybox.layers.map((l) => l.diffId), ...other.blobs.map((x) => x.digest), other.manifest.digest]) {
      assert.ok(await store.content.has(b), `kept ${b}`);
    }

    await store.remove('other.example/o:1');
    const release = store.use('busybox:gc');
    await store.remove('busybox:gc');
    const second = await store.gc();
    assert.ok(second.blobsRemoved >= 3, "the other image's manifest, config and layer");
    for (const b of [...other.blobs.map((x) => x.digest), other.manifest.digest]) assert.equal(await store.content.has(b), false, `removed ${b}`);
    await assert.rejects(fs.stat(o.rootfs), { code: 'ENOENT' });
    assert.ok((await fs.stat(path.join(bb.rootfs, 'bin/busybox'))).isFile(), 'the in-use rootfs stays');
    for (const l of busybox.layers) assert.ok(await store.content.has(l.diffId), 'in-use layers stay');

    release();
    const third = await store.gc();
    assert.equal(third.rootfsRemoved, 1);
    await assert.rejects(fs.stat(bb.rootfs), { code: 'ENOENT' });
    assert.deepEqual(await store.content.list(), []);
  });
  test('GC spares young content until pruned, and young half-builds even then', async () => {
    const store = new ImageStore({ dir: imagesDir(await scratch()), platform: { os: 'linux', architecture: 'amd64' } });
    const img = await markerImage('young');
    await store.import(await layoutArchive([{ image: img, annotations: { 'org.opencontainers.image.ref.name': 'young.example/y:1' } }]));
    const { rootfs } = await store.ensure('young.example/y:1', 'Never');
    await store.remove('young.example/y:1');
    await fs.mkdir(path.join(store.rootfs.dir, '.build-1-inprogress'));
    assert.deepEqual(await store.gc(), { blobsRemoved: 0, bytesRemoved: 0, rootfsRemoved: 0 }, 'within the default grace nothing goes');
    const pruned = await store.gc({ prune: true });
    assert.equal(pruned.rootfsRemoved, 1);
    await assert.rejects(fs.stat(rootfs), { code: 'ENOENT' });
    assert.deepEqual(await store.content.list(), []);
    assert.deepEqual(await fs.readdir(store.rootfs.dir), ['.build-1-inprogress'], 'a young build may be another process at work');
  });
  test('use() in a fresh process (containers adopted after a restart) pins the content the name had', async () => {
    const dir = imagesDir(await scratch());
    const first = new ImageStore({ dir, gcGraceMs: 0 });
    const img = await markerImage('adopted');
    await first.import(await layoutArchive([{ image: img, annotations: { 'org.opencontainers.image.ref.name': 'adopt.example/a:1' } }]));
    const { rootfs } = await first.ensure('adopt.example/a:1', 'Never');
    const restarted = new ImageStore({ dir, gcGraceMs: 0 });
    const release = restarted.use('adopt.example/a:1');
    await restarted.remove('adopt.example/a:1');
    await restarted.gc();
    assert.ok((await fs.stat(path.join(rootfs, 'which'))).isFile());
    release();
    await restarted.gc();
    await assert.rejects(fs.stat(rootfs), { code: 'ENOENT' });
  });
});
