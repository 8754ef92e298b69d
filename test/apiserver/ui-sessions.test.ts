/** The web view's server side without a browser: session lifetimes on a clock the test moves,
 * the `/ui/` routes' answers, sign-in by client certificate, and a server started without the UI. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import path from 'node:path';
import { UiSessions } from '../../src/apiserver/ui/index.js';
import { adminCredentials } from '../../src/apiserver/admin-credentials.js';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { sessionRequest, signIn } from '../helpers/https-session.js';
import { randomInt } from '../controlplane/fixtures.js';

const alice = { name: 'alice', groups: ['system:authenticated'] };

describe('UiSessions', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  test('a session lives while used within the idle limit, and ends once idle past it', () => {
    const c = clock();
    const idleMs = randomInt(1000, 5000);
    const s = new UiSessions({ idleMs }, c.now);
    const a = s.create(alice, { token: 't' });
    for (let i = 0; i < 5; i++) {
      c.advance(idleMs - 1);
      assert.equal(s.lookup(a.id)?.user.name, 'alice');
    }
    c.advance(idleMs + 1);
    assert.equal(s.lookup(a.id), undefined);
    assert.equal(s.lookup(a.id), undefined);
  });

  test('a session ends at its maximum age however busy; a user may ask for a shorter idle limit, never a longer one', () => {
    const c = clock();
    const s = new UiSessions({ idleMs: 10_000, maxMs: 25_000 }, c.now);
    const a = s.create(alice, { token: 't' });
    for (let i = 0; i < 2; i++) assert.ok(s.lookup((c.advance(9_000), a.id)));
    c.advance(9_000);
    assert.equal(s.lookup(a.id), undefined);
    assert.equal(s.create(alice, { token: 't' }, 2_000).idleMs, 2_000);
    assert.equal(s.create(alice, { token: 't' }, 60_000).idleMs, 10_000);
  });

  test('past the session cap the least recently used goes; signing out ends one; expired ones are swept', () => {
    const c = clock();
    const cap = randomInt(3, 6);
    const s = new UiSessions({ idleMs: 10_000, maxSessions: cap }, c.now);
    const all = Array.from({ length: cap }, () => s.create(alice, { token: 't' }));
    s.lookup(all[0]!.id);
    s.create(alice, { token: 't' });
    assert.ok(s.lookup(all[0]!.id), 'recently used: kept');
    assert.equal(s.lookup(all[1]!.id), undefined, 'least recently used: gone');
    s.end(all[2]!.id);
    assert.equal(s.lookup(all[2]!.id), undefined);
    c.advance(20_000);
    s.create(alice, { token: 't' });
    assert.equal(s.size, 1);
  });

  test('ids and CSRF tokens are unguessable and distinct', () => {
    const s = new UiSessions();
    const a = s.create(alice, { token: 't' });
    const b = s.create(alice, { token: 't' });
    assert.notEqual(a.id, b.id);
    assert.notEqual(a.csrf, a.id);
    assert.match(a.id, /^[A-Za-z0-9_-]{43}$/);
  });
});

describe('the /ui/ routes', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.stop();
  });

  test('/ui redirects to /ui/; the page, scripts and styles are served with their types and a strict CSP; other names are 404', async () => {
    const r = await sessionRequest(t.server, 'GET', '/ui');
    assert.deepEqual([r.status, r.headers.location], [301, '/ui/']);
    const page = await sessionRequest(t.server, 'GET', '/ui/');
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<script type="module" src="app.js"><\/script>/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'; script-src 'self'; style-src 'self'/);
    assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    for (const [file, type] of [['app.js', /^text\/javascript/], ['app.css', /^text\/css/]] as const) {
      const f = await sessionRequest(t.server, 'GET', `/ui/${file}`);
      assert.equal(f.status, 200, file);
      assert.match(String(f.headers['content-type']), type);
    }
    for (const p of ['/ui/nope.js', '/ui/../server.js', '/ui/%2e%2e/package.json', '/ui/static/app.js']) {
      const f = await sessionRequest(t.server, 'GET', p);
      assert.equal(f.status, 404, p);
      assert.equal(JSON.parse(f.body).reason, 'NotFound');
    }
    assert.equal((await sessionRequest(t.server, 'POST', '/ui/app.js', {}, '{}')).status, 405);
  });

  test('sign-in refuses a body it cannot read, unknown fields, a bad token, and no credentials at all', async () => {
    const cases: [string, number, RegExp][] = [
      ['{not json', 400, /must be JSON/],
      ['[]', 400, /must be JSON/],
      ['{"tokne":"x"}', 400, /unknown field in the sign-in body: "tokne"/],
      ['{"token":"x","idleSeconds":-1}', 400, /idleSeconds must be a positive number/],
      ['{"token":"nope"}', 401, /Unauthorized/],
      ['{}', 401, /Unauthorized/],
    ];
    for (const [body, code, re] of cases) {
      const r = await sessionRequest(t.server, 'POST', '/ui/session', {}, body);
      assert.equal(r.status, code, body);
      assert.match(JSON.parse(r.body).message, re, body);
      assert.equal(r.headers['set-cookie'], undefined);
    }
    const cross = await sessionRequest(t.server, 'POST', '/ui/session', { Origin: 'https://evil.example' }, JSON.stringify({ token: t.server.adminToken }));
    assert.equal(cross.status, 403);
  });

  test('the client certificate signs in without a token; the cookie then stands for it on connections without one', async () => {
    const admin = adminCredentials(path.join(t.dataDir, 'pki'));
    const r = await sessionRequest(t.server, 'POST', '/ui/session', {}, '{}', admin);
    assert.equal(r.status, 201, r.body);
    assert.deepEqual({ user: JSON.parse(r.body).user, via: JSON.parse(r.body).via }, { user: 'admin', via: 'certificate' });
    const cookie = ([] as string[]).concat(r.headers['set-cookie'] ?? [])[0]!;
    assert.match(cookie, /^__Host-skiff-ui=[A-Za-z0-9_-]+; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    const list = await sessionRequest(t.server, 'GET', '/api/v1/namespaces', { Cookie: cookie.split(';')[0]! });
    assert.equal(list.status, 200);
    assert.equal((await sessionRequest(t.server, 'GET', '/api/v1/namespaces')).status, 401);
  });

  test('GET /ui/session names the user; DELETE needs the CSRF token and then ends the session', async () => {
    const s = await signIn(t.server, t.server.adminToken);
    const who = await sessionRequest(t.server, 'GET', '/ui/session', { Cookie: s.cookie });
    assert.equal(who.status, 200);
    assert.equal(JSON.parse(who.body).csrfToken, s.csrf);
    assert.equal(who.headers['cache-control'], 'no-store');
    assert.equal((await sessionRequest(t.server, 'DELETE', '/ui/session', { Cookie: s.cookie })).status, 403);
    const out = await sessionRequest(t.server, 'DELETE', '/ui/session', { Cookie: s.cookie, 'X-CSRF-Token': s.csrf });
    assert.equal(out.status, 200);
    assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
    assert.equal((await sessionRequest(t.server, 'GET', '/ui/session', { Cookie: s.cookie })).status, 401);
  });

  test('signing out cuts the session\'s open watches', { timeout: 20_000 }, async () => {
    const s = await signIn(t.server, t.server.adminToken);
    const u = new URL(t.server.url);
    const ended = new Promise<{ status: number; end: string }>((resolve, reject) => {
      const req = https.request({ host: u.hostname, port: Number(u.port), path: '/api/v1/namespaces?watch=1', ca: t.server.caCert, headers: { Cookie: s.cookie }, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, end: 'end' }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, end: 'error' }));
        res.on('close', () => resolve({ status: res.statusCode ?? 0, end: 'close' }));
        // Only once the watch is answered: sign out.
        void sessionRequest(t.server, 'DELETE', '/ui/session', { Cookie: s.cookie, 'X-CSRF-Token': s.csrf });
      });
      req.once('error', reject);
      req.end();
    });
    const r = await ended;
    assert.equal(r.status, 200);
  });

  test('a request with its own Authorization header is not a session request (no CSRF token asked)', async () => {
    const s = await signIn(t.server, t.server.adminToken);
    const r = await sessionRequest(t.server, 'POST', '/api/v1/namespaces', { Cookie: s.cookie, Authorization: `Bearer ${t.server.adminToken}` },
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ui-${randomInt(1000, 9999)}` } }));
    assert.equal(r.status, 201, r.body);
  });
});

describe('a server without the web view', () => {
  test('/ui/ is an ordinary path: 401 without credentials, 404 with them', async () => {
    const t = await startTestServer({ ui: false });
    try {
      assert.equal((await sessionRequest(t.server, 'GET', '/ui/')).status, 401);
      assert.equal((await t.request('GET', '/ui/')).status, 404);
    } finally {
      await t.stop();
    }
  });
});
