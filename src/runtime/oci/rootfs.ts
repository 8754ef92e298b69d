/**
 * A container's root filesystem: the image's read-only rootfs as the lower layer of an overlay
 * with a writable upper directory of the container's own, so containers of one image share it
 * and never change it. Where overlayfs cannot be mounted (a data dir on a filesystem overlayfs
 * refuses as upper), the image is copied instead — slower, same result.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { runCommand, runOk } from './command.js';

export type RootfsKind = 'overlay' | 'copy';

export interface PreparedRootfs {
  readonly path: string;
  readonly kind: RootfsKind;
}

let overlayBroken = false;

/** Mounts (or copies) `image` at `<bundle>/rootfs`. */
export async function prepareRootfs(bundle: string, image: string): Promise<PreparedRootfs> {
  const target = path.join(bundle, 'rootfs');
  const upper = path.join(bundle, 'upper');
  const work = path.join(bundle, 'work');
  await Promise.all([target, upper, work].map((d) => mkdir(d, { recursive: true })));
  if (!overlayBroken) {
    const opts = `lowerdir=${image},upperdir=${upper},workdir=${work}`;
    const r = await runCommand('mount', ['-t', 'overlay', 'overlay', '-o', opts, target]);
    if (r.code === 0) return { path: target, kind: 'overlay' };
    overlayBroken = true;
  }
  await runOk('cp', ['-a', `${image}/.`, `${target}/`]);
  return { path: target, kind: 'copy' };
}

/** Unmounts and deletes a container's root filesystem and its layers. */
export async function releaseRootfs(bundle: string, kind: RootfsKind): Promise<void> {
  const target = path.join(bundle, 'rootfs');
  if (kind === 'overlay' && existsSync(target)) await runCommand('umount', ['-l', target]);
  await Promise.all(['rootfs', 'upper', 'work'].map((d) => rm(path.join(bundle, d), { recursive: true, force: true })));
}
