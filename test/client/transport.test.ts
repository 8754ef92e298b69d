/** Both transports against a real server: requests, errors as the API's, watches that stream
 * and stop. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap } from '../../src/api/kinds.js';
import { configMaps } from '../../src/api/resources.js';
import { ApiError } from '../../src/api/errors.js';
import { loadKubeconfig, RestClient, type WatchEvent } from '../../src/client/index.js';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.stop();
});

for (const http2 of [false, true]) {
  describe(http2 ? 'HTTP/2' : 'HTTP/1.1', () => {
    test('create, get, a 404 as the API error, delete with a body', async () => {
      const c = new RestClient(loadKubeconfig(s.kubeconfig), { http2 });
      try {
        const name = `cm-${http2 ? 'h2' : 'h1'}-${Math.random().toString(36).slice(2, 7)}`;
        await c.create<ConfigMap>(configMaps, { metadata: { name, namespace: 'default' }, data: { k: 'v' } });
        assert.equal((await c.get<ConfigMap>(configMaps, 'default', name)).data?.['k'], 'v');
        await assert.rejects(c.get(configMaps, 'default', `${name}-none`), (e: unknown) => e instanceof ApiError && e.code === 404 && e.reason === 'NotFound');
        await c.delete(configMaps, 'default', name, { gracePeriodSeconds: 0 });
        await assert.rejects(c.get(configMaps, 'default', name), (e: unknown) => e instanceof ApiError && e.code === 404);
      } finally {
        c.close();
      }
    });

    test('a watch streams events in order and stops', async () => {
      const c = new RestClient(loadKubeconfig(s.kubeconfig), { http2 });
      const seen: WatchEvent[] = [];
      let closed = false;
      const prefix = `w-${http2 ? 'h2' : 'h1'}-`;
      const n = 3 + Math.floor(Math.random() * 5);
      const w = c.watch(configMaps, 'default', { resourceVersion: '0' }, (e) => {
        if (e.object.metadata.name?.startsWith(prefix)) seen.push(e);
      }, () => (closed = true));
      try {
        for (let i = 0; i < n; i++) await c.create<ConfigMap>(configMaps, { metadata: { name: `${prefix}${i}`, namespace: 'default' } });
        const deadline = Date.now() + 5000;
        while (seen.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        assert.deepEqual(seen.map((e) => `${e.type} ${e.object.metadata.name}`), Array.from({ length: n }, (_, i) => `ADDED ${prefix}${i}`));
        w.stop();
        assert.equal(closed, true);
      } finally {
        c.close();
      }
    });

    test('a watch refused by the server closes with its error', async () => {
      const c = new RestClient({ ...loadKubeconfig(s.kubeconfig), cert: '', key: '', token: 'wrong' }, { http2 });
      try {
        const err = await new Promise<Error | undefined>((resolve) => c.watch(configMaps, 'default', {}, () => undefined, resolve));
        assert.ok(err instanceof ApiError && err.code === 401, String(err));
      } finally {
        c.close();
      }
    });
  });
}
