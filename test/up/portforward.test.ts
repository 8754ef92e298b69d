/** Port-forward on `skiff up` with real processes: the Python client's WebSocket port-forward
 * (v4 channels), kubectl 1.32 (SPDY tunnelled in WebSocket) and kubectl 1.27 (SPDY) fetching
 * nginx's page from a pod; a port nobody listens on, a missing pod, and a client gone
 * mid-stream leaving no connection behind. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import crypto from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';
import { kubectlBinary } from '../helpers/kubectl.js';
import { skiffMain } from '../helpers/paths.js';

/** A running `kubectl port-forward` and what it has printed so far. */
interface Forwarder {
  readonly child: ChildProcess;
  out(): string;
  err(): string;
  exited: Promise<number | null>;
}

/** kubectl (a minor version, or the one on PATH), or 'skiff' for skiff's own CLI. */
function startForward(kubeconfig: string, minor: number | 'skiff' | undefined, args: string[]): Forwarder {
  const [program, ...pre] = minor === 'skiff' ? [process.execPath, skiffMain] : [kubectlBinary(minor)];
  const child = spawn(program!, [...pre, `--kubeconfig=${kubeconfig}`, 'port-forward', ...args], { env: { ...process.env, HOME: os.tmpdir(), KUBECONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exited };
}

function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** Established TCP connections whose far end is ip:port, as this machine sees them. */
function connectionsTo(ip: string, port: number): number {
  const out = execFileSync('ss', ['-Htn', 'state', 'established', 'dst', `${ip}:${port}`], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.trim()).length;
}

/** Sends `data` to 127.0.0.1:port and resolves with what comes back once as much has. */
function echo(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    let n = 0;
    const s = net.connect(port, '127.0.0.1', () => s.end(data));
    s.on('data', (b: Buffer) => {
      got.push(b);
      n += b.length;
      if (n >= data.length) {
        s.destroy();
        resolve(Buffer.concat(got));
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(got)));
  });
}

const freePort = (): Promise<number> => new Promise((resolve) => {
  const srv = net.createServer().listen(0, '127.0.0.1', () => {
    const port = (srv.address() as net.AddressInfo).port;
    srv.close(() => resolve(port));
  });
});

function python(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', ['-c', script, ...args], { timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout)));
  });
}

const pyForward = `
import sys
from kubernetes import client, config
from kubernetes.stream import portforward
config.load_kube_config(sys.argv[1])
core = client.CoreV1Api()
ports = [int(p) for p in sys.argv[3].split(',')]
pf = portforward(core.connect_get_namespaced_pod_portforward, sys.argv[2], 'default', ports=sys.argv[3])
for port in ports:
    sock = pf.socket(port)
    sock.setblocking(True)
    data = b''
    # The error of a port nobody listens on may close the socket before anything is sent.
    try:
        sock.sendall(b'GET / HTTP/1.1\\r\\nHost: pod\\r\\nConnection: close\\r\\n\\r\\n')
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    sock.close()
    print('PORT=%d BYTES=%d' % (port, len(data)))
    print(data.decode('utf-8', 'replace').split('\\r\\n')[0])
    print('TITLE=' + ('yes' if b'<title>Welcome to nginx!</title>' in data else 'no'))
    print('ERROR=%s' % pf.error(port))
`;

describe('port-forward on skiff up', () => {
  let c: UpCluster;
  const web = `web-${suffix()}`, echoPod = `echo-${suffix()}`;
  before(async () => {
    c = await startUpCluster({ nodes: 1 });
    await c.kubectl.ok(['run', web, '--image=nginx', '--restart=Never']);
    // An echo server: each connection's bytes come back until it ends.
    await c.kubectl.ok(['run', echoPod, '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'while true; do nc -l -p 9000 -e cat; done']);
    for (const p of [web, echoPod]) await waitFor('pod running', async () => (await c.cp.client.get<Pod>(pods, 'default', p)).status?.phase === 'Running', 30_000);
  });
  after(async () => {
    await c.stop();
  });

  test('the Python client fetches the pod\'s page through a WebSocket port-forward', async () => {
    const out = await python(pyForward, [c.cp.server.kubeconfigPath, web, '80']);
    assert.match(out, /PORT=80 BYTES=\d+/);
    assert.match(out, /HTTP\/1\.1 200 OK/);
    assert.match(out, /TITLE=yes/);
    assert.match(out, /ERROR=None/);
  });

  test('the Python client: a port nobody listens on reports kubelet\'s error on the error channel', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const out = await python(pyForward, [c.cp.server.kubeconfigPath, web, String(port)]);
    assert.match(out, new RegExp(`PORT=${port} BYTES=0`));
    assert.match(out, new RegExp(`ERROR=error forwarding port ${port} to pod ${web}, uid [0-9a-f-]+: .*connection refused`));
  });

  for (const minor of [undefined, 27] as const) {
    const which = minor ? `kubectl 1.${minor} (SPDY)` : 'kubectl 1.32 (SPDY in WebSocket)';
    test(`${which}: port-forward pod/P LOCAL:80 serves the pod's page, connection after connection`, async () => {
      const local = await freePort();
      const f = startForward(c.cp.server.kubeconfigPath, minor, [...(minor ? [] : ['-v=4']), `pod/${web}`, `${local}:80`]);
      try {
        await waitFor('forwarding', async () => f.out().includes(`Forwarding from 127.0.0.1:${local} -> 80`), 15_000);
        const n = 2 + Math.floor(Math.random() * 3);
        for (let i = 0; i < n; i++) {
          const page = await get(local);
          assert.equal(page.status, 200);
          assert.match(page.body, /<title>Welcome to nginx!<\/title>/);
        }
        const missing = await get(local, `/absent-${suffix()}`);
        assert.equal(missing.status, 404);
        // Several at once share the one connection to the API server.
        const pages = await Promise.all(Array.from({ length: 4 }, () => get(local)));
        assert.deepEqual(pages.map((p) => p.status), [200, 200, 200, 200]);
        assert.equal((f.out().match(new RegExp(`Handling connection for ${local}`, 'g')) ?? []).length, n + 5);
        if (!minor) {
          // kubectl 1.32 tunnelled SPDY in WebSocket rather than falling back to plain SPDY.
          assert.match(f.err(), /negotiated protocol:? "?portforward\.k8s\.io/);
          assert.doesNotMatch(f.err(), /fallback to secondary dialer/);
        }
      } finally {
        f.child.kill('SIGINT');
        await f.exited;
      }
    });

    test(`${which}: a port nobody listens on: kubelet's error, then kubectl ends`, async () => {
      const local = await freePort();
      const remote = 20000 + Math.floor(Math.random() * 20000);
      const f = startForward(c.cp.server.kubeconfigPath, minor, [`pod/${web}`, `${local}:${remote}`]);
      try {
        await waitFor('forwarding', async () => f.out().includes(`-> ${remote}`), 15_000);
        await assert.rejects(get(local));
        await waitFor('error shown', async () => f.err().includes('error forwarding port'), 10_000);
        assert.match(f.err(), new RegExp(`an error occurred forwarding ${local} -> ${remote}: error forwarding port ${remote} to pod ${web}, uid [0-9a-f-]+: .*connection refused`));
        assert.equal(await Promise.race([f.exited, new Promise((r) => setTimeout(() => r('running'), 10_000))]), 1);
        assert.match(f.err(), /lost connection to pod/);
      } finally {
        f.child.kill('SIGKILL');
        await f.exited;
      }
    });
  }

  test('a missing pod: kubectl\'s not found, from both versions and the Python client', async () => {
    const absent = `absent-${suffix()}`;
    for (const minor of [undefined, 27]) {
      const f = startForward(c.cp.server.kubeconfigPath, minor, [`pod/${absent}`, '0:80']);
      assert.equal(await f.exited, 1);
      assert.match(f.err(), new RegExp(`pods "${absent}" not found`));
    }
    const out = await python(`
import sys
from kubernetes import client, config
from kubernetes.stream import portforward
config.load_kube_config(sys.argv[1])
core = client.CoreV1Api()
try:
    portforward(core.connect_get_namespaced_pod_portforward, sys.argv[2], 'default', ports='80')
    print('CONNECTED')
except Exception as e:
    print('FAILED ' + str(e).replace('\\n', ' '))
`, [c.cp.server.kubeconfigPath, absent]);
    assert.match(out, /FAILED .*(404|[Nn]ot [Ff]ound)/);
  });

  test('a client that vanishes mid-connection leaves no connection to the pod behind', async () => {
    const pod = await c.cp.client.get<Pod>(pods, 'default', web);
    const ip = pod.status?.podIP ?? '';
    assert.ok(ip, 'pod IP');
    const before = connectionsTo(ip, 80);
    for (const minor of [undefined, 27]) {
      const local = await freePort();
      const f = startForward(c.cp.server.kubeconfigPath, minor, [`pod/${web}`, `${local}:80`]);
      await waitFor('forwarding', async () => f.out().includes(`Forwarding from 127.0.0.1:${local}`), 15_000);
      // Half a request: nginx waits for the rest, holding the connection open.
      const opened = Array.from({ length: 2 + Math.floor(Math.random() * 3) }, () => net.connect(local, '127.0.0.1', function (this: net.Socket) {
        this.write('GET / HTTP/1.1\r\nHost: pod\r\n');
      }));
      for (const s of opened) s.on('error', () => undefined);
      await waitFor('connections to the pod', async () => connectionsTo(ip, 80) >= before + opened.length, 15_000);
      f.child.kill('SIGKILL');
      await f.exited;
      await waitFor('connections gone', async () => connectionsTo(ip, 80) === before, 15_000);
      for (const s of opened) s.destroy();
    }
  });

  test('skiff port-forward: kubectl\'s output, a pod\'s or a service\'s port, errors as kubectl shows them', async () => {
    const local = await freePort();
    const f = startForward(c.cp.server.kubeconfigPath, 'skiff', [web, `${local}:80`]);
    try {
      // Both loopbacks, as kubectl's default --address localhost.
      await waitFor('forwarding', async () => f.out().includes(`Forwarding from 127.0.0.1:${local} -> 80\nForwarding from [::1]:${local} -> 80\n`), 15_000);
      const page = await get(local);
      assert.equal(page.status, 200);
      assert.match(page.body, /<title>Welcome to nginx!<\/title>/);
      await waitFor('handled', async () => f.out().includes(`Handling connection for ${local}`), 5_000);
    } finally {
      f.child.kill('SIGINT');
      assert.equal(await f.exited, 0);
    }
    // A service's port is its target port on one of its pods; ':PORT' picks a free local port.
    const svc = `svc-${suffix()}`, svcPort = 8000 + Math.floor(Math.random() * 1000);
    await c.kubectl.ok(['label', 'pod', web, `app=${svc}`]);
    await c.kubectl.ok(['expose', 'pod', web, `--name=${svc}`, `--port=${svcPort}`, '--target-port=80']);
    const s = startForward(c.cp.server.kubeconfigPath, 'skiff', [`svc/${svc}`, `:${svcPort}`, '--address', '127.0.0.1']);
    try {
      const chosen = await waitFor('forwarding', async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 80\n/.exec(s.out())?.[1], 15_000);
      assert.doesNotMatch(s.out(), /::1/);
      assert.match((await get(Number(chosen))).body, /Welcome to nginx!/);
    } finally {
      s.child.kill('SIGINT');
      await s.exited;
    }
    const dead = 20000 + Math.floor(Math.random() * 20000), deadLocal = await freePort();
    const d = startForward(c.cp.server.kubeconfigPath, 'skiff', [`pod/${web}`, `${deadLocal}:${dead}`]);
    await waitFor('forwarding', async () => d.out().includes(`-> ${dead}`), 15_000);
    await assert.rejects(get(deadLocal));
    assert.equal(await d.exited, 1);
    assert.match(d.err(), new RegExp(`an error occurred forwarding ${deadLocal} -> ${dead}: error forwarding port ${dead} to pod ${web}, uid [0-9a-f-]+: .*connection refused`));
    assert.match(d.err(), /error: lost connection to pod/);
    for (const [args, message] of [
      [[web], /TYPE\/NAME and list of ports are required for port-forward/],
      [[`absent-${suffix()}`, '80'], /pods "absent-\w+" not found/],
      [[web, '1:2:3'], /invalid port format '1:2:3'/],
      [[web, '80:http'], new RegExp(`Pod '${web}' does not have a named port 'http'`)],
    ] as const) {
      const bad = startForward(c.cp.server.kubeconfigPath, 'skiff', [...args]);
      assert.equal(await bad.exited, 1);
      assert.match(bad.err(), message);
    }
  });

  test('megabytes of random bytes echo back intact through every client\'s port-forward', async () => {
    const data = crypto.randomBytes((2 + Math.floor(Math.random() * 4)) * 1024 * 1024);
    for (const minor of [undefined, 27, 'skiff'] as const) {
      const local = await freePort();
      const f = startForward(c.cp.server.kubeconfigPath, minor, [`pod/${echoPod}`, `${local}:9000`, '--address', '127.0.0.1']);
      try {
        await waitFor('forwarding', async () => f.out().includes(`Forwarding from 127.0.0.1:${local} -> 9000`), 15_000);
        // nc may still be starting its next listen: a first empty answer is tried again.
        const back = await waitFor('echo', async () => {
          const b = await echo(local, data).catch(() => Buffer.alloc(0));
          return b.length ? b : undefined;
        }, 30_000, 200);
        assert.equal(back.length, data.length, `${minor ?? 'kubectl'}: length`);
        assert.ok(back.equals(data), `${minor ?? 'kubectl'}: the same bytes`);
      } finally {
        f.child.kill('SIGINT');
        await f.exited;
      }
    }
  });
});
