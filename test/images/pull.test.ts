/** Pulling from a real registry (Debian's docker-registry on loopback) into the store: the
 * flattened rootfs, manifest lists, digest checks, pull policies, errors, shared pulls. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DigestMismatchError, ImagePullError, ImageStore, ManifestUnknownError, imagesDir } from '../../src/images/index.js';
import {
  buildImage,
  buildIndex,
  busyboxImage,
  busyboxPath,
  installImageTools,
  markerImage,
  pushImage,
  pushIndex,
  registryBlobFile,
  startFront,
  startRegistry,
  type BuiltImage,
  type Front,
  type Registry,
} from '../helpers/images.js';

const isRoot = process.getuid?.() === 0;

describe('image store: pulls from a registry', () => {
  let registry: Registry;
  let front: Front;
  let busybox: BuiltImage;
  const dirs: string[] = [];

  const newStore = async (): Promise<ImageStore> => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'skiff-images-'));
    dirs.push(dataDir);
    return new ImageStore({ dir: imagesDir(dataDir), platform: { os: 'linux', architecture: 'amd64' } });
  };

  before(async () => {
    installImageTools();
    registry = await startRegistry();
    front = await startFront(registry);
    busybox = await busyboxImage();
    await pushImage(registry.url, 'tools/busybox', '1.0', busybox);
  });
  after(async () => {
    await front?.stop();
    await registry?.stop();
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });

  test('the pulled busybox rootfs is the layers flattened', async () => {
    const store = await newStore();
    const img = await store.ensure(`${registry.host}/tools/busybox:1.0`, 'IfNotPresent');
    assert.equal(img.ref, `${registry.host}/tools/busybox:1.0`);
    assert.equal(img.imageId, `${registry.host}/tools/busybox@${busybox.manifest.digest}`);
    assert.deepEqual(img.config, {
      entrypoint: ['/bin/sh', '-c'],
      cmd: ['echo hello'],
      env: ['PATH=/bin:/usr/bin', 'GREETING=hi'],
      workingDir: '/data',
      user: '4321:4321',
      stopSignal: 'SIGTERM',
    });
    const r = (p: string) => path.join(img.rootfs, p);
    const bb = await fs.stat(r('bin/busybox'));
    assert.equal(bb.mode & 0o7777, 0o755);
    assert.deepEqual(await fs.readFile(r('bin/busybox')), await fs.readFile(busyboxPath));
    assert.equal(await fs.readlink(r('bin/sh')), 'busybox');
    assert.equal((await fs.stat(r('bin/ls'))).ino, bb.ino, 'bin/ls is a hard link to busybox');
    assert.equal(await fs.readlink(r('usr/bin/env')), '/bin/busybox', 'absolute symlinks are kept as they are');
    assert.equal(await fs.readFile(r('etc/motd'), 'utf8'), 'layer two\n', 'upper layers replace files');
    assert.equal((await fs.stat(r('etc/motd'))).mode & 0o777, 0o600);
    assert.equal((await fs.stat(r('tmp'))).mode & 0o7777, 0o1777, 'sticky bit kept');
    assert.equal(await fs.readFile(r('data/keep'), 'utf8'), 'kept\n');
    await assert.rejects(fs.lstat(r('data/gone')), { code: 'ENOENT' }, 'whiteout deletes a lower file');
    await assert.rejects(fs.lstat(r('data/gonedir')), { code: 'ENOENT' }, 'whiteout deletes a lower folder');
    await assert.rejects(fs.lstat(r('data/.wh.gone')), { code: 'ENOENT' }, 'whiteout markers are not files of the rootfs');
    assert.deepEqual((await fs.readdir(r('opq'))).sort(), ['new'], 'an opaque folder keeps only its own layer');
    assert.equal((await fs.stat(r('ro'))).mode & 0o777, 0o555, 'read-only folder mode applied after its contents');
    assert.equal(await fs.readFile(r('ro/file'), 'utf8'), 'in a read-only folder\n');
    assert.equal((await fs.stat(r('bin/busybox'))).uid, isRoot ? 0 : process.getuid?.());
    // The first layer gave etc/motd to 4321; the second replaced it with a root-owned file.
    assert.equal((await fs.stat(r('etc/motd'))).uid, isRoot ? 0 : process.getuid?.());
    const listed = await store.list();
    assert.deepEqual(
      listed.map((i) => [i.ref, i.source, i.digest]),
      [[`${registry.host}/tools/busybox:1.0`, 'pull', busybox.manifest.digest]],
    );
  });

  test('a Docker schema 2 image pulls like an OCI one, and layer owners are kept', async () => {
    const img = await markerImage('docker', { docker: true });
    await pushImage(registry.url, 'tools/dockerish', 'v2', img);
    const owned = await buildImage([{ compression: 'gzip', files: [{ path: 'home', type: 'dir' }, { path: 'home/app', content: 'x', uid: 4321 }] }]);
    await pushImage(registry.url, 'tools/owned', '1', owned);
    const store = await newStore();
    const got = await store.ensure(`${registry.host}/tools/dockerish:v2`, 'IfNotPresent');
    assert.equal(await fs.readFile(path.join(got.rootfs, 'which'), 'utf8'), 'docker');
    const o = await store.ensure(`${registry.host}/tools/owned:1`, 'IfNotPresent');
    assert.equal((await fs.stat(path.join(o.rootfs, 'home/app'))).uid, isRoot ? 4321 : process.getuid?.());
  });

  for (const docker of [false, true]) {
    test(`a ${docker ? 'Docker manifest list' : 'OCI index'} gives the linux/amd64 image`, async () => {
      const arm = await markerImage(`arm64 ${docker}`, { architecture: 'arm64', docker });
      const amd = await markerImage(`amd64 ${docker}`, { architecture: 'amd64', docker });
      const index = buildIndex(
        [
          { image: arm, architecture: 'arm64' },
          { image: amd, architecture: 'amd64' },
        ],
        docker,
      );
      await pushIndex(registry.url, 'multi/app', docker ? 'docker' : 'oci', index, [arm, amd]);
      const store = await newStore();
      const img = await store.ensure(`${registry.host}/multi/app:${docker ? 'docker' : 'oci'}`, 'IfNotPresent');
      assert.equal(await fs.readFile(path.join(img.rootfs, 'which'), 'utf8'), `amd64 ${docker}`);
      assert.equal(img.imageId, `${registry.host}/multi/app@${index.digest}`, 'the image ID names what the tag resolved to: the index');
      const [rec] = await store.index.all().then((m) => [...m.values()]);
      assert.equal(rec?.manifest, amd.manifest.digest);
    });
  }

  test('an image pinned by digest pulls that content', async () => {
    const store = await newStore();
    const img = await store.ensure(`${registry.host}/tools/busybox@${busybox.manifest.digest}`, 'IfNotPresent');
    assert.equal(img.imageId, `${registry.host}/tools/busybox@${busybox.manifest.digest}`);
    assert.ok((await fs.stat(path.join(img.rootfs, 'bin/busybox'))).isFile());
  });

  test('a blob that does not match its digest is rejected and not stored', async () => {
    const img = await markerImage('to be corrupted');
    await pushImage(registry.url, 'bad/blob', '1', img);
    const layer = img.layers[0]!;
    await fs.writeFile(registryBlobFile(registry, layer.digest), Buffer.concat([layer.data.subarray(0, -1), Buffer.from([layer.data.at(-1)! ^ 0xff])]));
    const store = await newStore();
    await assert.rejects(store.pull(`${registry.host}/bad/blob:1`), (err: unknown) => {
      assert.ok(err instanceof DigestMismatchError, String(err));
      assert.equal(err.expected, layer.digest);
      return true;
    });
    assert.equal(await store.content.has(layer.digest), false);
    assert.deepEqual(await store.list(), []);
    await assert.rejects(store.ensure(`${registry.host}/bad/blob:1`, 'IfNotPresent'), (err: unknown) => {
      assert.ok(err instanceof ImagePullError);
      assert.equal(err.reason, 'ErrImagePull');
      assert.match(err.message, /content has digest sha256:[0-9a-f]{64}, expected/);
      return true;
    });
  });

  const failures: { name: string; image: () => string; policy: 'IfNotPresent' | 'Never' | 'Always'; reason: string; message: RegExp }[] = [
    {
      name: 'an unknown repository',
      image: () => `${registry.host}/no/such-image:1`,
      policy: 'IfNotPresent',
      reason: 'ErrImagePull',
      message: /^Failed to pull image ".*no\/such-image:1": .*no\/such-image:1 not found/,
    },
    { name: 'an unknown tag', image: () => `${registry.host}/tools/busybox:9.9`, policy: 'Always', reason: 'ErrImagePull', message: /tools\/busybox:9\.9 not found/ },
    {
      name: 'a registry nobody listens on',
      image: () => '127.0.0.1:1/x:1',
      policy: 'IfNotPresent',
      reason: 'ErrImagePull',
      message: /cannot reach registry 127\.0\.0\.1:1/,
    },
    {
      name: 'policy Never without the image',
      image: () => `${registry.host}/tools/busybox:1.0`,
      policy: 'Never',
      reason: 'ErrImageNeverPull',
      message: /^Container image ".*tools\/busybox:1\.0" is not present with pull policy of Never$/,
    },
    { name: 'an invalid name', image: () => 'Busy Box', policy: 'IfNotPresent', reason: 'InvalidImageName', message: /invalid image reference "Busy Box"/ },
  ];
  for (const c of failures) {
    test(`ensure fails for ${c.name} with ${c.reason}`, async () => {
      const store = await newStore();
      await assert.rejects(store.ensure(c.image(), c.policy), (err: unknown) => {
        assert.ok(err instanceof ImagePullError, String(err));
        assert.equal(err.reason, c.reason);
        assert.match(err.message, c.message);
        return true;
      });
    });
  }

  test('pull() reports an unknown image with a named error', async () => {
    const store = await newStore();
    await assert.rejects(store.pull(`${registry.host}/no/such:1`), ManifestUnknownError);
  });

  test('pull policies: IfNotPresent and Never use the local image, Always asks the registry again', async () => {
    const store = await newStore();
    const ref = `${front.host}/tools/busybox:1.0`;
    const before = front.requests.length;
    const first = await store.ensure(ref, 'IfNotPresent');
    const afterPull = front.requests.length;
    assert.ok(afterPull - before >= 5, 'manifest, config and three layers were fetched');
    assert.deepEqual(await store.ensure(ref, 'IfNotPresent'), first);
    assert.deepEqual(await store.ensure(ref, 'Never'), first);
    assert.equal(front.requests.length, afterPull, 'no registry traffic for a present image');
    assert.deepEqual(await store.ensure(ref, 'Always'), first);
    const again = front.requests.slice(afterPull);
    assert.deepEqual(again, ['GET /v2/tools/busybox/manifests/1.0'], 'Always re-resolves the tag but downloads no blob it has');
  });

  test('concurrent ensure() calls for one image share one pull', async () => {
    const store = await newStore();
    const ref = `${front.host}/tools/busybox:1.0`;
    const start = front.requests.length;
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => store.ensure(ref, i % 2 ? 'Always' : 'IfNotPresent')));
    const sent = front.requests.slice(start);
    assert.equal(sent.filter((r) => r.includes('/manifests/')).length, 1, sent.join('\n'));
    assert.equal(sent.filter((r) => r.includes('/blobs/')).length, 4, 'config + three layers, once each');
    for (const r of results) assert.equal(r.rootfs, results[0]!.rootfs);
  });

  test('the store survives a restart: a new store on the same folder has the image without pulling', async () => {
    const store = await newStore();
    const ref = `${front.host}/tools/busybox:1.0`;
    const first = await store.ensure(ref, 'IfNotPresent');
    const reopened = new ImageStore({ dir: store.opts.dir });
    const n = front.requests.length;
    assert.deepEqual(await reopened.ensure(ref, 'Never'), first);
    assert.equal(front.requests.length, n);
    // A lost rootfs is rebuilt from the stored blobs, still without the registry.
    await fs.rm(first.rootfs, { recursive: true, force: true });
    const rebuilt = await reopened.ensure(ref, 'IfNotPresent');
    assert.equal(await fs.readFile(path.join(rebuilt.rootfs, 'etc/motd'), 'utf8'), 'layer two\n');
    assert.equal(front.requests.length, n);
  });
});
