/** Raw TLS connections to a test server, for what a well-behaved HTTP client never sends:
 * malformed request lines, oversized headers, bodies that stop halfway, connections that say
 * nothing at all. */
import tls from 'node:tls';
import type { ApiServer } from '../../src/apiserver/index.js';

/** Opens a TLS connection (ALPN `protocols`, default HTTP/1.1) and resolves once it is secure. */
export function connectTls(server: ApiServer, protocols: string[] = ['http/1.1']): Promise<tls.TLSSocket> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: u.hostname, port: Number(u.port), ca: server.caCert, ALPNProtocols: protocols }, () => resolve(socket));
    socket.once('error', reject);
  });
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Parses one HTTP/1.1 response (Content-Length framed, or up to the close). */
export function parseRawResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete response head in ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = text.slice(end + 4);
  if (headers['content-length'] !== undefined) body = body.slice(0, Number(headers['content-length']));
  return { status, headers, body };
}

/** Sends `bytes` on a fresh HTTP/1.1 TLS connection and reads until the server closes it. */
export async function rawExchange(server: ApiServer, bytes: string | Buffer): Promise<RawResponse> {
  const socket = await connectTls(server);
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.write(bytes);
  await closed;
  return parseRawResponse(Buffer.concat(chunks).toString('utf8'));
}

/** Resolves when `socket` closes, or rejects after `ms`. */
export function closedWithin(socket: { once(ev: 'close', fn: () => void): unknown }, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    socket.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
}
