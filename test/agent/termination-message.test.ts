/** Termination messages as kubelet reads them: the run's 0666 file, its last 4 KiB, the log tail
 * (80 lines, 2 KiB) for FallbackToLogsOnError on a failed run, the runtime's message first, and
 * the pod's 12 KiB shared among its containers. Real files in a temporary data dir. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Container, Pod } from '../../src/api/kinds.js';
import type { ContainerExit, RunningContainer } from '../../src/runtime/runtime.js';
import { capForPod, logTail, prepareTerminationFile, terminationMessage, withTerminationMessage } from '../../src/agent/termination-message.js';
import { containerBuilder, podBuilder } from '../helpers/builders.js';
import { suffix } from '../controlplane/fixtures.js';

let root: string;
before(() => (root = mkdtempSync(path.join(os.tmpdir(), 'skiff-term-'))));
after(() => rmSync(root, { recursive: true, force: true }));

const exit = (exitCode: number, message?: string): ContainerExit => ({ exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: new Date(), ...(message ? { message } : {}) });
const cri = (lines: [string, 'F' | 'P'][]): string => lines.map(([t, tag], i) => `2026-12-05T07:00:${String(i % 60).padStart(2, '0')}.000000000Z ${i % 2 ? 'stderr' : 'stdout'} ${tag} ${t}\n`).join('');

function files(content: string | undefined, log: string): { file: string | undefined; logPath: string } {
  const dir = mkdtempSync(path.join(root, 'run-'));
  const file = content === undefined ? undefined : path.join(dir, 'msg');
  if (file && content !== undefined) writeFileSync(file, content);
  const logPath = path.join(dir, '0.log');
  writeFileSync(logPath, log);
  return { file, logPath };
}

describe('the run\'s file', () => {
  test('a fresh 0666 file per run under the pod\'s containers dir, mounted at the path', async () => {
    const pod = podBuilder(`p-${suffix()}`).build() as Pod;
    pod.metadata.uid = `uid-${suffix()}`;
    const container: Container = { name: `c${suffix()}`, terminationMessagePath: `/dev/term-${suffix()}` };
    const a = await prepareTerminationFile(root, pod, container);
    const b = await prepareTerminationFile(root, pod, container);
    assert.ok(a && b);
    assert.notEqual(a.hostPath, b.hostPath);
    assert.match(path.relative(root, a.hostPath), new RegExp(`^pods/${pod.metadata.uid}/containers/${container.name}/[0-9a-f]{8}$`));
    assert.equal(a.containerPath, container.terminationMessagePath);
    assert.equal(statSync(a.hostPath).mode & 0o777, 0o666);
    assert.equal(statSync(a.hostPath).size, 0);
    assert.equal(statSync(path.dirname(a.hostPath)).mode & 0o777, 0o700);
  });
  test('none on a simulated node or without a path', async () => {
    const pod = podBuilder().build() as Pod;
    assert.equal(await prepareTerminationFile(undefined, pod, { name: 'c', terminationMessagePath: '/dev/termination-log' }), undefined);
    assert.equal(await prepareTerminationFile(root, pod, { name: 'c' }), undefined);
  });
});

describe('the message', () => {
  const big = 'x'.repeat(5000) + 'END';
  const manyLines = Array.from({ length: 100 }, (_, i) => [`line ${i + 1}`, 'F'] as [string, 'F']);
  const cases: { name: string; policy?: 'File' | 'FallbackToLogsOnError'; content?: string; log?: string; exit: ContainerExit; want: string | undefined }[] = [
    { name: 'the file as written', content: 'all done\n', exit: exit(0), want: 'all done\n' },
    { name: 'an empty file: no message', content: '', exit: exit(1), want: undefined },
    { name: 'the last 4 KiB of a long file', content: big, exit: exit(0), want: big.slice(-4096) },
    { name: 'the runtime\'s message first', content: 'why', exit: exit(137, 'OOMKilled'), want: 'OOMKilled: why' },
    { name: 'only the runtime\'s when the file is empty', content: '', exit: exit(137, 'OOMKilled'), want: 'OOMKilled' },
    { name: 'fallback: a failed run with an empty file takes the log tail', policy: 'FallbackToLogsOnError', content: '', log: cri([['starting', 'F'], ['par', 'P'], ['tial', 'F'], ['fatal: boom', 'F']]), exit: exit(2), want: 'starting\npartial\nfatal: boom\n' },
    { name: 'fallback: a missing file too', policy: 'FallbackToLogsOnError', log: cri([['gone', 'F']]), exit: exit(2), want: 'gone\n' },
    { name: 'fallback: the file wins when written', policy: 'FallbackToLogsOnError', content: 'from file', log: cri([['from log', 'F']]), exit: exit(2), want: 'from file' },
    { name: 'fallback: not for a run that succeeded', policy: 'FallbackToLogsOnError', content: '', log: cri([['fine', 'F']]), exit: exit(0), want: undefined },
    { name: 'fallback: the last 80 lines', policy: 'FallbackToLogsOnError', content: '', log: cri(manyLines), exit: exit(1), want: manyLines.slice(-80).map(([t]) => `${t}\n`).join('') },
    { name: 'fallback: at most the last 2 KiB', policy: 'FallbackToLogsOnError', content: '', log: cri([['a'.repeat(3000), 'F'], ['tail', 'F']]), exit: exit(1), want: `${'a'.repeat(3000)}\ntail\n`.slice(-2048) },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const { file, logPath } = files(c.content, c.log ?? '');
      const container: Container = { name: 'c', terminationMessagePolicy: c.policy ?? 'File' };
      assert.equal(await terminationMessage(file, container, c.exit, logPath), c.want);
    });
  }
  test('the log tail of a missing log is empty', async () => {
    assert.equal(await logTail(path.join(root, `absent-${suffix()}.log`)), '');
  });
});

describe('the pod\'s 12 KiB', () => {
  const cases: { containers: number; init: number; share: number }[] = [
    { containers: 1, init: 0, share: 12288 },
    { containers: 2, init: 1, share: 4096 },
    { containers: 4, init: 1, share: 2457 },
  ];
  for (const c of cases) {
    test(`${c.containers} containers and ${c.init} init: ${c.share} bytes each`, () => {
      let b = podBuilder().noContainers();
      for (let i = 0; i < c.containers; i++) b = b.container(containerBuilder(`c${i}`));
      for (let i = 0; i < c.init; i++) b = b.initContainer(containerBuilder(`i${i}`));
      const pod = b.build() as Pod;
      const long = 'm'.repeat(c.share + 10);
      assert.equal(capForPod(long, pod).length, c.share);
      assert.equal(capForPod('short', pod), 'short');
    });
  }
});

describe('the watched run', () => {
  test('its exit carries the message; the file goes once read', async () => {
    const pod = podBuilder(`p-${suffix()}`).build() as Pod;
    pod.metadata.uid = `uid-${suffix()}`;
    const container: Container = { name: 'c', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' };
    const mount = (await prepareTerminationFile(root, pod, container))!;
    const token = `bye ${suffix()}`;
    let end: (e: ContainerExit) => void = () => undefined;
    const run: RunningContainer = { id: 'x', name: 'c', imageId: 'i', startedAt: new Date(), exited: new Promise((r) => (end = r)) };
    const watched = withTerminationMessage(run, pod, container, mount, path.join(root, 'none.log'));
    writeFileSync(mount.hostPath, token);
    end(exit(0));
    assert.equal((await watched.exited).message, token);
    assert.equal(existsSync(mount.hostPath), false);
  });
});
