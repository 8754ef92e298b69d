/** The `proxy` subresources on `skiff up` (process runtime) with the real kubectl: services
 * (port by number or name, scheme prefix), pods, nodes; through `kubectl get --raw` and through
 * `kubectl proxy`; every method, query and body passed through, answers streamed; Kubernetes'
 * errors (no endpoints, missing objects, refused connections); authorization as `*\/proxy`;
 * a client that leaves mid-answer closes the backend's connection. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { Endpoints } from '../../src/api/kinds.js';
import { endpoints } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';
import { kubectlBinary } from '../helpers/kubectl.js';
import { echoPodAndService } from './proxyfixtures.js';
import WebSocket from 'ws';
import { loadKubeconfig, tlsOf } from '../../src/client/index.js';

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string }

function request(url: string, opts: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...(opts.headers ?? {}), ...(opts.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(opts.body)) } : {}) };
    const req = http.request(url, { method: opts.method ?? 'GET', agent: false, headers, timeout: 15_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('proxy subresources on skiff up', () => {
  let c: UpCluster;
  let proxy: ChildProcess;
  let base = '';
  const web = `web-${suffix()}`, echo = `echo-${suffix()}`;
  const echoPort = randomInt(8100, 8900), echoSvcPort = randomInt(9100, 9900);
  const replicas = randomInt(2, 3);

  const readyEndpoints = (svc: string, n: number) =>
    waitFor(`${n} ready endpoints of ${svc}`, async () => {
      const ep = await c.cp.client.get<Endpoints>(endpoints, 'default', svc).catch(() => undefined);
      const addrs = (ep?.subsets ?? []).flatMap((s) => s.addresses ?? []);
      return addrs.length === n ? addrs : undefined;
    }, 30_000);

  before(async () => {
    c = await startUpCluster({ nodes: 1 });
    await c.kubectl.ok(['create', 'deployment', web, '--image=nginx', `--replicas=${replicas}`, '--port=80']);
    await c.kubectl.ok(['expose', 'deployment', web, '--port=80']);
    await c.kubectl.ok(['create', '-f', '-'], { input: echoPodAndService(echo, echoPort, echoSvcPort) });
    await readyEndpoints(web, replicas);
    await readyEndpoints(echo, 1);
    proxy = spawn(kubectlBinary(), [`--kubeconfig=${c.cp.server.kubeconfigPath}`, 'proxy', '--port=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proxy.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const addr = await waitFor('kubectl proxy serving', () => /Starting to serve on (\S+)/.exec(out)?.[1], 15_000);
    base = `http://${addr}`;
  });
  after(async () => {
    proxy?.kill();
    await c.stop();
  });

  test('kubectl get --raw through a service (port by number, by name, with a scheme) and a pod', async () => {
    for (const id of [`${web}:80`, `http:${web}:80`, web]) {
      const page = await c.kubectl.ok(['get', '--raw', `/api/v1/namespaces/default/services/${id}/proxy/`]);
      assert.match(page, /<title>Welcome to nginx!<\/title>/, id);
    }
    const byName = JSON.parse(await c.kubectl.ok(['get', '--raw', `/api/v1/namespaces/default/services/${echo}:api/proxy/some/where?x=1&y=two`])) as { path: string; method: string; pod: string };
    assert.deepEqual([byName.method, byName.path, byName.pod], ['GET', '/some/where?x=1&y=two', echo]);
    const pod = (await c.kubectl.ok(['get', 'pods', '-l', `app=${web}`, '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    // No port: the pod's first declared container port.
    assert.match(await c.kubectl.ok(['get', '--raw', `/api/v1/namespaces/default/pods/${pod}/proxy/`]), /Welcome to nginx!/);
    const direct = JSON.parse(await c.kubectl.ok(['get', '--raw', `/api/v1/namespaces/default/pods/${echo}:${echoPort}/proxy/p`])) as { path: string };
    assert.equal(direct.path, '/p');
  });

  test('kubectl proxy: methods, query strings, bodies and status codes pass through', async () => {
    const page = await request(`${base}/api/v1/namespaces/default/services/${web}:80/proxy/`);
    assert.equal(page.status, 200);
    assert.match(page.body, /Welcome to nginx!/);
    const url = `${base}/api/v1/namespaces/default/services/${echo}:${echoSvcPort}/proxy`;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const body = `payload-${method}-${suffix()}`.repeat(randomInt(1, 50));
      const r = await request(`${url}/items/${method.toLowerCase()}?q=${method}`, { method, body, headers: { 'Content-Type': 'text/plain', 'X-Custom': method } });
      assert.equal(r.status, 200, r.body);
      const seen = JSON.parse(r.body) as { method: string; path: string; body: string; headers: Record<string, string> };
      assert.equal(seen.method, method);
      assert.equal(seen.path, `/items/${method.toLowerCase()}?q=${method}`);
      assert.equal(seen.body, body);
      assert.equal(seen.headers['x-custom'], method);
      assert.equal(seen.headers['authorization'], undefined, 'the client\'s credentials stay with the API server');
    }
    const head = await request(`${url}/h`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    const options = await request(`${url}/o`, { method: 'OPTIONS' });
    assert.equal(JSON.parse(options.body).method, 'OPTIONS');
    // The backend's own status code comes back as it is.
    assert.equal((await request(`${url}/code`)).status, 418);
    // A redirect to the backend's own address leads back through the proxy.
    const moved = await request(`${url}/moved`);
    assert.equal(moved.status, 302);
    assert.match(String(moved.headers.location), new RegExp(`^https?://[^/]+/api/v1/namespaces/default/services/${echo}:${echoSvcPort}/proxy/target/\\?k=v$`));
    // The proxy's root without its slash is sent to the directory form.
    const root = await request(`${base}/api/v1/namespaces/default/services/${web}:80/proxy?a=b`);
    assert.equal(root.status, 301);
    assert.equal(root.headers.location, `/api/v1/namespaces/default/services/${web}:80/proxy/?a=b`);
  });

  test('answers stream back as the backend writes them', async () => {
    const url = `${base}/api/v1/namespaces/default/services/${echo}:api/proxy`;
    const got = await new Promise<string>((resolve, reject) => {
      let text = '';
      http.get(`${url}/slow`, { agent: false }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
          // The first chunk is here while the backend still waits: release it for the rest.
          if (text === 'first\n') void request(`${url}/release`).catch(reject);
        });
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    assert.equal(got, 'first\nsecond\n');
  });

  test('a client that leaves mid-answer: the backend\'s connection closes, the proxy goes on', async () => {
    const url = `${base}/api/v1/namespaces/default/services/${echo}:api/proxy`;
    const before = (JSON.parse((await request(`${url}/stats`)).body) as { gone: number }).gone;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${url}/slow?forever`, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      setTimeout(() => reject(new Error('no first chunk')), 15_000).unref();
    });
    await request(`${url}/release`);
    await waitFor('the backend saw its client go', async () => (JSON.parse((await request(`${url}/stats`)).body) as { gone: number }).gone > before, 20_000, 200);
    assert.match((await request(`${base}/api/v1/namespaces/default/services/${web}:80/proxy/`)).body, /Welcome to nginx!/);
  });

  test('a WebSocket to a pod is relayed through pods/proxy', async () => {
    const config = loadKubeconfig(c.cp.server.kubeconfigPath);
    const url = `${config.server.replace(/^https/, 'wss')}/api/v1/namespaces/default/pods/${echo}:${echoPort}/proxy/sock?x=1`;
    const word = `hello-${suffix()}`;
    const reply = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(url, { ...tlsOf(config), headers: config.token ? { Authorization: `Bearer ${config.token}` } : {} });
      ws.on('open', () => ws.send(word));
      ws.on('message', (d: Buffer) => resolve(d.toString()));
      ws.on('error', reject);
      ws.on('unexpected-response', (_q, r) => reject(new Error(`HTTP ${r.statusCode}`)));
    });
    assert.equal(reply, `${word.toUpperCase()} /sock?x=1`);
  });

  test('nodes/proxy reaches the node endpoint', async () => {
    const node = c.nodeNames[0]!;
    assert.equal(await c.kubectl.ok(['get', '--raw', `/api/v1/nodes/${node}/proxy/healthz`]), 'ok');
    // Another port on the node's address: a NodePort there answers.
    const np = `${web}-np`;
    await c.kubectl.ok(['expose', 'deployment', web, '--type=NodePort', `--name=${np}`, '--port=80']);
    const nodePort = (await c.kubectl.ok(['get', 'service', np, '-o', 'jsonpath={.spec.ports[0].nodePort}'])).trim();
    const viaNode = await waitFor('the node port answers through nodes/proxy', async () => {
      const r = await c.kubectl.run(['get', '--raw', `/api/v1/nodes/${node}:${nodePort}/proxy/`]);
      return r.code === 0 ? r.stdout : undefined;
    }, 15_000, 200);
    assert.match(viaNode, /Welcome to nginx!/);
    const missing = `nowhere-${suffix()}`;
    const r = await c.kubectl.run(['get', '--raw', `/api/v1/nodes/${missing}/proxy/healthz`]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`Error from server \\(NotFound\\): nodes "${missing}" not found`));
  });

  test('Kubernetes\' errors: no endpoints, missing objects, unknown ports, refused connections, bad ids', async () => {
    const lonely = `lonely-${suffix()}`;
    await c.kubectl.ok(['create', 'service', 'clusterip', lonely, '--tcp=80:80']);
    await waitFor('endpoints object', async () => c.cp.client.get<Endpoints>(endpoints, 'default', lonely).catch(() => undefined), 15_000);
    // A pod no node can take has no address yet.
    const pending = `pending-${suffix()}`;
    await c.kubectl.ok(['run', pending, '--image=nginx', '--restart=Never', '--overrides={"spec":{"nodeSelector":{"nowhere":"true"}}}']);
    const cases: [string, RegExp][] = [
      [`pods/${pending}/proxy/`, /Error from server \(BadRequest\): address not allowed/],
      [`services/${lonely}:80/proxy/`, new RegExp(`Error from server \\(ServiceUnavailable\\): no endpoints available for service "${lonely}"`)],
      [`services/${web}:81/proxy/`, new RegExp(`Error from server \\(ServiceUnavailable\\): no service port 81 found for service "${web}"`)],
      [`services/absent-${lonely}:80/proxy/`, new RegExp(`Error from server \\(NotFound\\): services "absent-${lonely}" not found`)],
      [`pods/absent-${lonely}/proxy/`, new RegExp(`Error from server \\(NotFound\\): pods "absent-${lonely}" not found`)],
      [`pods/${echo}:${echoPort + 1}/proxy/`, /Error from server \(ServiceUnavailable\): error trying to reach service: dial tcp 127\.[\d.]+:\d+: connect: connection refused/],
      [`pods/ftp:${echo}:80/proxy/`, new RegExp(`Error from server \\(BadRequest\\): invalid pod request "ftp:${echo}:80"`)],
    ];
    for (const [p, want] of cases) {
      const r = await c.kubectl.run(['get', '--raw', `/api/v1/namespaces/default/${p}`]);
      assert.notEqual(r.code, 0, p);
      assert.match(r.stderr, want, p);
    }
  });

  test('authorized as pods/proxy and services/proxy', async () => {
    const user = `viewer-${suffix()}`, role = `proxier-${suffix()}`;
    const path = `/api/v1/namespaces/default/services/${web}:80/proxy/`;
    const denied = await c.kubectl.run([`--as=${user}`, 'get', '--raw', path]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, new RegExp(`User "${user}" cannot get resource "services/proxy" in API group "" in the namespace "default"`));
    await c.kubectl.ok(['create', 'role', role, '--verb=get', '--resource=services/proxy']);
    await c.kubectl.ok(['create', 'rolebinding', role, `--role=${role}`, `--user=${user}`]);
    await waitFor('allowed', async () => /Welcome to nginx!/.test((await c.kubectl.run([`--as=${user}`, 'get', '--raw', path])).stdout), 10_000);
    const podDenied = await c.kubectl.run([`--as=${user}`, 'get', '--raw', `/api/v1/namespaces/default/pods/${echo}/proxy/`]);
    assert.match(podDenied.stderr, new RegExp(`cannot get resource "pods/proxy"`));
  });
});
