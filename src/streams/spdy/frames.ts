/**
 * SPDY/3.1 frames on the wire (spec §2.2): a control frame is the control bit, version 3 and
 * its type in four bytes, then flags (one byte) and payload length (three bytes); a data frame
 * is the stream id (control bit clear), then flags and length. All numbers big-endian.
 */

export const FRAME = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;
export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
export const RST = { protocolError: 1, invalidStream: 2, refusedStream: 3, cancel: 5, internalError: 6, streamInUse: 8, streamAlreadyClosed: 9 } as const;
export const GOAWAY_OK = 0;
export const GOAWAY_PROTOCOL_ERROR = 1;

/** The largest payload a frame can say it has (24 bits). */
export const MAX_PAYLOAD = 0xffffff;

export type Frame =
  | { readonly control: true; readonly version: number; readonly type: number; readonly flags: number; readonly payload: Buffer }
  | { readonly control: false; readonly streamId: number; readonly flags: number; readonly data: Buffer };

export class FrameError extends Error {}

/** Cuts a byte stream into frames; a partial frame waits for the next chunk. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxPayload = MAX_PAYLOAD) {}

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    while (this.pending.length >= 8) {
      const length = this.pending.readUInt32BE(4) & 0xffffff;
      if (length > this.maxPayload) throw new FrameError(`frame of ${length} bytes is over the limit of ${this.maxPayload}`);
      if (this.pending.length < 8 + length) break;
      const first = this.pending.readUInt32BE(0);
      const flags = this.pending[4]!;
      const payload = this.pending.subarray(8, 8 + length);
      if (first & 0x80000000) frames.push({ control: true, version: (first >>> 16) & 0x7fff, type: first & 0xffff, flags, payload });
      else frames.push({ control: false, streamId: first & 0x7fffffff, flags, data: payload });
      this.pending = this.pending.subarray(8 + length);
    }
    return frames;
  }
}

function header(first: number, flags: number, length: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(first >>> 0, 0);
  b.writeUInt32BE(((flags & 0xff) << 24 | length) >>> 0, 4);
  return b;
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([header(0x80030000 | type, flags, payload.length), payload]);
}

export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  return Buffer.concat([header(streamId & 0x7fffffff, flags, data.length), data]);
}

const u32 = (...values: number[]): Buffer => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
};

export const synReplyFrame = (streamId: number, flags: number, block: Buffer): Buffer => controlFrame(FRAME.synReply, flags, Buffer.concat([u32(streamId & 0x7fffffff), block]));
export const rstStreamFrame = (streamId: number, status: number): Buffer => controlFrame(FRAME.rstStream, 0, u32(streamId & 0x7fffffff, status));
export const pingFrame = (id: number): Buffer => controlFrame(FRAME.ping, 0, u32(id));
export const goAwayFrame = (lastGoodStreamId: number, status: number): Buffer => controlFrame(FRAME.goAway, 0, u32(lastGoodStreamId & 0x7fffffff, status));

/** SYN_STREAM (§2.6.1): stream id, associated stream id, priority (3 bits), slot, header block. */
export function synStreamFrame(streamId: number, flags: number, block: Buffer, priority = 0): Buffer {
  return controlFrame(FRAME.synStream, flags, Buffer.concat([u32(streamId & 0x7fffffff, 0), Buffer.of((priority & 7) << 5, 0), block]));
}

export interface SynStream {
  readonly streamId: number;
  readonly associatedId: number;
  readonly priority: number;
  readonly block: Buffer;
}

export function parseSynStream(payload: Buffer): SynStream {
  if (payload.length < 10) throw new FrameError('SYN_STREAM too short');
  return { streamId: payload.readUInt32BE(0) & 0x7fffffff, associatedId: payload.readUInt32BE(4) & 0x7fffffff, priority: payload[8]! >> 5, block: payload.subarray(10) };
}

/** The stream id (and, where there is one, the 32-bit value after it) of a fixed-size control frame. */
export function parseIdAndValue(payload: Buffer, name: string): { id: number; value: number } {
  if (payload.length < 8) throw new FrameError(`${name} too short`);
  return { id: payload.readUInt32BE(0) & 0x7fffffff, value: payload.readUInt32BE(4) };
}
