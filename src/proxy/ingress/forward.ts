/**
 * Passing one request to an endpoint: hop-by-hop headers dropped, `X-Forwarded-For` (appended),
 * `-Proto`, `-Host` and `-Port` set, connections to endpoints kept alive and reused. A request
 * without a body that fails before any answer (the endpoint went away, a pooled connection it had
 * closed) is tried on the next endpoint, as nginx's proxy_next_upstream does, so a pod leaving a
 * rolling update costs no request. WebSocket (any `Upgrade`) requests get a raw two-way pipe.
 */
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Endpoint } from '../balancer.js';

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

export interface ForwardContext {
  readonly proto: 'http' | 'https';
  /** The port the client reached (for X-Forwarded-Port). */
  readonly port: number;
}

/** The request's headers for the endpoint (raw pairs keep repeated headers and their case). */
export function forwardedHeaders(req: http.IncomingMessage, ctx: ForwardContext, upgrade = false): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const drop = new Set(hopByHop);
  for (const token of String(req.headers.connection ?? '').split(',')) if (token.trim()) drop.add(token.trim().toLowerCase());
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || (drop.has(k) && !(upgrade && (k === 'upgrade' || k === 'connection')))) continue;
    out[k] = v;
  }
  const client = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${client}` : client;
  out['x-forwarded-proto'] = ctx.proto;
  out['x-forwarded-host'] = req.headers.host ?? '';
  out['x-forwarded-port'] = String(ctx.port);
  out['x-real-ip'] = client;
  if (upgrade) {
    out['connection'] = 'Upgrade';
    out['upgrade'] = String(req.headers.upgrade ?? '');
  }
  return out;
}

const retriable = (req: http.IncomingMessage): boolean =>
  ['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? '') && !req.headers['content-length'] && !req.headers['transfer-encoding'];

/** Sends `req` to the first endpoint that answers; `fail` when none does. */
export function forwardRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  endpoints: readonly Endpoint[],
  agent: http.Agent,
  ctx: ForwardContext,
  fail: (err: Error) => void,
): void {
  const headers = forwardedHeaders(req, ctx);
  const tries = retriable(req) ? endpoints.slice(0, 3) : endpoints.slice(0, 1);
  const attempt = (i: number): void => {
    const ep = tries[i]!;
    let answered = false;
    const up = http.request({ host: ep.ip, port: ep.port, method: req.method, path: req.url, headers, agent }, (upRes) => {
      answered = true;
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(upRes.headers)) if (v !== undefined && !hopByHop.has(k)) out[k] = v;
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, out);
      upRes.pipe(res);
      upRes.on('error', () => res.destroy());
    });
    up.on('error', (err) => {
      if (answered) {
        res.destroy();
        return;
      }
      if (i + 1 < tries.length && !res.headersSent) attempt(i + 1);
      else fail(err);
    });
    // A client that goes away takes its upstream request with it.
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    if (retriable(req)) up.end();
    else req.pipe(up);
  };
  attempt(0);
}

/** An `Upgrade` request (WebSocket): a raw connection to the endpoint, bytes piped both ways. */
export function forwardUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, ep: Endpoint, ctx: ForwardContext): void {
  const headers = forwardedHeaders(req, ctx, true);
  const up = net.connect(ep.port, ep.ip, () => {
    let text = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n`;
    for (const [k, v] of Object.entries(headers)) for (const one of Array.isArray(v) ? v : [v]) text += `${k}: ${one}\r\n`;
    up.write(`${text}\r\n`);
    if (head.length > 0) up.write(head);
    up.pipe(socket);
    socket.pipe(up);
  });
  const end = () => {
    up.destroy();
    socket.destroy();
  };
  up.on('error', () => {
    if (socket.writable) socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    end();
  });
  up.on('close', end);
  socket.on('error', end);
  socket.on('close', end);
}
