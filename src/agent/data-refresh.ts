/**
 * ConfigMap and Secret volumes follow their source, as kubelet's periodic volume sync does: the
 * node re-reads the object every {@link dataRefreshMs} and rewrites the files whose contents
 * changed (each replaced by a rename, so a reader sees the old or the new file, never half of
 * one), and removes the keys that are gone. A source deleted meanwhile leaves the last contents.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pod } from '../api/kinds.js';
import { dataVolumeFiles, type DataLookup } from './volumes.js';

/** How often a running pod's ConfigMap and Secret volumes are compared with their sources. */
export const dataRefreshMs = 10_000;

/** Whether the pod has volumes to keep in step. */
export function hasDataVolumes(pod: Pod): boolean {
  return (pod.spec.volumes ?? []).some((v) => v.configMap || v.secret);
}

/** Files written per volume directory at the last refresh (to know which keys went away). */
export type WrittenFiles = Map<string, Set<string>>;

/** Brings every ConfigMap/Secret volume of the pod in line with its source; returns how many
 * files changed. */
export async function refreshDataVolumes(pod: Pod, hostPaths: ReadonlyMap<string, string>, lookup: DataLookup, written: WrittenFiles): Promise<number> {
  let changed = 0;
  for (const v of pod.spec.volumes ?? []) {
    if (!v.configMap && !v.secret) continue;
    const dir = hostPaths.get(v.name);
    if (dir === undefined) continue;
    const kind = v.configMap ? 'ConfigMap' : 'Secret';
    const data = await lookup(kind, v.configMap ? (v.configMap.name ?? '') : (v.secret?.secretName ?? ''));
    if (!data) continue;
    const files = dataVolumeFiles(v, data);
    const now = new Set(files.map(([f]) => f));
    for (const [file, content] of files) {
      const target = path.join(dir, file);
      const before = await readFile(target, 'utf8').catch(() => undefined);
      if (before === content) continue;
      await mkdir(path.dirname(target), { recursive: true });
      const tmp = path.join(path.dirname(target), `..${path.basename(target)}.tmp`);
      await writeFile(tmp, content);
      await rename(tmp, target);
      changed++;
    }
    const previous = written.get(dir) ?? new Set((await readdir(dir).catch(() => [] as string[])).filter((f) => !f.startsWith('.')));
    for (const f of previous) {
      // First time round, `previous` is the directory's top level: a directory an item's path
      // goes through stays.
      if (now.has(f) || [...now].some((n) => n.startsWith(`${f}/`))) continue;
      await rm(path.join(dir, f), { force: true, recursive: true });
      changed++;
    }
    written.set(dir, now);
  }
  return changed;
}
