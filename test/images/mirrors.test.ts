/** Registry mirrors: which endpoints a host's repositories are asked at (table-driven), the
 * `HOST=URL` flags, and pulls through a mirror in front of a real registry — with the host itself
 * asked only when allowed (no request may leave loopback here). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { endpointsFor, ImagePullError, ImageStore, imagesDir, parseMirrorFlags, type Endpoint, type RegistryOptions } from '../../src/images/index.js';
import { InvalidMirrorError } from '../../src/images/errors.js';
import { installImageTools, markerImage, pushImage, startFront, startRegistry, type Front, type Registry } from '../helpers/images.js';
import { freePort } from '../helpers/serverprocess.js';

describe('mirror resolution', () => {
  const cases: { name: string; domain: string; opts: RegistryOptions; want: Endpoint[] }[] = [
    { name: 'no mirrors: Docker Hub itself', domain: 'docker.io', opts: {}, want: [{ base: 'https://registry-1.docker.io', host: 'docker.io' }] },
    { name: 'no mirrors: a loopback registry over HTTP', domain: '127.0.0.1:5000', opts: {}, want: [{ base: 'http://127.0.0.1:5000', host: '127.0.0.1:5000' }] },
    { name: 'an insecure host over HTTP', domain: 'reg.lan:80', opts: { insecureHosts: ['reg.lan:80'] }, want: [{ base: 'http://reg.lan:80', host: 'reg.lan:80' }] },
    {
      name: 'a mirror, then the host',
      domain: 'docker.io',
      opts: { mirrors: { 'docker.io': ['http://127.0.0.1:5000'] } },
      want: [{ base: 'http://127.0.0.1:5000', host: '127.0.0.1:5000', mirrorOf: 'docker.io' }, { base: 'https://registry-1.docker.io', host: 'docker.io' }],
    },
    {
      name: 'mirrors in order, no fallback',
      domain: 'gcr.io',
      opts: { mirrors: { 'gcr.io': ['https://m1.lan/', 'http://127.0.0.1:5001/v2'] }, mirrorFallback: false },
      want: [{ base: 'https://m1.lan', host: 'm1.lan', mirrorOf: 'gcr.io' }, { base: 'http://127.0.0.1:5001', host: '127.0.0.1:5001', mirrorOf: 'gcr.io' }],
    },
    {
      name: 'a path prefix is kept',
      domain: 'quay.io',
      opts: { mirrors: { 'quay.io': ['https://cache.lan/proxy/quay'] } },
      want: [{ base: 'https://cache.lan/proxy/quay', host: 'cache.lan', mirrorOf: 'quay.io' }, { base: 'https://quay.io', host: 'quay.io' }],
    },
    {
      name: 'another host\'s mirrors do not apply (and no fallback only forbids hosts with mirrors)',
      domain: 'quay.io',
      opts: { mirrors: { 'docker.io': ['http://127.0.0.1:5000'] }, mirrorFallback: false },
      want: [{ base: 'https://quay.io', host: 'quay.io' }],
    },
    {
      name: 'index.docker.io mirrors count for docker.io',
      domain: 'docker.io',
      opts: { mirrors: { 'index.docker.io': ['http://127.0.0.1:5000'] }, mirrorFallback: false },
      want: [{ base: 'http://127.0.0.1:5000', host: '127.0.0.1:5000', mirrorOf: 'docker.io' }],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(endpointsFor(c.domain, c.opts), c.want));

  const flags: { name: string; flags: string[]; want?: Record<string, string[]>; error?: RegExp }[] = [
    { name: 'one mirror', flags: ['docker.io=http://127.0.0.1:5000'], want: { 'docker.io': ['http://127.0.0.1:5000'] } },
    { name: 'repeated for one host, in order', flags: ['gcr.io=https://a.lan', 'gcr.io=https://b.lan'], want: { 'gcr.io': ['https://a.lan', 'https://b.lan'] } },
    { name: 'no scheme: HTTPS, HTTP for loopback', flags: ['docker.io=mirror.lan', 'gcr.io=127.0.0.1:5000'], want: { 'docker.io': ['https://mirror.lan'], 'gcr.io': ['http://127.0.0.1:5000'] } },
    { name: 'index.docker.io is docker.io', flags: ['index.docker.io=http://127.0.0.1:1'], want: { 'docker.io': ['http://127.0.0.1:1'] } },
    { name: 'no host', flags: ['=http://x'], error: /not HOST=URL/ },
    { name: 'no url', flags: ['docker.io='], error: /not HOST=URL/ },
    { name: 'a URL as the host', flags: ['http://docker.io=http://x'], error: /is a registry host/ },
    { name: 'another scheme', flags: ['docker.io=ftp://x'], error: /http:\/\/ or https:\/\// },
    { name: 'credentials in the URL', flags: ['docker.io=http://u:p@x'], error: /plain base URL/ },
  ];
  for (const c of flags) {
    test(`flags: ${c.name}`, () => {
      if (c.error) assert.throws(() => parseMirrorFlags(c.flags), (e: unknown) => e instanceof InvalidMirrorError && c.error!.test(e.message));
      else assert.deepEqual(parseMirrorFlags(c.flags), c.want);
    });
  }
});

describe('pulls through a mirror', () => {
  let registry: Registry;
  let mirror: Front;
  let upstream: Front;
  const dirs: string[] = [];
  const requested: string[] = [];
  const store = async (registryOpts: RegistryOptions): Promise<ImageStore> => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'skiff-mirror-'));
    dirs.push(dataDir);
    return new ImageStore({ dir: imagesDir(dataDir), registry: { ...registryOpts, onRequest: (_m, url) => requested.push(url) } });
  };

  before(async () => {
    installImageTools();
    registry = await startRegistry();
    // Two counting fronts on one registry: one plays the mirror, one the upstream host.
    mirror = await startFront(registry);
    upstream = await startFront(registry);
    await pushImage(registry.url, 'library/app', 'latest', await markerImage('mirrored'));
  });
  after(async () => {
    await mirror?.stop();
    await upstream?.stop();
    await registry?.stop();
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });

  test('a host with a mirror is served by the mirror alone', async () => {
    requested.length = 0;
    const s = await store({ mirrors: { [upstream.host]: [`http://${mirror.host}`] }, mirrorFallback: false });
    const before = upstream.requests.length;
    const img = await s.ensure(`${upstream.host}/library/app`, 'Always');
    assert.equal(img.ref, `${upstream.host}/library/app:latest`);
    assert.equal(await fs.readFile(path.join(img.rootfs, 'which'), 'utf8'), 'mirrored');
    assert.equal(upstream.requests.length, before, 'the upstream host was never asked');
    assert.ok(requested.length >= 3 && requested.every((u) => u.startsWith(`http://${mirror.host}/v2/library/app/`)), requested.join('\n'));
  });

  test('what the mirror lacks fails without asking upstream when fallback is forbidden', async () => {
    requested.length = 0;
    const s = await store({ mirrors: { [upstream.host]: [`http://${mirror.host}`] }, mirrorFallback: false });
    await assert.rejects(s.ensure(`${upstream.host}/google-containers/fluentd-elasticsearch:1.20`, 'IfNotPresent'), (e: unknown) => {
      assert.ok(e instanceof ImagePullError);
      assert.equal(e.reason, 'ErrImagePull');
      assert.match(e.message, new RegExp(`not found in ${mirror.host.replace(/\./g, '\\.')} \\(mirror of ${upstream.host.replace(/\./g, '\\.')}\\)`));
      return true;
    });
    assert.deepEqual(requested, [`http://${mirror.host}/v2/google-containers/fluentd-elasticsearch/manifests/1.20`]);
  });

  test('a dead mirror passes the pull on to the host when fallback is allowed', async () => {
    requested.length = 0;
    const dead = `127.0.0.1:${await freePort()}`;
    const s = await store({ mirrors: { [upstream.host]: [`http://${dead}`] } });
    const before = upstream.requests.length;
    const img = await s.ensure(`${upstream.host}/library/app:latest`, 'Always');
    assert.equal(await fs.readFile(path.join(img.rootfs, 'which'), 'utf8'), 'mirrored');
    assert.ok(upstream.requests.length > before);
    assert.equal(requested[0], `http://${dead}/v2/library/app/manifests/latest`);
    // Once the host has served the repository, its blobs are asked there first.
    assert.ok(requested.slice(2).every((u) => u.startsWith(`http://${upstream.host}/`)), requested.join('\n'));
  });
});
