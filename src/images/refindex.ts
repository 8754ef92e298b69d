/**
 * The store's one mutable record: which names point at which image. Kept in `refs.json`, rewritten
 * whole and atomically under the store's lock file on every change, so a crash leaves either the
 * old index or the new one, and another process's change made in between is never lost.
 */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { withFileLock } from './lock.js';

export interface ImageRecord {
  /** The normalized reference: `127.0.0.1:5000/app:1`. */
  readonly ref: string;
  /** What the name resolved to: an index's digest for multi-platform images, else the manifest's. */
  readonly digest: string;
  /** The platform manifest used. */
  readonly manifest: string;
  readonly config: string;
  readonly layers: readonly string[];
  /** Layer bytes as stored (compressed). */
  readonly size: number;
  readonly created: string;
  readonly source: 'pull' | 'import';
  /** Who may use it without asking the registry again (see access.ts); absent on records made
   * before grants were kept: such a pulled image is verified once more. */
  readonly access?: readonly string[];
}

interface IndexFile {
  readonly version: 1;
  readonly images: Record<string, ImageRecord>;
}

export class RefIndex {
  readonly file: string;
  readonly lockFile: string;

  constructor(root: string) {
    this.file = path.join(root, 'refs.json');
    this.lockFile = path.join(root, 'lock');
  }

  async all(): Promise<Map<string, ImageRecord>> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    const parsed = JSON.parse(text) as IndexFile;
    return new Map(Object.entries(parsed.images ?? {}));
  }

  /** For synchronous callers (ImageService.use()); a missing or unreadable index has nothing. */
  getSync(ref: string): ImageRecord | undefined {
    try {
      return (JSON.parse(readFileSync(this.file, 'utf8')) as IndexFile).images?.[ref];
    } catch {
      return undefined;
    }
  }

  async get(ref: string): Promise<ImageRecord | undefined> {
    return (await this.all()).get(ref);
  }

  /** Read, change and write back under the lock; `change` may also do other work that must not
   * interleave with another process's changes (GC). */
  async update<T>(change: (images: Map<string, ImageRecord>) => Promise<T> | T): Promise<T> {
    return withFileLock(this.lockFile, async () => {
      const images = await this.all();
      const before = JSON.stringify(Object.fromEntries(images));
      const result = await change(images);
      const after = Object.fromEntries([...images.entries()].sort(([a], [b]) => a.localeCompare(b)));
      if (JSON.stringify(after) !== before) await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, images: after } satisfies IndexFile, null, 2)}\n`);
      return result;
    });
  }
}
