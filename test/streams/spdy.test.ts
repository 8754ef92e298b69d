/** SPDY/3.1 pieces, table-driven and over loopback sockets: the dictionary, frames cut
 * anywhere, header blocks both ways through zlib, and the server connection as a client sees
 * it (replies, echoed data, FIN, PING, RST, GOAWAY, protocol errors). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import zlib from 'node:zlib';
import {
  dataFrame, decodeHeaders, encodeHeaders, FLAG_FIN, FRAME, FrameReader, HEADER_DICTIONARY, HeaderDeflater, HeaderInflater,
  controlFrame, pingFrame, RST, rstStreamFrame, SpdyConnection, synStreamFrame, type Frame, type SpdyStream,
} from '../../src/streams/spdy/index.js';

const randomBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(Math.random() * 256)));

describe('spdy framing', () => {
  test('the dictionary: 1423 bytes, names after their lengths, the fixed tail last', () => {
    assert.equal(HEADER_DICTIONARY.length, 1423);
    assert.deepEqual(HEADER_DICTIONARY.subarray(0, 11), Buffer.from('\0\0\0\x07options', 'latin1'));
    assert.equal(HEADER_DICTIONARY.subarray(-6).toString('latin1'), 'enq=0.');
  });

  test('frames come out whole however the bytes are cut', () => {
    const frames = [
      synStreamFrame(1, 0, randomBytes(40)),
      dataFrame(1, 0, randomBytes(70_000)),
      dataFrame(3, FLAG_FIN, Buffer.alloc(0)),
      pingFrame(7),
      rstStreamFrame(5, RST.cancel),
    ];
    const all = Buffer.concat(frames);
    for (let trial = 0; trial < 20; trial++) {
      const r = new FrameReader();
      const out: Frame[] = [];
      for (let at = 0; at < all.length;) {
        const n = 1 + Math.floor(Math.random() * 5000);
        out.push(...r.push(all.subarray(at, at + n)));
        at += n;
      }
      assert.deepEqual(out.map((f) => (f.control ? `c${f.type}:${f.payload.length}` : `d${f.streamId}:${f.flags}:${f.data.length}`)), ['c1:50', 'd1:0:70000', 'd3:1:0', 'c6:4', 'c3:8']);
    }
    assert.throws(() => new FrameReader(100).push(dataFrame(1, 0, Buffer.alloc(101))), /over the limit/);
  });

  test('header blocks: stored blocks read by zlib, blocks after blocks, values joined by NUL', async () => {
    const d = new HeaderDeflater();
    const inflater = new HeaderInflater();
    const cases: Record<string, string | string[]>[] = [{}, { streamtype: 'error', port: String(1 + Math.floor(Math.random() * 65535)), requestid: '0' }, { Big: 'x'.repeat(70_000) }, { many: ['a', 'b', 'c'] }];
    for (const headers of cases) {
      const block = d.deflate(encodeHeaders(headers));
      const decoded = decodeHeaders(await inflater.inflate(block));
      const expected = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' ? [v] : v]));
      assert.deepEqual(decoded, expected);
      // Each block ends on the sync flush marker, as Go's reader needs.
      assert.deepEqual(block.subarray(-5), Buffer.of(0, 0, 0, 0xff, 0xff));
    }
    inflater.close();
  });

  test('header blocks as Go clients send them: compressed with the dictionary, one zlib stream', async () => {
    const deflate = zlib.createDeflate({ dictionary: HEADER_DICTIONARY });
    const chunks: Buffer[] = [];
    deflate.on('data', (b: Buffer) => chunks.push(b));
    const inflater = new HeaderInflater();
    for (const type of ['error', 'stdin', 'stdout', 'stderr', 'resize']) {
      deflate.write(encodeHeaders({ streamtype: type }));
      await new Promise<void>((r) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => r()));
      const block = Buffer.concat(chunks.splice(0));
      assert.deepEqual(decodeHeaders(await inflater.inflate(block)), new Map([['streamtype', [type]]]));
    }
    await assert.rejects(inflater.inflate(Buffer.from('not zlib at all')), /header block/);
    deflate.destroy();
    inflater.close();
  });
});

/** A loopback client speaking SPDY to a SpdyConnection server. */
async function pair(onStream: (s: SpdyStream, conn: SpdyConnection) => void) {
  let serverConn: SpdyConnection | undefined;
  const server = net.createServer((sock) => {
    serverConn = new SpdyConnection(sock);
    serverConn.on('stream', (s) => onStream(s, serverConn!));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const sock = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  const reader = new FrameReader();
  const frames: Frame[] = [];
  let closed = false;
  sock.on('data', (b: Buffer) => frames.push(...reader.push(b)));
  sock.on('close', () => (closed = true));
  const deflate = zlib.createDeflate({ dictionary: HEADER_DICTIONARY });
  const out: Buffer[] = [];
  deflate.on('data', (b: Buffer) => out.push(b));
  const block = async (headers: Record<string, string>): Promise<Buffer> => {
    deflate.write(encodeHeaders(headers));
    await new Promise<void>((r) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => r()));
    return Buffer.concat(out.splice(0));
  };
  const until = async <T>(what: string, check: () => T | undefined | false): Promise<T> => {
    for (let i = 0; i < 400; i++) {
      const v = check();
      if (v) return v;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out: ${what}`);
  };
  const stop = async (): Promise<void> => {
    sock.destroy();
    deflate.destroy();
    await new Promise((r) => server.close(r));
  };
  return { sock, frames, block, until, stop, closed: () => closed, server: () => serverConn };
}

const dataOf = (frames: Frame[], id: number): Buffer => Buffer.concat(frames.flatMap((f) => (!f.control && f.streamId === id ? [f.data] : [])));
const finOf = (frames: Frame[], id: number): boolean => frames.some((f) => !f.control && f.streamId === id && (f.flags & FLAG_FIN) !== 0);

describe('spdy connection', () => {
  test('streams are answered, data echoed on each, FIN for FIN; pings are echoed', async () => {
    const c = await pair((s) => {
      s.reply();
      s.pipe(s);
    });
    const ids = [1, 3, 5].slice(0, 2 + Math.floor(Math.random() * 2));
    const payloads = new Map(ids.map((id) => [id, randomBytes(1 + Math.floor(Math.random() * 100_000))]));
    for (const id of ids) c.sock.write(synStreamFrame(id, 0, await c.block({ streamtype: 'data', port: '80' })));
    // Interleaved in small pieces, then FIN.
    for (let at = 0; at < 100_000; at += 4096) {
      for (const id of ids) {
        const p = payloads.get(id)!.subarray(at, at + 4096);
        if (p.length) c.sock.write(dataFrame(id, 0, p));
      }
    }
    for (const id of ids) c.sock.write(dataFrame(id, FLAG_FIN, Buffer.alloc(0)));
    c.sock.write(pingFrame(9));
    await c.until('echoes', () => ids.every((id) => finOf(c.frames, id)));
    for (const id of ids) {
      assert.ok(c.frames.some((f) => f.control && f.type === FRAME.synReply && f.payload.readUInt32BE(0) === id), `reply for ${id}`);
      assert.ok(dataOf(c.frames, id).equals(payloads.get(id)!), `echo on ${id}`);
    }
    await c.until('ping echoed', () => c.frames.some((f) => f.control && f.type === FRAME.ping && f.payload.readUInt32BE(0) === 9));
    await c.stop();
  });

  test('RST_STREAM from the client ends the stream on the server', async () => {
    let closedOnServer = false;
    const c = await pair((s) => {
      s.reply();
      s.on('close', () => (closedOnServer = true));
    });
    c.sock.write(synStreamFrame(1, 0, await c.block({ streamtype: 'data' })));
    await c.until('reply', () => c.frames.some((f) => f.control && f.type === FRAME.synReply));
    c.sock.write(rstStreamFrame(1, RST.cancel));
    await c.until('stream closed on the server', () => closedOnServer);
    await c.stop();
  });

  test('a client-side GOAWAY or a closed socket ends every stream; the server\'s close sends GOAWAY', async () => {
    const closed: number[] = [];
    const c = await pair((s) => {
      s.reply();
      s.on('close', () => closed.push(s.id));
    });
    for (const id of [1, 3]) c.sock.write(synStreamFrame(id, 0, await c.block({ streamtype: 'data' })));
    await c.until('replies', () => c.frames.filter((f) => f.control && f.type === FRAME.synReply).length === 2);
    c.sock.write(controlFrame(FRAME.goAway, 0, Buffer.alloc(8)));
    await c.until('streams closed', () => closed.length === 2);
    await c.until('socket closed', () => c.closed());
    await c.stop();

    const d = await pair((s, conn) => {
      s.reply();
      s.end('bye');
      conn.close();
    });
    d.sock.write(synStreamFrame(1, 0, await d.block({ streamtype: 'data' })));
    await d.until('goaway', () => d.frames.some((f) => f.control && f.type === FRAME.goAway));
    assert.equal(dataOf(d.frames, 1).toString(), 'bye');
    await d.stop();
  });

  test('protocol errors: even or repeated stream ids are reset; another version ends the connection', async () => {
    const c = await pair((s) => s.reply());
    c.sock.write(synStreamFrame(2, 0, await c.block({ streamtype: 'data' })));
    c.sock.write(synStreamFrame(5, 0, await c.block({ streamtype: 'data' })));
    c.sock.write(synStreamFrame(3, 0, await c.block({ streamtype: 'data' })));
    await c.until('two resets', () => c.frames.filter((f) => f.control && f.type === FRAME.rstStream).length === 2);
    const reset = c.frames.filter((f) => f.control && f.type === FRAME.rstStream).map((f) => (f.control ? f.payload.readUInt32BE(0) : 0));
    assert.deepEqual(reset, [2, 3]);
    const v2 = controlFrame(FRAME.ping, 0, Buffer.alloc(4, 1));
    v2.writeUInt16BE(0x8002, 0);
    c.sock.write(v2);
    await c.until('goaway and close', () => c.closed() && c.frames.some((f) => f.control && f.type === FRAME.goAway));
    await c.stop();
  });
});
