/** Serving limits with Kubernetes' answers: requests in flight (read-only and mutating pools, 429
 * with Retry-After), watches per client, idle connections closed while quiet watches stay, and
 * clients that vanish mid-body, mid-watch or mid-log. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { openStream, startTestServer, type Response, type TestServer } from '../helpers/apiserver.js';
import { objectBuilder } from '../helpers/builders.js';
import { closedWithin, connectTls, parseRawResponse } from '../helpers/rawtls.js';
import { captureLog, type CapturedLog } from '../helpers/logcapture.js';

const suffix = (): string => randomBytes(3).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Repeats `fn` until `ok` holds for its result (fails after `ms`). */
async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms; last: ${JSON.stringify(v).slice(0, 300)}`);
    await sleep(50);
  }
}

/** Starts a POST whose body never finishes: it holds a mutating seat until the socket is destroyed. */
async function slowBody(s: TestServer, path: string, token = s.server.adminToken) {
  const socket = await connectTls(s.server);
  socket.on('error', () => undefined);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: skiff\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"apiVersion":`,
  );
  return socket;
}

function assertTooMany(r: Response, message = 'Too many requests, please try again later.'): void {
  assert.equal(r.status, 429, r.text);
  assert.equal(r.headers['retry-after'], '1');
  assert.equal(r.json.kind, 'Status');
  assert.equal(r.json.reason, 'TooManyRequests');
  assert.equal(r.json.message, message);
  assert.deepEqual(r.json.details, { retryAfterSeconds: 1 });
}

describe('requests in flight', () => {
  let s: TestServer;
  let logs: CapturedLog;
  let token: string;
  const as = (): { token: string } => ({ token });
  const bearer = (): Record<string, string> => ({ Authorization: `Bearer ${token}` });
  before(async () => {
    logs = captureLog();
    // A client outside system:masters (the join token, allowed everything): kube-apiserver serves
    // system:masters even when a pool is full, so the admin token would never see 429.
    s = await startTestServer({ logger: logs.log, maxRequestsInflight: 1, maxMutatingRequestsInflight: 1, maxWatchesPerClient: 2, authorizationMode: 'AlwaysAllow' });
    token = s.server.joinToken;
  });
  after(async () => {
    await s.stop();
  });

  test('a full mutating pool answers 429 with Retry-After: 1; reads and watches go on; an aborted slow body is no error', async () => {
    const held = await slowBody(s, '/api/v1/namespaces/default/configmaps', token);
    // An empty object is refused (4xx) when admitted: only the seat decides between that and 429.
    const refused = await until(() => s.request('POST', '/api/v1/namespaces/default/configmaps', { body: {}, ...as() }), (r) => r.status === 429);
    assertTooMany(refused);
    assert.equal((await s.request('GET', '/api/v1/namespaces/default/configmaps', as())).status, 200);
    const watch = openStream(s.server, '/api/v1/namespaces/default/configmaps?watch=1', bearer());
    await until(async () => watch.status, (st) => st !== 0);
    assert.equal(watch.status, 200);
    watch.close();
    held.destroy();
    const name = `after-${suffix()}`;
    const created = await until(() => s.request('POST', '/api/v1/namespaces/default/configmaps', { body: objectBuilder('v1', 'ConfigMap', name).build(), ...as() }), (r) => r.status !== 429);
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(logs.errors(), []);
    assert.ok(logs.matching('client went away').length >= 1, 'the aborted body is a debug line');
  });

  test('a full read-only pool answers 429 while mutations go on', async () => {
    // A list at a future resourceVersion waits (up to 3 s) for the cache: it holds the read seat.
    const waiting = s.request('GET', '/api/v1/namespaces/default/configmaps?resourceVersion=999999999&resourceVersionMatch=NotOlderThan', as());
    const refused = await until(() => s.request('GET', '/api/v1/namespaces', as()), (r) => r.status === 429);
    assertTooMany(refused);
    const created = await s.request('POST', '/api/v1/namespaces/default/configmaps', { body: objectBuilder('v1', 'ConfigMap', `rw-${suffix()}`).build(), ...as() });
    assert.equal(created.status, 201, created.text);
    // system:masters always gets an answer (kube-apiserver's max-in-flight filter).
    const admin = await s.request('GET', '/api/v1/namespaces');
    assert.equal(admin.status, 200, admin.text);
    await waiting;
    assert.equal((await until(() => s.request('GET', '/api/v1/namespaces', as()), (r) => r.status !== 429)).status, 200);
  });

  test('one client gets at most maxWatchesPerClient watches', async () => {
    const open = [openStream(s.server, '/api/v1/namespaces/default/pods?watch=1', bearer()), openStream(s.server, '/api/v1/namespaces/default/configmaps?watch=1', bearer())];
    for (const w of open) await until(async () => w.status, (st) => st !== 0);
    assert.deepEqual(open.map((w) => w.status), [200, 200]);
    const third = openStream(s.server, '/api/v1/namespaces/default/secrets?watch=1', bearer());
    await until(async () => third.ended, (e) => e);
    assert.equal(third.status, 429);
    open[0]!.close();
    const again = await until(async () => {
      const w = openStream(s.server, '/api/v1/namespaces/default/secrets?watch=1', bearer());
      await until(async () => w.status, (st) => st !== 0);
      if (w.status !== 200) w.close();
      return w;
    }, (w) => w.status === 200);
    again.close();
    open[1]!.close();
  });
});

describe('idle connections and vanishing clients', () => {
  let s: TestServer;
  let logs: CapturedLog;
  const idleMs = 1500;
  before(async () => {
    logs = captureLog();
    s = await startTestServer({ logger: logs.log, idleConnectionTimeoutMs: idleMs, requestTimeoutMs: 1000 });
  });
  after(async () => {
    await s.stop();
  });

  test('connections that send nothing are closed within the idle timeout; a quiet watch is not', async () => {
    const watch = openStream(s.server, '/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0');
    await until(async () => watch.status, (st) => st !== 0);
    const u = new URL(s.url);
    // Each connection's close is awaited from the moment it exists: under load, opening 210 of
    // them can take longer than the idle timeout.
    const closes: Promise<number>[] = [];
    const watchClose = (c: net.Socket, opened: number): void => {
      // Read what the server sends (an HTTP/2 SETTINGS frame): a paused socket never sees the close.
      c.on('error', () => undefined).resume();
      closes.push(closedWithin(c, idleMs + 4000).then(() => Date.now() - opened));
    };
    for (let i = 0; i < 70; i++) {
      for (const alpn of [['http/1.1'], ['h2']]) {
        const opened = Date.now();
        watchClose(await connectTls(s.server, alpn), opened);
      }
      const raw = net.connect(Number(u.port), u.hostname);
      watchClose(raw, Date.now());
    }
    const lifetimes = await Promise.all(closes);
    assert.equal(lifetimes.length, 210);
    assert.ok(Math.min(...lifetimes) >= idleMs - 100, `not closed before the timeout (shortest ${Math.min(...lifetimes)} ms)`);
    // The watch saw no event for longer than the idle timeout and is still open and live.
    assert.equal(watch.ended, false);
    const name = `late-${suffix()}`;
    await s.request('POST', '/api/v1/namespaces/default/configmaps', { body: objectBuilder('v1', 'ConfigMap', name).build() });
    await watch.waitFor(1);
    assert.equal(watch.events.at(-1)!.type, 'ADDED');
    assert.equal((watch.events.at(-1)!.object as { metadata: { name: string } }).metadata.name, name);
    watch.close();
  });

  test('a keep-alive connection is closed once idle after its last answer, on HTTP/1.1 and HTTP/2', async () => {
    const h1 = await connectTls(s.server, ['http/1.1']);
    let answered = '';
    h1.on('data', (c: Buffer) => (answered += c.toString()));
    h1.write('GET /version HTTP/1.1\r\nHost: skiff\r\n\r\n');
    const session = http2.connect(s.url, { ca: s.server.caCert });
    session.on('error', () => undefined);
    const status = await new Promise<number>((resolve, reject) => {
      const req = session.request({ ':path': '/version' });
      req.on('response', (h) => resolve(Number(h[':status'])));
      req.on('error', reject);
      req.resume();
      req.end();
    });
    assert.equal(status, 200);
    await Promise.all([closedWithin(h1, idleMs + 4000), closedWithin(session, idleMs + 4000)]);
    assert.match(answered, /^HTTP\/1\.1 200 /);
  });

  test('a body that never finishes gets 504 Timeout at the request deadline, and its connection closes', async () => {
    const held = await slowBody(s, '/api/v1/namespaces/default/configmaps');
    let text = '';
    held.on('data', (c: Buffer) => (text += c.toString()));
    await closedWithin(held, 5000);
    const r = parseRawResponse(text);
    assert.equal(r.status, 504, text);
    assert.deepEqual(JSON.parse(r.body), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Timeout: request did not complete within requested timeout - context deadline exceeded',
      reason: 'Timeout',
      details: {},
      code: 504,
    });
    assert.deepEqual(logs.errors(), []);
  });

  test('clients that vanish mid-watch and mid-log leave a healthy server and no error lines', async () => {
    const pod = `logs-${suffix()}`;
    assert.equal((await s.request('POST', '/api/v1/namespaces/default/pods', {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } },
    })).status, 201);
    let streams = 0;
    let ended = 0;
    s.server.setPodLogStreamer(async (_pod, _q, _req, res: ServerResponse) => {
      streams++;
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      const timer = setInterval(() => res.write(`line ${Date.now()}\n`), 20);
      await new Promise<void>((resolve) => res.on('close', () => resolve()));
      clearInterval(timer);
      ended++;
    });
    for (const proto of ['h2', 'http/1.1'] as const) {
      for (const path of [`/api/v1/namespaces/default/pods/${pod}/log?follow=true`, '/api/v1/namespaces/default/pods?watch=1']) {
        if (proto === 'h2') {
          const session = http2.connect(s.url, { ca: s.server.caCert });
          session.on('error', () => undefined);
          const req = session.request({ ':path': path, authorization: `Bearer ${s.server.adminToken}` });
          req.on('error', () => undefined);
          await new Promise<void>((resolve) => req.once('data', () => resolve()));
          session.destroy();
        } else {
          const sock = await connectTls(s.server);
          sock.on('error', () => undefined);
          sock.write(`GET ${path} HTTP/1.1\r\nHost: skiff\r\nAuthorization: Bearer ${s.server.adminToken}\r\n\r\n`);
          await new Promise<void>((resolve) => sock.once('data', () => resolve()));
          sock.destroy();
        }
      }
    }
    await until(async () => ended, (n) => n === 2);
    assert.equal(streams, 2);
    assert.equal((await s.request('GET', '/api/v1/namespaces/default/pods')).status, 200);
    assert.deepEqual(logs.errors(), []);
  });
});
