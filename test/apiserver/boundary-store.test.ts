/** Readiness follows the datastore: with etcd killed `/readyz` fails its etcd check, requests that
 * need the store get 503 Status, the outage is one log line each way, and all of it comes back
 * with etcd. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { objectBuilder } from '../helpers/builders.js';
import { captureLog, type CapturedLog } from '../helpers/logcapture.js';

const suffix = (): string => randomBytes(3).toString('hex');

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms; last: ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('readiness and the datastore', () => {
  let etcd: EtcdServer;
  let s: TestServer;
  let logs: CapturedLog;
  before(async () => {
    etcd = await startEtcd();
    logs = captureLog();
    s = await startTestServer({ datastore: etcd.url, logger: logs.log });
  });
  after(async () => {
    await s.stop();
    await etcd.stop();
  });

  test('/readyz fails its etcd check while etcd is down; requests get 503; one log line per change', async () => {
    const ready = await s.request('GET', '/readyz', { token: '' });
    assert.deepEqual([ready.status, ready.text], [200, 'ok']);
    const verbose = await s.request('GET', '/readyz?verbose', { token: '' });
    assert.equal(verbose.text, '[+]ping ok\n[+]etcd ok\n[+]shutdown ok\nreadyz check passed\n');

    await etcd.kill();
    const down = await until(() => s.request('GET', '/readyz', { token: '' }), (r) => r.status !== 200);
    assert.equal(down.status, 500);
    assert.equal(down.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(down.text, '[+]ping ok\n[-]etcd failed: reason withheld\n[+]shutdown ok\nreadyz check failed\n');
    const one = await s.request('GET', '/readyz/etcd');
    assert.deepEqual([one.status, one.text], [500, 'internal server error: the datastore does not answer\n']);
    // As kube-apiserver 1.32: etcd is a health check of /livez and /healthz too (a liveness
    // probe that should not restart the server for a store outage excludes it).
    for (const endpoint of ['livez', 'healthz']) {
      const r = await s.request('GET', `/${endpoint}`, { token: '' });
      assert.deepEqual([r.status, r.text], [500, `[+]ping ok\n[-]etcd failed: reason withheld\n${endpoint} check failed\n`], endpoint);
      const without = await s.request('GET', `/${endpoint}?exclude=etcd`, { token: '' });
      assert.deepEqual([without.status, without.text], [200, 'ok'], `${endpoint}?exclude=etcd`);
      const verbose = await s.request('GET', `/${endpoint}?exclude=etcd&verbose`, { token: '' });
      assert.equal(verbose.text, `[+]ping ok\n[+]etcd excluded: ok\n${endpoint} check passed\n`);
    }

    for (let i = 0; i < 5; i++) {
      const r = await s.request('POST', '/api/v1/namespaces/default/configmaps', { body: objectBuilder('v1', 'ConfigMap', `down-${suffix()}`).build() });
      assert.equal(r.status, 503, r.text);
      assert.equal(r.json.kind, 'Status');
      assert.equal(r.json.reason, 'ServiceUnavailable');
    }
    assert.equal(logs.matching('datastore unavailable').length, 1);
    assert.deepEqual(logs.errors(), [], 'no stack trace per failed request');

    await etcd.restart();
    const up = await until(() => s.request('GET', '/readyz', { token: '' }), (r) => r.status === 200);
    assert.equal(up.text, 'ok');
    for (const endpoint of ['livez', 'healthz']) {
      const r = await s.request('GET', `/${endpoint}?verbose`, { token: '' });
      assert.deepEqual([r.status, r.text], [200, `[+]ping ok\n[+]etcd ok\n${endpoint} check passed\n`], endpoint);
    }
    const name = `back-${suffix()}`;
    const created = await until(() => s.request('POST', '/api/v1/namespaces/default/configmaps', { body: objectBuilder('v1', 'ConfigMap', name).build() }), (r) => r.status !== 503);
    assert.equal(created.status, 201, created.text);
    assert.equal(logs.matching('datastore available again').length, 1);
    assert.equal(logs.matching('datastore unavailable').length, 1);
    assert.deepEqual(logs.errors(), []);
  });
});
