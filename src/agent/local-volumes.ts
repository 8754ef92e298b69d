/**
 * Claims on the node: a `persistentVolumeClaim` volume is the directory of the volume bound to the
 * claim (`local.path` or `hostPath.path`). Volumes of skiff's local-path provisioner live under
 * DATA/volumes/<volume>; the agent makes the directory on first mount (world-writable, as
 * local-path provisioners do, so any container user can write) and removes directories whose
 * volume no longer exists (reclaim policy Delete), so data goes only with its volume.
 */
import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../api/errors.js';
import { LOCAL_PATH_PROVISIONER, volumeAnnotations, type PersistentVolume, type PersistentVolumeClaim } from '../api/kinds.js';
import { persistentVolumeClaims, persistentVolumes } from '../api/resources.js';
import type { RestClient } from '../client/rest.js';
import { EnvError } from './env.js';

export function localPathRoot(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'volumes');
}

function notMountable(volume: string, why: string): EnvError {
  return new EnvError('ContainerCreating', `Unable to attach or mount volumes: unmounted volumes=[${volume}]: ${why}`);
}

/** The host directory of claim `claimName` (made when it is a local-path volume's). */
export async function claimDirectory(client: RestClient, namespace: string, volume: string, claimName: string, create: boolean): Promise<string> {
  let claim: PersistentVolumeClaim;
  try {
    claim = await client.get<PersistentVolumeClaim>(persistentVolumeClaims, namespace, claimName);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) throw notMountable(volume, `persistentvolumeclaim "${claimName}" not found`);
    throw err;
  }
  if (!claim.spec.volumeName || claim.status?.phase !== 'Bound') throw notMountable(volume, `persistentvolumeclaim "${claimName}" is not bound yet`);
  const pv = await client.get<PersistentVolume>(persistentVolumes, undefined, claim.spec.volumeName);
  const dir = pv.spec.local?.path ?? pv.spec.hostPath?.path;
  if (!dir) throw notMountable(volume, `persistentvolume "${claim.spec.volumeName}" has no local or hostPath source`);
  if (create && pv.metadata.annotations?.[volumeAnnotations.provisionedBy] === LOCAL_PATH_PROVISIONER) {
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o777);
  }
  return dir;
}

/** Removes local-path directories whose volume is gone; returns the names removed. */
export async function sweepLocalVolumes(client: RestClient, dataDir: string): Promise<string[]> {
  const root = localPathRoot(dataDir);
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return [];
  }
  if (entries.length === 0) return [];
  const live = new Set((await client.list<PersistentVolume>(persistentVolumes)).items.map((pv) => pv.metadata.name ?? ''));
  const gone = entries.filter((e) => e.startsWith('pvc-') && !live.has(e));
  for (const e of gone) await rm(path.join(root, e), { recursive: true, force: true });
  return gone;
}
