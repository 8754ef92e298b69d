/**
 * kube-apiserver's upgrade-aware proxy for pod streams: the client's upgrade request (WebSocket
 * or SPDY/3.1) goes to the node endpoint with its negotiation headers; once the node answers
 * 101 its answer goes back and bytes are copied both ways untouched. WebSocket frames towards
 * the client are written one at a time (see FrameSplitter); SPDY bytes as they come. A refusal
 * from the node (its Status) is passed on as it is.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BadRequestError, ServiceUnavailableError } from '../api/errors.js';
import type { NodeDialer } from './nodedial.js';
import { FrameSplitter } from '../streams/wsframes.js';

const relayedHeaders = ['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions', 'upgrade', 'x-stream-protocol-version'];

export type UpgradeKind = 'websocket' | 'spdy';

/** The upgrade asked for; anything else is refused as kube-apiserver does. */
export function upgradeKind(req: IncomingMessage): UpgradeKind {
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'websocket') return 'websocket';
  if (upgrade === 'spdy/3.1') return 'spdy';
  throw new BadRequestError('Upgrade request required');
}

/** kubectl ≥1.31's port-forward: SPDY carried in WebSocket messages. */
export function isSpdyTunnel(req: IncomingMessage): boolean {
  return /(^|,)\s*SPDY\/3\.1\+/i.test(String(req.headers['sec-websocket-protocol'] ?? ''));
}

/** Frames towards the client: whole WebSocket frames, one write each, or raw bytes as they
 * come (SPDY, plain or tunnelled in WebSocket: only Go clients speak it, which read frames as
 * they arrive — waiting for each write there capped a port-forward at a few dozen MB/s). */
class ClientWriter {
  private readonly splitter: FrameSplitter | undefined;
  private readonly queue: Buffer[] = [];
  private writing = false;
  private ended = false;

  constructor(private readonly socket: Socket, private readonly source: Socket, paced: boolean) {
    this.splitter = paced ? new FrameSplitter() : undefined;
  }

  take(chunk: Buffer): void {
    if (!this.splitter) {
      if (!this.socket.write(chunk)) {
        this.source.pause();
        this.socket.once('drain', () => this.source.resume());
      }
      return;
    }
    this.queue.push(...this.splitter.push(chunk));
    if (this.queue.length > 64) this.source.pause();
    if (!this.writing) this.next();
  }

  /** The node's side ended: the client's connection ends once what is queued has left. */
  end(): void {
    this.ended = true;
    if (!this.writing) this.socket.end();
  }

  private next(): void {
    const frame = this.queue.shift();
    if (!frame || this.socket.destroyed) {
      this.writing = false;
      if (this.ended) this.socket.end();
      else this.source.resume();
      return;
    }
    this.writing = true;
    this.socket.write(frame, () => this.next());
  }
}

export async function relayUpgrade(dialer: NodeDialer, nodeName: string, path: string, req: IncomingMessage, res: ServerResponse, kind: UpgradeKind): Promise<void> {
  const socket = res.socket as Socket | null;
  if (!socket) return;
  const headers: Record<string, string> = { Connection: 'Upgrade' };
  for (const h of relayedHeaders) {
    const v = req.headers[h];
    if (v !== undefined) headers[h] = Array.isArray(v) ? v.join(', ') : v;
  }
  const up = await dialer.request(nodeName, { method: kind === 'spdy' ? 'POST' : 'GET', path, headers });
  await new Promise<void>((resolve, reject) => {
    up.once('upgrade', (answer: IncomingMessage, nodeSocket: Socket, head: Buffer) => {
      let text = 'HTTP/1.1 101 Switching Protocols\r\n';
      for (let i = 0; i < answer.rawHeaders.length; i += 2) text += `${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}\r\n`;
      socket.write(text + '\r\n');
      const writer = new ClientWriter(socket, nodeSocket, kind === 'websocket' && !isSpdyTunnel(req));
      if (head.length) writer.take(head);
      nodeSocket.on('data', (chunk: Buffer) => writer.take(chunk));
      socket.pipe(nodeSocket);
      const nodeGone = (): void => {
        writer.end();
        // A client that never closes its side is not waited for long.
        setTimeout(() => socket.destroy(), 10_000).unref();
      };
      nodeSocket.once('end', nodeGone);
      nodeSocket.once('close', nodeGone);
      nodeSocket.on('error', nodeGone);
      socket.on('error', () => socket.destroy());
      socket.once('close', () => {
        nodeSocket.destroy();
        resolve();
      });
    });
    up.once('response', (answer) => {
      // The node refused (pod gone, container not running): its Status goes to the client.
      const out: Record<string, string | string[]> = { 'Content-Type': answer.headers['content-type'] ?? 'application/json' };
      const accepted = answer.headers['x-accepted-stream-protocol-versions'];
      if (accepted) out['X-Accepted-Stream-Protocol-Versions'] = accepted;
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.once('end', resolve);
      answer.once('error', () => resolve());
    });
    up.once('error', (err) => reject(new ServiceUnavailableError(`error dialing backend: ${err.message}`)));
    socket.once('close', () => up.destroy());
    up.end();
  });
}
