/**
 * How the REST client reaches the API server. HTTP/1.1: a keep-alive agent, one socket per
 * request in flight, one per watch. HTTP/2 (as client-go does by default): one TLS connection
 * per client carrying every request and watch as streams — no per-request socket, no limit of
 * sockets for watches to hold, cheaper per request. A lost HTTP/2 connection is replaced on the
 * next request.
 */
import http2 from 'node:http2';
import https from 'node:https';
import type { ClientConfig } from './config.js';

export interface Answer {
  readonly status: number;
  readonly text: string;
  /** The `Retry-After` header, when sent. */
  readonly retryAfter?: string | undefined;
}

/** A streaming response: `onStatus` first, then text chunks, then `onEnd` once. */
export interface StreamHandlers {
  onStatus(status: number, retryAfter?: string): void;
  onData(chunk: string): void;
  onEnd(err?: Error): void;
}

export interface Transport {
  request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer>;
  stream(path: string, headers: Record<string, string>, h: StreamHandlers): { stop(): void };
  close(): void;
}

/** The TLS options a config asks for: the CA to trust, and the client certificate if any. */
export function tlsOf(config: ClientConfig): { ca?: string; cert?: string; key?: string } {
  return {
    ...(config.ca ? { ca: config.ca } : {}),
    ...(config.cert && config.key ? { cert: config.cert, key: config.key } : {}),
  };
}

export class Http1Transport implements Transport {
  private readonly agent: https.Agent;

  constructor(private readonly config: ClientConfig, maxSockets: number) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets, ...tlsOf(config) });
  }

  request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = https.request(new URL(path, this.config.server), {
        method,
        agent: this.agent,
        headers: { ...headers, ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfter: headerText(res.headers['retry-after']) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  stream(path: string, headers: Record<string, string>, h: StreamHandlers): { stop(): void } {
    let ended = false;
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      h.onEnd(err);
    };
    const req = https.request(new URL(path, this.config.server), { agent: this.agent, headers }, (res) => {
      h.onStatus(res.statusCode ?? 0, headerText(res.headers['retry-after']));
      res.setEncoding('utf8');
      res.on('data', (c: string) => h.onData(c));
      res.on('end', () => end());
      res.on('close', () => end());
      res.on('error', (e) => end(e));
    });
    req.on('error', (e) => end(e));
    req.end();
    return {
      stop() {
        req.destroy();
        end();
      },
    };
  }

  close(): void {
    this.agent.destroy();
  }
}

export class Http2Transport implements Transport {
  private session: http2.ClientHttp2Session | undefined;
  private closed = false;
  private openStreams = 0;

  constructor(private readonly config: ClientConfig) {}

  private connect(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const session = http2.connect(this.config.server, tlsOf(this.config));
    // A broken connection fails its streams; the next request opens a new one.
    session.on('error', () => undefined);
    session.on('goaway', () => session.close());
    session.on('close', () => {
      if (this.session === session) this.session = undefined;
    });
    // Idle watches must not keep the process alive on their own, as with HTTP/1.1 agents.
    session.unref();
    this.session = session;
    return session;
  }

  private open(method: string, path: string, headers: Record<string, string>, hasBody: boolean): http2.ClientHttp2Stream {
    if (this.closed) throw new Error('client is closed');
    const h: http2.OutgoingHttpHeaders = { ':method': method, ':path': path };
    for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = v;
    const session = this.connect();
    // Say up front whether a body follows: Node would otherwise end GET/DELETE streams itself.
    const stream = session.request(h, { endStream: !hasBody });
    // Open streams keep the process alive, as sockets in use do; an idle session does not.
    if (this.openStreams++ === 0) session.ref();
    stream.once('close', () => {
      if (--this.openStreams === 0 && !session.destroyed) session.unref();
    });
    return stream;
  }

  request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        stream = this.open(method, path, headers, body !== undefined);
      } catch (err) {
        reject(err as Error);
        return;
      }
      let status = 0;
      let retryAfter: string | undefined;
      const chunks: Buffer[] = [];
      stream.on('response', (hdrs) => {
        status = Number(hdrs[':status'] ?? 0);
        retryAfter = headerText(hdrs['retry-after']);
      });
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString('utf8'), retryAfter }));
      stream.on('error', reject);
      if (body !== undefined) stream.end(body);
    });
  }

  stream(path: string, headers: Record<string, string>, h: StreamHandlers): { stop(): void } {
    let ended = false;
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      h.onEnd(err);
    };
    let stream: http2.ClientHttp2Stream | undefined;
    try {
      stream = this.open('GET', path, headers, false);
    } catch (err) {
      queueMicrotask(() => end(err as Error));
      return { stop: () => end() };
    }
    stream.setEncoding('utf8');
    stream.on('response', (hdrs) => h.onStatus(Number(hdrs[':status'] ?? 0), headerText(hdrs['retry-after'])));
    stream.on('data', (c: string) => h.onData(c));
    stream.on('end', () => end());
    stream.on('close', () => end());
    stream.on('error', (e) => end(e));
    return {
      stop() {
        stream?.close(http2.constants.NGHTTP2_CANCEL);
        end();
      },
    };
  }

  close(): void {
    this.closed = true;
    this.session?.destroy();
    this.session = undefined;
  }
}

function headerText(v: string | string[] | number | undefined): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[0] : String(v);
}
