/**
 * Garbage collection: every blob and rootfs that no kept image (named in the index, or in use by a
 * running container) refers to goes, and so do leftovers of interrupted ingests and builds. Files
 * younger than the grace period stay: another process may be pulling them right now.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ContentStore } from './content.js';
import type { ImageRecord } from './refindex.js';
import { buildPrefix, removeTree, type RootfsStore } from './rootfs.js';

export interface GcResult {
  readonly blobsRemoved: number;
  readonly bytesRemoved: number;
  readonly rootfsRemoved: number;
}

async function old(p: string, cutoff: number): Promise<{ old: boolean; size: number }> {
  try {
    const st = await fs.lstat(p);
    return { old: st.mtimeMs <= cutoff, size: st.size };
  } catch {
    return { old: false, size: 0 };
  }
}

/**
 * `graceMs` spares young finished blobs and rootfs folders (a pull in another process may not have
 * recorded them yet); `partialGraceMs` spares young half-written ingests and builds.
 */
export async function collectGarbage(content: ContentStore, rootfs: RootfsStore, keep: readonly ImageRecord[], graceMs: number, partialGraceMs: number): Promise<GcResult> {
  const cutoff = Date.now() - graceMs;
  const partialCutoff = Date.now() - partialGraceMs;
  const blobs = new Set<string>();
  const trees = new Set<string>();
  for (const r of keep) {
    for (const d of [r.digest, r.manifest, r.config, ...r.layers]) blobs.add(d);
    trees.add(path.basename(rootfs.pathFor(r.config)));
  }
  let blobsRemoved = 0;
  let bytesRemoved = 0;
  for (const d of await content.list()) {
    if (blobs.has(d)) continue;
    const f = await old(content.blobPath(d), cutoff);
    if (!f.old) continue;
    await content.delete(d);
    blobsRemoved++;
    bytesRemoved += f.size;
  }
  for (const name of await fs.readdir(content.ingestDir).catch(() => [] as string[])) {
    const p = path.join(content.ingestDir, name);
    if ((await old(p, partialCutoff)).old) await fs.rm(p, { force: true });
  }
  let rootfsRemoved = 0;
  for (const name of await rootfs.list()) {
    if (trees.has(name)) continue;
    // A build in progress (`.build-*`) or just finished and not yet recorded is fresh; one a dead
    // process left behind ages past the grace.
    if (!(await old(path.join(rootfs.dir, name), name.startsWith(buildPrefix) ? partialCutoff : cutoff)).old) continue;
    await removeTree(path.join(rootfs.dir, name));
    rootfsRemoved++;
  }
  return { blobsRemoved, bytesRemoved, rootfsRemoved };
}
