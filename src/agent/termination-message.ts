/**
 * Termination messages as kubelet makes them (kuberuntime makeMounts / getTerminationMessage):
 * each run of a container gets a fresh empty file, mode 0666 so a container of any user can write
 * it, mounted at its `terminationMessagePath`. When the run ends, the file's last 4 KiB become
 * `state.terminated.message` (after the runtime's own message, `: `-joined); with
 * `FallbackToLogsOnError`, a failed run that left the file empty gets the tail of its log instead
 * (80 lines, at most 2 KiB). A pod's messages share 12 KiB: each is cut to 12 KiB divided by the
 * pod's containers (kubelet's status manager does the same).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Container, Pod } from '../api/kinds.js';
import type { ContainerExit, RunningContainer, TerminationMessageMount } from '../runtime/runtime.js';
import { podDir } from './volumes.js';

/** kubecontainer's limits. */
export const terminationLimits = {
  fileBytes: 4 * 1024,
  logBytes: 2 * 1024,
  logLines: 80,
  podBytes: 12 * 1024,
} as const;

/** A run's termination-message file: `<pod dir>/containers/<name>/<8 hex>`, as kubelet's
 * PodContainerDir holds it. Undefined on simulated nodes or without a path. */
export async function prepareTerminationFile(dataDir: string | undefined, pod: Pod, container: Container): Promise<TerminationMessageMount | undefined> {
  if (!dataDir || !container.terminationMessagePath) return undefined;
  const dir = path.join(podDir(dataDir, pod), 'containers', container.name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const hostPath = path.join(dir, randomBytes(4).toString('hex'));
  await writeFile(hostPath, '');
  // Explicitly: the umask would otherwise take the write bits of other users away.
  await chmod(hostPath, 0o666);
  return { hostPath, containerPath: container.terminationMessagePath };
}

/** The last `max` bytes of a file (tail.ReadAtMost). */
async function readTail(file: string, max: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const length = Math.min(size, max);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, size - length);
    return buf;
  } finally {
    await fh.close();
  }
}

/** The last 80 lines of a CRI log, as the container wrote them (partial lines joined), then the
 * last 2 KiB of those. */
export async function logTail(logPath: string): Promise<string> {
  // 80 lines of a sane log fit well within this; a longer line is cut to the 2 KiB anyway.
  const raw = (await readTail(logPath, 256 * 1024).catch(() => Buffer.alloc(0))).toString('utf8');
  const lines: string[] = [];
  let partial = '';
  for (const line of raw.split('\n')) {
    const m = /^\S+ (?:stdout|stderr) ([PF]) (.*)$/.exec(line);
    if (!m) continue;
    partial += m[2]!;
    if (m[1] === 'F') {
      lines.push(`${partial}\n`);
      partial = '';
    }
  }
  const text = Buffer.from(lines.slice(-terminationLimits.logLines).join(''), 'utf8');
  return text.subarray(Math.max(0, text.length - terminationLimits.logBytes)).toString('utf8');
}

/** The message for a run that ended: the runtime's, then the file's (or the log tail's). */
export async function terminationMessage(file: string | undefined, container: Container, exit: ContainerExit, logPath: string): Promise<string | undefined> {
  const fallback = container.terminationMessagePolicy === 'FallbackToLogsOnError' && exit.exitCode !== 0 && exit.reason !== 'ContainerCannotRun';
  let text = '';
  let checkLogs = fallback;
  if (file) {
    try {
      text = (await readTail(file, terminationLimits.fileBytes)).toString('utf8');
      checkLogs = fallback && text.length === 0;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== 'ENOENT') {
        text = `Error on reading termination log ${file}: ${e.message}`;
        checkLogs = false;
      }
    }
  }
  if (checkLogs) text = await logTail(logPath);
  if (!text) return exit.message;
  return exit.message ? `${exit.message}: ${text}` : text;
}

/** A message cut to the pod's share of 12 KiB (normalizeStatus: bytes per container). */
export function capForPod(message: string, pod: Pod): string {
  const containers = pod.spec.containers.length + (pod.spec.initContainers?.length ?? 0);
  const share = Math.floor(terminationLimits.podBytes / Math.max(1, containers));
  const bytes = Buffer.from(message, 'utf8');
  return bytes.length > share ? bytes.subarray(0, share).toString('utf8') : message;
}

/**
 * The run as the agent watches it: its exit carries the termination message, read once the
 * container is gone, and the run's file goes then (its content now lives in the status).
 */
export function withTerminationMessage(run: RunningContainer, pod: Pod, container: Container, mount: TerminationMessageMount | undefined, logPath: string): RunningContainer {
  if (!mount && container.terminationMessagePolicy !== 'FallbackToLogsOnError') return run;
  const exited = run.exited.then(async (exit) => {
    const message = await terminationMessage(mount?.hostPath, container, exit, logPath).catch(() => exit.message);
    if (mount) await rm(mount.hostPath, { force: true }).catch(() => undefined);
    const { message: _old, ...rest } = exit;
    return message ? { ...rest, message: capForPod(message, pod) } : rest;
  });
  return { ...run, exited };
}
