/**
 * Pulls with a pod's credentials against a real registry that requires them (Debian's
 * docker-registry with htpasswd on loopback, serving the storage of an open one the test pushes
 * to): credentials tried in turn, an image pulled with one credential not handed to a pod without
 * it (asked again, per credential, across a restart of the store too), and credentials never
 * sent to a mirror or to another origin a redirect points at.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ImagePullError, ImageStore, imagesDir, type Credentials, type RegistryOptions } from '../../src/images/index.js';
import { installImageTools, markerImage, pushImage, startFront, startRegistry, type Registry } from '../helpers/images.js';
import { freePort } from '../helpers/serverprocess.js';

const suffix = (): string => Math.random().toString(36).slice(2, 8);

/** A small HTTP server on loopback that records each request's path and Authorization header. */
interface Recorder {
  readonly url: string;
  readonly seen: { path: string; authorization: string | undefined }[];
  stop(): Promise<void>;
}

async function recorder(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Recorder> {
  const port = await freePort();
  const seen: Recorder['seen'] = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Forwards a request to `target` as it came (headers and all) and streams the answer back. */
function forward(target: string, req: http.IncomingMessage, res: http.ServerResponse, url = req.url ?? '/'): void {
  const up = http.request(`${target}${url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (r) => {
    res.writeHead(r.statusCode ?? 502, r.headers);
    r.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
}

describe('image store: pulls with a pod’s credentials', () => {
  let open: Registry;
  let guarded: Registry;
  const user = `ci-${suffix()}`;
  const password = `pw-${suffix()}`;
  const other = `dev-${suffix()}`;
  const otherPassword = `pw-${suffix()}`;
  const good: Credentials = { username: user, password };
  const wrong: Credentials = { username: user, password: `not-${password}` };
  const second: Credentials = { username: other, password: otherPassword };
  const dirs: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  const repo = `private/app-${suffix()}`;
  let tag = 0;

  /** A store with its own folder (or `dir`'s: the same node after a restart); `requests` counts what reached registries. */
  const store = async (registry: RegistryOptions = {}, dir?: string): Promise<{ s: ImageStore; requests: string[]; dir: string }> => {
    const d = dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'skiff-pullcreds-')));
    if (!dir) dirs.push(d);
    const requests: string[] = [];
    const s = new ImageStore({ dir: imagesDir(d), platform: { os: 'linux', architecture: 'amd64' }, registry: { ...registry, onRequest: (_m, url) => requests.push(url) } });
    return { s, requests, dir: d };
  };
  /** A fresh tag of a one-file image whose file says which it is. */
  const pushed = async (): Promise<{ name: string; text: string }> => {
    const text = `secret ${suffix()}`;
    const t = `v${++tag}`;
    await pushImage(open.url, repo, t, await markerImage(text));
    return { name: `${guarded.host}/${repo}:${t}`, text };
  };
  const which = async (rootfs: string): Promise<string> => fs.readFile(path.join(rootfs, 'which'), 'utf8');
  const refused = (reason: string, message: RegExp) => (err: unknown): boolean => {
    assert.ok(err instanceof ImagePullError, String(err));
    assert.equal(err.reason, reason);
    assert.match(err.message, message);
    return true;
  };

  before(async () => {
    installImageTools();
    open = await startRegistry();
    guarded = await startRegistry({ storage: open.storage, users: { [user]: password, [other]: otherPassword } });
  });
  after(async () => {
    for (const s of stops) await s();
    await guarded?.stop();
    await open?.stop();
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });

  test('the registry refuses a pull without credentials (ErrImagePull, in the registry’s words)', async () => {
    const img = await pushed();
    const { s } = await store();
    await assert.rejects(s.ensure(img.name, 'IfNotPresent'), refused('ErrImagePull', new RegExp(`^Failed to pull image "${img.name}": the registry wants a user name and password`)));
  });

  test('with the pod’s credentials it pulls', async () => {
    const img = await pushed();
    const { s } = await store();
    assert.equal(await which((await s.ensure(img.name, 'IfNotPresent', [good])).rootfs), img.text);
  });

  const orders: { name: string; creds: () => Credentials[]; ok: boolean; message?: RegExp }[] = [
    { name: 'a wrong credential first, then the right one', creds: () => [wrong, good], ok: true },
    { name: 'another user’s credential first (both valid)', creds: () => [second, good], ok: true },
    { name: 'only wrong ones: every failure reported, in order', creds: () => [wrong, { username: `x-${suffix()}`, password: 'y' }], ok: false, message: /: \[.*access denied.*HTTP 401.*, .*access denied.*HTTP 401.*\]$/ },
  ];
  for (const c of orders) {
    test(`credentials tried in turn: ${c.name}`, async () => {
      const img = await pushed();
      const { s } = await store();
      if (c.ok) assert.equal(await which((await s.ensure(img.name, 'Always', c.creds())).rootfs), img.text);
      else await assert.rejects(s.ensure(img.name, 'Always', c.creds()), refused('ErrImagePull', c.message!));
    });
  }

  test('an image pulled with a credential: the same credential uses it as it is; others are asked for again', async () => {
    const img = await pushed();
    const { s, requests } = await store();
    await s.ensure(img.name, 'IfNotPresent', [good]);
    const after1 = requests.length;
    assert.equal(await which((await s.ensure(img.name, 'IfNotPresent', [good])).rootfs), img.text);
    assert.equal(requests.length, after1, 'the same credential: nothing asked of the registry');

    await assert.rejects(s.ensure(img.name, 'IfNotPresent'), refused('ErrImagePull', /wants a user name and password/));
    assert.ok(requests.length > after1, 'a pod without credentials made the store ask the registry');
    await assert.rejects(s.ensure(img.name, 'IfNotPresent', [wrong]), refused('ErrImagePull', /access denied/));
    await assert.rejects(s.ensure(img.name, 'Never'), refused('ErrImageNeverPull', /is present with pull policy of Never but does not have the proper auth to access it/));

    // Another valid credential proves access once (the manifest: layers are here), then uses it freely.
    const before2 = requests.length;
    assert.equal(await which((await s.ensure(img.name, 'IfNotPresent', [second])).rootfs), img.text);
    const verified = requests.slice(before2);
    assert.ok(verified.some((u) => u.includes('/manifests/')), verified.join('\n'));
    assert.ok(!verified.some((u) => u.includes('/blobs/')), `no layer downloaded again: ${verified.join('\n')}`);
    const after2 = requests.length;
    await s.ensure(img.name, 'Never', [second]);
    await s.ensure(img.name, 'IfNotPresent', [good]);
    assert.equal(requests.length, after2);
  });

  test('grants survive a restart of the store; the index keeps no password', async () => {
    const img = await pushed();
    const first = await store();
    await first.s.ensure(img.name, 'IfNotPresent', [good]);
    const again = await store({}, first.dir);
    await again.s.ensure(img.name, 'IfNotPresent', [good]);
    assert.deepEqual(again.requests, []);
    await assert.rejects(again.s.ensure(img.name, 'IfNotPresent'), refused('ErrImagePull', /wants a user name and password/));
    const index = await fs.readFile(path.join(imagesDir(first.dir), 'refs.json'), 'utf8');
    assert.ok(!index.includes(password) && !index.includes(user), 'neither user name nor password in refs.json');
  });

  test('an image anyone could pull is anyone’s', async () => {
    const img = await pushed();
    const openName = img.name.replace(guarded.host, open.host);
    const { s, requests } = await store();
    await s.ensure(openName, 'IfNotPresent');
    const n = requests.length;
    await s.ensure(openName, 'IfNotPresent', [second]);
    await s.ensure(openName, 'Never');
    assert.equal(requests.length, n);
  });

  test('concurrent pulls of one image with and without credentials are not shared', async () => {
    const img = await pushed();
    const { s } = await store();
    const [withCreds, without] = await Promise.allSettled([s.ensure(img.name, 'IfNotPresent', [good]), s.ensure(img.name, 'IfNotPresent')]);
    assert.equal(withCreds.status, 'fulfilled');
    assert.equal(without.status, 'rejected');
  });

  test('a token (and the Authorization that worked) is kept for the credentials it was issued to', async () => {
    const img = await pushed();
    // A token service that wants these credentials, in front of the registry.
    const front = await startFront(open, { token: { username: user, password } });
    stops.push(front.stop);
    const name = img.name.replace(guarded.host, front.host);
    const { s } = await store();
    assert.equal(await which((await s.ensure(name, 'Always', [good])).rootfs), img.text);
    const issued = front.tokenRequests.length;
    assert.equal(await which((await s.ensure(name, 'Always', [good])).rootfs), img.text);
    assert.equal(front.tokenRequests.length, issued, 'the same credentials reuse their token');
    await assert.rejects(s.ensure(name, 'Always'), refused('ErrImagePull', /token service .* refused \(HTTP 401\)/));
    await assert.rejects(s.ensure(name, 'Always', [wrong]), refused('ErrImagePull', /token service .* refused \(HTTP 401\)/));
    assert.equal(front.tokenRequests.length, issued + 2, 'other credentials (or none) asked the token service themselves');
  });

  test('a pod’s credentials never go to a mirror', async () => {
    const img = await pushed();
    // A mirror that asks for credentials (and has nothing even then): the pull falls through to
    // the registry itself.
    const mirror = await recorder((req, res) => {
      if (!req.headers.authorization) res.writeHead(401, { 'www-authenticate': 'Basic realm="mirror"' }).end();
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    });
    stops.push(mirror.stop);
    const { s } = await store({ mirrors: { [guarded.host]: [mirror.url] } });
    assert.equal(await which((await s.ensure(img.name, 'IfNotPresent', [good])).rootfs), img.text);
    assert.ok(mirror.seen.length > 0, 'the mirror was asked');
    assert.deepEqual(mirror.seen.filter((r) => r.authorization !== undefined), []);
  });

  test('a redirect to another origin does not carry the credentials; one to the same origin does', async () => {
    const img = await pushed();
    // Blob downloads are sent elsewhere (as registries send them to a storage service).
    const storageService = await recorder((req, res) => forward(open.url, req, res));
    stops.push(storageService.stop);
    let front: Recorder | undefined = undefined;
    front = await recorder((req, res) => {
      const url = req.url ?? '/';
      if (url.startsWith('/v2/') && url.includes('/blobs/') && !url.includes('hop=1')) {
        // The config blob first hops within the front (same origin), then everything leaves it.
        const config = !front!.seen.some((r) => r.path.includes('hop=1'));
        res.writeHead(307, { location: config ? `${url}?hop=1` : `${storageService.url}${url}` }).end();
        return;
      }
      forward(guarded.url, req, res, url.replace(/\?hop=1$/, ''));
    });
    stops.push(front.stop);
    const name = img.name.replace(guarded.host, new URL(front.url).host);
    const { s } = await store();
    assert.equal(await which((await s.ensure(name, 'IfNotPresent', [good])).rootfs), img.text);
    const hop = front.seen.find((r) => r.path.includes('hop=1'));
    assert.ok(hop, 'a same-origin redirect was followed');
    assert.match(hop.authorization ?? '', /^Basic /, 'same origin: the credentials went along');
    assert.ok(storageService.seen.length > 0, 'blobs came from the other origin');
    assert.deepEqual(storageService.seen.filter((r) => r.authorization !== undefined), [], 'no credentials to another origin');
  });
});
