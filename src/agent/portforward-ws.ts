/**
 * Port-forward over WebSocket channels (kubelet's `v4.channel.k8s.io` port-forward, what the
 * Python client's `portforward` speaks): for the i-th asked port, channel 2i carries data both
 * ways and channel 2i+1 errors towards the client; the first message on each names its port as
 * two bytes little-endian. Each port gets one connection to the pod, made at once; the socket
 * closes when every port's connection has ended, and a client gone ends them all.
 */
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { decodeMessage, encodeMessage, type StreamProtocol } from '../streams/index.js';
import { dialPod, forwardError, type ForwardTarget } from './portforward-dial.js';

/** How many sends may wait on a slow client before the pod's socket is paused. */
const MAX_PENDING_SENDS = 32;

export function forwardOverChannels(ws: WebSocket, protocol: StreamProtocol, ports: readonly number[], target: ForwardTarget): Promise<void> {
  let pending = 0;
  const sockets: Socket[] = [];
  const send = (channel: number, data: Buffer): void => {
    if (ws.readyState !== ws.OPEN) return;
    const m = encodeMessage(protocol, channel, data);
    pending++;
    if (pending > MAX_PENDING_SENDS) for (const s of sockets) s.pause();
    ws.send(m.data, { binary: m.binary }, () => {
      pending--;
      if (pending === MAX_PENDING_SENDS) for (const s of sockets) if (!s.destroyed) s.resume();
    });
  };
  const done = ports.map((port, i) => {
    const prefix = Buffer.of(port & 0xff, port >> 8);
    send(2 * i, prefix);
    send(2 * i + 1, prefix);
    const socket = dialPod(target, port);
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => send(2 * i, chunk));
    // A client slower to read than the pod writes: the socket waits (see send); one slower to
    // take what the client sends pauses the client's side.
    socket.on('drain', () => ws.resume());
    return new Promise<void>((resolve) => {
      socket.once('error', (err) => send(2 * i + 1, Buffer.from(forwardError(target, port, err))));
      socket.once('close', () => resolve());
    });
  });
  ws.on('message', (raw: Buffer, isBinary: boolean) => {
    const m = decodeMessage(protocol, raw, isBinary);
    if (!m || m.channel % 2 !== 0) return;
    const socket = sockets[m.channel / 2];
    if (!socket || socket.destroyed || !m.data.length) return;
    if (!socket.write(m.data)) ws.pause();
  });
  ws.on('error', () => undefined);
  ws.once('close', () => {
    for (const s of sockets) s.destroy();
  });
  return Promise.all(done).then(() => {
    if (ws.readyState === ws.OPEN) ws.close(1000);
  });
}
