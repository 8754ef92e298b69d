/**
 * Which images running containers use, kept as files under `<images>/leases/` (one per use(),
 * named by the holder's pid) rather than in memory, so that GC in any process — a `skiff image
 * rm` beside a running agent — spares them. A lease whose process has died is dropped.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, promises as fs, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageRecord } from './refindex.js';
import { processAlive } from '../util/process.js';

export interface LeaseFile {
  readonly ref: string;
  readonly record?: ImageRecord;
}


export class Leases {
  readonly dir: string;

  constructor(root: string) {
    this.dir = path.join(root, 'leases');
  }

  /** Synchronous, as ImageService.use() is: a container start must not wait on it. */
  acquire(ref: string, record: ImageRecord | undefined): () => void {
    mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `${process.pid}-${randomBytes(6).toString('hex')}.json`);
    writeFileSync(file, JSON.stringify({ ref, ...(record ? { record } : {}) } satisfies LeaseFile));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      rmSync(file, { force: true });
    };
  }

  /** Every live lease (dead processes' leases are removed on the way). */
  async live(): Promise<LeaseFile[]> {
    const out: LeaseFile[] = [];
    for (const name of await fs.readdir(this.dir).catch(() => [] as string[])) {
      const file = path.join(this.dir, name);
      const pid = Number(name.split('-')[0]);
      if (!(pid > 0) || !processAlive(pid)) {
        await fs.rm(file, { force: true });
        continue;
      }
      try {
        out.push(JSON.parse(await fs.readFile(file, 'utf8')) as LeaseFile);
      } catch {
        // released while we read it
      }
    }
    return out;
  }
}
