/**
 * Agent restart adoption: a `skiff agent` killed outright (SIGKILL) leaves its pods' containers
 * running; started again on the same data dir it takes them over instead of starting twins —
 * same container IDs, no restarts, logs without a gap — learns how containers that ended in the
 * meantime ended, and stops the containers of pods deleted while it was away. An agent that
 * dies of a bug (an uncaught exception) leaves its pods running just the same.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { skiffMain } from '../helpers/paths.js';
import { crashHookArgs, type CrashMode } from '../helpers/crash.js';
import { httpGetOnce, killLeftoverContainers, startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';
import { processesWith } from './streamfixtures.js';

let c: UpCluster;
let agent: ChildProcess | undefined;
let agentDir: string;
let agentErr = '';
const node = `adopter-${suffix()}`;

before(async () => {
  c = await startUpCluster({ nodes: 1 });
  agentDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-adopt-'));
});
after(async () => {
  await stopAgent('SIGTERM');
  killLeftoverContainers(agentDir);
  await c.stop();
  rmSync(agentDir, { recursive: true, force: true });
});

/** Starts `skiff agent`; with `crash`, the test-only hook that fails it as a bug would on SIGUSR2. */
function startAgent(crash?: CrashMode): void {
  agent = spawn(process.execPath, [
    ...(crash ? crashHookArgs : []), skiffMain, 'agent',
    '--server', c.cp.server.url, '--token', c.cp.server.joinToken, '--ca-cert', path.join(c.dataDir, 'pki', 'ca.crt'),
    '--data-dir', agentDir, '--node-name', node, '--address', c.block.nodeAddress(7), '--pod-range', `${c.block.podPrefix(7)}0/24`, '--node-labels', `adopt=${node}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SKIFF_LOG_LEVEL: 'warn', ...(crash ? { SKIFF_TEST_CRASH: crash } : {}) } });
  agent.stderr!.on('data', (d: Buffer) => (agentErr += d.toString()));
}

async function stopAgent(signal: NodeJS.Signals): Promise<number | null> {
  if (!agent || agent.exitCode !== null || agent.signalCode !== null) return agent?.exitCode ?? null;
  const gone = new Promise<number | null>((r) => agent!.once('exit', (code) => r(code)));
  agent.kill(signal);
  return gone;
}

const get = (name: string): Promise<Pod> => c.cp.client.get<Pod>(pods, 'default', name);

async function running(name: string): Promise<Pod> {
  return waitFor(`${name} running and ready`, async () => {
    const p = await get(name);
    return p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ? p : undefined;
  }, 30_000).catch((e: Error) => {
    throw new Error(`${e.message}; agent said: ${agentErr}`);
  });
}

function pod(name: string, restartPolicy: 'Always' | 'Never', container: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeSelector: { adopt: node }, restartPolicy, containers: [{ name: 'main', ...container }] } });
}

test('a restarted agent adopts its running containers, learns exits, and drops orphans', async () => {
  startAgent();
  const webs = Array.from({ length: randomInt(2, 3) }, (_, i) => `web-${i}-${suffix()}`);
  const counter = `count-${suffix()}`;
  const quitter = `quit-${suffix()}`;
  const doomed = `doomed-${suffix()}`;
  const release = path.join(agentDir, `release-${suffix()}`);
  const quitCode = randomInt(3, 60);
  for (const w of [...webs, doomed]) await c.kubectl.ok(['create', '-f', '-'], { input: pod(w, 'Always', { image: 'nginx', ports: [{ containerPort: 80 }] }) });
  await c.kubectl.ok(['create', '-f', '-'], { input: pod(counter, 'Always', { image: 'busybox', command: ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.1; done'] }) });
  await c.kubectl.ok(['create', '-f', '-'], { input: pod(quitter, 'Never', { image: 'busybox', command: ['sh', '-c', `while [ ! -e ${release} ]; do sleep 0.1; done; exit ${quitCode}`] }) });

  const before = new Map<string, Pod>();
  for (const name of [...webs, counter, quitter, doomed]) before.set(name, await running(name));
  const id = (p: Pod): string => p.status?.containerStatuses?.[0]?.containerID ?? '';

  assert.equal(await stopAgent('SIGKILL'), null);
  // Nobody runs the node now; its pods go on serving.
  for (const w of webs) assert.match((await httpGetOnce(`http://${before.get(w)!.status!.podIP!}/`)).body, /Welcome to nginx!/);
  writeFileSync(release, ''); // the quitter ends while no agent watches
  await c.kubectl.ok(['delete', 'pod', doomed, '--grace-period=0', '--force']);
  await new Promise((r) => setTimeout(r, 500));

  startAgent();
  for (const w of webs) {
    const p = await running(w);
    assert.equal(id(p), id(before.get(w)!), `${w}: the same container, not a twin`);
    assert.equal(p.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.equal(p.status?.podIP, before.get(w)!.status?.podIP);
    assert.match((await httpGetOnce(`http://${p.status!.podIP!}/`)).body, /Welcome to nginx!/);
  }
  const ended = await waitFor('the quitter reported Failed with its exit code', async () => {
    const p = await get(quitter);
    return p.status?.phase === 'Failed' ? p : undefined;
  }, 20_000);
  assert.equal(ended.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, quitCode);
  assert.equal(id(ended), id(before.get(quitter)!));

  await waitFor('the orphaned pod\'s nginx is stopped', async () => {
    try {
      await httpGetOnce(`http://${before.get(doomed)!.status!.podIP!}/`, 1000);
      return undefined;
    } catch {
      return true;
    }
  }, 15_000);

  // The counter's log runs on across the restart: every tick once, in order.
  await new Promise((r) => setTimeout(r, 500));
  const ticks = (await c.kubectl.ok(['logs', counter])).trimEnd().split('\n').map((l) => Number(/^tick (\d+)$/.exec(l)?.[1]));
  assert.ok(ticks.length > 10, `${ticks.length} ticks`);
  assert.deepEqual(ticks, Array.from({ length: ticks.length }, (_, i) => i + 1));
  assert.equal(id(await running(counter)), id(before.get(counter)!));

  assert.equal(await stopAgent('SIGTERM'), 0, `the agent's stop was not clean: ${agentErr.slice(-3000)}`);
});

test('an agent that dies of an uncaught exception leaves its pods running; started again it adopts them', async () => {
  await stopAgent('SIGTERM');
  startAgent('exception');
  const name = `survivor-${suffix()}`;
  await c.kubectl.ok(['create', '-f', '-'], { input: pod(name, 'Always', { image: 'nginx', ports: [{ containerPort: 80 }] }) });
  const first = await running(name);
  agentErr = '';
  agent!.kill('SIGUSR2');
  const code = await new Promise<number | null>((r) => (agent!.exitCode !== null ? r(agent!.exitCode) : agent!.once('exit', (c) => r(c))));
  assert.equal(code, 1);
  assert.match(agentErr, /"msg":"skiff agent: uncaught exception: injected bug: thrown from a timer; exiting with pods left running/);
  // Nobody runs the node now; the pod goes on serving.
  assert.match((await httpGetOnce(`http://${first.status!.podIP!}/`)).body, /Welcome to nginx!/);
  agentErr = '';
  startAgent();
  // The pod's status still says Ready from before: wait for the new agent to be up first.
  await waitFor('the agent joined again', () => agentErr.includes('joined'), 20_000);
  const p = await running(name);
  assert.equal(p.status?.containerStatuses?.[0]?.containerID, first.status?.containerStatuses?.[0]?.containerID);
  assert.equal(p.status?.containerStatuses?.[0]?.restartCount, 0);
  assert.match((await httpGetOnce(`http://${p.status!.podIP!}/`)).body, /Welcome to nginx!/);
  await c.kubectl.ok(['delete', 'pod', name, '--grace-period=0', '--force']);
  assert.equal(await stopAgent('SIGTERM'), 0, `the agent's stop was not clean: ${agentErr.slice(-3000)}`);
});

test('a restarted agent adopts a debug (ephemeral) container instead of running it again', async () => {
  agentErr = '';
  startAgent();
  const name = `debugged-${suffix()}`, dbg = `dbg-${suffix()}`, mark = `sleep ${randomInt(200000, 300000)}`;
  await c.kubectl.ok(['create', '-f', '-'], { input: pod(name, 'Always', { image: 'busybox', command: ['sleep', '100000'] }) });
  await running(name);
  await c.kubectl.ok(['debug', name, '--image=busybox', `--container=${dbg}`, '--', 'sh', '-c', `exec ${mark}`]);
  const debugId = async (): Promise<string | undefined> => {
    const s = (await get(name)).status?.ephemeralContainerStatuses?.find((x) => x.name === dbg);
    return s?.state?.running ? s.containerID : undefined;
  };
  const first = await waitFor('debug container running', debugId, 30_000);
  const count = processesWith(mark);
  assert.ok(count > 0);
  assert.equal(await stopAgent('SIGKILL'), null);
  agentErr = '';
  startAgent();
  await waitFor('agent back', async () => agentErr.includes('joined') || undefined, 30_000);
  // Long enough for a second start, had the agent made one.
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(processesWith(mark), count, 'the same debug process, no second one');
  assert.equal(await debugId(), first);
  assert.equal(await stopAgent('SIGTERM'), 0, `the agent's stop was not clean: ${agentErr.slice(-3000)}`);
});
