/**
 * Flattened root filesystems under `<images>/rootfs/<config hex>`: one per image config (the
 * config names the uncompressed layers, so equal configs mean equal trees whatever the
 * compression). Built in a scratch folder and renamed into place, so a rootfs that exists is
 * complete.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { syncDir } from './atomic.js';
import { openLayer } from './decompress.js';
import { RootfsBuilder } from './unpack.js';
import type { ContentStore } from './content.js';

export const buildPrefix = '.build-';

export class RootfsStore {
  readonly dir: string;
  readonly #building = new Map<string, Promise<string>>();

  constructor(root: string, readonly content: ContentStore) {
    this.dir = path.join(root, 'rootfs');
  }

  pathFor(configDigest: string): string {
    return path.join(this.dir, configDigest.split(':')[1] ?? configDigest);
  }

  async exists(configDigest: string): Promise<boolean> {
    try {
      return (await fs.stat(this.pathFor(configDigest))).isDirectory();
    } catch {
      return false;
    }
  }

  /** The rootfs of these layers (built once, however many ask at the same time). */
  ensure(configDigest: string, layers: readonly string[], diffIds: readonly string[]): Promise<string> {
    let p = this.#building.get(configDigest);
    if (!p) {
      p = this.#build(configDigest, layers, diffIds).finally(() => this.#building.delete(configDigest));
      this.#building.set(configDigest, p);
    }
    return p;
  }

  async #build(configDigest: string, layers: readonly string[], diffIds: readonly string[]): Promise<string> {
    const final = this.pathFor(configDigest);
    if (await this.exists(configDigest)) return final;
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `${buildPrefix}${process.pid}-${randomBytes(6).toString('hex')}`);
    await fs.mkdir(tmp, { mode: 0o755 });
    await fs.chmod(tmp, 0o755); // whatever the umask
    try {
      const builder = new RootfsBuilder(tmp);
      for (const [i, layer] of layers.entries()) await builder.apply(await openLayer(this.content.blobPath(layer)), diffIds[i]);
      await builder.finish();
      try {
        await fs.rename(tmp, final);
      } catch (err) {
        // Another process built it first: theirs is as good as ours.
        if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
        await removeTree(tmp);
      }
      await syncDir(this.dir);
      return final;
    } catch (err) {
      await removeTree(tmp);
      throw err;
    }
  }

  /** Rootfs folder names present (built and half-built). */
  async list(): Promise<string[]> {
    try {
      return await fs.readdir(this.dir);
    } catch {
      return [];
    }
  }

  async remove(name: string): Promise<void> {
    await removeTree(path.join(this.dir, name));
  }
}

/** rm -rf that also gets through folders an image made read-only (when we are not root). */
export async function removeTree(p: string): Promise<void> {
  try {
    await fs.rm(p, { recursive: true, force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EACCES') throw err;
    await makeWritable(p);
    await fs.rm(p, { recursive: true, force: true });
  }
}

async function makeWritable(p: string): Promise<void> {
  const st = await fs.lstat(p).catch(() => null);
  if (!st?.isDirectory()) return;
  await fs.chmod(p, 0o700);
  for (const name of await fs.readdir(p)) await makeWritable(path.join(p, name));
}
