/**
 * skiff's built-in ingress controller (controller `skiff.io/ingress`), part of the node proxy: an
 * HTTP and an HTTPS reverse proxy on every node address of this process, routing by the Ingresses
 * of its classes (routes.ts) to their services' ready endpoints (backends.ts), TLS certificates by
 * SNI from the Ingresses' Secrets (certs.ts). Everything is read from shared informers at request
 * time, so a change is in effect as soon as the caches have it. Unmatched requests get 404, a
 * backend with no service or no ready endpoint 503. Ingresses of other classes are not served.
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type { EndpointSlice, Ingress, IngressClass, Secret, Service } from '../../api/kinds.js';
import { ingressClasses, ingresses as ingressesResource, secrets as secretsResource, services as servicesResource } from '../../api/resources.js';
import { isIngressOf, SKIFF_INGRESS_CONTROLLER } from '../../api/ingressclass.js';
import type { InformerFactory } from '../../client/factory.js';
import type { Informer } from '../../client/informer.js';
import type { Logger } from '../../util/log.js';
import { sliceInformer } from '../slices.js';
import { RouteTable } from './routes.js';
import { resolveBackend, Spreader } from './backends.js';
import { CertificateStore } from './certs.js';
import { forwardRequest, forwardUpgrade, type ForwardContext } from './forward.js';

export interface IngressProxyOptions {
  readonly informers: InformerFactory;
  readonly nodeAddresses: readonly string[];
  /** 80 as a real ingress controller; 0 picks a free port (the same on every address). */
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly log: Logger;
  /** The controller name whose IngressClasses are served (default skiff.io/ingress). */
  readonly controller?: string;
}

const notFoundBody = 'default backend - 404\n';

export class IngressProxy {
  private readonly ingresses: Informer<Ingress>;
  private readonly classes: Informer<IngressClass>;
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly secrets: Informer<Secret>;
  private readonly certs: CertificateStore;
  private readonly spreader = new Spreader();
  private readonly agent = new http.Agent({ keepAlive: true, maxFreeSockets: 16 });
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<Duplex>();
  private table: RouteTable | undefined;
  private served: Ingress[] = [];
  private ports = { http: 0, https: 0 };

  constructor(private readonly opts: IngressProxyOptions) {
    this.ingresses = opts.informers.informer<Ingress>(ingressesResource);
    this.classes = opts.informers.informer<IngressClass>(ingressClasses);
    this.services = opts.informers.informer<Service>(servicesResource);
    this.slices = sliceInformer(opts.informers);
    this.secrets = opts.informers.informer<Secret>(secretsResource);
    const changed = () => (this.table = undefined);
    this.ingresses.addEventHandler({ add: changed, update: changed, delete: changed });
    this.classes.addEventHandler({ add: changed, update: changed, delete: changed });
    this.certs = new CertificateStore(() => this.routes().served, this.secrets, opts.log);
  }

  /** The ports listened on (the picked ones when asked for 0). */
  get httpPort(): number {
    return this.ports.http;
  }

  get httpsPort(): number {
    return this.ports.https;
  }

  /** The table of the Ingresses served, rebuilt on the first request after a change. */
  private routes(): { table: RouteTable; served: Ingress[] } {
    if (!this.table) {
      const classes = this.classes.list();
      const controller = this.opts.controller ?? SKIFF_INGRESS_CONTROLLER;
      this.served = this.ingresses.list().filter((i) => !i.metadata.deletionTimestamp && isIngressOf(controller, i, classes));
      this.table = new RouteTable(this.served);
    }
    return { table: this.table, served: this.served };
  }

  async start(): Promise<void> {
    await Promise.all([this.ingresses, this.classes, this.services, this.slices, this.secrets].map((i) => i.waitForSync()));
    this.ports.http = await this.listenAll((port) => this.httpServer(port), this.opts.httpPort);
    this.ports.https = await this.listenAll((port) => this.httpsServer(port), this.opts.httpsPort);
    this.opts.log.info({ addresses: this.opts.nodeAddresses, http: this.ports.http, https: this.ports.https }, 'ingress controller listening');
  }

  stop(): void {
    for (const s of this.servers) s.close();
    for (const s of this.sockets) s.destroy();
    this.servers.length = 0;
    this.agent.destroy();
  }

  /** One server per address; a port of 0 is picked on the first and reused on the others. An
   * address that cannot be bound is logged and skipped. */
  private async listenAll(make: (port: () => number) => net.Server, wanted: number): Promise<number> {
    let port = wanted;
    for (const address of this.opts.nodeAddresses) {
      const server = make(() => port);
      server.on('connection', (s: Duplex) => {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
      });
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, address, () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        // Ports under 1024 need privileges: the cluster runs on, without this listener.
        this.opts.log.warn({ address, port, err: err instanceof Error ? err.message : String(err) },
          'ingress controller cannot listen here (choose other ports with --ingress-http-port/--ingress-https-port)');
        continue;
      }
      this.servers.push(server);
      if (port === 0) port = (server.address() as net.AddressInfo).port;
    }
    return port;
  }

  private httpServer(port: () => number): http.Server {
    const s = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => this.handle(req, res, { proto: 'http', port: port() }));
    s.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head, { proto: 'http', port: port() }));
    return s;
  }

  private httpsServer(port: () => number): https.Server {
    const s = https.createServer({
      ...this.certs.defaultCertificate,
      SNICallback: (name, cb) => cb(null, this.certs.contextFor(name)),
      keepAliveTimeout: 60_000,
    }, (req, res) => this.handle(req, res, { proto: 'https', port: port() }));
    s.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head, { proto: 'https', port: port() }));
    return s;
  }

  /** Where a request goes: endpoints, or the status and text to answer with. */
  private target(req: http.IncomingMessage): { endpoints: ReturnType<Spreader['order']> } | { status: number; body: string } {
    const match = this.routes().table.match(req.headers.host, req.url ?? '/');
    if (!match) return { status: 404, body: notFoundBody };
    const r = resolveBackend(match.namespace, match.backend, this.services, this.slices);
    if ('error' in r) return { status: 503, body: `503 Service Temporarily Unavailable: ${r.error}\n` };
    return { endpoints: this.spreader.order(r.key, r.endpoints) };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, ctx: ForwardContext): void {
    const t = this.target(req);
    if ('status' in t) {
      answer(res, t.status, t.body);
      return;
    }
    forwardRequest(req, res, t.endpoints, this.agent, ctx, (err) => {
      this.opts.log.debug({ url: req.url, err: err.message }, 'ingress: no endpoint answered');
      if (!res.headersSent) answer(res, 502, `502 Bad Gateway: ${err.message}\n`);
      else res.destroy();
    });
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, ctx: ForwardContext): void {
    const t = this.target(req);
    if ('status' in t) {
      socket.end(`HTTP/1.1 ${t.status} ${http.STATUS_CODES[t.status] ?? ''}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(t.body)}\r\nConnection: close\r\n\r\n${t.body}`);
      return;
    }
    forwardUpgrade(req, socket, head, t.endpoints[0]!, ctx);
  }
}

function answer(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
