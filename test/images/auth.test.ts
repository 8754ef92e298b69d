/** Registry auth against a real registry behind a small front that speaks the distribution auth
 * challenge: Bearer tokens from its token service (anonymous or with credentials) and Basic. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuthError, ImagePullError, ImageStore, imagesDir, type Credentials } from '../../src/images/index.js';
import { installImageTools, markerImage, pushImage, startFront, startRegistry, type Front, type Registry } from '../helpers/images.js';

describe('image store: registry auth', () => {
  let registry: Registry;
  const fronts: Front[] = [];
  const dirs: string[] = [];
  const store = async (creds?: Credentials): Promise<ImageStore> => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skiff-images-auth-'));
    dirs.push(dir);
    return new ImageStore({ dir: imagesDir(dir), ...(creds ? { registry: { credentials: (host) => (host.startsWith('127.0.0.1:') ? creds : undefined) } } : {}) });
  };
  const front = async (opts: Parameters<typeof startFront>[1]): Promise<Front> => {
    const f = await startFront(registry, opts);
    fronts.push(f);
    return f;
  };

  before(async () => {
    installImageTools();
    registry = await startRegistry();
    await pushImage(registry.url, 'private/app', '1', await markerImage('secret'));
  });
  after(async () => {
    for (const f of fronts) await f.stop();
    await registry?.stop();
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });

  test('an anonymous token is fetched once for the repository and reused', async () => {
    const f = await front({ token: {} });
    const s = await store();
    const img = await s.ensure(`${f.host}/private/app:1`, 'IfNotPresent');
    assert.equal(await fs.readFile(path.join(img.rootfs, 'which'), 'utf8'), 'secret');
    assert.equal(f.tokenRequests.length, 1, f.tokenRequests.join('\n'));
    const q = new URL(f.tokenRequests[0]!, 'http://x').searchParams;
    assert.equal(q.get('service'), 'skiff-test');
    assert.equal(q.get('scope'), 'repository:private/app:pull');
    assert.equal(f.requests.length, 3, 'manifest, config, layer');
  });

  test('a token service that wants credentials gets them (Basic) and issues the token', async () => {
    const f = await front({ token: { username: 'ci', password: 's3cret' } });
    const img = await (await store({ username: 'ci', password: 's3cret' })).ensure(`${f.host}/private/app:1`, 'Always');
    assert.equal(await fs.readFile(path.join(img.rootfs, 'which'), 'utf8'), 'secret');
  });

  const refusals: { name: string; opts: Parameters<typeof startFront>[1]; creds?: Credentials; message: RegExp }[] = [
    { name: 'a token service refusing wrong credentials', opts: { token: { username: 'ci', password: 's3cret' } }, creds: { username: 'ci', password: 'nope' }, message: /token service .* refused \(HTTP 401\)/ },
    { name: 'Basic auth without credentials', opts: { basic: { username: 'u', password: 'p' } }, message: /wants a user name and password/ },
    { name: 'Basic auth with wrong credentials', opts: { basic: { username: 'u', password: 'p' } }, creds: { username: 'u', password: 'x' }, message: /access denied by .* \(HTTP 401\)/ },
  ];
  for (const c of refusals) {
    test(`${c.name} is an AuthError (ErrImagePull from ensure)`, async () => {
      const f = await front(c.opts);
      const s = await store(c.creds);
      await assert.rejects(s.pull(`${f.host}/private/app:1`), (err: unknown) => {
        assert.ok(err instanceof AuthError, String(err));
        assert.match(err.message, c.message);
        return true;
      });
      await assert.rejects(s.ensure(`${f.host}/private/app:1`, 'IfNotPresent'), (err: unknown) => err instanceof ImagePullError && err.reason === 'ErrImagePull');
      assert.equal(f.requests.length, 0, 'nothing reached the registry');
    });
  }

  test('Basic auth with the right credentials pulls', async () => {
    const f = await front({ basic: { username: 'u', password: 'p' } });
    const img = await (await store({ username: 'u', password: 'p' })).ensure(`${f.host}/private/app:1`, 'IfNotPresent');
    assert.equal(await fs.readFile(path.join(img.rootfs, 'which'), 'utf8'), 'secret');
  });
});
