/**
 * The oci runtime's containers: what the pod spec and the image config become inside a real
 * runc container — command/args/env/workingDir/user by Kubernetes' rules, cgroup limits
 * (memory → OOMKilled, cpu quota and shares), a read-only root, volumes, capabilities, the
 * image's stop signal, exec's timeout, and start errors in kubelet's words.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Container } from '../../src/api/kinds.js';
import { ContainerStartError, type ContainerExit, type Mount, type RunningContainer } from '../../src/runtime/index.js';
import { appUid, installOciPackages, RootfsImages } from '../helpers/rootfs-image.js';
import { busybox, ociSubject, removeBridge, startPod, type OciSubject } from './oci-subject.js';

const net = { podCIDR: '10.201.3.0/24', bridge: 'skiff-ctr0' };
const app = 'skiff.test/app:1';
const serve = ['sh', '-c', 'trap "exit 143" TERM; sleep 1000 & wait'];

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`not within ${ms}ms`)), ms)))]).finally(() => clearTimeout(timer));
}

describe('oci runtime: containers', () => {
  let images: RootfsImages;
  let s: OciSubject;
  let hostDir: string;
  before(async () => {
    await installOciPackages();
    images = await RootfsImages.create();
    s = await ociSubject(net, images);
    hostDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-oci-vol-'));
  });
  after(async () => {
    await s?.dispose();
    await removeBridge(net.bridge);
    await images?.dispose();
    if (hostDir) await rm(hostDir, { recursive: true, force: true });
  });

  /** Runs one container to its end; returns its exit and its log's text lines. */
  async function runToEnd(name: string, container: Container, extra: { env?: Record<string, string>; mounts?: Mount[] } = {}): Promise<{ exit: ContainerExit; lines: string[]; c: RunningContainer }> {
    const { pod, sandbox } = await startPod(s, name, []);
    const opts = s.options(name, { ...(container.command ? { command: container.command } : {}), ...(container.args ? { args: container.args } : {}), env: extra.env ?? {}, mounts: extra.mounts ?? [] });
    const c = await s.runtime.startContainer(sandbox, pod, container, 0, opts);
    const exit = await within(c.exited, 30_000);
    const lines = (await readFile(opts.logPath, 'utf8').catch(() => '')).trimEnd().split('\n').filter(Boolean).map((l) => l.replace(/^\S+ \S+ [PF] /, ''));
    await s.runtime.removeSandbox(sandbox);
    return { exit, lines, c };
  }

  void test('a container allocating beyond its memory limit ends with reason OOMKilled', async (t) => {
    const t0 = performance.now();
    const { exit } = await runToEnd('oom', {
      name: 'hog', image: busybox, resources: { limits: { memory: '20Mi' } },
      command: ['sh', '-c', 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived'],
    });
    t.diagnostic(`OOM kill took ${(performance.now() - t0).toFixed(0)} ms`);
    assert.equal(exit.reason, 'OOMKilled');
    assert.equal(exit.exitCode, 137);
    assert.equal(exit.signal, 9);
  });

  void test('a container killed by a stop is not OOMKilled, even with a memory limit; the limit shows inside', async () => {
    const { pod, sandbox, running } = await startPod(s, 'limit-visible', [{ name: 'main', image: busybox, command: serve, resources: { limits: { memory: '20Mi' } } }]);
    void pod;
    const c = running[0]!;
    const seen = await s.runtime.exec(c.id, ['cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes'], 5000);
    assert.equal(seen.output.trim(), String(20 * 1024 * 1024));
    await s.runtime.stopContainer(c.id, 0);
    const exit = await c.exited;
    assert.equal(exit.exitCode, 137);
    assert.equal(exit.reason, 'Error');
    await s.runtime.removeSandbox(sandbox);
  });

  void test('cpu limit and request become the CFS quota and shares (kubelet formulas)', async () => {
    const { sandbox, running } = await startPod(s, 'cpu', [{ name: 'main', image: busybox, command: serve, resources: { limits: { cpu: '250m' }, requests: { cpu: '100m' } } }]);
    const read = async (f: string): Promise<string> => (await s.runtime.exec(running[0]!.id, ['cat', `/sys/fs/cgroup/cpu/${f}`], 5000)).output.trim();
    assert.equal(await read('cpu.cfs_quota_us'), '25000');
    assert.equal(await read('cpu.cfs_period_us'), '100000');
    assert.equal(await read('cpu.shares'), '102');
    await s.runtime.removeSandbox(sandbox);
  });

  void test('the image config runs as given: entrypoint + cmd, env, workingDir, named user', async () => {
    const { exit, lines, c } = await runToEnd('image-config', { name: 'main', image: app });
    assert.equal(exit.reason, 'Completed');
    assert.deepEqual(lines, [`image cmd as ${appUid} in /home/app with from-image`]);
    assert.match(c.imageId, /^skiff\.test\/app@sha256:[0-9a-f]{64}$/);
    assert.equal(images.uses.get(app), 0, 'the image is released when the container ends');
  });

  void test('args replace CMD; the container env overlays the image env; workingDir and runAsUser/runAsGroup win', async () => {
    const { lines } = await runToEnd('overrides', {
      name: 'main', image: app, workingDir: '/tmp', args: ['echo "$GREETING $KEEP $(id -u):$(id -g) $(pwd) $HOSTNAME"'],
      securityContext: { runAsUser: 2000, runAsGroup: 3000 },
    }, { env: { GREETING: 'from-pod' } });
    assert.deepEqual(lines, ['from-pod image 2000:3000 /tmp overrides']);
  });

  void test('command replaces ENTRYPOINT and CMD; the image user gets its groups from /etc/group', async () => {
    const { lines } = await runToEnd('command', { name: 'main', image: app, command: ['id'] });
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, new RegExp(`^uid=${appUid}\\(app\\) gid=${appUid}\\(app\\) groups=.*50\\(staff\\)`));
  });

  void test('exit codes come through; runAsNonRoot with a root image and a missing program fail the start', async () => {
    assert.equal((await runToEnd('exit-42', { name: 'main', image: busybox, command: ['sh', '-c', 'exit 42'] })).exit.exitCode, 42);
    const { pod, sandbox } = await startPod(s, 'bad-starts', []);
    const nonRoot: Container = { name: 'nonroot', image: busybox, securityContext: { runAsNonRoot: true } };
    await assert.rejects(s.runtime.startContainer(sandbox, pod, nonRoot, 0, s.options('nonroot', { command: serve })), (e: unknown) => e instanceof ContainerStartError && e.reason === 'CreateContainerConfigError');
    const missing: Container = { name: 'missing', image: busybox };
    await assert.rejects(s.runtime.startContainer(sandbox, pod, missing, 0, s.options('missing', { command: ['no-such-program'] })), (e: unknown) => e instanceof ContainerStartError && e.reason === 'RunContainerError' && /no-such-program/.test(e.message));
    await s.runtime.removeSandbox(sandbox);
  });

  void test('readOnlyRootFilesystem rejects a write; a writable root never changes the image', async () => {
    const ro = await runToEnd('ro-root', { name: 'main', image: busybox, command: ['sh', '-c', 'echo x > /written'], securityContext: { readOnlyRootFilesystem: true } });
    assert.notEqual(ro.exit.exitCode, 0);
    assert.match(ro.lines.join('\n'), /Read-only file system/);
    const rw = await runToEnd('rw-root', { name: 'main', image: busybox, command: ['sh', '-c', 'echo x > /written && cat /written'] });
    assert.deepEqual(rw.lines, ['x']);
    assert.equal(existsSync(path.join(images.rootfs, 'written')), false);
  });

  void test('volumes are mounted read-write and read-only at their paths', async () => {
    await writeFile(path.join(hostDir, 'in.txt'), 'from the host\n');
    const mounts: Mount[] = [{ hostPath: hostDir, containerPath: '/data/rw', readOnly: false }, { hostPath: hostDir, containerPath: '/data/ro', readOnly: true }];
    const { lines } = await runToEnd('volumes', { name: 'main', image: busybox, command: ['sh', '-c', 'cat /data/rw/in.txt; echo written > /data/rw/out.txt; { echo no > /data/ro/x; } 2>/dev/null || echo ro-refused'] }, { mounts });
    assert.deepEqual(lines, ['from the host', 'ro-refused']);
    assert.equal(await readFile(path.join(hostDir, 'out.txt'), 'utf8'), 'written\n');
  });

  void test('capabilities: Docker default set, add and drop, privileged', async () => {
    const capEff = async (name: string, securityContext: Record<string, unknown>): Promise<string> => {
      const { lines } = await runToEnd(name, { name: 'main', image: busybox, command: ['sh', '-c', 'grep CapEff /proc/self/status'], securityContext });
      return lines[0]!.split(/\s+/)[1]!;
    };
    assert.equal(await capEff('caps-default', {}), '00000000a80425fb');
    assert.equal(await capEff('caps-add', { capabilities: { add: ['NET_ADMIN'] } }), '00000000a80435fb');
    assert.equal(await capEff('caps-drop', { capabilities: { drop: ['ALL'] } }), '0000000000000000');
    // Privileged: every capability this (root) process has itself.
    const own = /^CapBnd:\s*([0-9a-f]+)$/m.exec(await readFile('/proc/self/status', 'utf8'))![1];
    assert.equal(await capEff('caps-priv', { privileged: true }), own);
  });

  void test("stop sends the image's stop signal and waits for the program to end", async (t) => {
    const { pod, sandbox } = await startPod(s, 'stop-signal', []);
    const opts = s.options('stop-signal', { command: ['sh', '-c', 'trap "echo got USR1; exit 7" USR1; trap "" TERM; sleep 1000 & wait'] });
    const c = await s.runtime.startContainer(sandbox, pod, { name: 'main', image: app }, 0, opts);
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    await within(s.runtime.stopContainer(c.id, 5), 3000);
    t.diagnostic(`stop with SIGUSR1 took ${(performance.now() - t0).toFixed(1)} ms`);
    const exit = await c.exited;
    assert.equal(exit.exitCode, 7);
    assert.match(await readFile(opts.logPath, 'utf8'), /stdout F got USR1/);
    await s.runtime.removeSandbox(sandbox);
  });

  void test('exec is killed at its timeout, inside the container too', async () => {
    const { sandbox, running } = await startPod(s, 'exec-timeout', [{ name: 'main', image: busybox, command: serve }]);
    const id = running[0]!.id;
    const t0 = performance.now();
    const r = await s.runtime.exec(id, ['sleep', '7777'], 300);
    assert.ok(performance.now() - t0 < 2000);
    assert.match(r.output, /timed out after 300ms/);
    assert.notEqual(r.exitCode, 0);
    const ps = await s.runtime.exec(id, ['ps'], 5000);
    assert.doesNotMatch(ps.output, /sleep 7777/);
    await s.runtime.removeSandbox(sandbox);
  });
});
