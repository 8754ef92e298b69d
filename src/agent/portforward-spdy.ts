/**
 * Port-forward over SPDY (kubelet's httpstream port-forward; kubectl's, direct or tunnelled in
 * WebSocket): for each local connection the client opens an error stream and a data stream
 * with the same `requestid` and `port`. Once both are there the node connects to the pod; bytes
 * go both ways, FIN from the client half-closes towards the pod, the pod's end ends the data
 * stream; a failed dial writes kubelet's message on the error stream. The error stream ends
 * last, which is what the client waits for.
 */
import type { Socket } from 'node:net';
import type { SpdyConnection, SpdyStream } from '../streams/spdy/index.js';
import { RST } from '../streams/spdy/index.js';
import { dialPod, forwardError, type ForwardTarget } from './portforward-dial.js';

/** How long the second stream of a pair may take (kubelet's stream creation timeout). */
const PAIR_WAIT_MS = 30_000;

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** The stream's port, or why it is refused (kubelet's checks). */
function checkStream(s: SpdyStream): number | string {
  const port = s.header('port');
  if (!port) return '"port" header is required';
  const n = Number(port);
  if (!/^\d+$/.test(port) || n > 65535) return `unable to parse "${port}" as a port`;
  if (n < 1) return `port "${port}" must be > 0`;
  const type = s.header('streamtype');
  if (!type) return '"streamType" header is required';
  if (type !== 'error' && type !== 'data') return `invalid stream type "${type}"`;
  return n;
}

/** kubelet's request id for clients that send none: derived from the stream ids. */
function requestId(s: SpdyStream): string {
  const given = s.header('requestid');
  if (given) return given;
  return String(s.header('streamtype') === 'error' ? s.id : s.id - 2);
}

function forward(target: ForwardTarget, port: number, data: SpdyStream, error: SpdyStream, sockets: Set<Socket>): void {
  const socket = dialPod(target, port);
  sockets.add(socket);
  data.pipe(socket);
  socket.pipe(data);
  socket.once('error', (err) => {
    if (!error.writableEnded) error.write(forwardError(target, port, err));
  });
  socket.once('close', () => {
    sockets.delete(socket);
    if (!data.writableEnded && !data.destroyed) data.end();
    if (!error.writableEnded && !error.destroyed) error.end();
  });
  // The client reset the data stream (it is done with this connection): the pod's goes too.
  data.once('close', () => socket.destroy());
  data.on('error', () => socket.destroy());
  error.on('error', () => undefined);
  // The client never writes on the error stream; what it sends is read and dropped.
  error.resume();
}

export function forwardOverSpdy(conn: SpdyConnection, target: ForwardTarget): Promise<void> {
  const pairs = new Map<string, Pair>();
  const sockets = new Set<Socket>();
  conn.on('stream', (s) => {
    const port = checkStream(s);
    if (typeof port === 'string') return s.reset(RST.refusedStream);
    s.reply();
    const id = requestId(s);
    let pair = pairs.get(id);
    if (!pair) {
      const created: Pair = {
        timer: setTimeout(() => {
          pairs.delete(id);
          if (created.error && !created.error.writableEnded) created.error.end(`(conn=${target.pod}, request=${id}) timed out waiting for streams`);
          created.data?.reset();
        }, PAIR_WAIT_MS),
      };
      pair = created;
      pairs.set(id, pair);
    }
    const role = s.header('streamtype') === 'error' ? 'error' : 'data';
    if (pair[role]) {
      const msg = `error processing stream for request ${id}: ${role} stream already assigned`;
      if (pair.error && !pair.error.writableEnded) pair.error.write(msg);
      return s.reset(RST.protocolError);
    }
    pair[role] = s;
    if (pair.data && pair.error) {
      clearTimeout(pair.timer);
      pairs.delete(id);
      forward(target, port, pair.data, pair.error, sockets);
    }
  });
  return new Promise((resolve) => {
    conn.once('close', () => {
      for (const p of pairs.values()) clearTimeout(p.timer);
      for (const s of sockets) s.destroy();
      resolve();
    });
  });
}
