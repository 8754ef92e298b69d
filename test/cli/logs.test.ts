/**
 * `skiff logs` through the API server's pods/log proxy to a stand-in kubelet: the query kubectl
 * sends (container, tailLines, timestamps, sinceSeconds, limitBytes, previous, follow), text
 * streamed as it arrives, `TYPE/NAME` picking the controller's pod, and the same answer as kubectl.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type https from 'node:https';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import type { Node, Pod } from '../../src/api/kinds.js';
import { nodes, pods, replicationControllers } from '../../src/api/resources.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { fakeNodeEndpoint } from '../helpers/apiserver.js';
import { Kubectl } from '../helpers/kubectl.js';
import { suffix } from '../controlplane/fixtures.js';
import { cliMain, skiff } from './run.js';

describe('skiff logs', () => {
  let c: TestCluster;
  let kubelet: https.Server;
  const asked: URL[] = [];
  const node = `logs-node-${suffix()}`;
  const podName = `talker-${suffix()}`;
  const app = `talk-${suffix()}`;
  const lines = Array.from({ length: 3 + Math.floor(Math.random() * 4) }, (_, i) => `line ${i} ${suffix()}`);

  before(async () => {
    c = await startTestCluster();
    kubelet = fakeNodeEndpoint(c.server.server, node, (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      asked.push(url);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      if (url.searchParams.get('follow') === 'true') {
        res.write(`${lines[0]!}\n`);
        setTimeout(() => res.end(`${lines[1]!}\n`), 400);
      } else res.end(lines.map((l) => `${l}\n`).join(''));
    });
    await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
    const port = (kubelet.address() as AddressInfo).port;
    const n = await c.client.create<Node>(nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: node } });
    await c.client.update<Node>(nodes, { ...n, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } }, 'status');
    await c.client.create(replicationControllers, {
      apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: app, namespace: 'default' },
      spec: { replicas: 1, selector: { app }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } } },
    });
    await c.client.create<Pod>(pods, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: podName, namespace: 'default', labels: { app } },
      spec: { nodeName: node, containers: [{ name: 'main', image: 'busybox' }, { name: 'side', image: 'busybox' }] },
    });
  });
  after(async () => {
    kubelet.close();
    await c.stop();
  });

  test('the query kubectl sends, and the text it prints', async () => {
    const r = await skiff(c.server.kubeconfig, ['logs', podName, '-c', 'side', '--tail=2', '--timestamps', '--since=5m', '--limit-bytes=100', '--previous']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, lines.map((l) => `${l}\n`).join(''));
    const q = asked.at(-1)!.searchParams;
    assert.equal(asked.at(-1)!.pathname, `/containerLogs/default/${podName}`);
    assert.deepEqual(Object.fromEntries(q), { container: 'side', tailLines: '2', timestamps: 'true', sinceSeconds: '300', limitBytes: '100', previous: 'true' });
  });

  test('several containers: the first, said on stderr as kubectl says it; same output as kubectl', async () => {
    const mine = await skiff(c.server.kubeconfig, ['logs', podName]);
    const theirs = await new Kubectl(c.server.kubeconfig).run(['logs', podName]);
    assert.equal(mine.stdout, theirs.stdout);
    assert.equal(mine.stderr, theirs.stderr);
    assert.equal(asked.at(-1)!.searchParams.get('container'), 'main');
  });

  test('rc/NAME uses the controller\'s pod', async () => {
    const r = await skiff(c.server.kubeconfig, ['logs', `rc/${app}`, '-c', 'main']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(asked.at(-1)!.pathname, `/containerLogs/default/${podName}`);
  });

  test('-f prints lines as they come', async () => {
    const child = spawn(process.execPath, [cliMain, 'logs', '-f', podName, '-c', 'main', `--kubeconfig=${c.server.kubeconfig}`], { env: { ...process.env, KUBECONFIG: '' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('first line before the stream ends', () => out === `${lines[0]!}\n`, 30_000, 10);
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 0);
    assert.equal(out, `${lines[0]!}\n${lines[1]!}\n`);
  });

  test('a missing pod: kubectl\'s NotFound', async () => {
    const r = await skiff(c.server.kubeconfig, ['logs', 'nope']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(NotFound\): pods "nope" not found/);
  });
});
