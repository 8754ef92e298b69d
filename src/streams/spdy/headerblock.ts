/**
 * SPDY/3 header blocks (spec §2.6.10): a count, then each name and value after its length, all
 * four bytes big-endian; several values of one name are joined with NUL. Each direction of a
 * connection is one zlib stream primed with the dictionary, each block ending on a sync flush.
 * Blocks sent here are zlib "stored" blocks (no compression) ending on the flush marker: valid
 * for any inflater, and written synchronously, so a reply never falls behind the data after it.
 */
import zlib from 'node:zlib';
import { HEADER_DICTIONARY } from './dictionary.js';
import { FrameError } from './frames.js';

export type HeaderMap = ReadonlyMap<string, readonly string[]>;

export function encodeHeaders(headers: Record<string, string | readonly string[]>): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [];
  const n = Buffer.alloc(4);
  n.writeUInt32BE(entries.length);
  parts.push(n);
  for (const [name, value] of entries) {
    for (const s of [name.toLowerCase(), typeof value === 'string' ? value : value.join('\0')]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

export function decodeHeaders(raw: Buffer): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let at = 0;
  const take = (n: number): Buffer => {
    if (at + n > raw.length) throw new FrameError('header block is cut short');
    const b = raw.subarray(at, at + n);
    at += n;
    return b;
  };
  const count = take(4).readUInt32BE(0);
  for (let i = 0; i < count; i++) {
    const name = take(take(4).readUInt32BE(0)).toString('utf8').toLowerCase();
    const values = take(take(4).readUInt32BE(0)).toString('utf8').split('\0');
    out.set(name, [...(out.get(name) ?? []), ...values]);
  }
  return out;
}

const SYNC_FLUSH = Buffer.of(0x00, 0x00, 0x00, 0xff, 0xff);

/** The sending side's zlib stream: a header first, then each block stored as it is. */
export class HeaderDeflater {
  private started = false;

  deflate(block: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      // CMF 0x78 (deflate, 32K window), FLG 0x01 (no preset dictionary needed: nothing refers to it).
      parts.push(Buffer.of(0x78, 0x01));
      this.started = true;
    }
    for (let at = 0; at < block.length; at += 0xffff) {
      const piece = block.subarray(at, at + 0xffff);
      const head = Buffer.alloc(5);
      head[0] = 0; // not final, stored
      head.writeUInt16LE(piece.length, 1);
      head.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(head, piece);
    }
    // The sync flush's empty stored block: Go's inflater hands out a block's bytes only once it
    // has seen the next block's start, which must be inside this frame.
    parts.push(SYNC_FLUSH);
    return Buffer.concat(parts);
  }
}

/** The receiving side's zlib stream: blocks inflate in the order given. */
export class HeaderInflater {
  private readonly z = zlib.createInflate({ dictionary: HEADER_DICTIONARY });
  private out: Buffer[] = [];
  private failed: Error | undefined;
  private pending: ((err: Error) => void) | undefined;

  constructor(private readonly maxBlock = 1 << 20) {
    this.z.on('data', (b: Buffer) => this.out.push(b));
    this.z.on('error', (err) => {
      this.failed = new FrameError(`header block: ${err.message}`);
      this.pending?.(this.failed);
    });
  }

  inflate(compressed: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.pending = reject;
      this.z.write(compressed);
      this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.pending = undefined;
        const block = Buffer.concat(this.out);
        this.out = [];
        if (this.failed) reject(this.failed);
        else if (block.length > this.maxBlock) reject(new FrameError('header block too large'));
        else resolve(block);
      });
    });
  }

  close(): void {
    this.z.destroy();
  }
}
