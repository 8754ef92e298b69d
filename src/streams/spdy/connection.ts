/**
 * The server side of a SPDY/3.1 connection as Kubernetes uses it (spdystream): the client opens
 * every stream (SYN_STREAM with headers naming its role), the server answers each with an empty
 * SYN_REPLY, and data flows both ways until each side sends FIN; RST_STREAM ends a stream at
 * once, PING is echoed, GOAWAY ends the connection. spdystream keeps no flow-control windows,
 * so none are kept or sent here either. Streams are Node duplexes: ending one sends FIN.
 */
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import {
  dataFrame, FLAG_FIN, FLAG_UNIDIRECTIONAL, FRAME, FrameError, FrameReader, GOAWAY_OK, GOAWAY_PROTOCOL_ERROR, goAwayFrame,
  parseIdAndValue, parseSynStream, pingFrame, RST, rstStreamFrame, synReplyFrame, type Frame,
} from './frames.js';
import { decodeHeaders, encodeHeaders, HeaderDeflater, HeaderInflater } from './headerblock.js';

/** Data is sent in frames of at most this many bytes, so one stream cannot hold the line long. */
const MAX_DATA_FRAME = 32 * 1024;

export class SpdyStream extends Duplex {
  private remoteClosed = false;
  private localClosed = false;
  private replied = false;

  constructor(private readonly conn: SpdyConnection, readonly id: number, readonly headers: ReadonlyMap<string, readonly string[]>) {
    super({ allowHalfOpen: true });
  }

  /** The first value of a header (names are lower case). */
  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[0];
  }

  /** Accepts the stream (SYN_REPLY without headers, as spdystream's server does). */
  reply(): void {
    if (this.replied) return;
    this.replied = true;
    this.conn.sendReply(this.id);
  }

  /** Ends the stream at once for both sides (RST_STREAM). */
  reset(status: number = RST.cancel): void {
    if (!this.destroyed && !(this.remoteClosed && this.localClosed)) this.conn.sendReset(this.id, status);
    this.localClosed = this.remoteClosed = true;
    this.destroy();
  }

  override _read(): void {
    // The reader wants more: the connection may read again (see remoteData).
    this.conn.unblock(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.conn.sendData(this.id, chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.localClosed = true;
    this.conn.sendData(this.id, Buffer.alloc(0), cb, true);
    this.settle();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.conn.unblock(this);
    this.conn.forget(this.id);
    cb(err);
  }

  /** @internal frames from the connection */
  remoteData(data: Buffer): void {
    // Without windows, a reader that falls behind holds the whole connection, as spdystream's
    // does: nothing more is read from the socket until it catches up.
    if (!this.remoteClosed && data.length && !this.push(data)) this.conn.block(this);
  }

  /** @internal */
  remoteFin(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.push(null);
    this.settle();
  }

  /** @internal the client reset the stream, or the connection went */
  remoteReset(): void {
    this.remoteClosed = this.localClosed = true;
    this.destroy();
  }

  /** Done both ways: the connection lets go of it (whether or not anyone read its end). */
  private settle(): void {
    if (this.remoteClosed && this.localClosed) this.conn.forget(this.id);
  }
}

export interface SpdyConnectionEvents {
  stream: [SpdyStream];
  close: [];
}

export class SpdyConnection extends EventEmitter<SpdyConnectionEvents> {
  private readonly reader = new FrameReader();
  private readonly deflater = new HeaderDeflater();
  private readonly inflater = new HeaderInflater();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly queue: Frame[] = [];
  private draining = false;
  private lastStreamId = 0;
  private goneAway = false;
  private closed = false;
  private drainWaiters: (() => void)[] = [];
  /** Streams whose readers are behind: the socket is paused while there are any. */
  private readonly blocked = new Set<SpdyStream>();

  constructor(private readonly socket: Duplex) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    });
    socket.on('error', () => socket.destroy());
    socket.once('close', () => this.onClose());
    // The client's side ending ends the connection (spdystream never half-closes it).
    socket.once('end', () => socket.destroy());
  }

  /** Bytes read before the connection was handed over (after the 101). */
  feed(head: Buffer): void {
    if (head.length) this.receive(head);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** GOAWAY, then the connection ends once what is written has left. */
  close(): void {
    if (this.closed || this.socket.destroyed) return;
    this.write(goAwayFrame(this.lastStreamId, GOAWAY_OK));
    this.socket.end();
    // A peer that never closes its side is not waited for long.
    setTimeout(() => this.socket.destroy(), 5_000).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** @internal */
  sendReply(id: number): void {
    this.write(synReplyFrame(id, 0, this.deflater.deflate(encodeHeaders({}))));
  }

  /** @internal */
  sendReset(id: number, status: number): void {
    this.write(rstStreamFrame(id, status));
  }

  /** @internal data frames, the last with FIN when `fin`; `cb` once the socket can take more */
  sendData(id: number, data: Buffer, cb: (err?: Error | null) => void, fin = false): void {
    if (this.socket.destroyed) return cb();
    let ok = true;
    for (let at = 0; at < data.length; at += MAX_DATA_FRAME) {
      const last = at + MAX_DATA_FRAME >= data.length;
      ok = this.write(dataFrame(id, last && fin ? FLAG_FIN : 0, data.subarray(at, at + MAX_DATA_FRAME)));
    }
    if (fin && data.length === 0) ok = this.write(dataFrame(id, FLAG_FIN, data));
    if (ok) cb();
    else this.drainWaiters.push(() => cb());
  }

  /** @internal */
  block(s: SpdyStream): void {
    this.blocked.add(s);
    this.socket.pause();
  }

  /** @internal */
  unblock(s: SpdyStream): void {
    if (this.blocked.delete(s) && this.blocked.size === 0) this.socket.resume();
  }

  /** @internal a stream done both ways, or destroyed */
  forget(id: number): void {
    this.streams.delete(id);
  }

  private write(frame: Buffer): boolean {
    if (this.socket.destroyed || this.socket.writableEnded) return true;
    return this.socket.write(frame);
  }

  private receive(chunk: Buffer): void {
    try {
      this.queue.push(...this.reader.push(chunk));
    } catch (err) {
      return this.fail(err);
    }
    if (!this.draining) void this.drain();
  }

  /** Frames are handled one at a time, in order: a header block inflates before what follows. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let f = this.queue.shift(); f && !this.closed; f = this.queue.shift()) await this.handle(f);
    } catch (err) {
      this.fail(err);
    } finally {
      this.draining = false;
    }
  }

  private fail(err: unknown): void {
    if (err instanceof FrameError) this.write(goAwayFrame(this.lastStreamId, GOAWAY_PROTOCOL_ERROR));
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1_000).unref();
  }

  private async handle(f: Frame): Promise<void> {
    if (!f.control) {
      const s = this.streams.get(f.streamId);
      if (!s) return;
      s.remoteData(f.data);
      if (f.flags & FLAG_FIN) s.remoteFin();
      return;
    }
    if (f.version !== 3) throw new FrameError(`unsupported SPDY version ${f.version}`);
    switch (f.type) {
      case FRAME.synStream: {
        const syn = parseSynStream(f.payload);
        // The header block is inflated even for a refused stream: the zlib stream is shared.
        const headers = decodeHeaders(await this.inflater.inflate(syn.block));
        if (syn.streamId % 2 === 0 || syn.streamId <= this.lastStreamId) return this.sendReset(syn.streamId, RST.protocolError);
        this.lastStreamId = syn.streamId;
        if (this.goneAway) return this.sendReset(syn.streamId, RST.refusedStream);
        const s = new SpdyStream(this, syn.streamId, headers);
        this.streams.set(syn.streamId, s);
        if (f.flags & (FLAG_FIN | FLAG_UNIDIRECTIONAL)) s.remoteFin();
        this.emit('stream', s);
        return;
      }
      case FRAME.headers: {
        if (f.payload.length < 4) throw new FrameError('HEADERS too short');
        const id = f.payload.readUInt32BE(0) & 0x7fffffff;
        // Inflated only to keep the zlib stream in step: no header here changes anything.
        await this.inflater.inflate(f.payload.subarray(4));
        if (f.flags & FLAG_FIN) this.streams.get(id)?.remoteFin();
        return;
      }
      case FRAME.rstStream: {
        const { id } = parseIdAndValue(f.payload, 'RST_STREAM');
        this.streams.get(id)?.remoteReset();
        return;
      }
      case FRAME.ping: {
        if (f.payload.length < 4) throw new FrameError('PING too short');
        const id = f.payload.readUInt32BE(0);
        // Pings the client started have odd ids: answered with the same id.
        if (id % 2 === 1) this.write(pingFrame(id));
        return;
      }
      case FRAME.goAway: {
        this.goneAway = true;
        for (const s of [...this.streams.values()]) s.remoteReset();
        this.socket.end();
        return;
      }
      default:
        // SYN_REPLY (no stream is opened here), SETTINGS, WINDOW_UPDATE: nothing to do.
        return;
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams.values()]) s.remoteReset();
    this.streams.clear();
    this.inflater.close();
    this.emit('close');
  }
}
