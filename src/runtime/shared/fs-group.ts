/**
 * Volume ownership by the pod's `fsGroup`, as the kubelet's SetVolumeOwnership does it for the
 * volumes it manages (emptyDir, secret, configMap, projected, downwardAPI; never hostPath): every
 * file and directory gets the group, group read (and write unless the mount is read-only), and
 * directories setgid so new files inherit the group. `fsGroupChangePolicy: OnRootMismatch` skips
 * a volume whose root already has the group and the permissions.
 */
import { chown, chmod, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Container, Pod } from '../../api/kinds.js';
import type { Mount } from '../runtime.js';

const managedSources = ['emptyDir', 'secret', 'configMap', 'projected', 'downwardAPI'];
const rwMask = 0o660;
const roMask = 0o440;
const execMask = 0o110;
const setgid = 0o2000;

function wanted(mode: number, isDir: boolean, readOnly: boolean): number {
  let mask = readOnly ? roMask : rwMask;
  if (isDir) mask |= setgid | execMask;
  return mode | mask;
}

async function walk(p: string, gid: number, readOnly: boolean): Promise<void> {
  const st = await lstat(p);
  if (st.isSymbolicLink()) return; // secret/configMap volumes' ..data links: their targets are walked
  if (st.gid !== gid) await chown(p, st.uid, gid);
  const mode = st.mode & 0o7777;
  const want = wanted(mode, st.isDirectory(), readOnly);
  if (want !== mode) await chmod(p, want);
  if (st.isDirectory()) for (const e of await readdir(p)) await walk(path.join(p, e), gid, readOnly);
}

async function rootMatches(dir: string, gid: number, readOnly: boolean): Promise<boolean> {
  const st = await lstat(dir);
  const mode = st.mode & 0o7777;
  return st.gid === gid && wanted(mode, st.isDirectory(), readOnly) === mode;
}

/** The host paths of the container's mounts that belong to kubelet-managed volumes. */
export function managedMounts(pod: Pod, container: Container, mounts: readonly Mount[]): Mount[] {
  const managed = new Set((pod.spec.volumes ?? []).filter((v) => managedSources.some((k) => (v as Record<string, unknown>)[k] !== undefined)).map((v) => v.name));
  const paths = new Set((container.volumeMounts ?? []).filter((m) => managed.has(m.name)).map((m) => m.mountPath));
  return mounts.filter((m) => paths.has(m.containerPath));
}

/** The pod's fsGroup, if it sets one. */
export function fsGroupOf(pod: Pod): number | undefined {
  const g = pod.spec.securityContext?.['fsGroup'];
  return typeof g === 'number' && Number.isInteger(g) && g >= 0 ? g : undefined;
}

/** Gives the container's managed volumes to the pod's fsGroup (nothing without one). */
export async function applyFsGroup(pod: Pod, container: Container, mounts: readonly Mount[]): Promise<void> {
  const gid = fsGroupOf(pod);
  if (gid === undefined) return;
  const onRootMismatch = pod.spec.securityContext?.['fsGroupChangePolicy'] === 'OnRootMismatch';
  for (const m of managedMounts(pod, container, mounts)) {
    if (onRootMismatch && (await rootMatches(m.hostPath, gid, m.readOnly))) continue;
    await walk(m.hostPath, gid, m.readOnly);
  }
}
