/**
 * A layer blob's tar stream, whatever it was compressed with. The format is read from the blob's
 * first bytes rather than trusted from its media type: `docker save` layers carry none, and
 * registries have been seen to mislabel them.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';

export type Compression = 'gzip' | 'zstd' | 'none';

export function sniffCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

export async function compressionOf(file: string): Promise<Compression> {
  const fd = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fd.read(head, 0, 4, 0);
    return sniffCompression(head.subarray(0, bytesRead));
  } finally {
    await fd.close();
  }
}

/** zstd through fzstd (pure JavaScript: Node 20's zlib has no zstd). */
export class ZstdDecompressor extends Transform {
  readonly #d = new Decompress((data) => {
    // fzstd may hand out views of its window buffer: copy before it is reused.
    this.push(Buffer.from(data));
  });

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.#d.push(chunk);
      done();
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)));
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.#d.push(new Uint8Array(0), true);
      done();
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

export function decompressor(c: Compression): Transform {
  switch (c) {
    case 'gzip':
      return createGunzip();
    case 'zstd':
      return new ZstdDecompressor();
    case 'none':
      return new PassThrough();
  }
}

/** The uncompressed tar stream of a layer file. */
export async function openLayer(file: string): Promise<Readable> {
  const c = await compressionOf(file);
  const src = createReadStream(file);
  const out = decompressor(c);
  src.on('error', (err) => out.destroy(err));
  return src.pipe(out);
}
