/**
 * An agent that dies (SIGKILL) leaves its oci containers running; an oci runtime started again
 * on the same data dir takes them over: same sandboxes and addresses, output read on, exit codes
 * of containers that ended meanwhile, stop and exec as for its own; close then leaves nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecoveredSandbox } from '../../src/runtime/index.js';
import { OciRuntime } from '../../src/runtime/oci/index.js';
import { installOciPackages, RootfsImages } from '../helpers/rootfs-image.js';
import { busybox, eventually, removeBridge } from './oci-subject.js';
import { testPod } from './subject.js';
import { runThenCrash } from '../helpers/crash.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'oci-recover-child.js');
const net = { podCIDR: '10.201.4.0/24', bridge: 'skiff-rec0' };
let dataDir: string;
let images: RootfsImages;
let runtime: OciRuntime | undefined;
const childRootfs: string[] = [];

before(async () => {
  await installOciPackages();
  images = await RootfsImages.create();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-oci-recover-'));
});
after(async () => {
  await runtime?.close();
  await removeBridge(net.bridge);
  await images?.dispose();
  for (const d of childRootfs) await rm(d, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

interface Started { name: string; uid: string; ip: string; id: string; rootfs: string }

async function crashAfterStarting(specs: Record<string, string>): Promise<Started[]> {
  const started = await runThenCrash<Started[]>(child, [dataDir, net.podCIDR, net.bridge, `skiff-test-${process.pid}`, ...Object.entries(specs).map(([k, v]) => `${k}=${v}`)]);
  childRootfs.push(...new Set(started.map((s) => s.rootfs)));
  return started;
}

void test('containers outlive a crashed agent and are adopted by the next', async () => {
  const started = await crashAfterStarting({
    runner: 'trap "echo bye; exit 143" TERM; i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.1; done',
    quitter: 'echo "quitting as $WHO"; sleep 0.3; exit 5',
  });
  await new Promise((r) => setTimeout(r, 800)); // the quitter ends while no agent runs
  // The child's image rootfs stays (the overlay's lower dir): the new runtime serves the same names.
  runtime = new OciRuntime({ dataDir, podCIDR: net.podCIDR, bridge: net.bridge, images, cgroupParent: `skiff-test-${process.pid}` });
  const found: RecoveredSandbox[] = await runtime.recover();
  assert.equal(found.length, 2);
  const by = (name: string): RecoveredSandbox => found.find((f) => f.sandbox.podUid === started.find((s) => s.name === name)!.uid)!;
  const runner = by('runner');
  const quitter = by('quitter');
  assert.equal(runner.sandbox.ip, started.find((s) => s.name === 'runner')!.ip);
  assert.equal(runner.containers[0]!.attempt, 2);
  assert.equal(runner.containers[0]!.run.id, started.find((s) => s.name === 'runner')!.id);

  const quit = await quitter.containers[0]!.run.exited;
  assert.equal(quit.exitCode, 5);
  assert.equal(quit.reason, 'Error');

  const run = runner.containers[0]!.run;
  const exec = await runtime.exec(run.id, ['sh', '-c', 'echo "in $WHO"'], 5000);
  assert.equal(exec.output.trim(), 'in runner');
  const log = path.join(dataDir, 'logs', 'runner.log');
  const before = (await readFile(log, 'utf8')).split('\n').length;
  await eventually(async () => assert.ok((await readFile(log, 'utf8')).split('\n').length > before + 2, 'output read on after adoption'));
  await runtime.stopContainer(run.id, 5);
  const exit = await run.exited;
  assert.equal(exit.exitCode, 143);
  assert.match(await readFile(log, 'utf8'), /stdout F bye/);

  // A new container in an adopted sandbox works as in its own.
  const container = { name: 'again', image: busybox };
  const pod = testPod('runner', container);
  pod.metadata.uid = runner.sandbox.podUid;
  const again = await runtime.startContainer(runner.sandbox, pod, container, 0, { env: {}, command: ['sh', '-c', 'ip -4 addr show eth0'], mounts: [], logPath: path.join(dataDir, 'logs', 'again.log') });
  assert.equal((await again.exited).exitCode, 0);
  assert.match(await readFile(path.join(dataDir, 'logs', 'again.log'), 'utf8'), new RegExp(`inet ${runner.sandbox.ip.replace(/\./g, '\\.')}/`));
  await runtime.close();
  runtime = undefined;
});
