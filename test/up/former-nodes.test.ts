/**
 * A real `skiff up` process run again on its data dir with fewer nodes: the nodes it no longer
 * runs are removed (their containers stopped even when the last run was killed outright), and
 * their pods are replaced on the nodes that run — no ghost node NotReady forever, no pod that
 * looks alive on a node nobody runs.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { skiffMain } from '../helpers/paths.js';
import { Kubectl } from '../helpers/kubectl.js';
import { killLeftoverContainers } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { processRunning } from '../../src/util/process.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-former-'));
const block = randomInt(30, 249);
const base = `fn${block}`;
let up: ChildProcess | undefined;
let stderr = '';

after(async () => {
  if (up && up.exitCode === null && up.signalCode === null) {
    const gone = new Promise((r) => up!.once('exit', r));
    up.kill('SIGTERM');
    await gone;
  }
  killLeftoverContainers(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

async function startUp(nodes: number): Promise<Kubectl> {
  stderr = '';
  up = spawn(process.execPath, [skiffMain, 'up', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--address-block', String(block), '--node-name', base, '--nodes', String(nodes)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SKIFF_LOG_LEVEL: 'warn' },
  });
  up.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitFor('skiff up ready', () => (stderr.includes('cluster ready') ? true : up!.exitCode !== null ? Promise.reject(new Error(`skiff up exited: ${stderr}`)) : undefined), 30_000);
  return new Kubectl(path.join(dataDir, 'kubeconfig'));
}

const podsOf = async (k: Kubectl, app: string): Promise<Pod[]> => (JSON.parse(await k.ok(['get', 'pods', '-l', `app=${app}`, '-o', 'json'])) as { items: Pod[] }).items;
const ready = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

test('fewer nodes on the same data dir: the others are removed and their pods replaced where nodes run', async () => {
  const before = randomInt(3, 4);
  const after = before - 1;
  let kubectl = await startUp(before);
  const app = `keep-${suffix()}`;
  const replicas = before * 2;
  await kubectl.ok(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: app },
      spec: { replicas, selector: { app }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', `echo $$ > ${dataDir}/$HOSTNAME.pid; exec sleep 600`] }] } } },
    }),
  });
  const gone = `${base}-${before}`;
  const first = await waitFor(`${replicas} pods ready`, async () => {
    const ps = await podsOf(kubectl, app);
    return ps.length === replicas && ps.every(ready) ? ps : undefined;
  }, 60_000);
  const onGone = first.filter((p) => p.spec.nodeName === gone);
  assert.ok(onGone.length > 0, `some pods on ${gone}: ${first.map((p) => p.spec.nodeName).join(' ')}`);
  const pidOf = (p: Pod): number => Number(readFileSync(path.join(dataDir, `${p.metadata.name!}.pid`), 'utf8').trim());
  const gonePids = onGone.map(pidOf);

  // Killed outright: nothing stops the containers on the way out.
  up!.kill('SIGKILL');
  await new Promise((r) => up!.once('exit', r));
  kubectl = await startUp(after);
  assert.match(stderr, new RegExp(`removed node ${gone}, which this data dir ran before`));
  const nodeNames = (await kubectl.ok(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ').sort();
  assert.deepEqual(nodeNames, Array.from({ length: after }, (_, i) => `${base}-${i + 1}`));
  for (const pid of gonePids) assert.equal(processRunning(pid), false, `container process ${pid} of ${gone} stopped`);
  const now = await waitFor(`${replicas} pods ready on the ${after} nodes`, async () => {
    const ps = await podsOf(kubectl, app);
    return ps.length === replicas && ps.every(ready) ? ps : undefined;
  }, 60_000);
  assert.ok(now.every((p) => p.spec.nodeName !== gone), 'no pod on the removed node');
  const all = new RegExp(`${app}\\s+${replicas}\\s+${replicas}\\s+${replicas}\\s`);
  await waitFor('the RC counts them ready', async () => all.test(await kubectl.ok(['get', 'rc', app])) || undefined, 15_000, 200);
});
