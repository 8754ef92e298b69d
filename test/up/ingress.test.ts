/** The built-in ingress controller on `skiff up` (process runtime, free ports) with the real
 * kubectl 1.32 and 1.27: IngressClass and Ingress tables, the default class, `kubectl create
 * ingress`, host and path routing to two services with X-Forwarded-* headers, TLS by SNI from a
 * Secret (and the default certificate otherwise), 404, 503 and its event, the default backend, an
 * Ingress of another class left alone, a WebSocket upgrade, and a rolling update behind an
 * Ingress that loses no request. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { Ingress } from '../../src/api/kinds.js';
import { ingresses } from '../../src/api/resources.js';
import { selfSignedCertificate, DEFAULT_CERT_CN } from '../../src/proxy/ingress/index.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { repoRoot } from '../helpers/paths.js';
import { suffix } from '../controlplane/fixtures.js';
import type { Echo } from '../helpers/echo-server.js';

const echoServer = path.join(repoRoot, 'dist', 'test', 'helpers', 'echo-server.js');

function deployment(name: string, replicas: number, version: string): string {
  return JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: {
      replicas, selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [{
            name: 'echo', image: 'node', command: ['node', echoServer, '$(POD_IP)', '8080', `${name}-${version}`],
            env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
            readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
          }],
        },
      },
    },
  });
}

interface Answer { status: number; body: string; headers: http.IncomingHttpHeaders }

/** One request on a new connection, with the Host header a browser would send. */
function request(url: string, host: string, opts: { servername?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request({
      host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, headers: { host }, agent: false, timeout: 5000,
      ...(u.protocol === 'https:' ? { rejectUnauthorized: false, servername: opts.servername ?? host.replace(/:.*/, '') } : {}),
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

const echo = (a: Answer): Echo => JSON.parse(a.body) as Echo;

/** The subject CN of the certificate served for a server name. */
function servedCertificate(ip: string, port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: ip, port, servername, rejectUnauthorized: false }, () => {
      const cn = s.getPeerCertificate().subject?.CN;
      s.end();
      resolve(Array.isArray(cn) ? cn.join(',') : String(cn));
    });
    s.on('error', reject);
  });
}

describe('the ingress controller on skiff up', () => {
  let c: UpCluster;
  let addr: string;
  let httpPort: number;
  let httpsPort: number;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-ingress-test-'));
  const a = `a-${suffix()}`;
  const b = `b-${suffix()}`;
  const host = `shop-${suffix()}.example.com`;

  before(async () => {
    c = await startUpCluster({ nodes: 2, ingress: { httpPort: 0, httpsPort: 0 } });
    addr = c.nodeAddresses[0]!;
    httpPort = c.host.ingress!.httpPort;
    httpsPort = c.host.ingress!.httpsPort;
    for (const [name, n] of [[a, 3], [b, 1]] as const) {
      await c.kubectl.ok(['apply', '-f', '-'], { input: deployment(name, n, 'v1') });
      await c.kubectl.ok(['expose', 'deployment', name, '--port=80', '--target-port=8080']);
    }
    for (const name of [a, b]) await c.kubectl.ok(['rollout', 'status', `deployment/${name}`, '--timeout=90s']);
  });
  after(async () => {
    await c?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('the default IngressClass, and its table in kubectl 1.32 and 1.27', async () => {
    for (const k of [c.kubectl, new Kubectl(c.cp.server.kubeconfigPath, kubectlBinary(27))]) {
      const out = await k.ok(['get', 'ingressclass']);
      assert.match(out, /^NAME\s+CONTROLLER\s+PARAMETERS\s+AGE\n/);
      assert.match(out, /\nskiff\s+skiff\.io\/ingress\s+<none>\s+\d+[smh]/);
    }
    const yaml = await c.kubectl.ok(['get', 'ingressclass', 'skiff', '-o', 'yaml']);
    assert.match(yaml, /ingressclass\.kubernetes\.io\/is-default-class: "true"/);
  });

  test('host and path routing to two services, X-Forwarded-*, the class defaulted, status and table', async () => {
    const name = `shop-${suffix()}`;
    await c.kubectl.ok(['create', 'ingress', name, `--rule=${host}/*=${a}:80`, `--rule=${host}/api*=${b}:80`, `--rule=${host}/exact=${b}:80`]);
    const base = `http://${addr}:${httpPort}`;
    const root = await waitFor('routed', async () => {
      const r = await request(`${base}/`, host).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    }, 30_000, 100);
    const e = echo(root);
    assert.equal(e.name, `${a}-v1`);
    assert.equal(e.headers['x-forwarded-host'], host);
    assert.equal(e.headers['x-forwarded-proto'], 'http');
    assert.match(String(e.headers['x-forwarded-for']), /^127\.\d+\.\d+\.\d+$/);
    assert.equal(e.headers['host'], host, 'the Host header passes unchanged');
    assert.equal(echo(await request(`${base}/api/items?x=1`, host)).name, `${b}-v1`);
    assert.equal(echo(await request(`${base}/api/items?x=1`, host)).path, '/api/items?x=1');
    assert.equal(echo(await request(`${base}/apiary`, host)).name, `${a}-v1`, 'Prefix matches whole path elements');
    assert.equal(echo(await request(`${base}/exact`, host)).name, `${b}-v1`);
    assert.equal(echo(await request(`${base}/exact/more`, host)).name, `${a}-v1`, 'Exact is exact');
    assert.equal(echo(await request(`${base}/`, `${host}:${httpPort}`)).headers['x-forwarded-host'], `${host}:${httpPort}`, 'a Host with a port routes by its name');
    const other = await request(`${base}/`, `nothing-${suffix()}.example.com`);
    assert.equal(other.status, 404);
    assert.match(other.body, /default backend - 404/);
    const ing = await waitFor('status address', async () => {
      const i = await c.cp.client.get<Ingress>(ingresses, 'default', name);
      return (i.status?.loadBalancer?.ingress?.length ?? 0) === c.nodeAddresses.length ? i : undefined;
    });
    assert.equal(ing.spec?.ingressClassName, 'skiff', 'the default class is filled in');
    assert.deepEqual(ing.status?.loadBalancer?.ingress, c.nodeAddresses.map((ip) => ({ ip })), 'every node\'s address');
    for (const n of c.nodeNames) {
      const ports = await c.kubectl.ok(['get', 'node', n, '-o', 'jsonpath={.metadata.annotations.ingress\\.skiff\\.io/ports}']);
      assert.equal(ports, `${httpPort},${httpsPort}`, `node ${n} is marked with the ingress ports`);
    }
    // Every node answers for the Ingress.
    for (const other of c.nodeAddresses) assert.equal(echo(await request(`http://${other}:${httpPort}/api/x`, host)).name, `${b}-v1`);
    for (const k of [c.kubectl, new Kubectl(c.cp.server.kubeconfigPath, kubectlBinary(27))]) {
      const out = await k.ok(['get', 'ingress', name]);
      assert.match(out, /^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE\n/);
      assert.match(out, new RegExp(`\\n${name}\\s+skiff\\s+${host.replace(/\./g, '\\.')}\\s+${c.nodeAddresses.join(',').replace(/\./g, '\\.')}\\s+80\\s+\\d+s`));
    }
  });

  test('kubectl describe ingress lists the rules with their services\' endpoints', async () => {
    const name = `desc-${suffix()}`;
    const h = `desc-${suffix()}.example.com`;
    await c.kubectl.ok(['create', 'ingress', name, `--rule=${h}/api*=${b}:80`]);
    const out = await waitFor('described with endpoints', async () => {
      const d = await c.kubectl.ok(['describe', 'ingress', name]);
      return new RegExp(`${b}:80 \\(127\\.\\d+\\.\\d+\\.\\d+:8080\\)`).test(d) ? d : undefined;
    });
    assert.match(out, /Ingress Class:\s+skiff/);
    assert.match(out, new RegExp(`${h.replace(/\./g, '\\.')}\\s*\\n\\s+/api\\s+${b}:80`));
  });

  test('TLS: the Secret\'s certificate by SNI, the default one otherwise; HTTPS routed', async () => {
    const secure = `secure-${suffix()}.example.com`;
    const pair = selfSignedCertificate(secure, [secure]);
    writeFileSync(path.join(tmp, 'tls.crt'), pair.cert);
    writeFileSync(path.join(tmp, 'tls.key'), pair.key);
    const secret = `cert-${suffix()}`;
    await c.kubectl.ok(['create', 'secret', 'tls', secret, `--cert=${path.join(tmp, 'tls.crt')}`, `--key=${path.join(tmp, 'tls.key')}`]);
    const name = `tls-${suffix()}`;
    await c.kubectl.ok(['create', 'ingress', name, `--rule=${secure}/*=${b}:80,tls=${secret}`]);
    const cn = await waitFor('the secret\'s certificate', async () => {
      const got = await servedCertificate(addr, httpsPort, secure).catch(() => undefined);
      return got === secure ? got : undefined;
    }, 30_000, 100);
    assert.equal(cn, secure);
    assert.equal(await servedCertificate(addr, httpsPort, `other-${suffix()}.example.com`), DEFAULT_CERT_CN);
    const r = await request(`https://${addr}:${httpsPort}/x`, secure);
    assert.equal(r.status, 200);
    assert.equal(echo(r).name, `${b}-v1`);
    assert.equal(echo(r).headers['x-forwarded-proto'], 'https');
    assert.match(await c.kubectl.ok(['get', 'ingress', name]), /\s80, 443\s/);
  });

  test('a missing service: 503 and a Warning event; then the default backend catches unknown hosts', async () => {
    const ghost = `ghost-${suffix()}`;
    const gh = `ghost-${suffix()}.example.com`;
    const name = `ghost-${suffix()}`;
    await c.kubectl.ok(['create', 'ingress', name, `--rule=${gh}/*=${ghost}:80`]);
    const r = await waitFor('503', async () => {
      const x = await request(`http://${addr}:${httpPort}/`, gh);
      return x.status === 503 ? x : undefined;
    }, 30_000, 100);
    assert.match(r.body, new RegExp(`service "default/${ghost}" not found`));
    await waitFor('event', async () => {
      const ev = await c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`]);
      return /ServiceNotFound/.test(ev) && ev.includes(`Service "${ghost}" not found`);
    });
    // A service with no ready endpoint is a 503 too.
    await c.kubectl.ok(['create', 'service', 'clusterip', ghost, '--tcp=80:8080']);
    const empty = await waitFor('503 no endpoints', async () => {
      const x = await request(`http://${addr}:${httpPort}/`, gh);
      return /no ready endpoints/.test(x.body) ? x : undefined;
    });
    assert.equal(empty.status, 503);
    const def = `def-${suffix()}`;
    await c.kubectl.ok(['create', 'ingress', def, `--default-backend=${b}:80`]);
    const caught = await waitFor('default backend', async () => {
      const x = await request(`http://${addr}:${httpPort}/anything`, `unknown-${suffix()}.example.org`);
      return x.status === 200 ? x : undefined;
    });
    assert.equal(echo(caught).name, `${b}-v1`);
    await c.kubectl.ok(['delete', 'ingress', def]);
  });

  test('an Ingress of another class is neither served nor given a status', async () => {
    const cls = `other-${suffix()}`;
    await c.kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: cls }, spec: { controller: 'example.com/other' } }) });
    const h = `other-${suffix()}.example.com`;
    const name = `other-${suffix()}`;
    await c.kubectl.ok(['create', 'ingress', name, `--class=${cls}`, `--rule=${h}/*=${a}:80`]);
    // A served Ingress created after it is routed: by then the other one has been seen too.
    const probe = `probe-${suffix()}.example.com`;
    await c.kubectl.ok(['create', 'ingress', `probe-${suffix()}`, `--rule=${probe}/*=${a}:80`]);
    await waitFor('probe routed', async () => (await request(`http://${addr}:${httpPort}/`, probe)).status === 200);
    assert.equal((await request(`http://${addr}:${httpPort}/`, h)).status, 404);
    const got = await c.cp.client.get<Ingress>(ingresses, 'default', name);
    assert.equal(got.status?.loadBalancer?.ingress, undefined);
    assert.match(await c.kubectl.ok(['get', 'ingress', name]), new RegExp(`${name}\\s+${cls}\\s`));
  });

  test('a WebSocket upgrade passes through', async () => {
    const h = `ws-${suffix()}.example.com`;
    await c.kubectl.ok(['create', 'ingress', `ws-${suffix()}`, `--rule=${h}/*=${b}:80`]);
    await waitFor('routed', async () => (await request(`http://${addr}:${httpPort}/`, h)).status === 200);
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: addr, port: httpPort, path: '/chat', headers: { host: h, connection: 'Upgrade', upgrade: 'websocket' } });
      req.on('upgrade', (res, socket) => {
        assert.equal(res.statusCode, 101);
        assert.equal(res.headers['x-echo-name'], `${b}-v1`);
        let got = '';
        socket.on('data', (d: Buffer) => {
          got += d.toString();
          if (got.length >= 11) {
            socket.destroy();
            resolve(got);
          }
        });
        socket.write('hello there');
      });
      req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    assert.equal(echoed, 'hello there');
  });

  test('a rolling update behind an Ingress loses no request', async (t) => {
    const h = `roll-${suffix()}.example.com`;
    await c.kubectl.ok(['create', 'ingress', `roll-${suffix()}`, `--rule=${h}/*=${a}:80`]);
    await waitFor('routed', async () => (await request(`http://${addr}:${httpPort}/`, h)).status === 200);
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const names = new Set<string>();
    const load = (async () => {
      while (!stop) {
        try {
          const r = await request(`http://${addr}:${httpPort}/`, h);
          if (r.status === 200) {
            ok++;
            names.add(echo(r).name);
          } else failures.push(`HTTP ${r.status}: ${r.body.trim()}`);
        } catch (err) {
          failures.push(String(err));
        }
      }
    })();
    await c.kubectl.ok(['apply', '-f', '-'], { input: deployment(a, 3, 'v2') });
    await c.kubectl.ok(['rollout', 'status', `deployment/${a}`, '--timeout=120s']);
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await load;
    t.diagnostic(`during the rolling update: ${ok} answered, ${failures.length} failed`);
    assert.deepEqual(failures, [], `${failures.length} failed requests of ${ok + failures.length}`);
    assert.ok(ok > 20, `requests answered during the update: ${ok}`);
    assert.ok(names.has(`${a}-v1`) && names.has(`${a}-v2`), `answered by both versions: ${[...names].join(',')}`);
  });
});
