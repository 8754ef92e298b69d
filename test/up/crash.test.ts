/**
 * A real `skiff up` process that dies of a bug — an uncaught exception, an unhandled rejection,
 * a stray `process.exit` — leaves its pods running: it logs the error as one line, exits 1
 * (3 for the exit), and the next `skiff up` on the same data dir adopts the pods with the same
 * PIDs, container IDs and restart counts. Ctrl-C (SIGINT), the orderly stop, still stops them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { skiffMain } from '../helpers/paths.js';
import { crashHookArgs, type CrashMode } from '../helpers/crash.js';
import { Kubectl } from '../helpers/kubectl.js';
import { killLeftoverContainers } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { processRunning } from '../../src/util/process.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

let dataDir: string;
let up: ChildProcess | undefined;
let stderr = '';
const block = randomInt(30, 249);

before(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-crash-'));
});
after(async () => {
  if (up && up.exitCode === null && up.signalCode === null) {
    const gone = new Promise((r) => up!.once('exit', r));
    up.kill('SIGTERM');
    await gone;
  }
  killLeftoverContainers(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `skiff up` (with the test-only crash hook) and resolves once it says it is ready. */
async function startUp(mode: CrashMode): Promise<Kubectl> {
  stderr = '';
  up = spawn(process.execPath, [...crashHookArgs, skiffMain, 'up', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--address-block', String(block), '--node-name', `crash${block}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SKIFF_LOG_LEVEL: 'warn', SKIFF_TEST_CRASH: mode },
  });
  up.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitFor('skiff up ready', () => (stderr.includes('cluster ready') ? true : up!.exitCode !== null ? Promise.reject(new Error(`skiff up exited: ${stderr}`)) : undefined), 30_000);
  return new Kubectl(path.join(dataDir, 'kubeconfig'));
}

async function exitOf(p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (p.exitCode !== null || p.signalCode !== null) return { code: p.exitCode, signal: p.signalCode };
  return new Promise((r) => p.once('exit', (code, signal) => r({ code, signal })));
}

async function ready(kubectl: Kubectl, name: string): Promise<Pod> {
  return waitFor(`${name} ready`, async () => {
    const p = JSON.parse(await kubectl.ok(['get', 'pod', name, '-o', 'json'])) as Pod;
    return p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ? p : undefined;
  }, 30_000).catch((e: Error) => {
    throw new Error(`${e.message}; skiff up said: ${stderr}`);
  });
}

test('pods outlive skiff up dying of a bug, and are adopted; Ctrl-C stops them', async () => {
  let kubectl = await startUp('exception');
  const names = Array.from({ length: randomInt(2, 3) }, (_, i) => `sleeper-${i}-${suffix()}`);
  const pidFile = (name: string) => path.join(dataDir, `${name}.pids`);
  for (const name of names) {
    await kubectl.ok(['create', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', `echo $$$$ >> ${pidFile(name)}; exec sleep 600`] }] } }),
    });
  }
  const first = new Map<string, Pod>();
  for (const name of names) first.set(name, await ready(kubectl, name));
  // Each container's PID, written once per start: a restarted container would add a line.
  const pids = new Map(names.map((n) => [n, readFileSync(pidFile(n), 'utf8').trim()]));

  const modes: { mode: CrashMode; code: number; line?: RegExp }[] = [
    { mode: 'exception', code: 1, line: /"msg":"skiff up: uncaught exception: injected bug: thrown from a timer; exiting with pods left running/ },
    { mode: 'rejection', code: 1, line: /"msg":"skiff up: unhandled rejection: injected bug: rejected promise; exiting with pods left running/ },
    { mode: 'exit', code: 3 },
  ];
  for (const [i, m] of modes.entries()) {
    up!.kill('SIGUSR2');
    const { code } = await exitOf(up!);
    assert.equal(code, m.code, `skiff up dies of the ${m.mode} (${stderr})`);
    if (m.line) {
      const fatal = stderr.split('\n').filter((l) => l.includes('"level":60'));
      assert.equal(fatal.length, 1, `one fatal line: ${stderr}`);
      assert.match(fatal[0]!, m.line);
    }
    // Nobody runs the cluster now; the containers go on.
    for (const name of names) assert.ok(processRunning(Number(pids.get(name))), `${name}'s container survived the ${m.mode}`);

    // Started again (ready for the next bug), it adopts them.
    kubectl = await startUp(modes[i + 1]?.mode ?? 'exit');
    for (const name of names) {
      const p = await ready(kubectl, name);
      const s = p.status?.containerStatuses?.[0];
      assert.equal(s?.containerID, first.get(name)!.status?.containerStatuses?.[0]?.containerID, `${name}: adopted after the ${m.mode}, not started again`);
      assert.equal(s?.restartCount, 0);
      assert.equal(readFileSync(pidFile(name), 'utf8').trim(), pids.get(name), `${name}: the same process`);
      assert.ok(processRunning(Number(pids.get(name))));
    }
  }

  // The orderly stop: Ctrl-C ends skiff up and its pods with it.
  up!.kill('SIGINT');
  assert.equal((await exitOf(up!)).code, 0);
  for (const name of names) assert.equal(processRunning(Number(pids.get(name))), false, `${name} stopped with skiff up`);
});
