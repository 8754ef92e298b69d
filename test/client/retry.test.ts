/** The client against a server with tiny in-flight limits: refusals that say when to come back
 * (429 with Retry-After) are retried as client-go retries them, so a burst of reads and writes all
 * succeed, an informer keeps its copy, and a watch refused by the per-client cap opens once a seat
 * frees. Answers without Retry-After are not retried. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ConfigMap } from '../../src/api/kinds.js';
import { configMaps } from '../../src/api/resources.js';
import { Informer, loadKubeconfig, RestClient } from '../../src/client/index.js';
import { retryAfterSeconds } from '../../src/client/retry.js';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { connectTls } from '../helpers/rawtls.js';

const suffix = (): string => randomBytes(3).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(ok: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

/** Starts a POST whose body never finishes: it holds a mutating seat until the socket is destroyed. */
async function slowBody(s: TestServer, path: string) {
  const socket = await connectTls(s.server);
  socket.on('error', () => undefined);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: skiff\r\nAuthorization: Bearer ${s.server.adminToken}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"apiVersion":`,
  );
  return socket;
}

/** How many answers of `code` the server has given (its request counter). */
async function answered(s: TestServer, code: string): Promise<number> {
  for (;;) {
    const r = await s.request('GET', '/metrics');
    if (r.status === 429) {
      await sleep(100);
      continue;
    }
    let n = 0;
    for (const line of r.text.split('\n')) if (line.startsWith('apiserver_request_total{') && line.includes(`code="${code}"`)) n += Number(line.split(' ').pop());
    return n;
  }
}

test('which answers are retried, in client-go\'s terms', () => {
  const cases: { name: string; status: number; header?: string; want: number | undefined }[] = [
    { name: '429 with Retry-After', status: 429, header: '1', want: 1 },
    { name: '429 with Retry-After: 0', status: 429, header: '0', want: 0 },
    { name: '504 with Retry-After (ResourceVersionTooLarge)', status: 504, header: '1', want: 1 },
    { name: '503 with Retry-After', status: 503, header: '3', want: 3 },
    { name: '429 without Retry-After', status: 429, want: undefined },
    { name: '500 without Retry-After', status: 500, want: undefined },
    { name: '409 with Retry-After', status: 409, header: '1', want: undefined },
    { name: 'a date is not seconds', status: 429, header: 'Wed, 21 Oct 2015 07:28:00 GMT', want: undefined },
    { name: 'negative', status: 429, header: '-1', want: undefined },
  ];
  for (const c of cases) assert.equal(retryAfterSeconds(c.status, c.header), c.want, c.name);
});

for (const http2 of [false, true]) {
  describe(`under tiny in-flight limits (${http2 ? 'HTTP/2' : 'HTTP/1.1'})`, () => {
    let s: TestServer;
    let c: RestClient;
    before(async () => {
      // The client is not in system:masters (kube-apiserver serves that group even with its pools
      // full): the join token, allowed everything.
      s = await startTestServer({ maxRequestsInflight: 1, maxMutatingRequestsInflight: 1, maxWatchesPerClient: 2, authorizationMode: 'AlwaysAllow' });
      c = new RestClient({ ...loadKubeconfig(s.kubeconfig), cert: '', key: '', token: s.server.joinToken }, { http2, maxSockets: 64 });
    });
    after(async () => {
      c.close();
      await s.stop();
    });

    test('a burst of creates and reads all succeed; an informer sees every object', async () => {
      const ns = 'default';
      const prefix = `burst-${suffix()}-`;
      const informer = new Informer<ConfigMap>(c, configMaps, { namespace: ns });
      await informer.start();
      try {
        const refusedBefore = await answered(s, '429');
        // Both pools full when the burst starts: a body that is still arriving holds the mutating
        // seat, a list waiting for a future resourceVersion the read-only one.
        const held = await slowBody(s, `/api/v1/namespaces/${ns}/configmaps`);
        const waiting = s.request('GET', `/api/v1/namespaces/${ns}/configmaps?resourceVersion=999999999&resourceVersionMatch=NotOlderThan`);
        await sleep(100);
        setTimeout(() => held.destroy(), 1500);
        const n = 12 + Math.floor(Math.random() * 6);
        const names = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
        const results = await Promise.allSettled([
          ...names.map((name) => c.create<ConfigMap>(configMaps, { metadata: { name, namespace: ns }, data: { n: name } })),
          ...names.map(() => c.list(configMaps, ns)),
        ]);
        const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
        assert.deepEqual(failed, []);
        assert.equal((await waiting).status, 504);
        assert.ok((await answered(s, '429')) > refusedBefore, 'the limits did refuse some of the burst (so retries happened)');
        for (const name of names) assert.equal((await c.get<ConfigMap>(configMaps, ns, name)).data?.['n'], name);
        await until(() => names.every((name) => informer.get(`${ns}/${name}`) !== undefined), 10000, 'the informer sees every object');
      } finally {
        informer.stop();
      }
    });

    test('a watch over the per-client cap opens once another closes, and streams', async () => {
      const prefix = `w-${suffix()}-`;
      const holders = [c.watch(configMaps, 'default', {}, () => undefined, () => undefined), c.watch(configMaps, 'default', {}, () => undefined, () => undefined)];
      await sleep(300);
      const seen: string[] = [];
      let closedWith: Error | undefined | 'open' = 'open';
      const w = c.watch(configMaps, 'default', {}, (e) => {
        if (e.object.metadata.name?.startsWith(prefix)) seen.push(`${e.type} ${e.object.metadata.name}`);
      }, (err) => (closedWith = err));
      try {
        await sleep(1200);
        assert.equal(closedWith, 'open', 'a refused watch does not end: it waits to retry');
        holders[0]!.stop();
        // Keep creating until the retried watch, once open, streams one of them.
        const deadline = Date.now() + 15000;
        let i = 0;
        while (seen.length === 0) {
          if (Date.now() > deadline) assert.fail('the retried watch never streamed');
          await c.create<ConfigMap>(configMaps, { metadata: { name: `${prefix}${i++}`, namespace: 'default' } });
          await sleep(250);
        }
        assert.match(seen[0]!, new RegExp(`^ADDED ${prefix}\\d+$`));
        assert.equal(closedWith, 'open');
      } finally {
        w.stop();
        holders[1]!.stop();
      }
    });
  });
}
