/**
 * One TCP listener of the userspace proxy (an address and port of a service port). Each accepted
 * connection is held paused while an endpoint is dialled, then spliced to it with pipe() both
 * ways: half-closes pass through (allowHalfOpen), Nagle is off on both legs. An endpoint that
 * refuses is skipped and the next one tried, as Kubernetes' userspace proxy does; with no endpoint
 * left the client gets a reset at once rather than a connection that hangs.
 */
import net from 'node:net';
import type { Logger } from '../util/log.js';
import { endpointKey, type RoundRobinBalancer } from './balancer.js';

const connectTimeoutMs = 5_000;

export class TcpListener {
  private readonly server: net.Server;
  /** Both legs of every connection, so `close(true)` can drop them. */
  private readonly open = new Set<net.Socket>();
  private clients = 0;
  private closed = false;

  constructor(
    readonly ip: string,
    readonly port: number,
    /** Swapped in place when the service changes: the listener stays bound. */
    public balancer: RoundRobinBalancer,
    private readonly log: Logger,
  ) {
    this.server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (c) => this.accept(c));
  }

  /** Client connections open now. */
  get connections(): number {
    return this.clients;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host: this.ip, port: this.port, exclusive: true }, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.log.warn({ listener: `${this.ip}:${this.port}`, err: err.message }, 'listener error'));
        resolve();
      });
    });
  }

  /** Stops accepting; open connections finish unless `dropConnections`. */
  close(dropConnections = false): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    if (dropConnections) for (const s of this.open) s.destroy();
  }

  private track(s: net.Socket): void {
    this.open.add(s);
    s.once('close', () => this.open.delete(s));
  }

  private accept(client: net.Socket): void {
    this.track(client);
    this.clients++;
    client.once('close', () => this.clients--);
    const clientIP = client.remoteAddress;
    const tried = new Set<string>();
    let upstream: net.Socket | undefined;
    // Before the splice: a client that goes away takes the dial with it.
    const clientGone = () => upstream?.destroy();
    client.on('error', clientGone);
    client.once('close', clientGone);
    const dial = (): void => {
      if (client.destroyed) return;
      const ep = this.balancer.pick(clientIP, tried);
      if (!ep) {
        client.resetAndDestroy();
        return;
      }
      const up = net.connect({ host: ep.ip, port: ep.port, allowHalfOpen: true, noDelay: true });
      upstream = up;
      this.track(up);
      up.setTimeout(connectTimeoutMs, () => up.destroy(new Error('connect timeout')));
      const failed = (err: Error) => {
        tried.add(endpointKey(ep));
        this.log.debug({ endpoint: endpointKey(ep), err: err.message }, 'endpoint dial failed; trying another');
        up.destroy();
        dial();
      };
      up.once('error', failed);
      up.once('connect', () => {
        up.off('error', failed);
        up.setTimeout(0);
        // A reset on one leg resets the other; orderly half-closes travel through pipe(), which
        // ends the other leg only after its buffered data is written.
        up.on('error', () => {
          if (!client.destroyed) client.resetAndDestroy();
        });
        client.pipe(up);
        up.pipe(client);
      });
    };
    dial();
  }
}
