/**
 * One UDP listener of the userspace proxy. UDP has no connections, so each client address:port
 * gets a session: its own socket towards the endpoint picked for its first datagram, replies sent
 * back from the service address. A session ends after `idleTimeoutMs` without traffic, or at once
 * when its endpoint leaves the service (the next datagram picks a live one).
 */
import dgram from 'node:dgram';
import type { Logger } from '../util/log.js';
import { endpointKey, type Endpoint, type RoundRobinBalancer } from './balancer.js';

interface Session {
  readonly upstream: dgram.Socket;
  readonly endpoint: Endpoint;
  lastActive: number;
}

export class UdpListener {
  private readonly socket = dgram.createSocket({ type: 'udp4' });
  private readonly sessions = new Map<string, Session>();
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly ip: string,
    readonly port: number,
    public balancer: RoundRobinBalancer,
    private readonly log: Logger,
    private readonly idleTimeoutMs: number,
  ) {
    this.socket.on('message', (msg, rinfo) => this.forward(msg, rinfo));
  }

  get connections(): number {
    return this.sessions.size;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind({ address: this.ip, port: this.port, exclusive: true }, () => {
        this.socket.off('error', reject);
        this.socket.on('error', (err) => this.log.warn({ listener: `udp ${this.ip}:${this.port}`, err: err.message }, 'listener error'));
        this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(this.idleTimeoutMs / 2, 5_000)));
        this.sweeper.unref();
        resolve();
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const key of [...this.sessions.keys()]) this.end(key);
    this.socket.close();
  }

  /** Ends sessions that idled out or whose endpoint left the service. */
  sweep(now = Date.now()): void {
    for (const [key, s] of this.sessions) {
      if (now - s.lastActive >= this.idleTimeoutMs || !this.balancer.has(endpointKey(s.endpoint))) this.end(key);
    }
  }

  private end(key: string): void {
    const s = this.sessions.get(key);
    if (!s) return;
    this.sessions.delete(key);
    s.upstream.close();
  }

  private forward(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const key = `${rinfo.address}:${rinfo.port}`;
    let s = this.sessions.get(key);
    if (s && !this.balancer.has(endpointKey(s.endpoint))) {
      this.end(key);
      s = undefined;
    }
    if (!s) {
      const endpoint = this.balancer.pick(rinfo.address);
      if (!endpoint) return; // nobody to answer: dropped, as a datagram to a closed port is
      const upstream = dgram.createSocket({ type: 'udp4' });
      const session: Session = { upstream, endpoint, lastActive: Date.now() };
      upstream.on('message', (reply, from) => {
        if (from.address !== endpoint.ip || from.port !== endpoint.port || this.closed) return;
        session.lastActive = Date.now();
        this.socket.send(reply, rinfo.port, rinfo.address);
      });
      upstream.on('error', (err) => {
        this.log.debug({ endpoint: endpointKey(endpoint), err: err.message }, 'udp session error');
        this.end(key);
      });
      this.sessions.set(key, session);
      s = session;
    }
    s.lastActive = Date.now();
    s.upstream.send(msg, s.endpoint.port, s.endpoint.ip);
  }
}
