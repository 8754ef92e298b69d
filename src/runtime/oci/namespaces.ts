/**
 * A pod's shared namespaces without a pause container: `unshare` creates a network and an IPC
 * namespace and keeps each alive by bind-mounting it on a file in the sandbox directory; the
 * pod's containers join them by path in their OCI config, and CNI wires the network one. A
 * tmpfs for /dev/shm is shared the same way, so POSIX shared memory is pod-wide as in Kubernetes.
 *
 * What the pod takes from the host (hostNetwork, hostIPC) is not made. A pod that shares one
 * process namespace (shareProcessNamespace) gets a PID namespace whose init — the role of
 * Kubernetes' pause container — is a small sh that reaps orphans and waits; a PID namespace
 * lives only as long as its init, so that process is recorded and ends with the sandbox.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { processRunning, processState } from '../../util/process.js';
import { runCommand, runOk } from './command.js';
import { OciRuntimeError } from './errors.js';

export interface PodNamespaces {
  readonly net: string;
  readonly ipc: string;
  readonly shm: string;
  readonly pid: string;
}

/** Which namespaces a pod gets of its own. */
export interface NamespaceModes {
  readonly net: boolean;
  readonly ipc: boolean;
  /** One PID namespace for the whole pod (shareProcessNamespace). */
  readonly sharedPid: boolean;
}

/** The init of a shared PID namespace: its host pid and start time (a pid alone may be reused). */
export interface PidHolder {
  readonly pid: number;
  readonly start: string;
}

export function namespacePaths(dir: string): PodNamespaces {
  return { net: path.join(dir, 'net'), ipc: path.join(dir, 'ipc'), shm: path.join(dir, 'shm'), pid: path.join(dir, 'pid') };
}

/* PID 1 of the pod: TERM ends it (PID 1 ignores signals it has no handler for); `wait` reaps
 * whatever the kernel reparents to it. */
const holderScript = 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done';

function isMounted(p: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${p} `);
}

async function startPidHolder(file: string): Promise<PidHolder> {
  await writeFile(file, '');
  const child = spawn('unshare', [`--pid=${file}`, '--fork', '--kill-child', '/bin/sh', '-c', holderScript], { detached: true, stdio: 'ignore' });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new OciRuntimeError('PidNamespace', 'unshare could not be started');
  for (let i = 0; i < 200 && !isMounted(file); i++) {
    if (!processRunning(pid)) throw new OciRuntimeError('PidNamespace', 'unshare --pid ended before the namespace was made');
    await new Promise((r) => setTimeout(r, 10));
  }
  if (!isMounted(file)) throw new OciRuntimeError('PidNamespace', `the pod's PID namespace did not appear at ${file}`);
  return { pid, start: processState(pid)?.startTicks ?? '' };
}

export async function createNamespaces(dir: string, modes: NamespaceModes = { net: true, ipc: true, sharedPid: false }, shmBytes = 64 * 1024 * 1024): Promise<{ ns: PodNamespaces; pidHolder?: PidHolder }> {
  const ns = namespacePaths(dir);
  try {
    const made: string[] = [];
    if (modes.net) made.push(`--net=${ns.net}`);
    if (modes.ipc) made.push(`--ipc=${ns.ipc}`);
    if (made.length) {
      await Promise.all([...(modes.net ? [writeFile(ns.net, '')] : []), ...(modes.ipc ? [writeFile(ns.ipc, '')] : [])]);
      await runOk('unshare', [...made, 'true']);
    }
    // Under hostIPC the pod uses the host's /dev/shm (spec.ts).
    if (modes.ipc) {
      await mkdir(ns.shm, { recursive: true });
      await runOk('mount', ['-t', 'tmpfs', '-o', `nosuid,nodev,noexec,mode=1777,size=${shmBytes}`, 'shm', ns.shm]);
    }
    const pidHolder = modes.sharedPid ? await startPidHolder(ns.pid) : undefined;
    return { ns, ...(pidHolder ? { pidHolder } : {}) };
  } catch (err) {
    await removeNamespaces(dir);
    throw err;
  }
}

/** Unmounts and deletes what createNamespaces made; what is already gone is skipped. */
export async function removeNamespaces(dir: string, pidHolder?: PidHolder): Promise<void> {
  const ns = namespacePaths(dir);
  if (pidHolder && processRunning(pidHolder.pid, pidHolder.start)) {
    try {
      process.kill(pidHolder.pid, 'SIGKILL'); // --kill-child takes the pod's init with it
    } catch {
      // gone
    }
  }
  for (const p of [ns.shm, ns.ipc, ns.net, ns.pid]) {
    if (!existsSync(p)) continue;
    // Lazy: a process still inside keeps the namespace alive, but the file can go.
    await runCommand('umount', ['-l', p]);
    await rm(p, { recursive: true, force: true });
  }
}
