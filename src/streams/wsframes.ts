/**
 * Splits a byte stream of WebSocket frames (RFC 6455 §5.2) at frame boundaries without
 * decoding them, so a relay writes each frame on its own (one TLS record each). Clients that
 * poll the socket before every frame (the Python client) would otherwise sit on frames that
 * arrived together in one record until their timeout.
 */
export class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  /** The whole frames now complete, in order; a partial frame waits for the next chunk. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Buffer[] = [];
    for (;;) {
      const size = frameSize(this.pending);
      if (size === undefined || size > this.pending.length) break;
      frames.push(this.pending.subarray(0, size));
      this.pending = this.pending.subarray(size);
    }
    return frames;
  }
}

/** The length of the frame at the start of `b`, header included, once its header is there. */
function frameSize(b: Buffer): number | undefined {
  if (b.length < 2) return undefined;
  const masked = (b[1]! & 0x80) !== 0;
  const len7 = b[1]! & 0x7f;
  let header = 2;
  let payload = len7;
  if (len7 === 126) {
    if (b.length < 4) return undefined;
    payload = b.readUInt16BE(2);
    header = 4;
  } else if (len7 === 127) {
    if (b.length < 10) return undefined;
    payload = Number(b.readBigUInt64BE(2));
    header = 10;
  }
  return header + (masked ? 4 : 0) + payload;
}
