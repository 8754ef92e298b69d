/**
 * `/portForward/NS/POD` on the node endpoint, where the API server relays `pods/portforward`:
 * WebSocket channels (`v4.channel.k8s.io`, `v4.base64.channel.k8s.io`, or none: the Python
 * client), SPDY/3.1 (`portforward.k8s.io`: kubectl ≤1.30) and SPDY tunnelled in WebSocket
 * messages (`SPDY/3.1+portforward.k8s.io`: kubectl ≥1.31). Each forwarded connection is a TCP
 * connection from here to the pod's address.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { StreamProtocol } from '../streams/index.js';
import { acceptUpgrade, isSpdyUpgrade, negotiate, negotiationFailure, SPDY_TUNNEL_PREFIX, SpdyConnection } from '../streams/spdy/index.js';
import { forwardOverChannels } from './portforward-ws.js';
import { forwardOverSpdy } from './portforward-spdy.js';
import { parsePorts, type ForwardTarget } from './portforward-dial.js';
import { refuse } from './refuse.js';

export interface ForwardSource {
  forwardTarget(namespace: string, name: string): { ip: string; uid: string } | { error: string; notFound?: boolean };
}

/** WebSocket subprotocols of channel port-forward, and how their messages are framed. */
const channelProtocols: ReadonlyMap<string, StreamProtocol> = new Map([
  ['v4.channel.k8s.io', 'v4.channel.k8s.io'],
  ['v4.base64.channel.k8s.io', 'base64.channel.k8s.io'],
  ['portforward.k8s.io', 'v4.channel.k8s.io'],
]);

/** The SPDY stream protocol of port-forward (kubelet's only one). */
const SPDY_PROTOCOLS = ['portforward.k8s.io'];
const TUNNEL_PROTOCOLS = SPDY_PROTOCOLS.map((p) => SPDY_TUNNEL_PREFIX + p);

function offeredProtocols(req: IncomingMessage): string[] {
  return String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export class PortForwardEndpoint {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => [...offered].find((p) => channelProtocols.has(p)) ?? false,
  });
  /** Tunnel requests being accepted: their subprotocol is named in the 101 here (see overWebSocket). */
  private readonly tunnels = new WeakSet<IncomingMessage>();
  /** Sessions in progress, ended at stop. */
  private readonly sessions = new Set<{ close(): void }>();

  constructor(private readonly source: () => ForwardSource | undefined) {
    this.wss.on('headers', (headers, req) => {
      if (this.tunnels.has(req)) headers.push(`Sec-WebSocket-Protocol: ${TUNNEL_PROTOCOLS[0]!}`);
    });
  }

  /** True when the request was a port-forward (answered here, whatever the outcome). */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const m = /^\/portForward\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m) return false;
    socket.on('error', () => socket.destroy());
    const [ns, pod] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
    const source = this.source();
    if (!source) {
      refuse(socket, 503, 'ServiceUnavailable', 'the node is starting');
      return true;
    }
    const found = source.forwardTarget(ns, pod);
    if ('error' in found) {
      refuse(socket, 'notFound' in found && found.notFound ? 404 : 400, 'notFound' in found && found.notFound ? 'NotFound' : 'BadRequest', found.error);
      return true;
    }
    const target: ForwardTarget = { pod, uid: found.uid, ip: found.ip };
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
    if (upgrade === 'websocket') this.overWebSocket(req, socket, head, url.searchParams, target);
    else if (isSpdyUpgrade(req)) this.overSpdy(req, socket, head, target);
    else refuse(socket, 400, 'BadRequest', 'Upgrade request required');
    return true;
  }

  private overSpdy(req: IncomingMessage, socket: Duplex, head: Buffer, target: ForwardTarget): void {
    const chosen = negotiate(req, SPDY_PROTOCOLS);
    if (!chosen) {
      const failure = negotiationFailure(req, SPDY_PROTOCOLS);
      return refuse(socket, 403, 'Forbidden', failure.message, failure.headers);
    }
    acceptUpgrade(socket, chosen);
    const conn = new SpdyConnection(socket);
    conn.feed(head);
    this.track(() => conn.destroy(), forwardOverSpdy(conn, target));
  }

  private overWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, q: URLSearchParams, target: ForwardTarget): void {
    const offered = offeredProtocols(req);
    if (offered.some((p) => TUNNEL_PROTOCOLS.includes(p))) {
      // `ws` refuses subprotocols with a '/' (not an HTTP token): the offer is taken out of its
      // sight and the answer added to its 101.
      delete req.headers['sec-websocket-protocol'];
      this.tunnels.add(req);
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        // SPDY's bytes in binary messages, however the messages cut them.
        const conn = new SpdyConnection(createWebSocketStream(ws));
        this.track(() => ws.terminate(), forwardOverSpdy(conn, target));
      });
      return;
    }
    const chosen = offered.find((p) => channelProtocols.has(p));
    if (offered.length && !chosen) return refuse(socket, 400, 'BadRequest', `none of the offered subprotocols is supported: ${offered.join(', ')}`);
    const ports = parsePorts(q.getAll('port'));
    if (typeof ports === 'string') return refuse(socket, 400, 'BadRequest', ports);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.track(() => ws.terminate(), forwardOverChannels(ws, channelProtocols.get(chosen ?? '') ?? 'v4.channel.k8s.io', ports, target));
    });
  }

  private track(close: () => void, running: Promise<unknown>): void {
    const entry = { close };
    this.sessions.add(entry);
    void running.finally(() => this.sessions.delete(entry));
  }

  stop(): void {
    for (const s of this.sessions) s.close();
    this.wss.close();
  }
}
