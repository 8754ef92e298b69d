/**
 * The proxy's byte path (kube-apiserver's upgrade-aware proxy handler): the client's request —
 * method, headers, body as it arrives — goes to the backend, and the backend's answer streams
 * back as it comes, flushed chunk by chunk. Hop-by-hop headers stay on their hop; the client's
 * credentials stay here (kube-apiserver drops them once authenticated). An `Upgrade` request
 * (a WebSocket to a pod) is relayed byte for byte after the backend's 101.
 */
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ServiceUnavailableError } from '../../api/errors.js';

export interface DialOptions {
  readonly method: string;
  /** Path and query on the backend. */
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
}

/** Opens the request to the backend (not yet ended). */
export type Dial = (options: DialOptions) => Promise<ClientRequest>;

const hopByHop: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Header pairs without hop-by-hop ones (and those the `Connection` header names). */
function endToEnd(raw: readonly string[], connection: string | undefined, drop: (name: string) => boolean = () => false): [string, string][] {
  const named = new Set((connection ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!, lower = name.toLowerCase();
    // HTTP/2 pseudo-headers (`:authority` …) belong to the client's hop too.
    if (lower.startsWith(':') || hopByHop.has(lower) || named.has(lower) || drop(lower)) continue;
    out.push([name, raw[i + 1]!]);
  }
  return out;
}

/** What the backend is sent: the client's end-to-end headers minus credentials, plus
 * X-Forwarded-For; an upgrade keeps its `Upgrade`. */
function backendHeaders(req: IncomingMessage, host: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const pairs = endToEnd(req.rawHeaders, req.headers.connection, (n) => n === 'authorization' || n === 'host' || n.startsWith('impersonate-'));
  for (const [name, value] of pairs) {
    const prev = headers[name];
    headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [String(prev), value];
  }
  const client = req.socket?.remoteAddress;
  const forwarded = req.headers['x-forwarded-for'];
  if (client) headers['X-Forwarded-For'] = forwarded ? `${String(forwarded)}, ${client}` : client;
  headers['Host'] = host;
  // A body of unknown length (HTTP/2, or chunked) goes on chunked: Node would otherwise send a
  // DELETE's or OPTIONS' body without any framing, and the backend would never see it.
  if (req.headers['content-length'] === undefined && hasBody(req)) headers['Transfer-Encoding'] = 'chunked';
  if (req.headers.upgrade) {
    headers['Connection'] = 'Upgrade';
    headers['Upgrade'] = req.headers.upgrade;
  }
  return headers;
}

function hasBody(req: IncomingMessage): boolean {
  const stream = (req as unknown as { stream?: { endAfterHeaders?: boolean } }).stream;
  if (stream) return !stream.endAfterHeaders;
  return req.headers['transfer-encoding'] !== undefined;
}

/** Go's wording for a failed dial, as kubectl users see it behind "error trying to reach service". */
function reachError(err: Error & { code?: string }, where: string): ServiceUnavailableError {
  const why = err.code === 'ECONNREFUSED' ? `dial tcp ${where}: connect: connection refused` : err.code === 'ETIMEDOUT' ? `dial tcp ${where}: i/o timeout` : err.message;
  return new ServiceUnavailableError(`error trying to reach service: ${why}`);
}

/** Relays `req` to the backend at `path`; resolves when the exchange is over (or either side left). */
export async function relay(req: IncomingMessage, res: ServerResponse, dial: Dial, path: string, where: string, hostHeader: string, location?: (value: string) => string): Promise<void> {
  const upgrade = Boolean(req.headers.upgrade);
  const up = await dial({ method: req.method ?? 'GET', path, headers: backendHeaders(req, hostHeader) });
  await new Promise<void>((resolve, reject) => {
    let answered = false;
    const clientGone = (): void => {
      up.destroy();
      resolve();
    };
    res.once('close', clientGone);
    up.once('response', (answer: IncomingMessage) => {
      answered = true;
      const pairs = endToEnd(answer.rawHeaders, answer.headers.connection);
      if (location) for (const p of pairs) if (p[0].toLowerCase() === 'location') p[1] = location(p[1]);
      // HTTP/2 has no reason phrase.
      if (req.httpVersionMajor >= 2) res.writeHead(answer.statusCode ?? 502, pairs.flat());
      else res.writeHead(answer.statusCode ?? 502, answer.statusMessage ?? '', pairs.flat());
      res.flushHeaders();
      answer.pipe(res);
      answer.once('end', resolve);
      // The backend broke off mid-answer: so does the client's, as the length cannot be kept.
      answer.once('aborted', () => res.destroy());
      answer.once('error', () => res.destroy());
    });
    up.once('upgrade', (answer: IncomingMessage, backend: Socket, head: Buffer) => {
      answered = true;
      const socket = res.socket;
      if (!socket || socket.destroyed) {
        backend.destroy();
        return resolve();
      }
      let text = `HTTP/1.1 101 ${answer.statusMessage ?? 'Switching Protocols'}\r\n`;
      for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) text += `${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}\r\n`;
      socket.write(text + '\r\n');
      if (head.length) socket.write(head);
      backend.pipe(socket);
      socket.pipe(backend);
      backend.on('error', () => socket.destroy());
      socket.on('error', () => backend.destroy());
      backend.once('close', () => socket.destroy());
      socket.once('close', () => {
        backend.destroy();
        resolve();
      });
    });
    up.once('error', (err: Error & { code?: string }) => {
      res.off('close', clientGone);
      if (answered || res.headersSent) {
        res.destroy();
        resolve();
      } else reject(reachError(err, where));
    });
    if (upgrade) up.end();
    else req.pipe(up);
  });
}
