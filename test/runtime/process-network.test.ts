/** Servers from the image catalog answering on their pod's address: nginx (S1/S3), two nginx pods
 * on one node, the seed's two-container pod (S8), httpd (S6's rolling-update target). Binding :80
 * needs root or CAP_NET_BIND_SERVICE; without it the cases say so and skip. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Container } from '../../src/api/kinds.js';
import type { RunningContainer, Sandbox } from '../../src/runtime/index.js';
import { testPod } from './subject.js';
import { processSubject, type ProcessSubject } from './process-subject.js';

const canBind80 = process.getuid?.() === 0;

function get(host: string, port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

/** Polls until the server answers (it binds a moment after start). */
async function answer(host: string, port: number, ms = 5000): Promise<{ status: number; body: string }> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await get(host, port);
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('process runtime: servers on pod addresses', { skip: canBind80 ? false : 'binding port 80 needs root' }, () => {
  let s: ProcessSubject;
  before(async () => {
    s = await processSubject('127.13.7.');
  });
  after(() => s.dispose());

  async function startPod(name: string, containers: Container[]): Promise<{ sandbox: Sandbox; running: RunningContainer[] }> {
    const pod = testPod(name, containers[0]!);
    pod.spec.containers = containers;
    const sandbox = await s.runtime.runSandbox(pod);
    const running = [];
    for (const c of containers) running.push(await s.runtime.startContainer(sandbox, pod, c, 0, s.options(`${name}-${c.name}`)));
    return { sandbox, running };
  }

  void test('nginx serves the stock welcome page on the pod address, port 80', async (t) => {
    const t0 = performance.now();
    const { sandbox, running } = await startPod('web-a', [{ name: 'nginx', image: 'nginx' }]);
    const res = await answer(sandbox.ip, 80);
    t.diagnostic(`nginx answering ${(performance.now() - t0).toFixed(1)} ms after startContainer was called`);
    assert.equal(res.status, 200);
    assert.match(res.body, /<title>Welcome to nginx!<\/title>/);
    assert.equal(running[0]!.imageId, 'process://nginx');
    const stopped = performance.now();
    await s.runtime.stopContainer(running[0]!.id, 10);
    t.diagnostic(`nginx stopped in ${(performance.now() - stopped).toFixed(1)} ms`);
    await s.runtime.removeSandbox(sandbox);
  });

  void test('two nginx pods on one node both listen on :80, each on its own address', async () => {
    const a = await startPod('web-1', [{ name: 'nginx', image: 'docker.io/library/nginx:1.25' }]);
    const b = await startPod('web-2', [{ name: 'nginx', image: 'nginx:latest', ports: [{ containerPort: 80 }] }]);
    assert.notEqual(a.sandbox.ip, b.sandbox.ip);
    for (const p of [a, b]) assert.match((await answer(p.sandbox.ip, 80)).body, /Welcome to nginx!/);
    for (const p of [a, b]) await s.runtime.removeSandbox(p.sandbox);
  });

  void test('the seed nginxpod: two containers on ports 80 and 8800 share the pod address (S8)', async () => {
    const p = await startPod('nginxpod', [
      { name: 'nginx80', image: 'nginx', ports: [{ containerPort: 80, hostPort: 80 }] },
      { name: 'nginx8800', image: 'msfuko/nginx_8800', ports: [{ containerPort: 8800, hostPort: 8800 }] },
    ]);
    assert.match((await answer(p.sandbox.ip, 80)).body, /Welcome to nginx!/);
    assert.match((await answer(p.sandbox.ip, 8800)).body, /Welcome to nginx!/);
    // One container reaches the other through the shared address.
    const r = await s.runtime.exec(p.running[0]!.id, ['busybox', 'wget', '-q', '-O', '-', `http://${p.sandbox.ip}:8800/`], 5000);
    assert.equal(r.exitCode, 0, r.output);
    assert.match(r.output, /Welcome to nginx!/);
    await s.runtime.removeSandbox(p.sandbox);
  });

  void test('nginx access lines reach the container log', async () => {
    const p = await startPod('logged', [{ name: 'nginx', image: 'nginx' }]);
    await answer(p.sandbox.ip, 80);
    await s.runtime.stopContainer(p.running[0]!.id, 5);
    const { readFile } = await import('node:fs/promises');
    const log = await readFile(s.options('logged-nginx').logPath, 'utf8');
    assert.match(log, / stdout F .*"GET \/ HTTP\/1.1" 200/);
    await s.runtime.removeSandbox(p.sandbox);
  });

  void test('httpd answers "It works!" on the pod address, port 80', async () => {
    const p = await startPod('apache', [{ name: 'httpd', image: 'httpd:2.4' }]);
    const res = await answer(p.sandbox.ip, 80);
    assert.equal(res.status, 200);
    assert.match(res.body, /It works!/);
    await s.runtime.removeSandbox(p.sandbox);
  });
});
