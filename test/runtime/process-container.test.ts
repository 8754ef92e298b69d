/** Process-runtime behaviour the fake cannot show: CRI logs, the environment, arguments, working
 * directories, process groups and start errors. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Container } from '../../src/api/kinds.js';
import { ContainerStartError, type RunningContainer, type StartOptions } from '../../src/runtime/index.js';
import { testPod } from './subject.js';
import { processSubject, type ProcessSubject } from './process-subject.js';

describe('process runtime: containers', () => {
  let s: ProcessSubject;
  before(async () => {
    s = await processSubject('127.13.6.');
  });
  after(() => s.dispose());

  async function run(name: string, container: Container, extra: Partial<StartOptions> = {}): Promise<{ c: RunningContainer; opts: StartOptions }> {
    const pod = testPod(name, container, { restartPolicy: 'Never' });
    const opts = s.options(name, extra);
    const c = await s.runtime.startContainer(await s.runtime.runSandbox(pod), pod, container, 0, opts);
    return { c, opts };
  }
  async function logOf(name: string, container: Container, extra: Partial<StartOptions> = {}): Promise<string[]> {
    const { c, opts } = await run(name, container, extra);
    await c.exited;
    return (await readFile(opts.logPath, 'utf8')).trimEnd().split('\n');
  }
  /** Running and not a zombie (orphans are reaped by whoever is PID 1, maybe late). */
  const alive = (pid: number): boolean => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  /** SIGKILLed processes take a moment to leave under load: allow them a second. */
  const gone = async (pids: number[], message: string): Promise<void> => {
    for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(!pids.some(alive), message);
  };
  const text = (lines: string[]): string[] => lines.map((l) => l.replace(/^\S+ /, ''));

  void test('stdout and stderr become CRI lines; a partial last line is flushed as F', async () => {
    const lines = await logOf('cri', { name: 'main', image: 'busybox' }, { command: ['sh', '-c', 'echo out1; echo err1 >&2; printf "a\\nb"'] });
    const sorted = text(lines).sort();
    assert.deepEqual(sorted, ['stderr F err1', 'stdout F a', 'stdout F b', 'stdout F out1']);
    for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr) [PF] /);
  });

  void test('an over-long line is written as P chunks ending in F', async () => {
    const lines = await logOf('long', { name: 'main', image: 'busybox' }, { command: ['sh', '-c', 'head -c 40000 /dev/zero | tr "\\0" x; echo'] });
    const tags = text(lines).map((l) => l.slice(0, 9));
    for (const l of text(lines)) assert.ok(l.length - 9 <= 16 * 1024);
    assert.ok(tags.filter((t) => t === 'stdout P ').length >= 2, tags.join());
    assert.equal(tags.at(-1), 'stdout F ');
    assert.equal(text(lines).map((l) => l.slice(9)).join('').length, 40000);
  });

  void test('the environment is exactly what the agent gave, plus PATH and HOSTNAME', async () => {
    process.env['SKIFF_SHOULD_NOT_LEAK'] = '1';
    const lines = await logOf('env-pod', { name: 'main', image: 'busybox' }, { command: ['env'], env: { GREETING: 'hello world', EMPTY: '' } });
    const env = new Set(text(lines).map((l) => l.replace(/^stdout F /, '')));
    assert.ok(env.has('GREETING=hello world'));
    assert.ok(env.has('EMPTY='));
    assert.ok(env.has('HOSTNAME=env-pod'));
    assert.ok([...env].some((e) => e.startsWith('PATH=/usr/local/sbin:')));
    assert.ok(![...env].some((e) => e.startsWith('SKIFF_SHOULD_NOT_LEAK')), 'the agent environment leaked');
  });

  void test('command and args run as given; args alone replace the image cmd', async () => {
    assert.deepEqual(text(await logOf('args', { name: 'main', image: 'ubuntu' }, { command: ['printf', '%s|'], args: ['a b', '$(X)', 'c'] })), ['stdout F a b|$(X)|c|']);
    // The image has no entrypoint (as Docker's debian): args alone become the command line.
    assert.deepEqual(text(await logOf('args-only', { name: 'main', image: 'debian' }, { args: ['bash', '-c', 'echo from bash ${BASH_VERSION%%.*}'] })), ['stdout F from bash 5']);
  });

  void test('working dir: the container\'s if it exists on the host, else its own dir under the data dir', async () => {
    const existing = await realpath(await mkdtemp(path.join(s.dataDir, 'wd-')));
    assert.deepEqual(text(await logOf('wd', { name: 'main', image: 'busybox', workingDir: existing }, { command: ['pwd'] })), [`stdout F ${existing}`]);
    const [line] = text(await logOf('wd-missing', { name: 'main', image: 'busybox', workingDir: '/no/such/dir' }, { command: ['pwd'] }));
    assert.ok(line?.startsWith(`stdout F ${s.dataDir}/containers/`), line);
  });

  void test('an unknown image without a command fails with ErrImagePull saying how to fix it; with a command it runs', async () => {
    const fluentd = { name: 'fluentd', image: 'gcr.io/google-containers/fluentd-elasticsearch:1.20' };
    await assert.rejects(run('fluentd', fluentd), (e: unknown) => e instanceof ContainerStartError && e.reason === 'ErrImagePull' && /image catalog/.test(e.message) && /command/.test(e.message));
    const { c } = await run('fluentd-cmd', fluentd, { command: ['true'] });
    assert.equal((await c.exited).reason, 'Completed');
  });

  void test('a command that is not on PATH fails start with RunContainerError', async () => {
    await assert.rejects(run('missing', { name: 'main', image: 'busybox' }, { command: ['no-such-program-skiff'] }), (e: unknown) => e instanceof ContainerStartError && e.reason === 'RunContainerError' && /no-such-program-skiff/.test(e.message));
  });

  void test('busybox: sh -c loops log each round; applets the host lacks are on PATH', async () => {
    const lines = await logOf('loop', { name: 'main', image: 'busybox' }, { command: ['sh', '-c', 'i=0; while [ $i -lt 3 ]; do echo tick $i; i=$((i+1)); sleep 0.05; done'] });
    assert.deepEqual(text(lines), ['stdout F tick 0', 'stdout F tick 1', 'stdout F tick 2']);
    const applet = await logOf('applet', { name: 'main', image: 'busybox' }, { command: ['sh', '-c', 'command -v httpd'] });
    assert.match(applet.join('\n'), /busybox-applets\/httpd|\/httpd$/);
  });

  void test('ubuntu: the seed job dpkg-query -l and the daemon set free run as printed', async () => {
    const dpkg = await logOf('package-check', { name: 'package-check', image: 'ubuntu' }, { command: ['dpkg-query', '-l'] });
    assert.ok(dpkg.some((l) => / stdout F ii {2}/.test(l)), 'dpkg-query lists installed packages');
    const free = await logOf('ram-check', { name: 'ubuntu-free', image: 'ubuntu' }, { command: ['/bin/bash', '-c', 'free'] });
    assert.match(free.join('\n'), /Mem:/);
  });

  void test('stopping a container stops everything in its process group; its main process ending kills the rest', async () => {
    const { c, opts } = await run('group', { name: 'main', image: 'busybox' }, { command: ['sh', '-c', 'sleep 1000 & echo $!; sleep 1000 & echo $!; wait'] });
    await new Promise((r) => setTimeout(r, 200));
    const pids = (await readFile(opts.logPath, 'utf8')).trimEnd().split('\n').map((l) => Number(l.split(' ').at(-1)));
    assert.equal(pids.length, 2);
    await s.runtime.stopContainer(c.id, 5);
    await gone(pids, 'a child outlived stop');
    const orphan = await run('orphan', { name: 'main', image: 'busybox' }, { command: ['sh', '-c', 'sleep 1000 & echo $!'] });
    await orphan.c.exited;
    const child = Number((await readFile(orphan.opts.logPath, 'utf8')).trim().split(' ').at(-1));
    await gone([child], 'a child outlived its main process');
  });

  void test('exec: container env and cwd, output capped at 16 KiB, killed at the timeout', async () => {
    const { c } = await run('exec', { name: 'main', image: 'busybox' }, { command: ['sleep', '1000'], env: { WHO: 'exec-env' } });
    const env = await s.runtime.exec(c.id, ['sh', '-c', 'echo $WHO $HOSTNAME; pwd'], 5000);
    assert.match(env.output, /^exec-env exec\n.*\/containers\/.*\/main\n$/);
    const big = await s.runtime.exec(c.id, ['sh', '-c', 'head -c 100000 /dev/zero'], 5000);
    assert.equal(big.output.length, 16 * 1024);
    const t0 = performance.now();
    const slow = await s.runtime.exec(c.id, ['sh', '-c', 'echo started; sleep 10'], 300);
    assert.ok(performance.now() - t0 < 3000);
    assert.equal(slow.exitCode, 137);
    assert.match(slow.output, /started\ncommand timed out after 300ms/);
    assert.equal((await s.runtime.exec(c.id, ['no-such-program-skiff'], 1000)).exitCode, 127);
    await s.runtime.stopContainer(c.id, 1);
  });
});
