/**
 * A pod's shared namespaces without a pause container: `unshare` creates a network and an IPC
 * namespace and keeps each alive by bind-mounting it on a file in the sandbox directory; the
 * pod's containers join them by path in their OCI config, and CNI wires the network one. A
 * tmpfs for /dev/shm is shared the same way, so POSIX shared memory is pod-wide as in Kubernetes.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand, runOk } from './command.js';

export interface PodNamespaces {
  readonly net: string;
  readonly ipc: string;
  readonly shm: string;
}

export function namespacePaths(dir: string): PodNamespaces {
  return { net: path.join(dir, 'net'), ipc: path.join(dir, 'ipc'), shm: path.join(dir, 'shm') };
}

export async function createNamespaces(dir: string, shmBytes = 64 * 1024 * 1024): Promise<PodNamespaces> {
  const ns = namespacePaths(dir);
  await mkdir(ns.shm, { recursive: true });
  await Promise.all([writeFile(ns.net, ''), writeFile(ns.ipc, '')]);
  try {
    await runOk('unshare', [`--net=${ns.net}`, `--ipc=${ns.ipc}`, 'true']);
    await runOk('mount', ['-t', 'tmpfs', '-o', `nosuid,nodev,noexec,mode=1777,size=${shmBytes}`, 'shm', ns.shm]);
  } catch (err) {
    await removeNamespaces(dir);
    throw err;
  }
  return ns;
}

/** Unmounts and deletes what createNamespaces made; what is already gone is skipped. */
export async function removeNamespaces(dir: string): Promise<void> {
  const ns = namespacePaths(dir);
  for (const p of [ns.shm, ns.ipc, ns.net]) {
    if (!existsSync(p)) continue;
    // Lazy: a process still inside keeps the namespace alive, but the file can go.
    await runCommand('umount', ['-l', p]);
    await rm(p, { recursive: true, force: true });
  }
}
