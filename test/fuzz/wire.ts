/** Sending a fuzz request and reading the answer: HTTP/1.1 as bytes on a fresh TLS socket (so
 * malformed requests reach the server as they are) with a small response parser, and HTTP/2 on a
 * few shared sessions. Every outcome is an {@link Answer}, never a throw. */
import http2 from 'node:http2';
import tls from 'node:tls';
import type { FuzzRequest } from './requests.js';
import type { Prng } from './prng.js';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** The server's CA (PEM); undefined skips verification (a server given by address only). */
  readonly ca: string | undefined;
  readonly url: string;
}

export type Answer =
  | { readonly kind: 'answered'; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: Buffer; readonly complete: boolean }
  /** Closed or reset with no answer, or no answer within the time allowed. */
  | { readonly kind: 'closed' | 'timeout' }
  /** An HTTP/2 stream the server reset without an answer: the protocol's own refusal of a
   * malformed request (a `:path` with spaces or NUL, a header over a limit), with no place for a
   * body. */
  | { readonly kind: 'h2-reset'; readonly code: number }
  /** The client library would not send it (HTTP/2 header rules): nothing reached the server. */
  | { readonly kind: 'unsendable'; readonly why: string };

// Above kube-apiserver's 3 s wait for a resourceVersion from the future (then 504).
const ANSWER_TIMEOUT_MS = 4000;

export function tlsOptions(ep: Endpoint, alpn: string[]): tls.ConnectionOptions {
  return { host: ep.host, port: ep.port, ALPNProtocols: alpn, ...(ep.ca ? { ca: ep.ca, servername: ep.host.match(/^[\d.]+$/) ? undefined : ep.host } : { rejectUnauthorized: false }) };
}

/** The bytes of an HTTP/1.1 request as drawn (framing headers as drawn; chunked bodies encoded). */
export function http1Bytes(req: FuzzRequest): Buffer {
  if (req.raw) return req.raw;
  const lines = [`${req.method} ${req.target} HTTP/1.1`, 'Host: fuzz'];
  for (const [k, v] of req.headers) lines.push(`${k}: ${v}`);
  if (!req.headers.some(([k]) => k.toLowerCase() === 'connection')) lines.push('Connection: close');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  if (!req.body) return head;
  const te = req.headers.find(([k]) => k.toLowerCase() === 'transfer-encoding')?.[1] ?? '';
  if (!/chunked$/.test(te.trim())) return Buffer.concat([head, req.body]);
  const half = Math.floor(req.body.length / 2);
  const chunk = (b: Buffer) => (b.length ? [Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')] : []);
  return Buffer.concat([head, ...chunk(req.body.subarray(0, half)), ...chunk(req.body.subarray(half)), Buffer.from('0\r\n\r\n')]);
}

/** Parses as much of an HTTP/1.1 response as has arrived; undefined until the head is complete. */
function parseResponse(buf: Buffer, method: string, ended: boolean): Extract<Answer, { kind: 'answered' }> | undefined {
  let start = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', start);
    if (end < 0) return undefined;
    const [statusLine, ...lines] = buf.subarray(start, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(':');
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const rest = buf.subarray(end + 4);
    if (status >= 100 && status < 200) {
      start = end + 4;
      continue;
    }
    if (method === 'HEAD' || status === 204 || status === 304) return { kind: 'answered', status, headers, body: Buffer.alloc(0), complete: true };
    if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      return { kind: 'answered', status, headers, body: rest.subarray(0, n), complete: rest.length >= n };
    }
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const { body, complete } = dechunk(rest);
      return { kind: 'answered', status, headers, body, complete };
    }
    return { kind: 'answered', status, headers, body: rest, complete: ended };
  }
}

function dechunk(b: Buffer): { body: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', i);
    if (eol < 0) return { body: Buffer.concat(parts), complete: false };
    const size = parseInt(b.subarray(i, eol).toString('latin1'), 16);
    if (!Number.isFinite(size)) return { body: Buffer.concat(parts), complete: false };
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    if (b.length < eol + 2 + size + 2) return { body: Buffer.concat(parts), complete: false };
    parts.push(b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `req` over HTTP/1.1 (or as raw bytes) on a fresh TLS connection. */
export function sendHttp1(ep: Endpoint, req: FuzzRequest, r: Prng): Promise<Answer> {
  const bytes = http1Bytes(req);
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    let done = false;
    const socket = tls.connect(tlsOptions(ep, ['http/1.1']));
    const finish = (a: Answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(a);
    };
    const timer = setTimeout(() => finish(parseResponse(got, req.method, false) ?? { kind: 'timeout' }), ANSWER_TIMEOUT_MS);
    socket.on('error', () => undefined);
    socket.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c]);
      const a = parseResponse(got, req.method, false);
      if (a?.complete) finish(a);
    });
    socket.on('close', () => finish(parseResponse(got, req.method, true) ?? { kind: 'closed' }));
    socket.once('secureConnect', () => {
      void deliver(socket, bytes, req.delivery, r).catch(() => undefined);
    });
  });
}

async function deliver(socket: tls.TLSSocket, bytes: Buffer, delivery: FuzzRequest['delivery'], r: Prng): Promise<void> {
  switch (delivery) {
    case 'whole':
      socket.write(bytes);
      return;
    case 'slow': {
      const pieces = r.int(3, 12);
      const size = Math.ceil(bytes.length / pieces);
      for (let i = 0; i < bytes.length && !socket.destroyed; i += size) {
        socket.write(bytes.subarray(i, i + size));
        await sleep(r.int(2, 30));
      }
      return;
    }
    case 'abort':
    case 'half-close': {
      socket.write(bytes.subarray(0, r.int(0, bytes.length)));
      await sleep(r.int(0, 20));
      if (delivery === 'abort') socket.destroy();
      else socket.end();
      return;
    }
  }
}

/** A few HTTP/2 sessions shared by the run's HTTP/2 requests (as kubectl multiplexes). */
export class Http2Pool {
  private readonly sessions: (http2.ClientHttp2Session | undefined)[];
  private next = 0;

  constructor(private readonly ep: Endpoint, size: number) {
    this.sessions = new Array<http2.ClientHttp2Session | undefined>(size).fill(undefined);
  }

  private session(): http2.ClientHttp2Session {
    const i = this.next++ % this.sessions.length;
    let s = this.sessions[i];
    if (!s || s.closed || s.destroyed) {
      s = http2.connect(this.ep.url, { ...tlsOptions(this.ep, ['h2']), maxSendHeaderBlockLength: 2 << 20, maxHeaderListSize: 4 << 20 } as http2.SecureClientSessionOptions);
      s.on('error', () => undefined);
      s.unref();
      this.sessions[i] = s;
    }
    return s;
  }

  send(req: FuzzRequest, r: Prng): Promise<Answer> {
    return new Promise((resolve) => {
      let stream: http2.ClientHttp2Stream;
      const headers: http2.OutgoingHttpHeaders = { ':method': req.method, ':path': req.target };
      for (const [k, v] of req.headers) {
        const key = k.toLowerCase();
        const had = headers[key];
        headers[key] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [String(had), v];
      }
      try {
        stream = this.session().request(headers, { endStream: req.body === undefined });
      } catch (err) {
        return resolve({ kind: 'unsendable', why: (err as NodeJS.ErrnoException).code ?? String(err) });
      }
      let status = 0;
      let respHeaders: Record<string, string> = {};
      const chunks: Buffer[] = [];
      let done = false;
      const finish = (a: Answer) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
        resolve(a);
      };
      const answered = (complete: boolean): Answer =>
        status ? { kind: 'answered', status, headers: respHeaders, body: Buffer.concat(chunks), complete } : stream.rstCode ? { kind: 'h2-reset', code: stream.rstCode } : { kind: 'closed' };
      const timer = setTimeout(() => finish(status ? answered(false) : { kind: 'timeout' }), ANSWER_TIMEOUT_MS);
      stream.on('response', (h) => {
        status = Number(h[':status']);
        respHeaders = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));
      });
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => finish(answered(true)));
      stream.on('close', () => finish(answered(false)));
      stream.on('error', (err: NodeJS.ErrnoException) => {
        if (!status && (err.code === 'ERR_HTTP2_INVALID_HEADER_VALUE' || err.code === 'ERR_HTTP2_HEADER_SINGLE_VALUE' || err.code === 'ERR_HTTP2_INVALID_CONNECTION_HEADERS')) finish({ kind: 'unsendable', why: err.code });
      });
      if (req.body === undefined) return;
      if (req.delivery === 'abort') {
        stream.write(req.body.subarray(0, r.int(0, req.body.length)));
        setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), r.int(0, 20));
        return;
      }
      stream.end(req.body);
    });
  }

  close(): void {
    for (const s of this.sessions) s?.destroy();
  }
}
