/** Durable writes: a file is written beside its final name, flushed, then renamed over it, and the
 * folder is flushed too — so after a crash a reader finds the old content or the new, never a torn
 * one, and nothing a caller was told is written goes missing. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** fsync a directory (its entries: renames and creations in it). */
export async function syncDir(dir: string): Promise<void> {
  const fd = await fs.open(dir, 'r');
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}

export function tempName(dir: string, base: string): string {
  return path.join(dir, `.${base}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = tempName(dir, path.basename(file));
  const fd = await fs.open(tmp, 'w', 0o644);
  try {
    await fd.writeFile(data);
    await fd.sync();
  } finally {
    await fd.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
}
