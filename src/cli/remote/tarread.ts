/**
 * Unpacks what `tar cf - SRC` in a container sends back for `skiff cp POD:SRC DEST`, as kubectl's
 * untarAll does: the entry named SRC (its leading `/` dropped by tar) becomes DEST, the ones
 * below it go below DEST; names that would leave DEST and links are skipped with a warning.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';

export async function unpackTo(input: Readable, src: string, dest: string, warn: (text: string) => void): Promise<number> {
  const prefix = path.posix.normalize(src).replace(/^\/+/, '').replace(/\/+$/, '');
  const root = path.resolve(dest);
  const writes: Promise<void>[] = [];
  let count = 0;
  const parser = new Parser({
    onReadEntry: (e: ReadEntry) => {
      const name = e.path.replace(/^\/+/, '').replace(/\/+$/, '');
      const rel = name === prefix ? '' : name.startsWith(`${prefix}/`) ? name.slice(prefix.length + 1) : prefix === '.' ? name : undefined;
      const target = rel === undefined ? undefined : path.resolve(root, rel);
      if (target === undefined || (target !== root && !target.startsWith(root + path.sep))) {
        warn(`warning: skipping ${e.path}: outside the copied path\n`);
        e.resume();
        return;
      }
      if (e.type === 'Directory') {
        mkdirSync(target, { recursive: true, mode: e.mode ?? 0o755 });
        e.resume();
      } else if (e.type === 'File' || e.type === 'OldFile' || e.type === 'ContiguousFile') {
        mkdirSync(path.dirname(target), { recursive: true });
        count++;
        const out = createWriteStream(target, { mode: e.mode ?? 0o644 });
        writes.push(new Promise((resolve, reject) => {
          out.once('finish', resolve);
          out.once('error', reject);
        }));
        e.on('data', (chunk: Buffer) => out.write(chunk));
        e.once('end', () => out.end());
      } else {
        warn(`warning: skipping symlink: "${target}" -> "${e.linkpath ?? ''}"\n`);
        e.resume();
      }
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.once('end', () => resolve());
    parser.once('error', reject);
    input.on('data', (chunk: Buffer) => parser.write(chunk));
    input.once('end', () => parser.end());
    input.once('error', reject);
  });
  await Promise.all(writes);
  return count;
}
