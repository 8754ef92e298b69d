/**
 * Pod volumes on the node: an emptyDir is a directory under the pod's own directory (gone with
 * the pod), a hostPath is the host's path (created first for `DirectoryOrCreate`), ConfigMap and
 * Secret volumes are files written from the objects, projected volumes (the service-account
 * token's among them) are written by projected.ts, a claim is its volume's directory
 * (local-volumes.ts). Simulated nodes (no data dir) only name the
 * paths and touch no disk.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pod, Volume } from '../api/kinds.js';
import { EnvError } from './env.js';
import type { ProjectedVolumes } from './projected.js';

/** Reads a ConfigMap's or Secret's data (Secret values decoded). */
export type DataLookup = (kind: 'ConfigMap' | 'Secret', name: string) => Promise<Record<string, string> | undefined>;

/** The host directory of a claim (local-volumes.ts); `create` on real nodes. */
export type ClaimLookup = (volume: string, claimName: string, create: boolean) => Promise<string>;

export function podDir(root: string, pod: Pod): string {
  return path.join(root, 'pods', pod.metadata.uid ?? 'unknown');
}

/** Where a node keeps its pods' memory-backed emptyDirs: a tmpfs (`/dev/shm`), one folder per
 * data dir so nodes sharing a machine keep apart; undefined where there is none. */
export function memoryRoot(root: string, shm = '/dev/shm'): string | undefined {
  if (!existsSync(shm)) return undefined;
  return path.join(shm, `skiff-${createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 12)}`);
}

/** Host paths of the pod's volumes by name; creates them when `root` is given. */
export async function prepareVolumes(root: string | undefined, pod: Pod, lookup: DataLookup, projected?: ProjectedVolumes, claims?: ClaimLookup): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const base = root ? podDir(root, pod) : `/sim/pods/${pod.metadata.uid ?? ''}`;
  // The pod's own dirs are owner-only (Secrets' contents are under them); the volumes keep
  // the modes a container needs, reached through these.
  if (root && pod.spec.volumes?.length) await mkdir(path.join(base, 'volumes'), { recursive: true, mode: 0o700 });
  for (const v of pod.spec.volumes ?? []) {
    const dir = path.join(base, 'volumes', v.name);
    const claim = v['persistentVolumeClaim'] as { claimName?: string } | undefined;
    if (claim && claims) {
      out.set(v.name, await claims(v.name, claim.claimName ?? '', root !== undefined));
    } else if (v.hostPath) {
      out.set(v.name, v.hostPath.path);
      if (root && v.hostPath.type === 'DirectoryOrCreate') await mkdir(v.hostPath.path, { recursive: true });
    } else if (v.configMap || v.secret) {
      out.set(v.name, dir);
      if (root) await writeProjected(dir, v, lookup);
    } else if ((v['projected'] || v['downwardAPI']) && projected) {
      out.set(v.name, dir);
      if (root) await projected.write(dir, v);
    } else {
      // `medium: Memory`: on the node's tmpfs, as kubelet mounts a tmpfs for it.
      const shm = root && v.emptyDir?.medium === 'Memory' ? memoryRoot(root) : undefined;
      const at = shm ? path.join(shm, pod.metadata.uid ?? 'unknown', v.name) : dir;
      out.set(v.name, at);
      if (shm) await mkdir(path.dirname(at), { recursive: true, mode: 0o700 });
      if (root) await mkdir(at, { recursive: true });
    }
  }
  return out;
}

async function writeProjected(dir: string, v: Volume, lookup: DataLookup): Promise<void> {
  const kind = v.configMap ? 'ConfigMap' : 'Secret';
  const name = v.configMap ? (v.configMap.name ?? '') : (v.secret?.secretName ?? '');
  const optional = (v.configMap ?? v.secret)?.optional ?? false;
  const data = await lookup(kind, name);
  await mkdir(dir, { recursive: true });
  if (!data) {
    if (optional) return;
    throw new EnvError('ContainerCreating', `MountVolume.SetUp failed for volume "${v.name}" : ${kind.toLowerCase()} "${name}" not found`);
  }
  for (const [file, content] of dataVolumeFiles(v, data)) {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** The files of a ConfigMap or Secret volume: its `items`, or every key. */
export function dataVolumeFiles(v: Volume, data: Record<string, string>): (readonly [string, string])[] {
  const items = (v.configMap ?? v.secret)?.items;
  return items ? items.map((i) => [i.path, data[i.key] ?? ''] as const) : Object.entries(data);
}

export async function removePodDir(root: string | undefined, pod: Pod): Promise<void> {
  if (!root) return;
  await rm(podDir(root, pod), { recursive: true, force: true });
  const shm = memoryRoot(root);
  if (!shm) return;
  await rm(path.join(shm, pod.metadata.uid ?? 'unknown'), { recursive: true, force: true });
  // The node's folder goes with its last pod (tmpfs is memory; leave nothing behind).
  await rmdir(shm).catch(() => undefined);
}
