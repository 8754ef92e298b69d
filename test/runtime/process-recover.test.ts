/**
 * An agent that dies (SIGKILL) leaves its containers running; a process runtime started again on
 * the same data dir takes them over: same containers, same addresses, output read on without a
 * gap, exit codes of containers that ended meanwhile, and stop/exec as for its own. (Output of a
 * container that ends while no agent runs is lost with its pipe: the quitter's "bye".)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessRuntime, type RecoveredSandbox } from '../../src/runtime/index.js';
import { waitFor } from '../helpers/cluster.js';
import { killLeftoverContainers } from '../helpers/upcluster.js';
import { runThenCrash } from '../helpers/crash.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'recover-child.js');
const prefix = '127.13.9.';
let dataDir: string;
let runtime: ProcessRuntime | undefined;
before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-recover-'));
});
after(async () => {
  await runtime?.close();
  killLeftoverContainers(dataDir);
  await rm(dataDir, { recursive: true, force: true });
});

interface Started { name: string; uid: string; ip: string; id: string }

/** Runs the child "agent" until it has started everything, then kills it outright. */
function crashAfterStarting(specs: Record<string, string>): Promise<Started[]> {
  return runThenCrash<Started[]>(child, [dataDir, prefix, ...Object.entries(specs).map(([k, v]) => `${k}=${v}`)]);
}

function pidOf(uid: string, name = 'main'): number {
  return (JSON.parse(readFileSync(path.join(dataDir, 'containers', uid, name, 'run.json'), 'utf8')) as { pid: number }).pid;
}

const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

test('a runtime started again adopts what a killed agent left running', async () => {
  const quitCode = 3 + Math.floor(Math.random() * 50);
  const started = await crashAfterStarting({
    counter: 'i=0; while :; do i=$((i+1)); echo "$WHO line $i"; sleep 0.05; done',
    quitter: `sleep 1; echo bye; exit ${quitCode}`,
    victim: 'sleep 1000',
    server: 'sleep 1000',
  });
  const byName = new Map(started.map((s) => [s.name, s]));
  const counterPid = pidOf(byName.get('counter')!.uid);
  assert.ok(alive(counterPid), 'the counter outlives the agent that started it');
  // While no agent runs: the quitter ends by itself, the victim is killed outright.
  process.kill(-pidOf(byName.get('victim')!.uid), 'SIGKILL');
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(alive(counterPid), 'the counter keeps running with nobody reading its output');

  runtime = new ProcessRuntime({ podAddressPrefix: prefix, dataDir, warn: () => undefined });
  const recovered = await runtime.recover();
  const found = new Map<string, RecoveredSandbox>(recovered.map((r) => [r.sandbox.podUid, r]));
  assert.equal(found.size, started.length);
  for (const s of started) {
    const r = found.get(s.uid);
    assert.ok(r, `sandbox of ${s.name} recovered`);
    assert.equal(r.sandbox.ip, s.ip, `${s.name} keeps its address`);
    assert.equal(r.containers.length, 1);
    assert.equal(r.containers[0]!.run.id, s.id, `${s.name} is the same container`);
    assert.equal(r.containers[0]!.attempt, 2);
  }
  const run = (name: string) => found.get(byName.get(name)!.uid)!.containers[0]!.run;
  const quit = await run('quitter').exited;
  assert.equal(quit.exitCode, quitCode);
  assert.equal(quit.reason, 'Error');
  const victim = await run('victim').exited;
  assert.equal(victim.exitCode, 137);

  // A new pod gets an address no recovered sandbox has.
  const { testPod } = await import('./subject.js');
  const fresh = await runtime.runSandbox(testPod('fresh', { name: 'main', image: 'busybox' }));
  assert.ok(!started.some((s) => s.ip === fresh.ip), fresh.ip);

  // exec reaches an adopted container; its output is read on with nothing lost or repeated.
  const e = await runtime.exec(run('server').id, ['sh', '-c', 'echo "in $WHO"'], 5000);
  assert.equal(e.output.trim(), 'in server');
  const logFile = path.join(dataDir, 'logs', 'counter.log');
  const numbers = async (): Promise<number[]> => (await readFile(logFile, 'utf8')).trimEnd().split('\n').map((l) => Number(/counter line (\d+)$/.exec(l)?.[1]));
  const before = (await numbers()).length;
  await waitFor('the counter log grows again', async () => ((await numbers()).length > before + 10 ? true : undefined), 10_000);
  await runtime.stopContainer(run('counter').id, 5);
  const end = await run('counter').exited;
  assert.equal(end.exitCode, 143);
  assert.ok(!alive(counterPid), 'stopped');
  const seen = await numbers();
  assert.deepEqual(seen, Array.from({ length: seen.length }, (_, i) => i + 1), 'every line once, in order');
});

test('containers of sandboxes outside the node\'s new pod range are stopped, not adopted', async () => {
  const started = await crashAfterStarting({ [`moved-${process.pid}`]: 'sleep 1000' });
  const pid = pidOf(started[0]!.uid);
  assert.ok(alive(pid));
  const other = new ProcessRuntime({ podAddressPrefix: '127.13.10.', dataDir, warn: () => undefined });
  try {
    const recovered = await other.recover();
    assert.ok(!recovered.some((r) => r.sandbox.podUid === started[0]!.uid), 'not adopted');
    await waitFor('its process is gone', () => (alive(pid) ? undefined : true), 5000);
  } finally {
    await other.close();
  }
});
