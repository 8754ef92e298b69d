/** Volumes at their containerPath: a private mount namespace per container (isolation.ts), and
 * what starting a container costs with and without one. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

  void test('a volume appears at its containerPath; read-only mounts refuse writes; the host sees no mount and no mount point', async () => {
    const rw = await run('rw', ['sh', '-c', `cat ${target}/greeting && echo written > ${target}/new`], [{ hostPath: host, containerPath: target, readOnly: false }]);
    await rw.done;
    assert.match(await rw.log(), /stdout F hello from the volume/);
    assert.equal(await readFile(path.join(host, 'new'), 'utf8'), 'written\n');
    const ro = await run('ro', ['sh', '-c', `echo nope > ${target}/other`], [{ hostPath: host, containerPath: target, readOnly: true }]);
    assert.notEqual(((await ro.done) as { exitCode: number }).exitCode, 0);
    assert.match(await ro.log(), /Read-only file system/);
    assert.equal(existsSync(path.dirname(target)), false, 'the mount point was made on a shadow, not on the host');
  });

  // Mount points the host lacks, at every depth: below /tmp, at the top of / (the container is
  // then chrooted into a shadow of /), a file below /dev; none of them may appear on the host.
  const tag = randomBytes(4).toString('hex');
  const missing = [
    { name: 'nested below /tmp', dir: path.join(os.tmpdir(), `skiff-miss-${tag}`, 'a', 'b') },
    { name: 'at the top of /', dir: `/skiff-top-${tag}/data` },
    { name: 'two at the top of / and one below an existing dir', dir: `/skiff-top2-${tag}/x`, more: [`/skiff-top3-${tag}`, path.join(os.tmpdir(), `skiff-miss2-${tag}`)] },
  ];
  for (const m of missing) {
    void test(`a mount point the host lacks, ${m.name}: the container sees the volume and the host directory's contents, the host sees nothing new`, async () => {
      const extra = (m.more ?? []).map((d) => ({ hostPath: host, containerPath: d, readOnly: true }));
      const mounts = [{ hostPath: host, containerPath: m.dir, readOnly: false }, ...extra];
      const script = [`cat ${m.dir}/greeting`, ...(m.more ?? []).map((d) => `cat ${d}/greeting`), 'ls / >/dev/null && test -d /proc/self && echo proc', `test -e ${process.execPath} && echo host-files`, 'echo ready'].join('; ');
      const c = await run(`miss-${randomBytes(3).toString('hex')}`, ['sh', '-c', `${script}; sleep 1000`], mounts);
      for (let i = 0; i < 200 && !/stdout F ready/.test(await c.log()); i++) await new Promise((res) => setTimeout(res, 25));
      const r = await s.runtime.exec(c.id, ['cat', `${m.dir}/greeting`], 5000);
      assert.equal(r.output, 'hello from the volume\n', 'exec sees the volume too');
      await s.runtime.stopContainer(c.id, 1);
      const log = await c.log();
      assert.equal((log.match(/stdout F hello from the volume/g) ?? []).length, 1 + (m.more?.length ?? 0), log);
      assert.match(log, /stdout F proc\n/);
      assert.match(log, /stdout F host-files\n/);
      for (const d of [m.dir, ...(m.more ?? [])]) {
        const top = `/${d.split('/').filter(Boolean).slice(0, d.startsWith(os.tmpdir()) ? os.tmpdir().split('/').filter(Boolean).length + 1 : 1).join('/')}`;
        assert.equal(existsSync(top), false, `${top} must not exist on the host`);
      }
    });
  }

  void test("hostAliases: the container's /etc/hosts has them, the host's does not", async () => {
    const ip = `10.${randomBytes(1)[0]!}.7.9`;
    const alias = `db-${randomBytes(3).toString('hex')}`;
    const container: Container = { name: 'main', image: 'busybox' };
    const pod = testPod(`aliases-${alias}`, container, { restartPolicy: 'Never' });
    pod.spec.hostAliases = [{ ip, hostnames: [alias] }];
    const opts = s.options(`aliases-${alias}`, { command: ['cat', '/etc/hosts'], mounts: [] });
    const c = await s.runtime.startContainer(await s.runtime.runSandbox(pod), pod, container, 0, opts);
    await c.exited;
    assert.match(await readFile(opts.logPath, 'utf8'), new RegExp(`stdout F # Entries added by HostAliases.\n.*stdout F ${ip.replace(/\./g, '\\.')}\t${alias}\n`, 's'));
    assert.doesNotMatch(await readFile('/etc/hosts', 'utf8'), new RegExp(alias));
  });

  void test('a file volume at a missing path below /dev (as a termination-log file is mounted)', async () => {
    const file = path.join(host, 'greeting');
    const dst = `/dev/skiff-file-${randomBytes(3).toString('hex')}`;
    const c = await run('devfile', ['sh', '-c', `cat ${dst}; test -c /dev/null && echo devnull`], [{ hostPath: file, containerPath: dst, readOnly: false }]);
    await c.done;
    assert.match(await c.log(), /stdout F hello from the volume\n.*stdout F devnull/s);
    assert.equal(existsSync(dst), false);
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
