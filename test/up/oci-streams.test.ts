/**
 * Into oci pods: `kubectl exec` (kubectl 1.32 over WebSocket, 1.27 over SPDY) through `runc exec`
 * with the container's environment and working directory, exit codes, piped stdin, `-it` on a
 * terminal whose size follows the client's, `kubectl cp` both ways (busybox's tar in the
 * image), and `kubectl port-forward` to the pod's port in its network namespace. One cluster.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as pty from 'node-pty';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { installOciPackages, RootfsImages } from '../helpers/rootfs-image.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';
import { suffix } from '../controlplane/fixtures.js';

let c: UpCluster;
let images: RootfsImages;
const pod = `box-${suffix()}`;
const word = `w${suffix()}`;
const image = 'skiff.test/busybox:1';
before(async () => {
  await installOciPackages();
  images = await RootfsImages.create();
  c = await startUpCluster({ nodes: 1, runtime: 'oci', images });
  const serve = `mkdir -p /tmp/www && echo page-${word} > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www`;
  await c.kubectl.ok(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: pod },
      spec: { containers: [{ name: 'main', image, command: ['sh', '-c', serve], workingDir: '/tmp', env: [{ name: 'WORD', value: word }], readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }] },
    }),
  });
  await waitFor('pod ready', async () => (await c.cp.client.get<Pod>(pods, 'default', pod)).status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'), 60_000);
});
after(async () => {
  await c?.stop();
  await images?.dispose();
});

for (const minor of [undefined, 27] as const) {
  test(`kubectl ${minor ? `1.${minor} (SPDY)` : '1.32 (WebSocket)'} exec: env, cwd, stdout, stderr, stdin and exit codes`, async () => {
    const k = new Kubectl(c.cp.server.kubeconfigPath, kubectlBinary(minor));
    const code = 2 + Math.floor(Math.random() * 100);
    const out = await k.run(['exec', pod, '--', 'sh', '-c', `echo $WORD $(pwd); echo err >&2; exit ${code}`]);
    assert.equal(out.code, code, out.stderr);
    assert.equal(out.stdout, `${word} /tmp\n`);
    assert.match(out.stderr, new RegExp(`err\\n[^]*command terminated with exit code ${code}`));
    const lines = Array.from({ length: 2 + Math.floor(Math.random() * 4) }, (_, i) => `l${i}-${suffix()}`);
    const piped = await k.run(['exec', '-i', pod, '--', 'sh', '-c', 'cat; echo done'], { input: lines.join('\n') + '\n' });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, `${lines.join('\n')}\ndone\n`);
    const missing = await k.run(['exec', pod, '--', `no-such-${suffix()}`]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no-such-\S+.*(not found|no such file)/i);
  });
}

test('kubectl exec -it: a terminal in the container whose size follows the client\'s', async () => {
  const rows = 20 + Math.floor(Math.random() * 20), cols = 70 + Math.floor(Math.random() * 40);
  const term = pty.spawn(kubectlBinary(), [`--kubeconfig=${c.cp.server.kubeconfigPath}`, 'exec', '-it', pod, '--', 'sh'], { cols, rows, env: { ...process.env, HOME: '/tmp' } as Record<string, string> });
  let seen = '';
  const t0 = Date.now();
  const times: number[] = [];
  term.onData((d) => {
    seen += d;
    times.push(Date.now() - t0);
  });
  const exited = new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));
  // busybox's shell asks the terminal for the cursor position after its prompt (ESC [6n).
  await waitFor('prompt', async () => /[#$] (\u001b\[6n)?$/.test(seen), 30_000).catch((e: unknown) => assert.fail(`${String(e)}: ${JSON.stringify(seen)} ${times.join(',')}`));
  term.write('stty size; tty\r');
  await waitFor('first size', async () => seen.includes(`${rows} ${cols}`) && /\/dev\/pts\/\d+/.test(seen), 10_000);
  term.resize(cols + 5, rows + 3);
  await new Promise((r) => setTimeout(r, 300));
  term.write('stty size; exit 3\r');
  assert.equal(await exited, 3, seen);
  assert.ok(seen.includes(`${rows + 3} ${cols + 5}`), `resized terminal in:\n${seen}`);
});

test('kubectl cp into the container and back, byte for byte', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'oci-cp-'));
  try {
    const data = randomBytes(50_000 + Math.floor(Math.random() * 200_000));
    const name = `f-${suffix()}.bin`;
    writeFileSync(path.join(dir, name), data);
    await c.kubectl.ok(['cp', path.join(dir, name), `${pod}:/tmp/${name}`]);
    const size = await c.kubectl.ok(['exec', pod, '--', 'sh', '-c', `wc -c < /tmp/${name}`]);
    assert.equal(size.trim(), String(data.length));
    await c.kubectl.ok(['cp', `${pod}:/tmp/${name}`, path.join(dir, 'back.bin')]);
    assert.ok(readFileSync(path.join(dir, 'back.bin')).equals(data));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

for (const minor of [undefined, 27] as const) {
  test(`kubectl ${minor ? `1.${minor}` : '1.32'} port-forward reaches the pod's port in its network namespace`, async () => {
    const local = await freePort();
    const child = spawn(kubectlBinary(minor), [`--kubeconfig=${c.cp.server.kubeconfigPath}`, 'port-forward', `pod/${pod}`, `${local}:8080`], { env: { ...process.env, HOME: os.tmpdir() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await waitFor('forwarding', async () => out.includes(`Forwarding from 127.0.0.1:${local} -> 8080`), 15_000);
      for (let i = 0; i < 2 + Math.floor(Math.random() * 3); i++) assert.equal(await get(local), `page-${word}\n`);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  });
}

test('kubectl debug adds a container in the pod\'s network namespace and its target\'s PID namespace; -it is refused, saying why; RBAC guards the subresource', async () => {
  const dbg = `dbg-${suffix()}`;
  const added = await c.kubectl.run(['debug', pod, `--image=${image}`, `--container=${dbg}`, '--target=main', '--', 'sh', '-c', `echo hello-${word}; exec sleep 100000`]);
  assert.equal(added.code, 0, added.stderr);
  const status = await waitFor('debug container running', async () => {
    const p = await c.cp.client.get<Pod>(pods, 'default', pod);
    return p.status?.ephemeralContainerStatuses?.find((s) => s.name === dbg && s.state?.running);
  }, 60_000);
  assert.equal(status.ready, false);
  assert.match(status.containerID ?? '', /^oci:\/\//);
  // Its own image, the pod's network: the main container's server is on its loopback.
  assert.equal(await c.kubectl.ok(['exec', pod, '-c', dbg, '--', 'wget', '-qO-', 'http://127.0.0.1:8080/']), `page-${word}\n`);
  await waitFor('its log', async () => (await c.kubectl.run(['logs', pod, '-c', dbg])).stdout === `hello-${word}\n`, 15_000);
  // --target: the debug container is in the main container's PID namespace and sees its server.
  const ps = await c.kubectl.ok(['exec', pod, '-c', dbg, '--', 'ps', '-o', 'pid,args']);
  assert.match(ps, /^\s*1\s+httpd -f -p 8080/m, ps);
  assert.match(ps, /sleep 100000/);
  const pod2 = (await c.cp.client.get<Pod>(pods, 'default', pod)).status?.containerStatuses?.[0];
  assert.equal(pod2?.ready, true, 'the pod\'s own containers are untouched');

  const it = await c.kubectl.run(['debug', '-it', pod, `--image=${image}`, '--', 'sh'], { timeoutMs: 20_000 });
  assert.notEqual(it.code, 0);
  assert.match(it.stderr, /spec\.ephemeralContainers\[1\]\.stdin: Forbidden: not supported by skiff: stdin/);

  const user = `dev-${suffix()}`;
  await c.kubectl.ok(['create', 'role', user, '--verb=get,list', '--resource=pods']);
  await c.kubectl.ok(['create', 'rolebinding', user, `--role=${user}`, `--user=${user}`]);
  const denied = await waitFor('denied', async () => {
    const r = await c.kubectl.run([`--as=${user}`, 'debug', pod, `--image=${image}`, '--', 'true']);
    return /ephemeralcontainers/.test(r.stderr) ? r : undefined;
  }, 10_000);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, new RegExp(`User "${user}" cannot patch resource "pods/ephemeralcontainers"`));
});
