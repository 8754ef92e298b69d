/** Volumes at their containerPath: a private mount namespace per container (isolation.ts), and
 * what starting a container costs with and without one. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Container } from '../../src/api/kinds.js';
import type { Mount } from '../../src/runtime/index.js';
import { probeIsolation } from '../../src/runtime/process/isolation.js';
import { testPod } from './subject.js';
import { processSubject, type ProcessSubject } from './process-subject.js';

const iso = probeIsolation();

describe('process runtime: mounts', { skip: iso.mounts === 'none' ? 'no private mount namespace on this host (unshare failed)' : false }, () => {
  let s: ProcessSubject;
  let host: string;
  let target: string;
  before(async () => {
    s = await processSubject('127.13.8.');
    host = await mkdtemp(path.join(os.tmpdir(), 'skiff-vol-'));
    await writeFile(path.join(host, 'greeting'), 'hello from the volume\n');
    // A containerPath that does not exist on the host (it is created, empty, as Docker does).
    target = path.join(os.tmpdir(), `skiff-ctr-${process.pid}`, 'data');
  });
  after(async () => {
    await s.dispose();
    await rm(host, { recursive: true, force: true });
    await rm(path.dirname(target), { recursive: true, force: true });
  });

  async function run(name: string, command: string[], mounts: Mount[], extra: Partial<Container> = {}): Promise<{ id: string; log: () => Promise<string>; done: Promise<unknown> }> {
    const container: Container = { name: 'main', image: 'busybox', ...extra };
    const pod = testPod(name, container, { restartPolicy: 'Never' });
    const opts = s.options(name, { command, mounts });
    const c = await s.runtime.startContainer(await s.runtime.runSandbox(pod), pod, container, 0, opts);
    return { id: c.id, log: () => readFile(opts.logPath, 'utf8'), done: c.exited };
  }

  void test('a volume appears at its containerPath; read-only mounts refuse writes; the host sees no mount', async () => {
    const rw = await run('rw', ['sh', '-c', `cat ${target}/greeting && echo written > ${target}/new`], [{ hostPath: host, containerPath: target, readOnly: false }]);
    await rw.done;
    assert.match(await rw.log(), /stdout F hello from the volume/);
    assert.equal(await readFile(path.join(host, 'new'), 'utf8'), 'written\n');
    const ro = await run('ro', ['sh', '-c', `echo nope > ${target}/other`], [{ hostPath: host, containerPath: target, readOnly: true }]);
    assert.notEqual(((await ro.done) as { exitCode: number }).exitCode, 0);
    assert.match(await ro.log(), /Read-only file system/);
    await mkdir(target, { recursive: true });
    assert.deepEqual(await import('node:fs/promises').then((f) => f.readdir(target)), [], 'the mount stayed in the container');
  });

  void test('workingDir inside a volume, and exec sees the volume too', async () => {
    const c = await run('wd', ['sh', '-c', 'pwd; sleep 1000'], [{ hostPath: host, containerPath: target, readOnly: false }], { workingDir: target });
    const r = await s.runtime.exec(c.id, ['cat', `${target}/greeting`], 5000);
    assert.equal(r.output, 'hello from the volume\n');
    await s.runtime.stopContainer(c.id, 1);
    assert.match(await c.log(), new RegExp(`stdout F ${target}\n`));
  });

  void test('a hostPath volume at its own path needs no namespace (the fluentd seed)', async () => {
    const c = await run('same', ['ls', host], [{ hostPath: host, containerPath: host, readOnly: true }]);
    await c.done;
    assert.match(await c.log(), /stdout F greeting/);
  });

  void test('spawn latency: plain vs with a mount namespace (diagnostic)', async (t) => {
    const measure = async (label: string, mounts: Mount[]): Promise<void> => {
      const ms: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        const c = await run(`lat-${label}-${i}`, ['true'], mounts);
        ms.push(performance.now() - t0);
        await c.done;
      }
      ms.sort((a, b) => a - b);
      t.diagnostic(`startContainer ${label}: median ${ms[7]!.toFixed(1)} ms, max ${ms.at(-1)!.toFixed(1)} ms`);
    };
    await measure('plain', []);
    await measure('with 2 mounts', [{ hostPath: host, containerPath: target, readOnly: false }, { hostPath: host, containerPath: `${target}-ro`, readOnly: true }]);
  });
});
