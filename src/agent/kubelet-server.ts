/**
 * The node's own endpoint (kubelet's port 10250): the API server fetches container logs here for
 * `GET pods/NAME/log` and relays exec and attach. HTTPS with the node's serving certificate;
 * callers present client certificates and are authorized by SubjectAccessReview
 * (endpoint-auth.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { NodeAgent } from './agent.js';
import { logQuery, streamLog } from './logs.js';
import { queryBool } from '../api/querybool.js';
import { ExecEndpoint } from './exec-endpoint.js';
import { PortForwardEndpoint } from './portforward-endpoint.js';
import { refuse, refuseResponse as status } from './refuse.js';
import { serveImages } from './image-endpoint.js';
import type { ImageStore } from '../images/index.js';
import type { EndpointAuthorizer } from './endpoint-auth.js';
import { resourceMetricsText, statsSummary, type MetricsCollector } from './metrics/index.js';

/** Where the endpoint finds logs: the node agent (looked up late, so the endpoint can be up
 * before the agent registers the node with its port). */
export type LogSource = Pick<NodeAgent, 'logTarget' | 'execTarget' | 'forwardTarget'>;

export interface KubeletServerOptions {
  readonly logs: () => LogSource | undefined;
  readonly address: string;
  /** 0 picks a free port (tests; the node then advertises it). */
  readonly port: number;
  /** The serving certificate and key, and the cluster CA client certificates must chain to. */
  readonly tls: { readonly cert: string; readonly key: string; readonly ca: string };
  readonly auth: EndpointAuthorizer;
  /** The node's image store (oci runtime); the process runtime has none. */
  readonly images?: ImageStore | undefined;
  /** The node's resource metrics (`/stats/summary`, `/metrics/resource`). */
  readonly metrics?: { readonly nodeName: string; readonly startTime: Date; readonly collector: MetricsCollector };
}

export class KubeletServer {
  private server: https.Server | undefined;
  private exec: ExecEndpoint | undefined;
  /** Every TLS connection: an upgraded one (exec, port-forward) is no longer the HTTP server's to close. */
  private readonly sockets = new Set<import('node:net').Socket>();
  private forward: PortForwardEndpoint | undefined;

  constructor(private readonly opts: KubeletServerOptions) {}

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.opts.port;
  }

  async start(): Promise<void> {
    // Client certificates are asked for, not required: an unauthenticated caller gets a 401.
    const server = https.createServer({ ...this.opts.tls, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) status(res, 500, 'InternalError', String(err));
        else res.destroy();
      });
    });
    // exec, attach and port-forward arrive as upgrades (WebSocket or SPDY), each authorized first.
    const exec = (this.exec = new ExecEndpoint(() => this.opts.logs()));
    const forward = (this.forward = new PortForwardEndpoint(() => this.opts.logs()));
    server.on('secureConnection', (sock: import('node:net').Socket) => {
      this.sockets.add(sock);
      sock.once('close', () => this.sockets.delete(sock));
    });
    server.on('upgrade', (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      void this.opts.auth.check(req).then((no) => {
        if (no) return refuse(socket, no.code, no.code === 401 ? 'Unauthorized' : 'Forbidden', no.message);
        if (!forward.handle(req, socket, head)) exec.handle(req, socket, head);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.address, () => resolve());
    });
    this.server = server;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const no = await this.opts.auth.check(req);
    if (no) return status(res, no.code, no.code === 401 ? 'Unauthorized' : 'Forbidden', no.message);
    const url = new URL(req.url ?? '/', 'http://kubelet');
    if (url.pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      // What `kubectl get --raw /api/v1/nodes/NAME/proxy/healthz` reads, as from a kubelet.
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (url.pathname === '/images' || url.pathname.startsWith('/images/')) return serveImages(req, res, url, this.opts.images);
    const metrics = this.opts.metrics;
    if (metrics && req.method === 'GET' && url.pathname === '/stats/summary') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(statsSummary(metrics.nodeName, metrics.startTime, metrics.collector.current)));
      return;
    }
    if (metrics && req.method === 'GET' && url.pathname === '/metrics/resource') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(resourceMetricsText(metrics.collector.current));
      return;
    }
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const [, ns, pod, container] = m.map((x) => (x === undefined ? x : decodeURIComponent(x)));
    const source = this.opts.logs();
    if (!source) return status(res, 503, 'ServiceUnavailable', 'the node is starting');
    const target = source.logTarget(ns!, pod!, container || url.searchParams.get('container') || undefined, queryBool(url.searchParams.get('previous')));
    if ('error' in target) return status(res, target.notFound ? 404 : 400, target.notFound ? 'NotFound' : 'BadRequest', target.error);
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.flushHeaders();
    await streamLog(target.file, logQuery(url.searchParams), res, target.ended);
    res.end();
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    this.exec?.stop();
    this.forward?.stop();
    if (!s) return;
    s.closeAllConnections();
    const closed = new Promise<void>((r) => s.close(() => r()));
    for (const sock of this.sockets) sock.destroy();
    await closed;
  }
}
