/**
 * emptyDir `sizeLimit`, as kubelet's eviction manager enforces it: the volume's disk usage is
 * measured every few seconds (as `du` counts it: allocated blocks), and a pod whose emptyDir
 * holds more than its limit is evicted — Failed with reason `Evicted` and kubelet's message, a
 * Warning event, its containers stopped.
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Pod } from '../api/kinds.js';
import { Quantity } from '../api/quantity.js';

/** How often usage is measured while such a pod runs (kubelet's eviction monitoring period is 10 s). */
export const emptyDirCheckMs = 3000;

export interface EmptyDirLimit {
  readonly name: string;
  /** The limit as written in the spec (kubelet prints it back so). */
  readonly text: string;
  readonly bytes: number;
}

/** The pod's emptyDir volumes that have a (positive) size limit. */
export function emptyDirLimits(pod: Pod): EmptyDirLimit[] {
  return (pod.spec.volumes ?? []).flatMap((v) => {
    const text = v.emptyDir?.sizeLimit;
    if (text === undefined || text === null) return [];
    const q = Quantity.tryParse(String(text));
    if (!q || q.sign <= 0) return [];
    return [{ name: v.name, text: String(text), bytes: q.value() }];
  });
}

/** Bytes allocated under `dir` (files, directories, links; not following links). */
export async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  const todo = [dir];
  while (todo.length > 0) {
    const cur = todo.pop()!;
    let st;
    try {
      st = await lstat(cur);
    } catch {
      continue; // removed while walking
    }
    total += st.blocks * 512;
    if (!st.isDirectory()) continue;
    let names: string[];
    try {
      names = await readdir(cur);
    } catch {
      continue;
    }
    for (const n of names) todo.push(path.join(cur, n));
  }
  return total;
}

/** kubelet's eviction message for an emptyDir over its limit. */
export function emptyDirExceededMessage(volume: string, limit: string): string {
  return `Usage of EmptyDir volume ${JSON.stringify(volume)} exceeds the limit ${JSON.stringify(limit)}. `;
}

/** The eviction due to the first emptyDir over its limit, or undefined. `hostPaths` are the
 * prepared volumes' directories by name. */
export async function emptyDirOverLimit(limits: readonly EmptyDirLimit[], hostPaths: ReadonlyMap<string, string>): Promise<{ reason: string; message: string } | undefined> {
  for (const l of limits) {
    const dir = hostPaths.get(l.name);
    if (dir === undefined) continue;
    if (await diskUsage(dir) > l.bytes) return { reason: 'Evicted', message: emptyDirExceededMessage(l.name, l.text) };
  }
  return undefined;
}
