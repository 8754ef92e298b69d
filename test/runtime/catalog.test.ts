/** The image catalog: image names in every spelling find their entry; a user file extends it. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImageCatalog, ImageCatalogError } from '../../src/runtime/index.js';
import { parseImageName } from '../../src/runtime/process/index.js';

describe('image names', () => {
  const cases: [string, string, string | undefined][] = [
    ['nginx', 'nginx', undefined],
    ['nginx:1.25', 'nginx', '1.25'],
    ['docker.io/library/nginx', 'nginx', undefined],
    ['library/httpd:2.4', 'httpd', '2.4'],
    ['gcr.io/google-containers/fluentd-elasticsearch:1.20', 'google-containers/fluentd-elasticsearch', '1.20'],
    ['localhost:5000/team/app:v2', 'team/app', 'v2'],
    ['msfuko/nginx_8800', 'msfuko/nginx_8800', undefined],
    ['busybox@sha256:abcd', 'busybox', undefined],
    ['Ubuntu:22.04', 'ubuntu', '22.04'],
  ];
  for (const [image, repository, tag] of cases) {
    void test(image, () => assert.deepEqual(parseImageName(image), { repository, tag }));
  }
});

describe('image catalog', () => {
  const builtin = ImageCatalog.load();

  void test('built-in entries resolve from any spelling', () => {
    for (const image of ['nginx', 'nginx:1.25', 'docker.io/library/nginx:latest']) assert.equal(builtin.resolve(image)?.entry.generator, 'nginx', image);
    assert.equal(builtin.resolve('httpd')?.entry.generator, 'httpd');
    assert.deepEqual(builtin.resolve('busybox:1.36')?.entry.cmd, ['sh']);
    assert.deepEqual(builtin.resolve('ubuntu')?.entry.cmd, ['bash']);
    assert.deepEqual(builtin.resolve('debian:bookworm')?.entry.cmd, ['bash']);
    assert.deepEqual(builtin.resolve('msfuko/nginx_8800')?.entry.ports, [8800]);
  });

  void test('images with no host program have no entry', () => {
    assert.equal(builtin.resolve('gcr.io/google-containers/fluentd-elasticsearch:1.20'), undefined);
  });

  void test('a user file adds entries and overrides built-in ones; a tagged entry wins for its tag', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-catalog-'));
    const file = path.join(dir, 'images.yaml');
    await writeFile(file, 'images:\n  gcr.io/google-containers/fluentd-elasticsearch:\n    entrypoint: [tail, -F]\n    cmd: [/var/log/syslog]\n  ubuntu:\n    cmd: [sh]\n  redis:7:\n    cmd: [redis-server]\n');
    const cat = ImageCatalog.load(file);
    assert.deepEqual(cat.resolve('gcr.io/google-containers/fluentd-elasticsearch:1.20')?.entry, { entrypoint: ['tail', '-F'], cmd: ['/var/log/syslog'] });
    assert.deepEqual(cat.resolve('ubuntu')?.entry.cmd, ['sh']);
    assert.equal(cat.resolve('redis:7')?.key, 'redis:7');
    assert.equal(cat.resolve('redis:6'), undefined);
    assert.equal(cat.resolve('nginx')?.entry.generator, 'nginx', 'built-ins stay');
    await rm(dir, { recursive: true, force: true });
  });

  const bad: [string, string, RegExp][] = [
    ['not a mapping', 'images: [nginx]', /top-level "images:" mapping/],
    ['unknown field', 'images:\n  x:\n    program: y\n', /unknown field program/],
    ['unknown generator', 'images:\n  x:\n    generator: caddy\n', /generator: must be one of/],
    ['nothing to run', 'images:\n  x:\n    ports: [80]\n', /needs entrypoint, cmd or generator/],
    ['bad ports', 'images:\n  x:\n    cmd: [a]\n    ports: [http]\n', /ports: must be a list/],
    ['bad yaml', 'images: {', /inline image catalog/],
  ];
  for (const [name, text, message] of bad) {
    void test(`a bad catalog is refused: ${name}`, () => {
      assert.throws(() => ImageCatalog.from(text), (e: unknown) => e instanceof ImageCatalogError && message.test(e.message));
    });
  }

  void test('a missing user file is refused with its path', () => {
    assert.throws(() => ImageCatalog.load('/nonexistent/images.yaml'), /\/nonexistent\/images.yaml/);
  });
});
