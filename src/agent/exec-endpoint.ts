/**
 * `/exec|attach/NS/POD/CONTAINER?command=…&stdin=1&stdout=1&stderr=1&tty=1` on the node endpoint:
 * the WebSocket the API server relays `pods/exec` to, speaking the channel protocols itself
 * (v5, v4, base64) so the API server only relays bytes after the 101, as kube-apiserver's
 * upgrade-aware proxy does with kubelet.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Runtime } from '../runtime/runtime.js';
import { pickProtocol, runSession, type StreamProcess, type StreamProtocol } from '../streams/index.js';
import { attachTo } from './attach.js';
import { queryBool } from '../api/querybool.js';
import { refuse } from './refuse.js';

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

  constructor(private readonly source: () => ExecSource | undefined, private readonly token: string) {}

  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (req.headers.authorization !== `Bearer ${this.token}`) return refuse(socket, 401, 'Unauthorized', 'Unauthorized');
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const m = /^\/(exec|attach)\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return refuse(socket, 404, 'NotFound', 'the server could not find the requested resource');
    const [, kind, ns, pod, container] = m.map((x) => (x === undefined ? x : decodeURIComponent(x)));
    const q = url.searchParams;
    const command = q.getAll('command');
    if (kind === 'exec' && !command.length) return refuse(socket, 400, 'BadRequest', 'you must specify at least 1 command');
    const offered = new Set(String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    const protocol = pickProtocol(offered);
    if (!protocol) return refuse(socket, 400, 'BadRequest', `none of the offered subprotocols is supported: ${[...offered].join(', ')}`);
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
    this.serve(req, socket, head, protocol, proc);
  }

  private attach(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: StreamProtocol, source: ExecSource, ns: string, pod: string, container: string | undefined, q: URLSearchParams): void {
    if (queryBool(q.get('stdin')) || queryBool(q.get('tty'))) {
      return refuse(socket, 400, 'BadRequest', `container ${container ?? ''} of pod ${pod} was not started with stdin or a tty: attach can only show its output`);
    }
    const running = source.execTarget(ns, pod, container);
    if ('error' in running) return refuse(socket, running.notFound ? 404 : 400, running.notFound ? 'NotFound' : 'BadRequest', running.error);
    const target = source.logTarget(ns, pod, container, false);
    if ('error' in target) return refuse(socket, target.notFound ? 404 : 400, target.notFound ? 'NotFound' : 'BadRequest', target.error);
    this.serve(req, socket, head, protocol, attachTo(target.file, target.ended));
  }

  private serve(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: StreamProtocol, proc: StreamProcess): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const entry = { close: () => ws.terminate() };
      this.sessions.add(entry);
      void runSession(ws, protocol, proc).finally(() => this.sessions.delete(entry));
    });
  }

  stop(): void {
    for (const s of this.sessions) s.close();
    this.wss.close();
  }
}
