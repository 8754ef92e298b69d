/** Small real backends on loopback for proxy tests: HTTP servers that say who they are, UDP
 * echoes, and clients that open a fresh connection per request. Loopback (127.0.0.0/8) only. */
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Backend {
  readonly ip: string;
  readonly port: number;
  readonly id: string;
  close(): Promise<void>;
}

/** An HTTP server on `ip` (port picked by the kernel, or `port`) answering its id. */
export async function httpBackend(ip: string, port = 0): Promise<Backend> {
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`${ip}:${(server.address() as AddressInfo).port}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => resolve());
  });
  const p = (server.address() as AddressInfo).port;
  return {
    ip,
    port: p,
    id: `${ip}:${p}`,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** Backends on `count` addresses `prefix.1 … prefix.count`, one shared port. */
export async function httpBackends(prefix: string, count: number): Promise<Backend[]> {
  const first = await httpBackend(`${prefix}.1`);
  const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => httpBackend(`${prefix}.${i + 2}`, first.port)));
  return [first, ...rest];
}

/** A UDP echo that prefixes replies with its id. */
export async function udpEcho(ip: string, port = 0): Promise<Backend> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(port, ip, () => resolve()));
  const p = sock.address().port;
  const id = `${ip}:${p}`;
  sock.on('message', (msg, rinfo) => sock.send(Buffer.concat([Buffer.from(`${id} `), msg]), rinfo.port, rinfo.address));
  return { ip, port: p, id, close: () => new Promise((r) => sock.close(() => r())) };
}

export interface GetOptions {
  readonly localAddress?: string;
  readonly agent?: http.Agent | false;
  readonly timeoutMs?: number;
}

/** GET / on a fresh connection (unless an agent is given); resolves with the body. */
export function get(ip: string, port: number, opts: GetOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ip, port, path: '/', agent: opts.agent ?? false, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? 5000, () => req.destroy(new Error(`timeout GET ${ip}:${port}`)));
    req.on('error', reject);
  });
}

/** `n` sequential GETs; how many each backend answered. */
export async function tally(ip: string, port: number, n: number, opts: GetOptions = {}): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const who = await get(ip, port, opts);
    counts.set(who, (counts.get(who) ?? 0) + 1);
  }
  return counts;
}

/** One datagram from a fresh client socket (or `sock`); resolves with the reply. */
export function udpAsk(ip: string, port: number, text: string, sock?: dgram.Socket, timeoutMs = 3000): Promise<string> {
  const s = sock ?? dgram.createSocket('udp4');
  return new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => {
      s.off('message', onMsg);
      reject(new Error(`no UDP reply from ${ip}:${port}`));
    }, timeoutMs);
    const onMsg = (msg: Buffer) => {
      clearTimeout(t);
      s.off('message', onMsg);
      resolve(msg.toString());
    };
    s.on('message', onMsg);
    s.send(text, port, ip);
  }).finally(() => {
    if (!sock) s.close();
  });
}
