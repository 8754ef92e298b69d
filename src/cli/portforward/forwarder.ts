/**
 * The client side of `skiff port-forward`: local listeners, and for each accepted connection
 * its own WebSocket to `pods/NAME/portforward?ports=R` (`v4.channel.k8s.io`: data on channel 0,
 * errors on 1, each opened by a two-byte port message). An error from the node ends the
 * forwarder, as kubectl ≥1.31 does ("lost connection to pod"). Unlike kubectl's SPDY streams,
 * the channels have no half-close: a local client's end of input is not passed on.
 */
import net from 'node:net';
import WebSocket from 'ws';
import type { ClientConfig } from '../../client/index.js';
import type { Writer } from '../kube/index.js';

export interface ForwardSpec {
  readonly config: ClientConfig;
  /** Path of the pod's portforward subresource, without the query. */
  readonly path: string;
  readonly out: Writer;
  readonly err: Writer;
}

export interface Forwarding {
  /** Resolves when the forwarder stops by itself (a lost connection), with its reason. */
  readonly lost: Promise<string>;
  close(): void;
}

/** Bytes queued towards the server before the local connection's reading pauses. */
const MAX_QUEUED = 1 << 20;

const bracket = (host: string): string => (host.includes(':') ? `[${host}]` : host);

function listen(host: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    // The local side's half-close is not passed on (v4 channels cannot say it): its connection
    // stays open for what the pod still sends, and ends when the pod's does.
    const server = net.createServer({ allowHalfOpen: true });
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: host.includes(':') }, () => resolve(server));
  });
}

/** Listens on every address for every pair; fails as kubectl does when none could listen. */
export async function startForwarding(spec: ForwardSpec, pairs: { local: number; remote: number }[], addresses: { host: string; required: boolean }[]): Promise<Forwarding> {
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  let lose: (why: string) => void = () => undefined;
  const lost = new Promise<string>((r) => (lose = r));
  const close = (): void => {
    for (const s of servers) s.close();
    for (const s of sockets) s.destroy();
  };
  for (const pair of pairs) {
    let listening = 0;
    const errors: string[] = [];
    for (const a of addresses) {
      let server: net.Server;
      try {
        server = await listen(a.host, pair.local);
      } catch (err) {
        const msg = `unable to create listener: Error listen tcp${a.host.includes(':') ? '6' : '4'} ${bracket(a.host)}:${pair.local}: ${(err as Error).message}`;
        if (a.required) {
          close();
          throw new Error(`Listeners failed to create with the following errors: [${msg}]`);
        }
        errors.push(msg);
        continue;
      }
      listening++;
      servers.push(server);
      pair.local = (server.address() as net.AddressInfo).port;
      spec.out.write(`Forwarding from ${bracket(a.host)}:${pair.local} -> ${pair.remote}\n`);
      server.on('connection', (sock) => {
        sockets.add(sock);
        sock.once('close', () => sockets.delete(sock));
        spec.out.write(`Handling connection for ${pair.local}\n`);
        handle(spec, sock, pair.local, pair.remote, (why) => {
          close();
          lose(why);
        });
      });
    }
    if (!listening) {
      close();
      throw new Error(`unable to listen on any of the requested ports: [${errors.join(' ')}]`);
    }
  }
  return { lost, close };
}

function handle(spec: ForwardSpec, sock: net.Socket, local: number, remote: number, fatal: (why: string) => void): void {
  const url = new URL(`${spec.path}?ports=${remote}`, spec.config.server.replace(/^http/, 'ws'));
  const ws = new WebSocket(url, ['v4.channel.k8s.io'], {
    ...(spec.config.ca ? { ca: spec.config.ca } : {}),
    ...(spec.config.cert ? { cert: spec.config.cert, key: spec.config.key } : {}),
    headers: spec.config.token ? { Authorization: `Bearer ${spec.config.token}` } : {},
  });
  const opened = [false, false];
  let error = '';
  sock.pause();
  ws.on('open', () => {
    sock.resume();
    sock.on('data', (chunk: Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      // A server slower than the local writer: reading waits until what is queued has left.
      ws.send(Buffer.concat([Buffer.of(0), chunk]), () => {
        if (ws.bufferedAmount < MAX_QUEUED) sock.resume();
      });
      if (ws.bufferedAmount >= MAX_QUEUED) sock.pause();
    });
    sock.on('drain', () => ws.resume());
  });
  ws.on('message', (raw: Buffer) => {
    const channel = raw[0];
    if (channel !== 0 && channel !== 1) return;
    // Each channel's first message names its port.
    if (!opened[channel]) {
      opened[channel] = true;
      return;
    }
    if (channel === 0) {
      if (!sock.write(raw.subarray(1))) ws.pause();
    }
    else error += raw.subarray(1).toString('utf8');
  });
  ws.on('unexpected-response', (_req, res) => {
    let body = '';
    res.on('data', (d: Buffer) => (body += d.toString()));
    res.on('end', () => {
      let message = body;
      try {
        message = String((JSON.parse(body) as { message?: unknown }).message ?? body);
      } catch {
        // not a Status
      }
      spec.err.write(`error: error upgrading connection: ${message}\n`);
      sock.destroy();
      fatal('error upgrading connection');
    });
  });
  ws.on('error', () => sock.destroy());
  ws.on('close', () => {
    sock.end();
    if (error) {
      spec.err.write(`an error occurred forwarding ${local} -> ${remote}: ${error}\n`);
      fatal('lost connection to pod');
    }
  });
  sock.on('error', () => undefined);
  sock.once('close', () => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
  });
}
