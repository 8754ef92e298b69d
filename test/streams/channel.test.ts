/** The WebSocket channel protocol's messages and the relay's frame splitter, table-driven. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage, exitStatus, FrameSplitter, parseResize, pickProtocol } from '../../src/streams/index.js';

describe('channel messages', () => {
  test('protocols: v5 preferred, then v4, then base64; unknown ones refused', () => {
    assert.equal(pickProtocol(new Set(['v4.channel.k8s.io', 'v5.channel.k8s.io'])), 'v5.channel.k8s.io');
    assert.equal(pickProtocol(new Set(['base64.channel.k8s.io', 'v4.channel.k8s.io'])), 'v4.channel.k8s.io');
    assert.equal(pickProtocol(new Set(['base64.channel.k8s.io'])), 'base64.channel.k8s.io');
    assert.equal(pickProtocol(new Set(['channel.k8s.io', 'chat'])), undefined);
  });

  for (const protocol of ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'base64.channel.k8s.io'] as const) {
    test(`${protocol}: every channel round-trips, binary payloads included`, () => {
      for (const channel of [0, 1, 2, 3, 4]) {
        const data = Buffer.from(Array.from({ length: 1 + Math.floor(Math.random() * 300) }, () => Math.floor(Math.random() * 256)));
        const m = encodeMessage(protocol, channel, data);
        assert.equal(m.binary, protocol !== 'base64.channel.k8s.io');
        const raw = typeof m.data === 'string' ? Buffer.from(m.data) : m.data;
        assert.deepEqual(decodeMessage(protocol, raw, m.binary), { channel, data });
      }
    });
  }

  test('base64 messages start with the channel digit', () => {
    assert.equal(encodeMessage('base64.channel.k8s.io', 1, Buffer.from('hi')).data, '1aGk=');
    assert.equal(decodeMessage('base64.channel.k8s.io', Buffer.from('x'), false), undefined);
    assert.equal(decodeMessage('v4.channel.k8s.io', Buffer.alloc(0), true), undefined);
  });

  test('exit statuses as kubectl reads them', () => {
    assert.deepEqual(exitStatus(0), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
    const code = 1 + Math.floor(Math.random() * 254);
    const s = exitStatus(code) as { reason: string; details: { causes: { reason: string; message: string }[] } };
    assert.equal(s.reason, 'NonZeroExitCode');
    assert.deepEqual(s.details.causes, [{ reason: 'ExitCode', message: String(code) }]);
  });

  test('resize messages: sizes taken, nonsense refused', () => {
    assert.deepEqual(parseResize(Buffer.from('{"Width":120,"Height":40}')), { cols: 120, rows: 40 });
    for (const bad of ['{"Width":0,"Height":40}', '{"Width":"x"}', 'nope', '{"Width":1.5,"Height":2}', '{"Width":99999,"Height":2}']) {
      assert.equal(parseResize(Buffer.from(bad)), undefined, bad);
    }
  });
});

describe('frame splitter', () => {
  const frame = (payload: number, masked = false): Buffer => {
    const header = payload < 126 ? Buffer.of(0x82, payload) : payload < 65536 ? Buffer.concat([Buffer.of(0x82, 126), Buffer.from([payload >> 8, payload & 0xff])]) : (() => {
      const b = Buffer.alloc(10);
      b[0] = 0x82;
      b[1] = 127;
      b.writeBigUInt64BE(BigInt(payload), 2);
      return b;
    })();
    if (masked) header[1]! |= 0x80;
    return Buffer.concat([header, masked ? Buffer.alloc(4, 7) : Buffer.alloc(0), Buffer.alloc(payload, payload & 0xff)]);
  };

  test('frames of every length class come out whole, however the bytes are cut', () => {
    const frames = [frame(0), frame(5), frame(125), frame(126), frame(300, true), frame(70_000), frame(1)];
    const all = Buffer.concat(frames);
    for (let trial = 0; trial < 20; trial++) {
      const s = new FrameSplitter();
      const out: Buffer[] = [];
      let at = 0;
      while (at < all.length) {
        const n = 1 + Math.floor(Math.random() * 9000);
        out.push(...s.push(all.subarray(at, at + n)));
        at += n;
      }
      assert.deepEqual(out.map((b) => b.length), frames.map((b) => b.length));
      assert.ok(Buffer.concat(out).equals(all));
    }
  });
});
