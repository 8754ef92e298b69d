/** A node's image store as `skiff up` and `skiff agent` run it: the registry flags (see
 * registryflags.ts) and kubelet's image GC thresholds. */
import { Command, InvalidArgumentError } from 'commander';
import { defaultImageGcPolicy, ImageGarbageCollector, ImageStore, imagesDir } from '../images/index.js';
import type { Logger } from '../util/log.js';
import { ensurePrivateDir } from '../util/private-files.js';
import { registryOptions, withRegistryFlags, type RegistryFlags } from './registryflags.js';

export interface ImageStoreFlags extends RegistryFlags {
  imageGcHighThreshold: number;
  imageGcLowThreshold: number;
}

function percent(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new InvalidArgumentError('must be a whole percentage, 0–100');
  return n;
}

export function withImageStoreFlags(cmd: Command): Command {
  return withRegistryFlags(cmd)
    .option('--image-gc-high-threshold <percent>', 'disk usage at which unused images start being removed (--runtime oci)', percent, defaultImageGcPolicy.highPercent)
    .option('--image-gc-low-threshold <percent>', 'disk usage image garbage collection brings it below', percent, defaultImageGcPolicy.lowPercent);
}

export interface RunningImageStore {
  readonly store: ImageStore;
  stop(): void;
}

/** The store in `<dataDir>/images`, with its garbage collector running. */
export function startImageStore(dataDir: string, flags: ImageStoreFlags, log: Logger): RunningImageStore {
  // Owner-only; the store itself keeps its contents' modes (see ImageStore).
  ensurePrivateDir(dataDir);
  const store = new ImageStore({ dir: imagesDir(dataDir), registry: registryOptions(flags) });
  const gc = new ImageGarbageCollector(store, { highPercent: flags.imageGcHighThreshold, lowPercent: flags.imageGcLowThreshold }, log);
  gc.start();
  return { store, stop: () => gc.stop() };
}
