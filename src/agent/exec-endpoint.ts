/**
 * `/exec|attach/NS/POD/CONTAINER?command=…&stdin=1&stdout=1&stderr=1&tty=1` on the node endpoint:
 * the upgrade the API server relays `pods/exec` to, speaking the protocols itself — WebSocket
 * channels (v5, v4, base64) or SPDY/3.1 streams (v4 … channel.k8s.io, kubectl ≤1.29 and the
 * fallback of later ones) — so the API server only relays bytes after the 101, as
 * kube-apiserver's upgrade-aware proxy does with kubelet.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Runtime } from '../runtime/runtime.js';
import { pickProtocol, runSession, type StreamProcess, type StreamProtocol } from '../streams/index.js';
import { attachTo } from './attach.js';
import { queryBool } from '../api/querybool.js';
import { refuse } from './refuse.js';
import { acceptUpgrade, EXEC_PROTOCOLS, isSpdyUpgrade, negotiate, negotiationFailure, runSpdyExec, SpdyConnection, type ExecStreamsWanted } from '../streams/spdy/index.js';

/** The stream protocol of a session: a WebSocket subprotocol, or SPDY's negotiated version. */
type Upgrade = { readonly ws: StreamProtocol } | { readonly spdy: string };

export interface ExecSource {
  logTarget(namespace: string, name: string, container: string | undefined, previous: boolean): { file: string; ended: Promise<unknown> } | { error: string; notFound?: boolean };
  execTarget(namespace: string, name: string, container: string | undefined): { runtime: Runtime; containerId: string } | { error: string; notFound?: boolean };
}

export class ExecEndpoint {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => pickProtocol(offered) ?? false,
  });
  /** Sessions in progress, ended at stop. */
  private readonly sessions = new Set<{ close(): void }>();

  constructor(private readonly source: () => ExecSource | undefined) {}

  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    // The caller was authenticated and authorized before (kubelet-server.ts).
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const m = /^\/(exec|attach)\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return refuse(socket, 404, 'NotFound', 'the server could not find the requested resource');
    const [, kind, ns, pod, container] = m.map((x) => (x === undefined ? x : decodeURIComponent(x)));
    const q = url.searchParams;
    const command = q.getAll('command');
    if (kind === 'exec' && !command.length) return refuse(socket, 400, 'BadRequest', 'you must specify at least 1 command');
    let protocol: Upgrade;
    if (isSpdyUpgrade(req)) {
      const chosen = negotiate(req, EXEC_PROTOCOLS);
      if (!chosen) {
        const failure = negotiationFailure(req, EXEC_PROTOCOLS);
        return refuse(socket, 403, 'Forbidden', failure.message, failure.headers);
      }
      protocol = { spdy: chosen };
    } else {
      const offered = new Set(String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
      const ws = pickProtocol(offered);
      if (!ws) return refuse(socket, 400, 'BadRequest', `none of the offered subprotocols is supported: ${[...offered].join(', ')}`);
      protocol = { ws };
    }
    const source = this.source();
    if (!source) return refuse(socket, 503, 'ServiceUnavailable', 'the node is starting');
    if (kind === 'attach') return this.attach(req, socket, head, protocol, source, ns!, pod!, container || undefined, q);
    const target = source.execTarget(ns!, pod!, container || q.get('container') || undefined);
    if ('error' in target) return refuse(socket, target.notFound ? 404 : 400, target.notFound ? 'NotFound' : 'BadRequest', target.error);
    if (!target.runtime.execStream) return refuse(socket, 400, 'BadRequest', `the ${target.runtime.name} runtime does not run exec`);
    const tty = queryBool(q.get('tty'));
    let proc;
    try {
      proc = target.runtime.execStream(target.containerId, command, { stdin: queryBool(q.get('stdin')), tty });
    } catch (err) {
      return refuse(socket, 500, 'InternalError', err instanceof Error ? err.message : String(err));
    }
    this.serve(req, socket, head, protocol, proc, { stdin: queryBool(q.get('stdin')), stdout: queryBool(q.get('stdout')), stderr: queryBool(q.get('stderr')), tty });
  }

  private attach(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: Upgrade, source: ExecSource, ns: string, pod: string, container: string | undefined, q: URLSearchParams): void {
    if (queryBool(q.get('stdin')) || queryBool(q.get('tty'))) {
      return refuse(socket, 400, 'BadRequest', `container ${container ?? ''} of pod ${pod} was not started with stdin or a tty: attach can only show its output`);
    }
    const running = source.execTarget(ns, pod, container);
    if ('error' in running) return refuse(socket, running.notFound ? 404 : 400, running.notFound ? 'NotFound' : 'BadRequest', running.error);
    const target = source.logTarget(ns, pod, container, false);
    if ('error' in target) return refuse(socket, target.notFound ? 404 : 400, target.notFound ? 'NotFound' : 'BadRequest', target.error);
    this.serve(req, socket, head, protocol, attachTo(target.file, target.ended), { stdin: false, stdout: true, stderr: queryBool(q.get('stderr')), tty: false });
  }

  private serve(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: Upgrade, proc: StreamProcess, want: ExecStreamsWanted): void {
    if ('spdy' in protocol) {
      acceptUpgrade(socket, protocol.spdy);
      const conn = new SpdyConnection(socket);
      conn.feed(head);
      const entry = { close: () => conn.destroy() };
      this.sessions.add(entry);
      void runSpdyExec(conn, protocol.spdy, want, proc).finally(() => this.sessions.delete(entry));
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const entry = { close: () => ws.terminate() };
      this.sessions.add(entry);
      void runSession(ws, protocol.ws, proc).finally(() => this.sessions.delete(entry));
    });
  }

  stop(): void {
    for (const s of this.sessions) s.close();
    this.wss.close();
  }
}
