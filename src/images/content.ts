/**
 * Blobs by digest under `<images>/blobs/<alg>/<hex>`. Content is hashed as it streams in and only
 * renamed into place when it matches the digest it was asked by, so a blob file that exists is
 * always whole and verified; half-written ingests stay in `ingest/` until GC sweeps them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { syncDir } from './atomic.js';
import { BadManifestError, DigestMismatchError } from './errors.js';
import { validDigest } from './reference.js';

const algorithms = new Set(['sha256', 'sha512']);

export function sha256(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface Ingested {
  readonly digest: string;
  readonly size: number;
}

export class ContentStore {
  readonly blobsDir: string;
  readonly ingestDir: string;

  constructor(readonly root: string) {
    this.blobsDir = path.join(root, 'blobs');
    this.ingestDir = path.join(root, 'ingest');
  }

  blobPath(digest: string): string {
    const [alg = '', hex = ''] = digest.split(':');
    if (!validDigest(digest) || !algorithms.has(alg)) throw new BadManifestError(`unsupported digest "${digest}"`);
    return path.join(this.blobsDir, alg, hex);
  }

  async has(digest: string): Promise<boolean> {
    try {
      return (await fs.stat(this.blobPath(digest))).isFile();
    } catch {
      return false;
    }
  }

  /** Streams `source` in; with `expected`, content of another digest is refused (and not kept). */
  async ingest(source: Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>, expected?: string, what = 'blob'): Promise<Ingested> {
    const alg = expected?.split(':')[0] ?? 'sha256';
    if (expected) this.blobPath(expected); // refuses unsupported algorithms before any download
    await fs.mkdir(this.ingestDir, { recursive: true });
    const tmp = path.join(this.ingestDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const hash = createHash(alg);
    let size = 0;
    // Written chunk by chunk through the handle (not a stream over it: a FileHandle with a stream
    // still attached never finishes closing).
    const fd = await fs.open(tmp, 'w', 0o644);
    try {
      for await (const chunk of source as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        size += chunk.length;
        await fd.write(chunk);
      }
      await fd.sync();
    } catch (err) {
      await fd.close();
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await fd.close();
    const digest = `${alg}:${hash.digest('hex')}`;
    if (expected && digest !== expected) {
      await fs.rm(tmp, { force: true });
      throw new DigestMismatchError(expected, digest, what);
    }
    const final = this.blobPath(digest);
    await fs.mkdir(path.dirname(final), { recursive: true });
    await fs.rename(tmp, final);
    await syncDir(path.dirname(final));
    return { digest, size };
  }

  async put(data: string | Uint8Array, expected?: string, what?: string): Promise<Ingested> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (!expected && (await this.has(sha256(buf)))) return { digest: sha256(buf), size: buf.length };
    return this.ingest([buf], expected, what);
  }

  read(digest: string): Promise<Buffer> {
    return fs.readFile(this.blobPath(digest));
  }

  stream(digest: string): Readable {
    return createReadStream(this.blobPath(digest));
  }

  async size(digest: string): Promise<number> {
    return (await fs.stat(this.blobPath(digest))).size;
  }

  /** Every stored blob's digest. */
  async list(): Promise<string[]> {
    const out: string[] = [];
    for (const alg of algorithms) {
      let names: string[];
      try {
        names = await fs.readdir(path.join(this.blobsDir, alg));
      } catch {
        continue;
      }
      for (const n of names) if (validDigest(`${alg}:${n}`)) out.push(`${alg}:${n}`);
    }
    return out;
  }

  async delete(digest: string): Promise<void> {
    await fs.rm(this.blobPath(digest), { force: true });
  }
}
