/**
 * A `skiff agent` (process runtime) killed outright and started again over a pod that finished
 * its init containers: the new agent takes over the running app and sidecar, and does not run
 * the init container again — it ran once, its status stays Completed, the app keeps its ID.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { skiffMain } from '../helpers/paths.js';
import { killLeftoverContainers, startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';

let c: UpCluster;
let agent: ChildProcess | undefined;
let agentDir: string;
let agentErr = '';
const node = `init-adopter-${suffix()}`;

before(async () => {
  c = await startUpCluster({ nodes: 1 });
  agentDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-init-adopt-'));
});
after(async () => {
  await stopAgent('SIGTERM');
  killLeftoverContainers(agentDir);
  await c.stop();
  rmSync(agentDir, { recursive: true, force: true });
});

function startAgent(): void {
  agentErr = '';
  agent = spawn(process.execPath, [
    skiffMain, 'agent',
    '--server', c.cp.server.url, '--token', c.cp.server.joinToken, '--ca-cert', path.join(c.dataDir, 'pki', 'ca.crt'),
    '--data-dir', agentDir, '--node-name', node, '--address', c.block.nodeAddress(9), '--pod-range', `${c.block.podPrefix(9)}0/24`, '--node-labels', `adopt=${node}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SKIFF_LOG_LEVEL: 'info' } });
  agent.stderr!.on('data', (d: Buffer) => (agentErr += d.toString()));
}

async function stopAgent(signal: NodeJS.Signals): Promise<void> {
  if (!agent || agent.exitCode !== null || agent.signalCode !== null) return;
  const gone = new Promise((r) => agent!.once('exit', r));
  agent.kill(signal);
  await gone;
}

/** The file the init container appends to, in the pod's emptyDir on the agent's data dir. */
function runsFile(uid: string): string | undefined {
  const walk = (dir: string, depth: number): string | undefined => {
    const here = path.join(dir, 'pods', uid, 'volumes', 'work', 'runs');
    if (existsSync(here)) return here;
    if (depth === 0) return undefined;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const found = e.isDirectory() ? walk(path.join(dir, e.name), depth - 1) : undefined;
      if (found) return found;
    }
    return undefined;
  };
  return walk(agentDir, 2);
}

test('a restarted agent does not run completed init containers again', async () => {
  startAgent();
  const name = `initialized-${suffix()}`;
  const m = path.join(os.tmpdir(), `skiff-init-adopt-mnt-${suffix()}`);
  try {
    await c.kubectl.ok(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name },
        spec: {
          nodeSelector: { adopt: node },
          volumes: [{ name: 'work', emptyDir: {} }],
          initContainers: [
            { name: 'setup', image: 'busybox', volumeMounts: [{ name: 'work', mountPath: m }], command: ['sh', '-c', `echo ran >> ${m}/runs`] },
            { name: 'side', image: 'busybox', restartPolicy: 'Always', command: ['sleep', '600'] },
          ],
          containers: [{ name: 'app', image: 'busybox', command: ['sleep', '600'] }],
        },
      }),
    });
    const ready = (what: string) => waitFor(what, async () => {
      const p = await c.cp.client.get<Pod>(pods, 'default', name);
      return p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ? p : undefined;
    }, 30_000).catch((e: Error) => {
      throw new Error(`${e.message}; agent said: ${agentErr}`);
    });
    const first = await ready('ready');
    const file = runsFile(first.metadata.uid ?? '');
    assert.ok(file, 'the init container wrote to its volume');
    assert.equal(readFileSync(file, 'utf8'), 'ran\n');

    await stopAgent('SIGKILL');
    startAgent();
    await waitFor('the agent joined again', () => agentErr.includes('joined'), 20_000);
    // A pod created now and running means the new agent has long since synced the old one
    // (and would have started its init container again by then).
    const marker = `marker-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: marker }, spec: { nodeSelector: { adopt: node }, containers: [{ name: 'm', image: 'busybox', command: ['sleep', '600'] }] } }) });
    await waitFor('the marker pod running', async () => (await c.cp.client.get<Pod>(pods, 'default', marker)).status?.phase === 'Running', 20_000);
    const p = await ready('ready again');
    assert.equal(readFileSync(file, 'utf8'), 'ran\n', 'the init container ran once');
    assert.equal(p.status?.containerStatuses?.[0]?.containerID, first.status?.containerStatuses?.[0]?.containerID, 'the app was taken over');
    assert.equal(p.status?.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.equal(p.status?.initContainerStatuses?.[0]?.restartCount, 0);
    assert.equal(p.status?.initContainerStatuses?.[1]?.containerID, first.status?.initContainerStatuses?.[1]?.containerID, 'the sidecar was taken over');
    await c.kubectl.ok(['delete', 'pod', name, marker, '--grace-period=1']);
  } finally {
    rmSync(m, { recursive: true, force: true });
  }
});
