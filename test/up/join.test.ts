/** A node in another process joining by token (`skiff agent`): it registers, runs the pods the
 * scheduler gives it, serves their logs through the API server, and leaves cleanly. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node, Pod } from '../../src/api/kinds.js';
import { nodes, pods } from '../../src/api/resources.js';
import { skiffMain } from '../helpers/paths.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';

let c: UpCluster;
let agent: ChildProcess | undefined;
let agentDir: string;
let agentErr = '';
before(async () => {
  c = await startUpCluster({ nodes: 1 });
  agentDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-agent-'));
});
after(async () => {
  if (agent && agent.exitCode === null) {
    const gone = new Promise((r) => agent!.once('exit', r));
    agent.kill('SIGTERM');
    await gone;
  }
  await c.stop();
  rmSync(agentDir, { recursive: true, force: true });
});

test('skiff agent joins by token, runs pods, serves their logs, and stops cleanly', async () => {
  const name = `joiner-${suffix()}`;
  const address = c.block.nodeAddress(9);
  const podRange = `${c.block.podPrefix(9)}0/24`;
  agent = spawn(process.execPath, [
    skiffMain, 'agent',
    '--server', c.cp.server.url, '--token', c.cp.server.joinToken, '--ca-cert', path.join(c.dataDir, 'pki', 'ca.crt'),
    '--data-dir', agentDir, '--node-name', name, '--address', address, '--pod-range', podRange, '--node-labels', `joined=${name}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SKIFF_LOG_LEVEL: 'warn' } });
  agent.stderr!.on('data', (d: Buffer) => (agentErr += d.toString()));

  const node = await waitFor('node registered and Ready', async () => {
    const n = await c.cp.client.get<Node>(nodes, undefined, name).catch(() => undefined);
    return n?.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? n : undefined;
  }, 20_000).catch((e: Error) => {
    throw new Error(`${e.message}; agent said: ${agentErr}`);
  });
  assert.equal(node.metadata.labels?.['joined'], name);
  assert.equal(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, address);

  // A wrong token is refused.
  const bad = await fetch(`${c.cp.server.url}/api/v1/nodes`, { headers: { Authorization: 'Bearer nope' } }).catch(() => undefined);
  assert.ok(bad === undefined || bad.status === 401);

  const pod = `hello-${suffix()}`;
  const lines = 2 + Math.floor(Math.random() * 4);
  await c.kubectl.ok(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: pod },
      spec: { nodeSelector: { joined: name }, restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', `for i in $(seq ${lines}); do echo "hello $i from $(NODE)"; done`], env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] }] },
    }),
  });
  const done = await waitFor('pod succeeded on the joined node', async () => {
    const p = await c.cp.client.get<Pod>(pods, 'default', pod);
    return p.status?.phase === 'Succeeded' ? p : undefined;
  }, 20_000);
  assert.equal(done.spec.nodeName, name);
  assert.ok(done.status?.podIP?.startsWith(c.block.podPrefix(9)));
  const log = await c.kubectl.ok(['logs', pod]);
  assert.equal(log, Array.from({ length: lines }, (_, i) => `hello ${i + 1} from ${name}\n`).join(''));

  const exited = new Promise<number | null>((r) => agent!.once('exit', r));
  agent.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(agentErr, /joined/);
});

test('an agent with the name of a live node is refused and changes nothing', async () => {
  const taken = c.nodeNames[0]!;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-agent-twin-'));
  try {
    const twin = spawn(process.execPath, [
      skiffMain, 'agent',
      '--server', c.cp.server.url, '--token', c.cp.server.joinToken, '--ca-cert', path.join(c.dataDir, 'pki', 'ca.crt'),
      '--data-dir', dir, '--node-name', taken, '--address', c.block.nodeAddress(8), '--pod-range', `${c.block.podPrefix(8)}0/24`, '--kubelet-port', '0',
    ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SKIFF_LOG_LEVEL: 'warn' } });
    let err = '';
    twin.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => twin.once('exit', r));
    assert.equal(code, 1, err);
    assert.match(err, new RegExp(`^skiff agent: node "${taken}" is run by another live agent at ${c.nodeAddresses[0]!.replace(/\./g, '\\.')} \\(its lease was renewed \\d+s ago\\): give this agent another name with --node-name, or stop the other one first$`, 'm'));
    const node = await c.cp.client.get<Node>(nodes, undefined, taken);
    assert.equal(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, c.nodeAddresses[0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
